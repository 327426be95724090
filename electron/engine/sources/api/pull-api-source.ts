/**
 * The API source engine's entry point for the backup engine: pulls every endpoint of a source
 * and yields, per endpoint, the whole `.ndjson` file to store (canonical JSON lines sorted by
 * id) and its fetch metadata. The file streams out while the endpoint is fetched, so storing
 * overlaps fetching (see EndpointRecordPipe for how records that arrive out of id order are
 * sorted), and memory stays flat: what waits is bounded and the rest is in temp files.
 *
 * Contract for the caller:
 * - Read each endpoint's `attempts` to the end before asking for the next endpoint. Each attempt
 *   is the file from its first byte; a later attempt replaces an earlier one (the records
 *   arrived out of order after all, or the endpoint failed), so store the last one. Temp files
 *   are removed when the iteration ends (or is abandoned, which also stops the fetch).
 * - Then store the last attempt at `paths.data` and `JSON.stringify(meta)` at `paths.meta`.
 * - After the loop, store `nextApiSourceMeta(previousMeta, metas)` in the snapshot's
 *   `meta.api[<source name>]`; any meta with status 'failed' makes the snapshot incomplete
 *   (`describeEndpointFailure(meta)` gives the reason line).
 * - `previous.readEndpoint(name)` returns the previous snapshot's stored file of that endpoint
 *   (or undefined when it has none), read from its start on every call; it is called once per
 *   endpoint, and once more when a failed endpoint carries those records over.
 */
import { setMaxListeners } from 'node:events';
import { rm } from 'node:fs/promises';
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
import { EndpointFileChannel } from './endpoint-file-channel.js';
import { EndpointFileWriter } from './endpoint-file-writer.js';
import { planEndpoints, type PlannedEndpoint } from './endpoint-order.js';
import { EndpointRecordPipe } from './endpoint-record-pipe.js';
import { fetchEndpointRecords } from './fetch-endpoint-records.js';
import { ApiRequestError } from './http/api-request-error.js';
import type { RetryPolicy } from './http/retry-policy.js';
import { readFileChunks, readLines } from './ndjson-lines.js';
import { parseJson } from './parse-json.js';
import { compileRecordPath } from './record-path.js';
import type { SourceDefinition } from './source-definition.js';
import { readStoredRecords } from './stored-records.js';
import { createWorkFolder, defaultWorkRoot, safeName } from './work-folder.js';

/** Bytes of an endpoint's file waiting for the consumer before the fetch waits for it. */
const CHANNEL_BYTES = 4 << 20;

export interface PreviousApiSnapshot {
  meta?: ApiSourceMeta;
  readEndpoint(endpoint: string): AsyncIterable<Uint8Array> | undefined;
}

export interface ApiPullProgress {
  source: string;
  endpoint: string;
  /** 'sorting': every record is fetched; the rest of the file is being written. */
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
  /**
   * Where the pull's work folder (sort runs, copies of endpoint files: records in plain text)
   * is made; default `CAIRN_HOME/tmp` (see work-folder.ts).
   */
  tempDir?: string;
  /** Bytes of records held in memory per endpoint before spilling to disk (default 32 MiB). */
  memoryLimitBytes?: number;
  retry?: Partial<RetryPolicy>;
  /** Resolves secret references (default: keychain:, env:, file:). */
  resolveSecret?: (value: string) => Promise<string>;
}

export interface PulledEndpoint {
  endpoint: string;
  paths: { data: string; meta: string };
  /**
   * The `.ndjson` file (canonical JSON lines sorted by id), streamed while it is fetched: read
   * each attempt to its end; the last one is the file.
   */
  attempts: AsyncIterable<AsyncIterable<Uint8Array>>;
  /** The fetch metadata, known once `attempts` has been read to its end. */
  readonly meta: EndpointFetchMeta;
}

interface EndpointOutcome {
  /** The stored file's copy in the work folder (parent records for child endpoints). */
  file: string;
  ok: boolean;
}

