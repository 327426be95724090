/**
 * The engine as one service object (see service-types.ts). Each call opens the repository,
 * does its work under the right lock and closes it; the CLI, IPC handlers and the web server
 * share this. Each operation's code is loaded when first used, so a process that only
 * restores never loads (nor keeps in memory) backup, API sources or prune.
 */
import type { LockOperation } from './repository/lock-file.js';
import { withLock } from './repository/locks.js';
import { Repository } from './repository/repository.js';
import type { EngineService, JobControl, RepositoryRef } from './service-types.js';
import { findSnapshot, listSnapshots } from './snapshots/snapshot-store.js';
import { openTarget } from './targets/location.js';

export async function openRepository(ref: RepositoryRef): Promise<Repository> {
  return Repository.open(openTarget(ref.location), ref.password);
}

type LockKind = { exclusive: boolean; operation: LockOperation } | undefined;

const shared = (operation: LockOperation): LockKind => ({ exclusive: false, operation });
const exclusive = (operation: LockOperation): LockKind => ({ exclusive: true, operation });

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
  try {
    if (!lock) return await fn(repo, control ?? {});
    return await withLock(repo.target, repo.key.encrypt, lock, (held) => {
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
      const repo = await Repository.init(
        openTarget(ref.location),
        ref.password,
        chunker ? { chunker } : {},
      );
      await repo.close();
      return { id: repo.config.id };
    },
    listSnapshots: (ref) =>
      withRepository(ref, undefined, undefined, (repo) => listSnapshots(repo)),
    listTree: (ref, snapshot, p, recursive = false) =>
      withRepository(ref, undefined, undefined, async (repo) => {
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
    testApiSource: async (definition, options) =>
      (await import('./sources/api/probe-first-page.js')).probeFirstPages(definition, options),
    restore: (ref, request, control) =>
      withRepository(ref, shared('restore'), control, async (repo, c) =>
        (await import('./restore/restore.js')).restoreSnapshot(repo, request, c),
      ),
    check: (ref, request, control) =>
      withRepository(ref, shared('check'), control, async (repo, c) =>
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
      withRepository(ref, exclusive('forget'), control, async (repo, c) => {
        const { forgetSnapshots } = await import('./forget/forget.js');
        const { prune } = await import('./prune/prune.js');
        const result = await forgetSnapshots(repo, request, c);
        const pruned = request.prune && !request.dryRun ? await prune(repo, {}, c) : null;
        return { ...result, prune: pruned };
      }),
    prune: (ref, request, control) =>
      withRepository(ref, exclusive('prune'), control, async (repo, c) =>
        (await import('./prune/prune.js')).prune(repo, request, c),
      ),
  };
}
