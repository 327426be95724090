/**
 * What `repair index` and `repair snapshots` report, and the words for it: the CLI prints these
 * lines and the app's repair job shows them, so both say the same thing about the same damage.
 */
import type { Snapshot } from './domain.js';

export interface DamagedFile {
  id: string;
  reason: string;
}

export interface SalvagedPack {
  id: string;
  reason: string;
  blobs_kept: number;
  blobs_lost: number;
}

export interface RepairIndexReport {
  dry_run: boolean;
  /** Index files before the repair, and those of them that are damaged. */
  index_files_before: number;
  damaged_index_files: DamagedFile[];
  packs_read: number;
  /** Packs whose header cannot be read: left out of the new index. */
  damaged_packs: DamagedFile[];
  /**
   * With readData: packs with blobs that fail verification; their sound blobs are copied into
   * new packs and the damaged pack is left out of the new index (`prune` deletes it).
   */
  salvaged_packs: SalvagedPack[];
  /** Packs no readable index file described (now described again). */
  packs_added: number;
  /** Packs readable index files named that are no longer stored (now dropped). */
  packs_missing: string[];
  /** Index files written (or that would be), the packs and the blobs they describe. */
  index_files_written: number;
  packs_indexed: number;
  blobs: number;
}

export interface RemovedItem {
  /** In the snapshot's restore layout; a folder ends in `/`. */
  path: string;
  reason: string;
}

export interface SnapshotRepair {
  /** The damaged snapshot (removed, or that would be). */
  original: Snapshot;
  /** Its replacement; null when nothing readable was left (or on a dry run). */
  repaired: Snapshot | null;
  removed: RemovedItem[];
}

export interface RepairSnapshotsReport {
  dry_run: boolean;
  snapshots_checked: number;
  /** Snapshot files that could not be read at all: removed. */
  damaged_snapshot_files: DamagedFile[];
  /** Snapshots that needed missing data, oldest first. */
  repaired: SnapshotRepair[];
}

/** Whether the index repair found anything lost (so snapshots need repairing and prune). */
export function indexRepairLostData(r: RepairIndexReport): boolean {
  return r.damaged_packs.length + r.salvaged_packs.length + r.packs_missing.length > 0;
}

/** The index repair, a line per damaged file and a line of totals. */
export function indexRepairLines(r: RepairIndexReport): string[] {
  const out: string[] = [];
  for (const f of r.damaged_index_files)
    out.push(`index file ${f.id.slice(0, 12)} is damaged (${f.reason})`);
  for (const p of r.damaged_packs)
    out.push(`pack ${p.id} is damaged (${p.reason}): what it holds is left out`);
  for (const p of r.salvaged_packs)
    out.push(
      `pack ${p.id} is damaged (${p.reason}): ${p.blobs_kept} sound blob(s) ` +
        `${r.dry_run ? 'would be ' : ''}copied into a new pack, ${p.blobs_lost} lost`,
    );
  for (const id of r.packs_missing) out.push(`pack ${id} is gone: left out`);
  out.push(
    `read ${r.packs_read} pack header(s); ${r.packs_added} pack(s) no readable index file described`,
  );
  const [would, verb] = r.dry_run ? ['would ', 'replace'] : ['', 'replaced'];
  out.push(
    `${would}write ${r.index_files_written} index file(s) describing ${r.packs_indexed} pack(s), ${r.blobs} blob(s); ` +
      `${would}${verb} ${r.index_files_before} old index file(s)`,
  );
  return out;
}

/** How many snapshots the snapshot repair changed (or would). */
export function snapshotsRepairChanges(r: RepairSnapshotsReport): number {
  return r.damaged_snapshot_files.length + r.repaired.length;
}

/** The snapshot repair: each damaged snapshot with what it loses, then the totals. */
export function snapshotsRepairLines(r: RepairSnapshotsReport): string[] {
  const out: string[] = [];
  const would = r.dry_run ? 'would be ' : '';
  for (const f of r.damaged_snapshot_files)
    out.push(`snapshot file ${f.id.slice(0, 8)} is damaged (${f.reason}): ${would}removed`);
  for (const rep of r.repaired) {
    const s = rep.original;
    out.push(`snapshot ${s.short_id} of ${s.paths.join(', ') || s.group} at ${s.time}:`);
    for (const item of rep.removed)
      out.push(`  ${r.dry_run ? 'would remove' : 'removed'} ${item.path} (${item.reason})`);
    if (rep.removed.some((item) => item.path === '/'))
      out.push(`  nothing readable is left: snapshot ${s.short_id} ${would}removed`);
    else if (r.dry_run)
      out.push(`  would be saved as a repaired snapshot, and ${s.short_id} removed`);
    else
      out.push(
        `  saved as repaired snapshot ${rep.repaired?.short_id ?? '?'}; ${s.short_id} removed`,
      );
  }
  out.push(
    snapshotsRepairChanges(r) === 0
      ? `checked ${r.snapshots_checked} snapshot(s): nothing to repair`
      : `checked ${r.snapshots_checked} snapshot(s): ${r.repaired.length} ${would}repaired, ` +
          `${r.damaged_snapshot_files.length} damaged snapshot file(s) ${would}removed`,
  );
  return out;
}
