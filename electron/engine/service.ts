/**
 * The engine as one service object (see service-types.ts). Each call opens the repository,
 * does its work under the right lock and closes it; the CLI, IPC handlers and the web server
 * share this. Each operation's code is loaded when first used, so a process that only
 * restores never loads (nor keeps in memory) backup, API sources or prune.
 */
import { CairnError } from './errors.js';
import type { LockOperation } from './repository/lock-file.js';
import { withLock, type LockOptions } from './repository/locks.js';
import { Repository } from './repository/repository.js';
import type { EngineService, JobControl, RepositoryRef } from './service-types.js';
import { findSnapshot, listSnapshots } from './snapshots/snapshot-store.js';
import { openTarget } from './targets/location.js';
import type { Target } from './targets/target.js';

/** A location fit for messages and logs: without the password of a `user:password@` part. */
export { redactLocation } from './targets/location.js';
/** Cairn's own folder (CAIRN_HOME, else the platform's per-user application-data folder). */
export { cairnHome } from './util/paths.js';
/** Wall-clock time in an IANA zone (Intl only): what schedules and retention count in. */
export {
  instantOfWallTime,
  resolveTimeZone,
  wallTimeAt,
  type WallTime,
} from './retention/local-time.js';

export async function openRepository(ref: RepositoryRef): Promise<Repository> {
  return Repository.open(openTarget(ref.location), ref.password);
}

/**
 * Before creating a repository on a remote target: says in words what is wrong (unreachable,
 * credentials refused, no such bucket, not writable), instead of a failed write later.
 */
async function assertUsable(target: Target): Promise<void> {
  const report = await target.testConnection?.();
  if (report?.writable === false) {
    throw new CairnError(
      'target-unreachable',
      `cannot create a repository at ${target.displayName}: the server does not allow writing there`,
    );
  }
}

type LockKind = { exclusive: boolean; operation: LockOperation; readsOnly?: boolean } | undefined;

const shared = (operation: LockOperation): LockKind => ({ exclusive: false, operation });
const exclusive = (operation: LockOperation): LockKind => ({ exclusive: true, operation });
/** Shared, and dispensable: what only reads also runs on a repository that cannot be written. */
const reading = (operation: LockOperation): LockKind => ({
  exclusive: false,
  operation,
  readsOnly: true,
});

/**
 * Opens the repository and runs `fn` under a lock: shared for what only adds or reads,
 * exclusive for what deletes (forget, prune), none for quick reads. A lost lock cancels the
 * operation through the signal `fn` receives.
 */
async function withRepository<T>(
  ref: RepositoryRef,
  lock: LockKind,
  control: JobControl | undefined,
  fn: (repo: Repository, control: JobControl) => Promise<T>,
): Promise<T> {
  const repo = await openRepository(ref);
  repo.damage.listener = control?.onWarning;
  try {
    if (!lock) return await fn(repo, control ?? {});
    const { readsOnly, ...kind } = lock;
    const options: LockOptions = kind;
    if (ref.noLock) {
      if (!readsOnly)
        throw new CairnError(
          'invalid-argument',
          `${lock.operation} changes the repository and always takes a lock; --no-lock is for commands that only read`,
        );
      return await fn(repo, control ?? {});
    }
    if (readsOnly) {
      options.unlockedIfReadOnly = (reason) =>
        control?.onNotice?.(`${reason}; reading it without a lock`);
    }
    return await withLock(repo.target, repo.key.encrypt, options, (held) => {
      const signal = control?.signal ? AbortSignal.any([control.signal, held.signal]) : held.signal;
      return fn(repo, { ...control, signal, confirmLock: () => held.confirm() });
    });
  } finally {
    await repo.close();
  }
}

