/**
 * The API source engine's entry point for the backup engine: pulls every endpoint of a source
 * and yields, per endpoint, the whole `.ndjson` file to store (canonical JSON lines sorted by
 * id) and its fetch metadata. Memory stays flat: records go through an external sort into a temp
 * file before they are yielded.
 *
 * Contract for the caller:
 * - Consume each endpoint's `data` before asking for the next endpoint; temp files are removed
 *   when the iteration ends (or is abandoned).
 * - Store `data` at `paths.data` and `JSON.stringify(meta)` at `paths.meta`.
 * - After the loop, store `nextApiSourceMeta(previousMeta, metas)` in the snapshot's
 *   `meta.api[<source name>]`; any meta with status 'failed' makes the snapshot incomplete
 *   (`describeEndpointFailure(meta)` gives the reason line).
 * - `previous.readEndpoint(name)` returns the previous snapshot's stored file of that endpoint
 *   (or undefined when it has none); it is called at most once per endpoint and iterated at most
 *   once.
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { CairnError, errorMessage } from '../../errors.js';
import { openApiSourceSession, type ApiSourceSession } from './api-source-session.js';
import {
  apiEndpointPaths,
  isFullSync,
  type ApiSourceMeta,
  type EndpointFetchMeta,
} from './api-source-meta.js';
import type { Bookmark } from './bookmark.js';
import { laterBookmark } from './bookmark.js';
import { planEndpoints, type PlannedEndpoint } from './endpoint-order.js';
import { ExternalRecordSorter, type SortedRecord } from './external-record-sorter.js';
import { fetchEndpointRecords } from './fetch-endpoint-records.js';
import { ApiRequestError } from './http/api-request-error.js';
import type { RetryPolicy } from './http/retry-policy.js';
import { readFileChunks, readLines } from './ndjson-lines.js';
import { compileRecordPath } from './record-path.js';
import { mergeSortedRecords } from './sorted-record-merge.js';
import type { SourceDefinition } from './source-definition.js';
import { readStoredRecords } from './stored-records.js';

export interface PreviousApiSnapshot {
  meta?: ApiSourceMeta;
  readEndpoint(endpoint: string): AsyncIterable<Uint8Array> | undefined;
}

export interface ApiPullProgress {
  source: string;
  endpoint: string;
  phase: 'fetching' | 'sorting' | 'done' | 'failed';
  requests: number;
  records: number;
}

export interface PullApiSourceOptions {
  definition: SourceDefinition;
  previous?: PreviousApiSnapshot;
  /** Fetch everything and drop records the API no longer returns (`--full-sync`). */
  fullSync?: boolean;
  /** Only these endpoints (their parents are fetched too); default all. */
  endpoints?: string[];
  signal?: AbortSignal;
  onProgress?: (progress: ApiPullProgress) => void;
  /** Where sort runs and endpoint files are kept while the pull runs. */
  tempDir: string;
  /** Bytes of records held in memory per endpoint before spilling to disk (default 32 MiB). */
  memoryLimitBytes?: number;
  retry?: Partial<RetryPolicy>;
  /** Resolves secret references (default: keychain:, env:, file:). */
  resolveSecret?: (value: string) => Promise<string>;
}

export interface PulledEndpoint {
  endpoint: string;
  paths: { data: string; meta: string };
  /** The whole `.ndjson` file: canonical JSON lines sorted by id. */
  data: AsyncIterable<Uint8Array>;
  meta: EndpointFetchMeta;
}

