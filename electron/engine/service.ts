/**
 * The engine as one service object (see service-types.ts). Each call opens the repository,
 * does its work and closes it; the CLI, IPC handlers and the web server share this.
 */
import { backupFolders } from './backup/backup.js';
import { listPath, readRange } from './browse/snapshot-browser.js';
import { checkRepository } from './check/check.js';
import { Repository } from './repository/repository.js';
import { restoreSnapshot } from './restore/restore.js';
import type { EngineService, RepositoryRef } from './service-types.js';
import { findSnapshot, listSnapshots } from './snapshots/snapshot-store.js';
import { openTarget } from './targets/location.js';

export async function openRepository(ref: RepositoryRef): Promise<Repository> {
  return Repository.open(openTarget(ref.location), ref.password);
}

async function withRepository<T>(
  ref: RepositoryRef,
  fn: (repo: Repository) => Promise<T>,
): Promise<T> {
  const repo = await openRepository(ref);
  try {
    return await fn(repo);
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
    listSnapshots: (ref) => withRepository(ref, (repo) => listSnapshots(repo)),
    listTree: (ref, snapshot, p, recursive = false) =>
      withRepository(ref, async (repo) => {
        await repo.loadIndex();
        const snap = await findSnapshot(repo, snapshot);
        return listPath(repo, snap.tree, p, recursive);
      }),
    readFile: (ref, snapshot, p, range = { offset: 0, length: 1024 * 1024 }) =>
      withRepository(ref, async (repo) => {
        await repo.loadIndex();
        const snap = await findSnapshot(repo, snapshot);
        return readRange(repo, snap.tree, p, range);
      }),
    backup: (ref, request, control) =>
      withRepository(ref, (repo) => backupFolders(repo, request, control)),
    restore: (ref, request, control) =>
      withRepository(ref, (repo) => restoreSnapshot(repo, request, control)),
    check: (ref, request, control) =>
      withRepository(ref, (repo) => checkRepository(repo, request, control)),
  };
}
