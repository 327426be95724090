/**
 * `prune`: removes data no snapshot needs. Under an exclusive lock (no backup can be adding
 * packs meanwhile):
 *
 * 1. mark every blob a snapshot uses;
 * 2. classify packs: fully used (kept), unused (deleted), mostly garbage (repacked: the used
 *    blobs are copied, still sealed, into new packs), unindexed (left by killed backups: deleted);
 * 3. write the new packs, then one new index describing every kept blob, superseding all old
 *    index files; then delete the old index files; then the obsolete packs.
 *
 * A prune killed at any step leaves a consistent repository: until the old index files are
 * gone every pack they name still exists, and the new index never names a deleted pack.
 * Memory is bounded by the index (one entry per blob), not by the amount of data.
 */
import { createHash } from 'node:crypto';
import { CairnError } from '../errors.js';
import type { IndexFile, IndexPack } from '../format/index-file.js';
import { sealJson } from '../format/sealed-object.js';
import type { Repository } from '../repository/repository.js';
import { PackWriter } from '../repository/pack-writer.js';
import { MasterIndex } from '../repository/master-index.js';
import type { JobControl } from '../service-types.js';
import { throwIfCancelled } from '../util/cancel.js';
import { ProgressMeter } from '../util/progress-meter.js';
import { PackContents } from './pack-contents.js';
import { usedBlobs } from './used-blobs.js';

export interface PruneOptions {
  /** Repack a pack when at least this share of its bytes is unused (0–1). */
  repackThreshold?: number;
  dryRun?: boolean;
}

export interface PruneReport {
  packs_before: number;
  packs_deleted: number;
  packs_repacked: number;
  packs_written: number;
  bytes_freed: number;
  blobs_kept: number;
  blobs_removed: number;
  dry_run: boolean;
  /** Snapshot files that are damaged: left out, so data only they used counts as unused. */
  damaged_snapshots: string[];
}

