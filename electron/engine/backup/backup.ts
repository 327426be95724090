/**
 * A folder backup: walk every path, store new data, then write packs → index → snapshot, in
 * that order, so a backup killed at any moment leaves no partial snapshot.
 */
import type { BigIntStats } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { BackupWarning, Snapshot, SourceRef } from '../../../shared/domain.js';
import { CairnError } from '../errors.js';
import type { TreeNode } from '../format/tree.js';
import { WorkerPool } from '../pipeline/worker-pool.js';
import type { Repository } from '../repository/repository.js';
import type { BackupRequest, BackupResult, JobControl } from '../operation-types.js';
import { findSnapshot, folderGroup, commitSnapshot } from '../snapshots/snapshot-store.js';
import { ProgressMeter } from '../util/progress-meter.js';
import { FileStore } from './file-store.js';
import { IgnoreRules } from './ignore-rules.js';
import { scan } from './scanner.js';
import { sourceNames } from './source-names.js';
import { StatsCounter } from './stats-counter.js';
import { storeEntry, type WalkContext } from './tree-builder.js';
import { hostName } from '../util/host-name.js';

export async function backupFolders(
  repo: Repository,
  request: BackupRequest,
  control: JobControl = {},
): Promise<BackupResult> {
  const started = Date.now();
  const apiSources = request.apiSources ?? [];
  if (request.paths.length === 0 && apiSources.length === 0)
    throw new CairnError('invalid-argument', 'nothing to back up: name at least one folder');
  const paths = request.paths.map((p) => path.resolve(p));
  const roots: { abs: string; st: BigIntStats }[] = [];
  for (const abs of paths) {
    try {
      roots.push({ abs, st: await statFollowingLink(abs) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CairnError(
        'invalid-argument',
        code === 'ENOENT'
          ? `${abs} does not exist`
          : `cannot read ${abs}: ${(err as Error).message}`,
      );
    }
  }
  const hostname = hostName();
  const group = request.group ?? folderGroup(hostname, paths);
  // With forceFull the parent is still the parent (history, statistics); only its chunk lists are not trusted.
  const parent = await findSnapshot(repo, 'latest', group).catch(() => undefined);
  // Snapshot first, index second: a backup finishing in between has written its index first.
  await repo.loadIndex({ forWriting: true });
  const parentRoot = parent ? await repo.loadTree(parent.tree).catch(() => undefined) : undefined;

  const pool = new WorkerPool(repo.key, repo.config.chunker.seed);
  const meter = new ProgressMeter('backup', control.onProgress, control.progressIntervalMs);
  const warnings: BackupWarning[] = [];
  const stats = new StatsCounter();
  const files = new FileStore(repo, pool, meter, control.signal);
  const ctx: WalkContext = {
    repo,
    files,
    forceFull: request.forceFull ?? false,
    meter,
    stats,
    warnings,
    signal: control.signal,
  };
  const rulesFor = roots.map((r) => IgnoreRules.forRoot(r.abs, request.excludes ?? []));
  if (control.onProgress) {
    // Totals for the progress bar arrive while the backup already runs.
    void scan(
      roots.map((r, i) => ({ ...r, rules: rulesFor[i]! })),
      control.signal,
    ).then(
      (totals) => {
        meter.filesTotal = totals.files;
        meter.bytesTotal = totals.bytes;
      },
      () => undefined,
    );
  }
  try {
    const names = sourceNames(paths);
    const sources: SourceRef[] = [];
    const rootNodes: TreeNode[] = [];
    for (let i = 0; i < roots.length; i++) {
      const { abs, st } = roots[i]!;
      const name = names[i]!;
      const parentNode = parentRoot?.nodes.find((n) => n.name === name);
      const node = await storeEntry(
        ctx,
        { name, abs, st, followLink: true },
        parentNode,
        IgnoreRules.forRoot(abs, request.excludes ?? []),
      );
      if (node) rootNodes.push(node);
      sources.push({ kind: 'folder', path: abs, name });
    }
    await files.drain();
    // A plan's API sources go under /api/ of the same snapshot, each merged with its folder
    // in the parent, as an API backup of its own would.
    const folderWarnings = warnings.length;
    const apiMeta: Record<string, unknown> = {};
    const apiFailures: string[] = [];
    if (apiSources.length > 0) {
      const { storeApiSource, dirNode, sortedTree } =
        await import('../sources/api/backup-api-source.js');
      const mtime = `${BigInt(Date.now()) * 1_000_000n}`;
      const apiNodes: TreeNode[] = [];
      for (const definition of apiSources) {
        control.signal?.throwIfAborted();
        const stored = await storeApiSource(
          repo,
          { definition },
          parent,
          meter,
          control.signal,
          mtime,
        );
        apiNodes.push(stored.node);
        apiMeta[definition.name] = stored.meta;
        warnings.push(...stored.warnings);
        apiFailures.push(...stored.failures);
        stats.filesNew += stored.counts.new;
        stats.filesChanged += stored.counts.changed;
        stats.filesUnchanged += stored.counts.unchanged;
        stats.bytesProcessed += stored.counts.bytes;
        stats.bytesRead += stored.counts.bytes;
        sources.push({ kind: 'api', source: definition.name, name: definition.name });
      }
      const apiTree = await repo.saveTree(sortedTree(apiNodes));
      rootNodes.push(dirNode('api', apiTree, mtime));
    }
    meter.setPhase('finishing');
    rootNodes.sort((a, b) => (a.name < b.name ? -1 : 1));
    const tree = await repo.saveTree({ nodes: rootNodes });
    const snapshot: Snapshot = await commitSnapshot(
      repo,
      {
        hostname,
        group,
        paths,
        sources,
        tags: request.tags ?? [],
        parent: parent?.id ?? null,
        tree,
        incompleteReasons: [
          ...summarizeWarnings(warnings.slice(0, folderWarnings)),
          ...apiFailures,
        ],
        counts: {
          files_new: stats.filesNew,
          files_changed: stats.filesChanged,
          files_unchanged: stats.filesUnchanged,
          dirs: stats.dirs,
          bytes_processed: stats.bytesProcessed,
          bytes_read: stats.bytesRead,
        },
        startedAt: started,
        ...(apiSources.length > 0 ? { meta: { api: apiMeta } } : {}),
      },
      control.confirmLock,
    );
    meter.emit(true);
    return { snapshot, warnings };
  } catch (err) {
    // Packs never finished would stay behind as spool files; finished ones are kept (the
    // next backup reuses them).
    await files.abandon();
    repo.packWriter().discard();
    throw err;
  } finally {
    await pool.close();
  }
}

function summarizeWarnings(warnings: readonly BackupWarning[]): string[] {
  if (warnings.length === 0) return [];
  const shown = warnings.slice(0, 20).map((w) => `${w.path}: ${w.message}`);
  if (warnings.length > 20) shown.push(`… and ${warnings.length - 20} more`);
  return shown;
}

/**
 * A folder named through a symbolic link (Documents moved to a second disk, say) is the folder
 * the user means, so a link named on the command line is followed, that one only; links found
 * inside are stored as links. A link that leads nowhere is stored as the link it is.
 */
async function statFollowingLink(abs: string): Promise<BigIntStats> {
  try {
    return await fs.stat(abs, { bigint: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return fs.lstat(abs, { bigint: true });
  }
}
