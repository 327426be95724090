/**
 * `repair snapshots`: makes every snapshot restorable again by giving up what is lost, as
 * restic's `repair snapshots --forget` does. Under the exclusive lock:
 *
 * 1. damaged snapshot files are removed (they can never be read again);
 * 2. each snapshot's trees are walked; a file that needs a blob no stored pack holds, and a
 *    folder whose tree cannot be read, are left out of a rewritten tree (unchanged subtrees keep
 *    their ids, so nothing else is stored twice);
 * 3. a snapshot that lost something is saved again as a repaired snapshot — same time, host,
 *    group, paths and sources, tagged `repaired`, marked incomplete with a note of what was
 *    removed, `original` naming the snapshot it replaces — and then the original is removed.
 *    A snapshot with nothing readable left is only removed.
 *
 * A kill at any point leaves a usable repository: new trees go packs → index before any
 * snapshot names them, and a repaired snapshot is saved before its original goes. A run after a
 * kill finds the repaired snapshot (by `original`) and only removes the original.
 *
 * Blobs count as missing when no readable index file or pack header names them or their pack is
 * gone; run `repair index` first when packs are damaged.
 */
import type { Snapshot } from '../../../shared/domain.js';
import type { Tree, TreeNode } from '../format/tree.js';
import { isPermanentDamage } from '../repository/damage.js';
import type { Repository } from '../repository/repository.js';
import type { JobControl } from '../operation-types.js';
import { readSnapshot, saveSnapshot, type StoredSnapshot } from '../snapshots/snapshot-store.js';
import { throwIfCancelled } from '../util/cancel.js';
import { ProgressMeter } from '../util/progress-meter.js';
import type { RemovedItem, RepairSnapshotsReport, SnapshotRepair } from '../../../shared/repair.js';

export const REPAIRED_TAG = 'repaired';

export type { RemovedItem, RepairSnapshotsReport, SnapshotRepair } from '../../../shared/repair.js';

/** At most this many removed paths are listed in a repaired snapshot's note. */
const NOTE_LINES = 20;

interface TreeRepair {
  /** The repaired tree's id (the same id when nothing was lost), or null when unreadable. */
  id: string | null;
  reason?: string;
  removed: RemovedItem[];
}

