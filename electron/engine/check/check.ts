/**
 * `check`: structure (index files readable, every pack the index names exists, every snapshot
 * and tree readable, every blob they reference indexed) and, with readData, every pack read,
 * hashed, and every blob decrypted and verified against its id. Damage is reported naming the
 * pack and the snapshots and paths that depend on it.
 */
import { errorMessage } from '../errors.js';
import type { Tree } from '../format/tree.js';
import type { PackVerdict } from '../pipeline/worker-messages.js';
import { WorkerPool } from '../pipeline/worker-pool.js';
import type { Repository } from '../repository/repository.js';
import { forEachConcurrently } from '../util/concurrency.js';
import type { CheckProblem, CheckReport, CheckRequest, JobControl } from '../operation-types.js';
import { readSnapshot } from '../snapshots/snapshot-store.js';
import { throwIfCancelled } from '../util/cancel.js';
import { ProgressMeter } from '../util/progress-meter.js';
import { choosePacksToRead } from './read-subset.js';

export async function checkRepository(
  repo: Repository,
  request: CheckRequest,
  control: JobControl = {},
): Promise<CheckReport> {
  const problems: CheckProblem[] = [];
  const meter = new ProgressMeter('check', control.onProgress, control.progressIntervalMs);
  // Snapshots are listed before the index is read. Backups may run meanwhile (check's lock is
  // shared), and each writes its index before its snapshot, so every snapshot listed here has
  // its index file in the listing below; the other way round, a backup finishing in between
  // would look like damage.
  const snapshotFiles = await repo.target.list('snapshots');

  // Key files: a damaged one is named even while another password's slot opens the repository.
  for (const slot of await repo.listKeySlots()) {
    if (!slot.damaged) continue;
    problems.push({
      kind: 'key',
      id: slot.id,
      message:
        `key file keys/${slot.id.slice(0, 8)} is damaged (${slot.damaged})` +
        (slot.current ? '; it still opens: `cairn key passwd` replaces it with a sound one' : ''),
    });
  }

  // A damaged index file is a problem; the packs it described are read from their headers.
  await repo.loadIndex();
  const onDisk = new Map((await repo.target.list('data')).map((p) => [p.name, p.size]));
  const damagedPacks = new Map<string, string>();
  // Packs lost as a whole (missing, unreadable header), and single damaged blobs in packs
  // whose other blobs are still sound.
  const wholePacks = new Set<string>();
  const damagedBlobs = new Set<string>();
  for (const pack of repo.index.packIds()) {
    if (!onDisk.has(pack)) {
      damagedPacks.set(pack, 'missing');
      wholePacks.add(pack);
    }
  }

  let packsRead = 0;
  if (request.readData || request.readDataSubset) {
    const all = [...repo.index.packIds()].filter((p) => onDisk.has(p)).sort();
    const subset = request.readDataSubset
      ? await choosePacksToRead(repo, all, request.readDataSubset)
      : undefined;
    const chosen = subset ? subset.chosen : all;
    meter.bytesTotal = chosen.reduce((sum, p) => sum + (onDisk.get(p) ?? 0), 0);
    meter.filesTotal = chosen.length;
    const pool = new WorkerPool(repo.key);
    try {
      // Local packs are read by the workers themselves: keep each one a pack ahead. Others
      // travel whole through this thread, so fewer at once.
      const ahead = repo.target.localPath ? pool.size * 2 : 2;
      await forEachConcurrently(chosen, ahead, async (packId) => {
        throwIfCancelled(control.signal);
        const damage = await readPack(repo, pool, packId);
        if (damage) {
          damagedPacks.set(packId, damage.reason);
          if (damage.blobs) for (const id of damage.blobs) damagedBlobs.add(id);
          else wholePacks.add(packId);
        }
        packsRead++;
        meter.files++;
        meter.bytes += onDisk.get(packId) ?? 0;
        meter.emit();
      });
    } finally {
      await pool.close();
    }
    await subset?.done();
  }
  for (const [id, loc] of repo.index.entries()) if (wholePacks.has(loc.pack)) damagedBlobs.add(id);

  // Walk every snapshot: which ones (and which paths) depend on missing or damaged blobs.
  const dependents = new Map<string, { snapshots: Set<string>; paths: Set<string> }>();
  const note = (pack: string, snapshot: string, p: string): void => {
    let d = dependents.get(pack);
    if (!d) dependents.set(pack, (d = { snapshots: new Set(), paths: new Set() }));
    d.snapshots.add(snapshot);
    if (d.paths.size < 100) d.paths.add(p);
  };
  let snapshots = 0;
  for (const f of snapshotFiles) {
    // A damaged one is named below (repo.damage); one removed meanwhile is no problem.
    const snap = await readSnapshot(repo, f.name);
    if (!snap) continue;
    snapshots++;
    const visit = async (treeId: string, p: string): Promise<void> => {
      const loc = repo.index.lookup(treeId);
      if (!loc) {
        problems.push({
          kind: 'tree',
          id: treeId,
          message: `tree ${treeId.slice(0, 12)} for ${p} is not in the index`,
          snapshots: [snap.short_id],
          paths: [p],
        });
        return;
      }
      if (damagedBlobs.has(treeId)) {
        note(loc.pack, snap.short_id, p);
        return;
      }
      let tree: Tree;
      try {
        tree = await repo.loadTree(treeId);
      } catch (err) {
        damagedPacks.set(loc.pack, damagedPacks.get(loc.pack) ?? errorMessage(err));
        note(loc.pack, snap.short_id, p);
        return;
      }
      for (const node of tree.nodes) {
        const child = p === '/' ? `/${node.name}` : `${p}/${node.name}`;
        if (node.type === 'dir' && node.subtree) await visit(node.subtree, child);
        for (const id of node.content ?? []) {
          const blob = repo.index.lookup(id);
          if (!blob) {
            problems.push({
              kind: 'blob',
              id,
              message: `data blob ${id.slice(0, 12)} of ${child} is not in the index`,
              snapshots: [snap.short_id],
              paths: [child],
            });
          } else if (damagedBlobs.has(id)) {
            note(blob.pack, snap.short_id, child);
          }
        }
      }
    };
    await visit(snap.tree, '/');
  }

  for (const w of repo.damage.warnings) {
    const name = w.id.slice(0, 12);
    const message = {
      snapshot: `snapshot file ${name} is damaged (${w.reason}); \`cairn repair snapshots\` removes it`,
      index: `index file ${name} is damaged (${w.reason}); \`cairn repair index\` rebuilds the index without it`,
      pack: `pack ${name} is damaged (${w.reason}) and no index file describes it`,
    }[w.kind];
    problems.push({ kind: w.kind, id: w.id, message });
  }
  for (const [pack, reason] of damagedPacks) {
    const d = dependents.get(pack);
    const snaps = d ? [...d.snapshots].sort() : [];
    problems.push({
      kind: 'pack',
      id: pack,
      message:
        `pack ${pack.slice(0, 12)} is damaged (${reason})` +
        (snaps.length ? `; affects snapshots ${snaps.join(', ')}` : '; no snapshot uses it'),
      snapshots: snaps,
      paths: d ? [...d.paths] : [],
    });
  }
  meter.emit(true);
  return {
    ok: problems.length === 0,
    snapshots,
    packs: repo.index.packIds().size,
    packs_read: packsRead,
    blobs: repo.index.size,
    problems,
  };
}

