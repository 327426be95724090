/**
 * An API source backup: pulls the source's endpoints and stores them as one snapshot whose tree
 * is `/api/<source>/<endpoint>.ndjson` plus `<endpoint>.meta.json` (and the definition itself,
 * `source.json`, see stored-definition.ts), in the repository's usual
 * order — packs, index, snapshot — so a killed backup leaves no partial snapshot, and so the
 * bookmarks in the snapshot's `meta.api` only move forward with the data they describe.
 *
 * The previous snapshot of the same group (host + source name) supplies the incremental merge
 * and the records carried over for a failed endpoint; endpoints not asked for (`--endpoint`)
 * keep the previous snapshot's files, so every snapshot holds the whole source.
 */
import type { BackupWarning, Snapshot } from '../../../../shared/domain.js';
import { Chunker, gearTable } from '../../chunker/fastcdc.js';
import { CairnError } from '../../errors.js';
import type { Tree, TreeNode } from '../../format/tree.js';
import { compareNames } from '../../format/tree.js';
import { WorkerPool } from '../../pipeline/worker-pool.js';
import type { Repository } from '../../repository/repository.js';
import type { BackupResult, JobControl } from '../../operation-types.js';
import { findSnapshot, commitSnapshot } from '../../snapshots/snapshot-store.js';
import { ProgressMeter } from '../../util/progress-meter.js';
import {
  describeEndpointFailures,
  summarizeEndpointFailures,
  nextApiSourceMeta,
  readApiSourceMeta,
  type EndpointFetchMeta,
} from './api-source-meta.js';
import { ApiChunkStore } from './api-chunk-store.js';
import { pullApiSource } from './pull-api-source.js';
import type { SourceDefinition } from './source-definition.js';
import { STORED_DEFINITION, storedDefinitionText } from './stored-definition.js';
import { hostName } from '../../util/host-name.js';

export interface ApiBackupRequest {
  definition: SourceDefinition;
  /** Only these endpoints (and their parents); the others keep the previous snapshot's files. */
  endpoints?: string[];
  fullSync?: boolean;
  tags?: string[];
  /** Overrides the CLI's grouping (host + source name), e.g. a plan's name. */
  group?: string;
  /** Where the pull's work folder goes (default: `CAIRN_HOME/tmp`, see work-folder.ts). */
  tempDir?: string;
}

export function apiGroup(hostname: string, sourceName: string): string {
  return `host:${hostname};api:${sourceName}`;
}

export async function backupApiSource(
  repo: Repository,
  request: ApiBackupRequest,
  control: JobControl = {},
): Promise<BackupResult> {
  const started = Date.now();
  const { definition } = request;
  const hostname = hostName();
  const group = request.group ?? apiGroup(hostname, definition.name);
  const parent = await findSnapshot(repo, 'latest', group).catch(() => undefined);
  // Snapshot first, index second: a backup finishing in between has written its index first.
  await repo.loadIndex({ forWriting: true });
  const meter = new ProgressMeter('backup', control.onProgress, control.progressIntervalMs);
  const mtime = `${BigInt(Date.now()) * 1_000_000n}`;
  const stored = await storeApiSource(repo, request, parent, meter, control.signal, mtime);
  if (stored.allFailed !== undefined) {
    // A snapshot would only repeat the last one's records, and look like a backup in the list.
    throw new CairnError(
      'failure',
      `API source ${definition.name}: every endpoint failed, so no snapshot was saved (earlier snapshots are unchanged): ${stored.allFailed}`,
    );
  }
  meter.setPhase('finishing');
  const apiTree = await repo.saveTree(sortedTree([stored.node]));
  const tree = await repo.saveTree(sortedTree([dirNode('api', apiTree, mtime)]));
  const snapshot: Snapshot = await commitSnapshot(
    repo,
    {
      hostname,
      group,
      paths: [],
      sources: [{ kind: 'api', source: definition.name, name: definition.name }],
      tags: request.tags ?? [],
      parent: parent?.id ?? null,
      tree,
      incompleteReasons: stored.failures,
      counts: {
        files_new: stored.counts.new,
        files_changed: stored.counts.changed,
        files_unchanged: stored.counts.unchanged,
        dirs: 2,
        bytes_processed: stored.counts.bytes,
        bytes_read: stored.counts.bytes,
      },
      startedAt: started,
      meta: { api: { [definition.name]: stored.meta } },
    },
    control.confirmLock,
  );
  meter.emit(true);
  return { snapshot, warnings: stored.warnings };
}

/** One API source stored in the repository, ready to be placed under a snapshot's `/api/`. */
export interface StoredApiSource {
  /** The folder `<source name>` with its endpoints' files. */
  node: TreeNode;
  /** The bookmarks for the snapshot's `meta.api[<source name>]`. */
  meta: unknown;
  warnings: BackupWarning[];
  /** Why endpoints failed, one line per cause (the snapshot is then incomplete). */
  failures: string[];
  /** Set when every endpoint failed: their causes in one line. */
  allFailed?: string;
  counts: { new: number; changed: number; unchanged: number; bytes: number };
}

/**
 * Pulls a source's endpoints and stores their files (data and trees, no snapshot), merging
 * with what `parent` holds under `/api/<source>/`. Shared by the API backup and a plan's run,
 * whose one snapshot holds folders and API sources side by side. The index must be loaded for
 * writing.
 */
