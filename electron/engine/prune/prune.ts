/**
 * `prune`: removes data no snapshot needs. Under an exclusive lock (no backup can be adding
 * packs meanwhile):
 *
 * 1. mark every blob a snapshot uses;
 * 2. classify packs: fully used (kept), unused (deleted), mostly garbage (repacked: the used
 *    blobs are checked and copied, still sealed, into new packs), unindexed (left by killed
 *    backups: deleted);
 * 3. free space before writing anything, so that prune runs on a full disk: spool files and
 *    unindexed packs go first, then the index files that name only packs holding no used blob,
 *    then those packs;
 * 4. write the new packs, then one new index describing every kept blob, superseding the old
 *    index files that remain; then delete those; then the packs nothing names any more.
 *
 * A prune killed at any step leaves a consistent repository: an index file goes before the
 * packs it names, so no index ever names a deleted pack that a backup could deduplicate
 * against; until the old index files are gone every pack they name still exists, and the new
 * index never names a deleted pack. Memory is bounded by the index (one entry per blob), not
 * by the amount of data.
 */
import { createHash } from 'node:crypto';
import { CairnError, errorMessage } from '../errors.js';
import type { IndexFile, IndexPack } from '../format/index-file.js';
import { sealJson } from '../format/sealed-object.js';
import type { Repository } from '../repository/repository.js';
import type { JobControl, PruneReport } from '../operation-types.js';
import { throwIfCancelled } from '../util/cancel.js';
import { ProgressMeter } from '../util/progress-meter.js';
import { PackContents } from './pack-contents.js';
import { repack as repackPacks } from './repack.js';
import { usedBlobs } from './used-blobs.js';

export interface PruneOptions {
  /** Repack a pack when at least this share of its bytes is unused (0–1). */
  repackThreshold?: number;
  dryRun?: boolean;
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
  await repo.loadIndex({ onPack: (p, indexFile) => packs.add(p, indexFile) });
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
  /** Packs (on disk or not) that hold no blob any snapshot uses. */
  const unused = new Set<string>();
  let blobsRemoved = 0;
  for (const pack of packs.values()) {
    if (!pack.blobs.some((b) => used.has(b.id))) unused.add(pack.id);
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
  // What can go before anything is written: index files that name only unused packs, and the
  // unused packs that only such index files name.
  const packsOfIndex = new Map<string, string[]>(indexFiles.map((f) => [f.name, []]));
  for (const id of packs.packIds())
    for (const name of packs.indexFilesOf(id)) packsOfIndex.get(name)?.push(id);
  // A damaged index file is never among them: until the new index describes the packs it
  // named (read from their headers), deleting it would leave them unindexed.
  const deadIndexFiles = [...packsOfIndex]
    .filter(
      ([name, ids]) => !repo.index.damagedFiles.has(name) && ids.every((id) => unused.has(id)),
    )
    .map(([name]) => name);
  const dead = new Set(deadIndexFiles);
  const earlyPacks = remove.filter(
    (id) => unused.has(id) && packs.indexFilesOf(id).every((name) => dead.has(name)),
  );
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
  if (options.dryRun) {
    report.bytes_freed = obsolete.reduce((sum, id) => sum + (onDisk.get(id) ?? 0), 0);
    return report;
  }

  const deleted = new Set<string>();
  try {
    // 1. Free space first: on a full disk nothing below could be written otherwise. Spool
    // files and unindexed packs are what killed or failed backups left (nobody else writes
    // now: exclusive lock); no index names them.
    meter.setPhase('prune');
    await control.confirmLock?.();
    await repo.target.clearSpool();
    const deleteIndexFile = async (name: string): Promise<void> => {
      throwIfCancelled(control.signal);
      // Each deletion first confirms the exclusive lock: had this process been frozen long
      // enough for a backup to take over, that backup may rely on what would be deleted.
      await control.confirmLock?.();
      await repo.target.remove('index', name);
      meter.files++;
      meter.emit(true);
    };
    const deletePack = async (id: string): Promise<void> => {
      throwIfCancelled(control.signal);
      await control.confirmLock?.();
      await repo.target.remove('data', id);
      deleted.add(id);
      report.bytes_freed += onDisk.get(id) ?? 0;
      meter.files++;
      meter.emit(true);
    };
    meter.filesTotal = unindexed.length + deadIndexFiles.length + earlyPacks.length;
    for (const id of unindexed) await deletePack(id);
    for (const name of deadIndexFiles) await deleteIndexFile(name);
    for (const id of earlyPacks) await deletePack(id);

    const oldIndexFiles = indexFiles.map((f) => f.name).filter((name) => !dead.has(name));
    const rest = obsolete.filter((id) => !deleted.has(id));
    if (rest.length === 0 && oldIndexFiles.length <= 1 && repo.index.damagedFiles.size === 0) {
      meter.emit(true);
      return report;
    }

    // 2. Repack: copy the used blobs, each checked first, still sealed, into new packs.
    meter.files = 0;
    meter.filesTotal = repack.length;
    const repacked = await repackPacks(repo, repack, packs, onDisk, meter, control.signal);
    report.packs_written = repacked.written.length;
    report.packs_repacked = repacked.repacked.length;

    // 3. One index for everything kept, superseding every old index file that remains.
    const all: IndexPack[] = [...keep, ...repacked.kept, ...repacked.written];
    const newIndex: IndexFile = { packs: all, supersedes: oldIndexFiles };
    const sealed = sealJson(repo.key.encrypt, newIndex);
    const newIndexId = createHash('sha256').update(sealed).digest('hex');
    await control.confirmLock?.();
    await repo.target.save('index', newIndexId, sealed);

    // 4. Old index files, then the packs nothing names any more.
    const stillNamed = new Set(repacked.kept.map((p) => p.id));
    const toDelete = rest.filter((id) => !stillNamed.has(id));
    report.packs_deleted = deleted.size + toDelete.length;
    meter.setPhase('finishing');
    meter.files = 0;
    meter.filesTotal = oldIndexFiles.length + toDelete.length;
    for (const name of oldIndexFiles) {
      if (name === newIndexId) {
        meter.files++;
        continue;
      }
      await deleteIndexFile(name);
    }
    for (const id of toDelete) await deletePack(id);
    meter.emit(true);
    return report;
  } catch (err) {
    throw deleted.size > 0 ? new PruneStopped(err, deleted.size) : err;
  }
}

/** A prune that failed after it had deleted packs: the message says how many went. */
export class PruneStopped extends CairnError {
  constructor(
    cause: unknown,
    readonly packsDeleted: number,
  ) {
    super(
      cause instanceof CairnError ? cause.kind : 'failure',
      `prune deleted ${packsDeleted} unused pack(s) before it stopped: ${errorMessage(cause)}`,
      { cause },
    );
  }
}
