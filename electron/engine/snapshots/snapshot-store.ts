/**
 * Snapshot manifests (snapshots/<id>): sealed JSON of the Snapshot type without `id` and
 * `short_id`, which come from the file name (the SHA-256 of the sealed bytes).
 */
import os from 'node:os';
import type { Snapshot, SnapshotStats } from '../../../shared/domain.js';
import { CairnError } from '../errors.js';
import { damageReason, isMissing, isPermanentDamage } from '../repository/damage.js';
import type { PackWriterStats } from '../repository/pack-writer.js';
import { type Repository } from '../repository/repository.js';
import { forEachConcurrently } from '../util/concurrency.js';
import { PROGRAM_VERSION } from '../version.js';

export type StoredSnapshot = Omit<Snapshot, 'id' | 'short_id'>;

export async function saveSnapshot(repo: Repository, snap: StoredSnapshot): Promise<Snapshot> {
  return withId(await repo.saveJson('snapshots', snap), snap);
}

/**
 * Ends a backup: writes its last packs and its index, then its snapshot, built from what was
 * written. Under a lock (`confirmLock`), the lock is confirmed before the index and after the
 * snapshot. A process frozen long enough for others to judge its lock stale may have had its
 * new data pruned meanwhile: then neither is written, or the snapshot is removed again rather
 * than left naming data that is gone.
 */
export async function commitSnapshot(
  repo: Repository,
  outcome: BackupOutcome,
  confirmLock?: () => Promise<void>,
): Promise<Snapshot> {
  return commitManifest(repo, (written) => backupManifest(outcome, written), confirmLock);
}

/**
 * The same protocol for a manifest built otherwise (a copied snapshot keeps its original's),
 * from what was written.
 */
export async function commitManifest(
  repo: Repository,
  manifest: (written: PackWriterStats) => StoredSnapshot,
  confirmLock?: () => Promise<void>,
): Promise<Snapshot> {
  await confirmLock?.();
  await repo.flush();
  const snapshot = await saveSnapshot(repo, manifest(repo.packWriter().stats));
  try {
    await confirmLock?.();
  } catch (err) {
    await repo.target.remove('snapshots', snapshot.id).catch(() => undefined);
    throw err;
  }
  return snapshot;
}

/** What a backup (of folders or of an API source) knows of its snapshot when it ends. */
export interface BackupOutcome extends Pick<
  StoredSnapshot,
  'hostname' | 'group' | 'paths' | 'sources' | 'tags' | 'parent' | 'tree' | 'meta'
> {
  /** Why the snapshot is incomplete; none when it is complete. */
  incompleteReasons: string[];
  counts: Omit<SnapshotStats, 'blobs_added' | 'bytes_added' | 'bytes_added_raw' | 'duration_ms'>;
  /** Date.now() when the backup started. */
  startedAt: number;
}

/** The one place a backup's manifest is put together, with what was written to the repository. */
function backupManifest(outcome: BackupOutcome, written: PackWriterStats): StoredSnapshot {
  const { incompleteReasons, counts, startedAt, meta, ...which } = outcome;
  return {
    time: new Date().toISOString(),
    hostname: which.hostname,
    username: safeUsername(),
    group: which.group,
    paths: which.paths,
    sources: which.sources,
    tags: which.tags,
    parent: which.parent,
    tree: which.tree,
    incomplete: incompleteReasons.length > 0,
    incomplete_reasons: incompleteReasons,
    stats: {
      ...counts,
      blobs_added: written.blobs,
      bytes_added: written.bytes,
      bytes_added_raw: written.bytesRaw,
      duration_ms: Date.now() - startedAt,
    },
    program_version: PROGRAM_VERSION,
    ...(meta !== undefined ? { meta } : {}),
  };
}

function safeUsername(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}

export function withId(id: string, snap: StoredSnapshot): Snapshot {
  return { id, short_id: id.slice(0, 8), ...snap };
}

/**
 * All snapshots, oldest first. A damaged snapshot file is reported (Repository.damage) and
 * skipped, so one bad file never hides the others; a failed read stops with the target's error.
 */
export async function listSnapshots(repo: Repository): Promise<Snapshot[]> {
  const files = await repo.target.list('snapshots');
  const read = repo.caches.snapshots;
  const listed = new Set(files.map((f) => f.name));
  for (const id of read.keys()) if (!listed.has(id)) read.delete(id);
  repo.damage.forgetGone('snapshot', (id) => listed.has(id));
  await repo.cache?.retain('snapshots', (name) => listed.has(name));
  const out: Snapshot[] = [];
  await forEachConcurrently(files, 8, async (f) => {
    const snap = await readSnapshot(repo, f.name);
    if (snap) out.push(snap);
  });
  return out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : 1));
}

/**
 * One snapshot file; undefined when it is damaged (reported) or was removed since it was
 * listed (a forget meanwhile).
 */
export async function readSnapshot(repo: Repository, id: string): Promise<Snapshot | undefined> {
  const known = repo.caches.snapshots.get(id);
  if (known) return known;
  let stored: StoredSnapshot;
  try {
    stored = await repo.loadJson<StoredSnapshot>('snapshots', id);
    if (typeof stored?.tree !== 'string' || typeof stored.time !== 'string')
      throw new CairnError('corrupt', `snapshots file ${id.slice(0, 12)} is not a snapshot`);
  } catch (err) {
    if (isMissing(err)) return undefined;
    if (!isPermanentDamage(err)) throw err;
    repo.damage.report({
      kind: 'snapshot',
      id,
      reason: damageReason(err, `snapshots file ${id.slice(0, 12)}`),
      message: `snapshot file ${id.slice(0, 8)}… is damaged and was skipped; \`cairn repair snapshots\` removes it`,
    });
    return undefined;
  }
  const snapshot = withId(id, stored);
  repo.caches.snapshots.set(id, snapshot);
  return snapshot;
}

/**
 * Resolves a full id, a unique id prefix, or `latest` (the newest snapshot of `group` when
 * given, else of the repository).
 */
export async function findSnapshot(
  repo: Repository,
  ref: string,
  group?: string,
): Promise<Snapshot> {
  const all = await listSnapshots(repo);
  if (ref === 'latest') {
    const pool = group ? all.filter((s) => s.group === group) : all;
    const latest = pool.at(-1);
    if (!latest) {
      throw new CairnError(
        'snapshot-not-found',
        group ? `no snapshot yet in group ${group}` : 'the repository has no snapshots yet',
      );
    }
    return latest;
  }
  if (!/^[0-9a-f]+$/.test(ref))
    throw new CairnError('invalid-argument', `${JSON.stringify(ref)} is not a snapshot id`);
  const matches = all.filter((s) => s.id.startsWith(ref));
  const damaged = repo.damage.warnings.find((w) => w.kind === 'snapshot' && w.id.startsWith(ref));
  if (matches.length === 0 && damaged)
    throw new CairnError(
      'corrupt',
      `snapshot ${ref} is damaged (${damaged.reason}); \`cairn repair snapshots\` removes it`,
    );
  if (matches.length === 0)
    throw new CairnError('snapshot-not-found', `no snapshot ${ref} in ${repo.target.displayName}`);
  if (matches.length > 1)
    throw new CairnError(
      'invalid-argument',
      `snapshot prefix ${ref} is ambiguous; give more characters`,
    );
  return matches[0]!;
}

export function folderGroup(hostname: string, paths: readonly string[]): string {
  return `host:${hostname};paths:${[...paths].sort().join(',')}`;
}