export async function prune(
  repo: Repository,
  options: PruneOptions = {},
  control: JobControl = {},
): Promise<PruneReport> {
  const threshold = options.repackThreshold ?? 0.5;
  const meter = new ProgressMeter('prune', control.onProgress, control.progressIntervalMs);
  meter.setPhase('scanning');

  const indexFiles = await repo.target.list('index');
  const packs = new PackContents();
  // A damaged index file is replaced by the headers of the packs it described; the new index
  // below then describes them again, and the damaged file goes with the other old ones.
  await repo.loadIndex({ onPack: (p) => packs.add(p) });
  const onDisk = new Map((await repo.target.list('data')).map((p) => [p.name, p.size]));
  const used = await usedBlobs(repo, control.signal);
  // A damaged snapshot file can never be read again, so what it used is unknowable: prune goes
  // on without it and says so (its data is freed unless another snapshot uses it).
  const damagedSnapshots = repo.damage.ids('snapshot');

  // Classify. A blob stored in several packs is kept in the first pack that holds it.
  const kept = new Set<string>();
  const keep: IndexPack[] = [];
  const repack: IndexPack[] = [];
  const remove: string[] = [];
  let blobsRemoved = 0;
  for (const pack of packs.values()) {
    if (!onDisk.has(pack.id)) continue; // named by an index but gone: check reports it
    let usedBytes = 0;
    let totalBytes = 0;
    const needed = pack.blobs.filter((b) => {
      totalBytes += b.length;
      if (!used.has(b.id) || kept.has(b.id)) return false;
      kept.add(b.id);
      usedBytes += b.length;
      return true;
    });
    blobsRemoved += pack.blobs.length - needed.length;
    if (needed.length === pack.blobs.length) keep.push(pack);
    else if (needed.length === 0) remove.push(pack.id);
    else if (1 - usedBytes / totalBytes >= threshold) repack.push({ id: pack.id, blobs: needed });
    else keep.push({ id: pack.id, blobs: needed });
  }
  // Never write an index that leaves out a blob a snapshot needs: that blob would be lost for
  // good when the old index files go. A pack gone from disk (check names it) gets here too.
  const missing = [...used].filter((id) => !kept.has(id)).length;
  if (missing > 0) {
    throw new CairnError(
      'corrupt',
      `prune stopped: ${missing} blob(s) that snapshots use are in no pack on ${repo.target.displayName}; ` +
        'nothing was deleted. Run `cairn check` to see which snapshots and paths are affected, ' +
        'and `cairn repair snapshots` to remove what is lost from them',
    );
  }
  const unindexed = [...onDisk.keys()].filter((id) => !packs.has(id));
  const obsolete = [...remove, ...repack.map((p) => p.id), ...unindexed];
  const report: PruneReport = {
    packs_before: onDisk.size,
    packs_deleted: obsolete.length,
    packs_repacked: repack.length,
    packs_written: 0,
    bytes_freed: 0,
    blobs_kept: kept.size,
    blobs_removed: blobsRemoved,
    dry_run: options.dryRun ?? false,
    damaged_snapshots: damagedSnapshots,
  };
  const freedBefore = obsolete.reduce((sum, id) => sum + (onDisk.get(id) ?? 0), 0);
  // Packs a killed backup was still writing: nobody else writes now (exclusive lock).
  if (!options.dryRun) {
    await control.confirmLock?.();
    await repo.target.clearSpool();
  }
  const indexDamaged = repo.index.damagedFiles.size > 0;
  if (options.dryRun || (obsolete.length === 0 && indexFiles.length <= 1 && !indexDamaged)) {
    report.bytes_freed = options.dryRun ? freedBefore : 0;
    return report;
  }

  // 1. Repack: copy the used blobs, still sealed, into new packs.
  meter.setPhase('prune');
  meter.filesTotal = repack.length;
  const fresh = new MasterIndex();
  const writer = new PackWriter(
    repo.target,
    repo.key,
    fresh,
    undefined,
    undefined,
    Number.MAX_SAFE_INTEGER,
  );
  for (const pack of repack) {
    throwIfCancelled(control.signal);
    const bytes = await repo.target.load('data', pack.id);
    for (const b of pack.blobs) {
      await writer.add(
        b.id,
        b.type,
        Buffer.from(bytes.subarray(b.offset, b.offset + b.length)),
        b.raw_length,
      );
    }
    meter.files++;
    meter.bytes += bytes.length;
    meter.emit(true);
  }
  await writer.flushPacks();
  report.packs_written = writer.stats.packs;

  // 2. One index for everything kept, superseding every old index file.
  const all: IndexPack[] = [...keep, ...writer.takeUnindexed()];
  const newIndex: IndexFile = { packs: all, supersedes: indexFiles.map((f) => f.name) };
  const sealed = sealJson(repo.key.encrypt, newIndex);
  const newIndexId = createHash('sha256').update(sealed).digest('hex');
  await control.confirmLock?.();
  await repo.target.save('index', newIndexId, sealed);

  // 3. Old index files, then the packs nothing names any more.
  meter.setPhase('finishing');
  meter.files = 0;
  meter.filesTotal = indexFiles.length + obsolete.length;
  // Each deletion first confirms the exclusive lock: had this process been frozen long enough
  // for a backup to take over, that backup may rely on exactly what would be deleted.
  for (const f of indexFiles) {
    throwIfCancelled(control.signal);
    await control.confirmLock?.();
    if (f.name !== newIndexId) await repo.target.remove('index', f.name);
    meter.files++;
    meter.emit(true);
  }
  for (const id of obsolete) {
    throwIfCancelled(control.signal);
    await control.confirmLock?.();
    await repo.target.remove('data', id);
    report.bytes_freed += onDisk.get(id) ?? 0;
    meter.files++;
    meter.emit(true);
  }
  meter.emit(true);
  return report;
}