export function createEngine(): EngineService {
  return {
    async initRepository(ref, options) {
      let chunker;
      if (options?.copyChunkerParamsFrom) {
        const other = await openRepository(options.copyChunkerParamsFrom);
        chunker = other.config.chunker;
        await other.close();
      }
      const target = openTarget(ref.location);
      await assertUsable(target);
      const repo = await Repository.init(target, ref.password, chunker ? { chunker } : {});
      await repo.close();
      return { id: repo.config.id };
    },
    listSnapshots: (ref, control) =>
      withRepository(ref, undefined, control, (repo) => listSnapshots(repo)),
    listTree: (ref, snapshot, p, recursive = false, control) =>
      withRepository(ref, undefined, control, async (repo) => {
        const snap = await findSnapshot(repo, snapshot);
        await repo.loadIndex(); // after: the snapshot's own index file is then among those read
        const { listPath } = await import('./browse/snapshot-browser.js');
        return listPath(repo, snap.tree, p, recursive);
      }),
    readFile: (ref, snapshot, p, range = { offset: 0, length: 1024 * 1024 }) =>
      withRepository(ref, undefined, undefined, async (repo) => {
        const snap = await findSnapshot(repo, snapshot);
        await repo.loadIndex(); // after: the snapshot's own index file is then among those read
        const { readRange } = await import('./browse/snapshot-browser.js');
        return readRange(repo, snap.tree, p, range);
      }),
    backup: (ref, request, control) =>
      withRepository(ref, shared('backup'), control, async (repo, c) =>
        (await import('./backup/backup.js')).backupFolders(repo, request, c),
      ),
    backupApi: (ref, request, control) =>
      withRepository(ref, shared('backup'), control, async (repo, c) =>
        (await import('./sources/api/backup-api-source.js')).backupApiSource(repo, request, c),
      ),
    checkApiSourceSecrets: async (definition) =>
      (await import('./sources/api/api-source-session.js')).checkSourceSecrets(definition),
    loadApiSource: async (file) =>
      (await import('./sources/api/load-source-definition.js')).loadSourceDefinition(file),
    resolveSecretReference: async (reference) => {
      const { isSecretReference, resolveSecret } =
        await import('./credentials/secret-reference.js');
      if (!isSecretReference(reference))
        throw new CairnError(
          'invalid-argument',
          'a secret must be given by reference: keychain:ENTRY, env:NAME or file:PATH',
        );
      return resolveSecret(reference);
    },
    testApiSource: async (definition, options) =>
      (await import('./sources/api/probe-first-page.js')).probeFirstPages(definition, options),
    restore: (ref, request, control) =>
      withRepository(ref, reading('restore'), control, async (repo, c) =>
        (await import('./restore/restore.js')).restoreSnapshot(repo, request, c),
      ),
    // Check reports damage as problems, not as warnings.
    check: (ref, request, control) =>
      withRepository(ref, reading('check'), { ...control, onWarning: undefined }, async (repo, c) =>
        (await import('./check/check.js')).checkRepository(repo, request, c),
      ),
    diff: (ref, request, control) =>
      withRepository(ref, shared('diff'), control, async (repo, c) =>
        (await import('./diff/diff.js')).diffSnapshots(repo, request, c),
      ),
    export: (ref, request, control) =>
      withRepository(ref, shared('export'), control, async (repo, c) =>
        (await import('./export/export.js')).exportSnapshot(repo, request, c),
      ),
    forget: (ref, request, control) =>
      withRepository(ref, exclusive('forget'), control, async (repo, c) =>
        (await import('./forget/forget.js')).forgetAndPrune(repo, request, c),
      ),
    prune: (ref, request, control) =>
      withRepository(ref, exclusive('prune'), control, async (repo, c) =>
        (await import('./prune/prune.js')).prune(repo, request, c),
      ),
    repairIndex: (ref, request, control) =>
      withRepository(ref, exclusive('repair'), control, async (repo, c) =>
        (await import('./repair/repair-index.js')).repairIndex(repo, request, c),
      ),
    repairSnapshots: (ref, request, control) =>
      withRepository(ref, exclusive('repair'), control, async (repo, c) =>
        (await import('./repair/repair-snapshots.js')).repairSnapshots(repo, request, c),
      ),
  };
}