interface PackDamage {
  reason: string;
  /** The damaged blobs, or undefined when none of the pack can be trusted. */
  blobs?: string[];
}

/** Reads one pack and has a worker verify every blob; returns the damage, or undefined when sound. */
async function readPack(
  repo: Repository,
  pool: WorkerPool,
  packId: string,
): Promise<PackDamage | undefined> {
  const local = repo.target.localPath?.('data', packId);
  let verdict: PackVerdict;
  if (local) {
    try {
      verdict = await pool.verifyPackFile(local, packId);
    } catch (err) {
      // Only a system error (it has a code) means the pack could not be read.
      if ((err as NodeJS.ErrnoException).code === undefined) throw err;
      return { reason: `unreadable: ${errorMessage(err)}` };
    }
  } else {
    let pack: Buffer;
    try {
      pack = await repo.target.load('data', packId);
    } catch (err) {
      return { reason: `unreadable: ${errorMessage(err)}` };
    }
    verdict = await pool.verifyPack(pack, packId);
  }
  if (!verdict.blobs) return { reason: verdict.headerError ?? 'unreadable header' };
  const bad = new Set(verdict.bad);
  for (const b of verdict.blobs) {
    const indexed = repo.index.lookup(b.id);
    if (
      indexed &&
      indexed.pack === packId &&
      (indexed.offset !== b.offset ||
        indexed.length !== b.length ||
        indexed.raw_length !== b.raw_length)
    )
      bad.add(b.id);
  }
  if (bad.size > 0) {
    return {
      reason: `${bad.size} of ${verdict.blobs.length} blob(s) fail verification`,
      blobs: [...bad],
    };
  }
  return verdict.hashOk ? undefined : { reason: 'content does not match its name', blobs: [] };
}