export async function repairSnapshots(
  repo: Repository,
  options: { dryRun?: boolean } = {},
  control: JobControl = {},
): Promise<RepairSnapshotsReport> {
  const dryRun = options.dryRun ?? false;
  const meter = new ProgressMeter('check', control.onProgress, control.progressIntervalMs);
  // This report names damaged snapshot files itself; other damage still warns as it is met.
  const warn = repo.damage.listener;
  repo.damage.listener = (w) => {
    if (w.kind !== 'snapshot') warn?.(w);
  };

  const files = await repo.target.list('snapshots');
  const snapshots: Snapshot[] = [];
  for (const f of files) {
    const snap = await readSnapshot(repo, f.name);
    if (snap) snapshots.push(snap);
  }
  snapshots.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : 1));
  const damagedFiles = repo.damage.warnings
    .filter((w) => w.kind === 'snapshot')
    .map((w) => ({ id: w.id, reason: w.reason }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  // Snapshots first, index second (as everywhere); blobs whose pack is gone count as missing.
  await repo.loadIndex({ forWriting: true });

  const memo = new Map<string, Promise<TreeRepair>>();
  const repairTree = (id: string): Promise<TreeRepair> => {
    let done = memo.get(id);
    if (!done) memo.set(id, (done = rewriteTree(repo, id, repairTree, dryRun, control.signal)));
    return done;
  };
  meter.filesTotal = snapshots.length;
  const repairs: SnapshotRepair[] = [];
  const newRoots = new Map<SnapshotRepair, string>();
  for (const snap of snapshots) {
    throwIfCancelled(control.signal);
    meter.current = snap.short_id;
    const root = await repairTree(snap.tree);
    if (root.id === null) {
      const reason = root.reason ?? 'unreadable';
      repairs.push({ original: snap, repaired: null, removed: [{ path: '/', reason }] });
    } else if (root.removed.length > 0) {
      const removed = root.removed.map((r) => ({ path: `/${r.path}`, reason: r.reason }));
      const repair: SnapshotRepair = { original: snap, repaired: null, removed };
      repairs.push(repair);
      newRoots.set(repair, root.id);
    }
    meter.files++;
    meter.emit();
  }
  const report: RepairSnapshotsReport = {
    dry_run: dryRun,
    snapshots_checked: snapshots.length,
    damaged_snapshot_files: damagedFiles,
    repaired: repairs,
  };
  repo.damage.listener = warn;
  if (dryRun) {
    meter.emit(true);
    return report;
  }

  meter.files = 0;
  meter.current = null;
  meter.filesTotal = damagedFiles.length + repairs.length;
  meter.setPhase('finishing');
  // The new trees' packs and index, before any snapshot names them.
  await control.confirmLock?.();
  await repo.flush();
  for (const f of damagedFiles) {
    await control.confirmLock?.();
    await repo.target.remove('snapshots', f.id);
    meter.files++;
    meter.emit(true);
  }
  const replacements = new Map(
    snapshots.filter((s) => s.original).map((s) => [s.original as string, s] as const),
  );
  for (const r of repairs) {
    throwIfCancelled(control.signal);
    const rootId = newRoots.get(r);
    if (rootId !== undefined) {
      // A run killed between saving the repaired snapshot and removing the original left it.
      r.repaired =
        replacements.get(r.original.id) ??
        (await saveSnapshot(repo, repairedSnapshot(r.original, rootId, r.removed)));
      meter.current = r.repaired.short_id;
      meter.emit(true);
    }
    await control.confirmLock?.();
    await repo.target.remove('snapshots', r.original.id);
    meter.files++;
    meter.emit(true);
  }
  meter.emit(true);
  return report;
}

async function rewriteTree(
  repo: Repository,
  id: string,
  repairTree: (id: string) => Promise<TreeRepair>,
  dryRun: boolean,
  signal: AbortSignal | undefined,
): Promise<TreeRepair> {
  throwIfCancelled(signal);
  let tree: Tree;
  try {
    tree = await repo.loadTree(id);
  } catch (err) {
    if (!isPermanentDamage(err) && !(err instanceof SyntaxError)) throw err;
    return { id: null, reason: (err as Error).message, removed: [] };
  }
  const nodes: TreeNode[] = [];
  const removed: RemovedItem[] = [];
  for (const node of tree.nodes) {
    const content = node.content ?? [];
    const missing = content.filter((blob) => !repo.index.lookup(blob)).length;
    if (missing > 0) {
      removed.push({
        path: node.name,
        reason: `${missing} of ${content.length} chunk(s) missing`,
      });
      continue;
    }
    if (node.type === 'dir' && node.subtree) {
      const sub = await repairTree(node.subtree);
      if (sub.id === null) {
        removed.push({ path: `${node.name}/`, reason: `folder unreadable: ${sub.reason}` });
        continue;
      }
      for (const r of sub.removed)
        removed.push({ path: `${node.name}/${r.path}`, reason: r.reason });
      if (sub.id !== node.subtree) {
        nodes.push({ ...node, subtree: sub.id });
        continue;
      }
    }
    nodes.push(node);
  }
  if (removed.length === 0) return { id, removed };
  // Nothing is stored on a dry run; the id only has to differ from the original's.
  const newId = dryRun ? `${id}-repaired` : await repo.saveTree({ ...tree, nodes });
  return { id: newId, removed };
}

function repairedSnapshot(
  original: Snapshot,
  tree: string,
  removed: readonly RemovedItem[],
): StoredSnapshot {
  const { id, short_id: _shortId, ...stored } = original;
  const note = removed
    .slice(0, NOTE_LINES)
    .map((r) => `removed by repair: ${r.path} (${r.reason})`);
  if (removed.length > NOTE_LINES)
    note.push(`removed by repair: … and ${removed.length - NOTE_LINES} more`);
  return {
    ...stored,
    tree,
    tags: stored.tags.includes(REPAIRED_TAG) ? stored.tags : [...stored.tags, REPAIRED_TAG],
    incomplete: true,
    incomplete_reasons: [...stored.incomplete_reasons, ...note],
    original: id,
  };
}