export async function storeApiSource(
  repo: Repository,
  request: Pick<ApiBackupRequest, 'definition' | 'endpoints' | 'fullSync' | 'tempDir'>,
  parent: Snapshot | undefined,
  meter: ProgressMeter,
  signal: AbortSignal | undefined,
  mtime: string,
): Promise<StoredApiSource> {
  const { definition } = request;
  const previousFiles = parent
    ? await sourceFiles(repo, parent, definition.name)
    : new Map<string, TreeNode>();
  const previousMeta = readApiSourceMeta(
    (parent?.meta?.api as Record<string, unknown> | undefined)?.[definition.name],
  );

  const pool = new WorkerPool(repo.key);
  const store = new ApiChunkStore(repo, pool);
  const gear = gearTable(repo.config.chunker.seed);
  const counts = { new: 0, changed: 0, unchanged: 0, bytes: 0 };
  const files = new Map<string, TreeNode>();
  const metas: EndpointFetchMeta[] = [];
  const warnings: BackupWarning[] = [];

  /** Stores a file that may start over: each attempt is the whole file; the last one counts. */
  const storeFile = async (name: string, attempts: AsyncIterable<AsyncIterable<Uint8Array>>) => {
    let size = 0;
    let content: string[] = [];
    for await (const data of attempts) {
      // Chunks of an attempt given up on stay unreferenced in the repository until a prune.
      size = 0;
      content = [];
      const ids: Array<Promise<string>> = [];
      const chunker = new Chunker(
        repo.config.chunker,
        (chunk) => ids.push(store.store(chunk)),
        gear,
      );
      for await (const piece of data) {
        size += piece.byteLength;
        meter.bytes += piece.byteLength;
        chunker.push(piece);
        // Backpressure: wait for the chunk store to accept what was cut so far.
        if (ids.length > 0) content.push(...(await Promise.all(ids.splice(0))));
        meter.emit();
      }
      chunker.finish();
      content.push(...(await Promise.all(ids)));
    }
    const before = previousFiles.get(name);
    if (!before) counts.new++;
    else if (before.content?.join() === content.join()) counts.unchanged++;
    else counts.changed++;
    counts.bytes += size;
    meter.files++;
    files.set(name, { name, type: 'file', mode: 0o644, mtime_ns: mtime, size, content });
  };

  try {
    for await (const pulled of pullApiSource({
      definition,
      fullSync: request.fullSync,
      endpoints: request.endpoints,
      signal,
      tempDir: request.tempDir,
      previous: {
        meta: previousMeta,
        readEndpoint: (endpoint) => {
          const node = previousFiles.get(`${endpoint}.ndjson`);
          return node ? readContent(repo, node) : undefined;
        },
      },
      onProgress: (p) => {
        meter.current = `/api/${p.source}/${p.endpoint}.ndjson`;
        meter.emit();
      },
    })) {
      await storeFile(`${pulled.endpoint}.ndjson`, pulled.attempts);
      await storeFile(
        `${pulled.endpoint}.meta.json`,
        once(once(Buffer.from(`${JSON.stringify(pulled.meta, null, 2)}\n`))),
      );
      metas.push(pulled.meta);
      const skipped = pulled.meta.parents_skipped;
      if (skipped) {
        const endpoint = definition.endpoints.find((e) => e.name === pulled.endpoint);
        warnings.push({
          path: pulled.paths.data,
          note: true,
          message: `${skipped.count} parent record(s) have no value for the path ${endpoint?.path ?? ''}, so their ${pulled.endpoint} were not fetched (e.g. ${skipped.examples.join(', ')})`,
        });
      }
      if (pulled.meta.status === 'failed') {
        warnings.push({ path: pulled.paths.data, message: pulled.meta.error?.message ?? 'failed' });
      }
    }
    // The definition as this backup used it, for a restore without the definition file.
    await storeFile(STORED_DEFINITION, once(once(Buffer.from(storedDefinitionText(definition)))));
    for (const [name, node] of previousFiles) if (!files.has(name)) files.set(name, node);
    const failed = metas.filter((m) => m.status === 'failed');
    await store.drain();
    const sourceTree = await repo.saveTree(sortedTree([...files.values()]));
    return {
      node: dirNode(definition.name, sourceTree, mtime),
      meta: nextApiSourceMeta(previousMeta, metas),
      warnings,
      failures: describeEndpointFailures(failed),
      // Nothing fetched at all: the caller decides (a source backed up alone then fails).
      ...(failed.length > 0 && failed.length === metas.length
        ? { allFailed: summarizeEndpointFailures(failed) }
        : {}),
      counts,
    };
  } finally {
    await pool.close();
  }
}

/** The files under `/api/<source>/` in a snapshot, by name. */
async function sourceFiles(
  repo: Repository,
  snapshot: Snapshot,
  source: string,
): Promise<Map<string, TreeNode>> {
  const out = new Map<string, TreeNode>();
  const root = await repo.loadTree(snapshot.tree);
  const api = root.nodes.find((n) => n.name === 'api' && n.subtree);
  if (!api?.subtree) return out;
  const dir = (await repo.loadTree(api.subtree)).nodes.find((n) => n.name === source && n.subtree);
  if (!dir?.subtree) return out;
  for (const node of (await repo.loadTree(dir.subtree)).nodes) {
    if (node.type === 'file') out.set(node.name, node);
  }
  return out;
}

async function* readContent(repo: Repository, node: TreeNode): AsyncGenerator<Uint8Array> {
  for (const id of node.content ?? []) yield await repo.loadBlob(id);
}

async function* once<T>(item: T): AsyncGenerator<T> {
  yield item;
}

export function dirNode(name: string, subtree: string, mtime: string): TreeNode {
  return { name, type: 'dir', mode: 0o755, mtime_ns: mtime, subtree };
}

export function sortedTree(nodes: TreeNode[]): Tree {
  return { nodes: nodes.sort((a, b) => compareNames(a.name, b.name)) };
}