export async function* pullApiSource(
  options: PullApiSourceOptions,
): AsyncGenerator<PulledEndpoint> {
  const { definition } = options;
  const plan = planEndpoints(definition, options.endpoints);
  // Stops the fetch of the endpoint being read when the caller stops reading.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  // Every request in flight listens to it; with many, Node would warn of a leak on stderr.
  setMaxListeners(0, signal);
  // Before anything else: a secret that cannot be resolved fails the run, not each endpoint.
  const session = await openApiSourceSession(definition, { ...options, signal });
  const workDir = await createWorkFolder(options.tempDir ?? defaultWorkRoot(), definition.name);
  let running: { channel: EndpointFileChannel; task: Promise<void> } | undefined;
  try {
    const outcomes = new Map<string, EndpointOutcome>();
    for (const planned of plan) {
      throwIfCancelled(options.signal);
      const name = planned.endpoint.name;
      const channel = new EndpointFileChannel(CHANNEL_BYTES);
      let meta: EndpointFetchMeta | undefined;
      const task = pullEndpoint(
        { ...options, signal },
        planned,
        session,
        workDir,
        outcomes,
        channel,
      ).then(
        (result) => {
          meta = result.meta;
          outcomes.set(name, { file: result.file, ok: result.meta.status === 'ok' });
          channel.end();
        },
        (err: unknown) => {
          channel.fail(err);
          throw err;
        },
      );
      task.catch(() => undefined); // awaited below; the reader hears of it through the channel
      running = { channel, task };
      yield {
        endpoint: name,
        paths: apiEndpointPaths(definition.name, name),
        attempts: channel.attempts(),
        get meta(): EndpointFetchMeta {
          if (!meta) throw new Error(`${name}: read its attempts to the end before its meta`);
          return meta;
        },
      };
      channel.discard(); // whatever the caller left unread
      await task;
      running = undefined;
    }
  } finally {
    if (running) {
      stop.abort();
      running.channel.discard();
      await running.task.catch(() => undefined);
    }
    await rm(workDir, { recursive: true, force: true });
  }
}

async function pullEndpoint(
  options: PullApiSourceOptions,
  planned: PlannedEndpoint,
  session: ApiSourceSession,
  workDir: string,
  outcomes: Map<string, EndpointOutcome>,
  channel: EndpointFileChannel,
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
  const requestsBefore = session.client.requestCount;
  const progress = (phase: ApiPullProgress['phase'], records: number) =>
    options.onProgress?.({
      source: definition.name,
      endpoint: name,
      phase,
      requests: session.client.requestCount - requestsBefore,
      records,
    });
  const base = {
    source: definition.name,
    endpoint: name,
    id_path: endpoint.id,
    started_at: startedAt,
    sync: full ? ('full' as const) : ('incremental' as const),
    previous_bookmark: previousBookmark,
  };

  const idPath = compileRecordPath(endpoint.id);
  let pipe: EndpointRecordPipe | undefined;
  try {
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
    pipe = await EndpointRecordPipe.open({
      channel,
      file,
      tempDir: workDir,
      memoryLimitBytes: options.memoryLimitBytes,
      previous:
        full || previousData === undefined ? undefined : readStoredRecords(previousData, idPath),
    });
    progress('fetching', 0);
    const outcome = await fetchEndpointRecords({
      session,
      endpoint,
      since: full ? null : previousBookmark,
      parent: parentRecords,
      records: pipe,
      onRecords: (n) => progress('fetching', n),
    });
    progress('sorting', outcome.recordsFetched);
    const stored = await pipe.finish();
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
        ...(outcome.parentsSkipped ? { parents_skipped: outcome.parentsSkipped } : {}),
        bookmark,
        carried_over: false,
        error: null,
      },
    };
  } catch (err) {
    if (options.signal?.aborted || (err instanceof ApiRequestError && err.kind === 'cancelled')) {
      throw new CairnError('cancelled', 'cancelled', { cause: err });
    }
    // What was streamed is not the file: it starts over with the previous snapshot's records.
    await pipe?.dispose();
    channel.restart();
    const carriedData = previousData === undefined ? undefined : previous?.readEndpoint(name);
    const writer = await EndpointFileWriter.create(channel, file);
    if (carriedData) for await (const line of readLines(carriedData)) await writer.add(line);
    await writer.close();
    progress('failed', writer.records);
    const redact = (text: string) => session.redactor.redact(text);
    return {
      file,
      meta: {
        ...base,
        finished_at: new Date().toISOString(),
        status: 'failed',
        requests: session.client.requestCount - requestsBefore,
        records_fetched: 0,
        records: writer.records,
        bookmark: previousBookmark,
        carried_over: carriedData !== undefined,
        error: {
          endpoint: name,
          url: err instanceof ApiRequestError ? err.url : null,
          message: redact(errorMessage(err)),
        },
      },
    };
  } finally {
    await pipe?.dispose();
  }
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CairnError('cancelled', 'cancelled');
}

async function* parseLines(
  data: AsyncIterable<Uint8Array>,
): AsyncGenerator<Record<string, unknown>> {
  for await (const line of readLines(data)) yield parseJson(line) as Record<string, unknown>;
}