export async function* pullApiSource(
  options: PullApiSourceOptions,
): AsyncGenerator<PulledEndpoint> {
  const { definition } = options;
  const plan = planEndpoints(definition, options.endpoints);
  const workDir = await mkdtemp(
    path.join(options.tempDir, `cairn-api-${safeName(definition.name)}-`),
  );
  try {
    let session: ApiSourceSession | undefined;
    let sessionError: unknown;
    try {
      session = await openApiSourceSession(definition, options);
    } catch (err) {
      sessionError = err;
    }
    const outcomes = new Map<string, { file: string; ok: boolean }>();
    for (const planned of plan) {
      throwIfCancelled(options.signal);
      const result = await pullEndpoint(options, planned, session, sessionError, workDir, outcomes);
      outcomes.set(planned.endpoint.name, { file: result.file, ok: result.meta.status === 'ok' });
      yield {
        endpoint: planned.endpoint.name,
        paths: apiEndpointPaths(definition.name, planned.endpoint.name),
        data: readFileChunks(result.file),
        meta: result.meta,
      };
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function pullEndpoint(
  options: PullApiSourceOptions,
  planned: PlannedEndpoint,
  session: ApiSourceSession | undefined,
  sessionError: unknown,
  workDir: string,
  outcomes: Map<string, { file: string; ok: boolean }>,
): Promise<{ file: string; meta: EndpointFetchMeta }> {
  const { definition, previous } = options;
  const { endpoint, child } = planned;
  const name = endpoint.name;
  const file = path.join(workDir, `${safeName(name)}.ndjson`);
  const previousData = previous?.readEndpoint(name);
  const previousState = previous?.meta?.endpoints[name];
  const previousBookmark = previousState?.bookmark ?? null;
  const full = isFullSync(
    definition,
    name,
    previous?.meta,
    previousData !== undefined,
    options.fullSync ?? false,
  );
  const startedAt = new Date().toISOString();
  const requestsBefore = session?.client.requestCount ?? 0;
  const progress = (phase: ApiPullProgress['phase'], records: number) =>
    options.onProgress?.({
      source: definition.name,
      endpoint: name,
      phase,
      requests: (session?.client.requestCount ?? 0) - requestsBefore,
      records,
    });
  const base = {
    source: definition.name,
    endpoint: name,
    started_at: startedAt,
    sync: full ? ('full' as const) : ('incremental' as const),
    previous_bookmark: previousBookmark,
  };

  const sorter = new ExternalRecordSorter({
    tempDir: workDir,
    memoryLimitBytes: options.memoryLimitBytes,
  });
  try {
    if (!session) throw sessionError;
    let parentRecords;
    if (child) {
      const parentOutcome = outcomes.get(child.parent);
      if (!parentOutcome?.ok) {
        throw new Error(
          `its parent endpoint ${child.parent} failed, so its records could not be listed`,
        );
      }
      const parentEndpoint = definition.endpoints.find((e) => e.name === child.parent)!;
      parentRecords = {
        template: child,
        idPath: compileRecordPath(parentEndpoint.id),
        records: () => parseLines(readFileChunks(parentOutcome.file)),
      };
    }
    progress('fetching', 0);
    const outcome = await fetchEndpointRecords({
      session,
      endpoint,
      since: full ? null : previousBookmark,
      parent: parentRecords,
      sorter,
      onRecords: (n) => progress('fetching', n),
    });
    progress('sorting', outcome.recordsFetched);
    const idPath = compileRecordPath(endpoint.id);
    const records =
      full || previousData === undefined
        ? sorter.sorted()
        : mergeSortedRecords(sorter.sorted(), readStoredRecords(previousData, idPath));
    const stored = await writeRecords(file, records);
    const bookmark: Bookmark | null = endpoint.incremental
      ? full
        ? outcome.bookmark
        : laterBookmark(previousBookmark, outcome.bookmark)
      : null;
    progress('done', stored);
    return {
      file,
      meta: {
        ...base,
        finished_at: new Date().toISOString(),
        status: 'ok',
        requests: session.client.requestCount - requestsBefore,
        records_fetched: outcome.recordsFetched,
        records: stored,
        ...(outcome.parents === undefined ? {} : { parents: outcome.parents }),
        bookmark,
        carried_over: false,
        error: null,
      },
    };
  } catch (err) {
    if (options.signal?.aborted || (err instanceof ApiRequestError && err.kind === 'cancelled')) {
      throw new CairnError('cancelled', 'cancelled', { cause: err });
    }
    const redact = (text: string) => session?.redactor.redact(text) ?? text;
    const fresh = previous?.readEndpoint !== undefined ? previousData : undefined;
    const carried = fresh === undefined ? 0 : await writeLines(file, readLines(fresh));
    if (fresh === undefined) await writeLines(file, emptyLines());
    progress('failed', carried);
    return {
      file,
      meta: {
        ...base,
        finished_at: new Date().toISOString(),
        status: 'failed',
        requests: (session?.client.requestCount ?? 0) - requestsBefore,
        records_fetched: 0,
        records: carried,
        bookmark: previousBookmark,
        carried_over: fresh !== undefined,
        error: {
          endpoint: name,
          url: err instanceof ApiRequestError ? err.url : null,
          message: redact(errorMessage(err)),
        },
      },
    };
  } finally {
    await sorter.dispose();
  }
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CairnError('cancelled', 'cancelled');
}

async function writeRecords(file: string, records: AsyncIterable<SortedRecord>): Promise<number> {
  return writeLines(file, mapLines(records));
}

async function* mapLines(records: AsyncIterable<SortedRecord>): AsyncGenerator<string> {
  for await (const record of records) yield record.line;
}

async function* emptyLines(): AsyncGenerator<string> {}

async function writeLines(file: string, lines: AsyncIterable<string>): Promise<number> {
  const handle = await open(file, 'w');
  let count = 0;
  try {
    let batch = '';
    for await (const line of lines) {
      batch += `${line}\n`;
      count++;
      if (batch.length >= 1 << 20) {
        await handle.write(batch);
        batch = '';
      }
    }
    if (batch.length > 0) await handle.write(batch);
  } finally {
    await handle.close();
  }
  return count;
}

async function* parseLines(
  data: AsyncIterable<Uint8Array>,
): AsyncGenerator<Record<string, unknown>> {
  for await (const line of readLines(data)) yield JSON.parse(line) as Record<string, unknown>;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
