/**
 * What an API source carries from snapshot to snapshot, and what each endpoint's fetch records.
 *
 * ApiSourceMeta is stored in the snapshot's `meta.api[<source name>]`: per endpoint the bookmark
 * and the runs since its last full sync. Because it lives in the snapshot, a bookmark moves
 * forward only when the snapshot holding its records is saved, and any machine continues from
 * it. A failed endpoint keeps its previous state, so a failed run never advances it.
 *
 * EndpointFetchMeta is stored beside the data as `/api/<source>/<endpoint>.meta.json`. When an
 * endpoint fails, its data is the previous snapshot's records, byte for byte (so they still
 * deduplicate), and `carried_over` says so: the records themselves are not altered.
 */
import { readBookmark, type Bookmark } from './bookmark.js';
import type { SourceDefinition } from './source-definition.js';

export const API_SOURCE_META_FORMAT = 1;

export interface EndpointSyncState {
  /** Greatest cursor-field value stored; null for non-incremental endpoints. */
  bookmark: Bookmark | null;
  /** Successful runs since the last full sync (0 right after one). */
  runs_since_full_sync: number;
  last_full_sync: string | null;
  last_success: string | null;
}

export interface ApiSourceMeta {
  format: typeof API_SOURCE_META_FORMAT;
  endpoints: Record<string, EndpointSyncState>;
  /** Endpoints that failed in the run that wrote this meta. */
  errors: EndpointFailure[];
}

export interface EndpointFailure {
  endpoint: string;
  /** The request that failed, secrets redacted; null when no request was made. */
  url: string | null;
  message: string;
}

export interface EndpointFetchMeta {
  source: string;
  endpoint: string;
  /**
   * The definition's `id` path, by which the stored records are sorted: what lets `diff` pair
   * records without the definition. Absent in snapshots written before Cairn stored it.
   */
  id_path?: string;
  started_at: string;
  finished_at: string;
  status: 'ok' | 'failed';
  sync: 'full' | 'incremental';
  /** HTTP requests sent for this endpoint, retries included. */
  requests: number;
  /** Records fetched in this run (before merging with the previous snapshot). */
  records_fetched: number;
  /** Records stored in the snapshot's file. */
  records: number;
  /** For child endpoints: parent records expanded. */
  parents?: number;
  /** For child endpoints: parent records whose child path lacked a value (no fetch for them). */
  parents_skipped?: { count: number; examples: string[] };
  bookmark: Bookmark | null;
  previous_bookmark: Bookmark | null;
  /** True when the stored records are the previous snapshot's, because this fetch failed. */
  carried_over: boolean;
  error: EndpointFailure | null;
}

/** Whether this run of an endpoint is a full sync (fetching everything, dropping the rest). */
export function isFullSync(
  definition: SourceDefinition,
  endpointName: string,
  previous: ApiSourceMeta | undefined,
  hasPreviousData: boolean,
  fullSyncRequested: boolean,
): boolean {
  const endpoint = definition.endpoints.find((e) => e.name === endpointName);
  if (!endpoint?.incremental || fullSyncRequested || !hasPreviousData) return true;
  const state = previous?.endpoints[endpointName];
  if (!state || state.bookmark === null) return true;
  return state.runs_since_full_sync + 1 >= definition.fullSyncEvery;
}

/**
 * The meta to store with the snapshot: endpoints fetched in this run update their state (when
 * they succeeded), all others keep what the previous snapshot said.
 */
export function nextApiSourceMeta(
  previous: ApiSourceMeta | undefined,
  fetched: readonly EndpointFetchMeta[],
): ApiSourceMeta {
  const endpoints: Record<string, EndpointSyncState> = { ...previous?.endpoints };
  const errors: EndpointFailure[] = [];
  for (const meta of fetched) {
    if (meta.status === 'failed') {
      if (meta.error) errors.push(meta.error);
      continue;
    }
    const before = previous?.endpoints[meta.endpoint];
    endpoints[meta.endpoint] = {
      bookmark: meta.bookmark,
      runs_since_full_sync: meta.sync === 'full' ? 0 : (before?.runs_since_full_sync ?? 0) + 1,
      last_full_sync: meta.sync === 'full' ? meta.finished_at : (before?.last_full_sync ?? null),
      last_success: meta.finished_at,
    };
  }
  return { format: API_SOURCE_META_FORMAT, endpoints, errors };
}

/** Reads a stored meta defensively: anything unreadable counts as "no previous state". */
export function readApiSourceMeta(value: unknown): ApiSourceMeta | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const meta = value as Partial<ApiSourceMeta>;
  if (
    meta.format !== API_SOURCE_META_FORMAT ||
    typeof meta.endpoints !== 'object' ||
    meta.endpoints === null
  ) {
    return undefined;
  }
  const endpoints: Record<string, EndpointSyncState> = {};
  for (const [name, state] of Object.entries(meta.endpoints)) {
    // A bookmark JSON numbers could not hold exactly was stored tagged (see bookmark.ts).
    endpoints[name] = { ...state, bookmark: readBookmark(state?.bookmark) };
  }
  return { format: API_SOURCE_META_FORMAT, endpoints, errors: meta.errors ?? [] };
}

/** One line for the snapshot's `incomplete_reasons`. */
export function describeEndpointFailure(meta: EndpointFetchMeta): string {
  const where = meta.error?.url ? ` (${meta.error.url})` : '';
  return `API source ${meta.source}, endpoint ${meta.endpoint}${where}: ${meta.error?.message ?? 'failed'}${carriedWords(meta.carried_over)}`;
}

/**
 * The snapshot's `incomplete_reasons`: one line per distinct cause, so five endpoints refused
 * by the same server read as one line naming the five, not the same reason five times.
 */
export function describeEndpointFailures(failed: readonly EndpointFetchMeta[]): string[] {
  return groupEndpointFailures(failed).map(({ endpoints, cause }) => {
    const [first, ...more] = endpoints as [EndpointFetchMeta, ...EndpointFetchMeta[]];
    if (more.length === 0) return describeEndpointFailure(first);
    const names = endpoints.map((m) => m.endpoint).join(', ');
    return `API source ${first.source}, endpoints ${names}: ${cause}${carriedWords(first.carried_over)}`;
  });
}

/** "items, projects: ECONNREFUSED (…); tags: HTTP 404" — for a run in which all failed. */
export function summarizeEndpointFailures(failed: readonly EndpointFetchMeta[]): string {
  return groupEndpointFailures(failed)
    .map(({ endpoints, cause }) => `${endpoints.map((m) => m.endpoint).join(', ')}: ${cause}`)
    .join('; ');
}

function groupEndpointFailures(
  failed: readonly EndpointFetchMeta[],
): { endpoints: EndpointFetchMeta[]; cause: string }[] {
  const groups = new Map<string, { endpoints: EndpointFetchMeta[]; cause: string }>();
  for (const meta of failed) {
    const cause = failureCause(meta);
    const key = `${cause}\u0000${meta.carried_over}`;
    const group = groups.get(key) ?? { endpoints: [], cause };
    group.endpoints.push(meta);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The error without the request line ("GET <url>: "), which differs for every endpoint. */
function failureCause(meta: EndpointFetchMeta): string {
  const message = meta.error?.message ?? 'failed';
  return message.replace(/^[A-Z]+ \S+: /, '');
}

function carriedWords(carriedOver: boolean): string {
  return carriedOver
    ? "; the previous snapshot's records were carried over"
    : '; no earlier records to carry over';
}

/** Where an endpoint's data and fetch metadata sit in a snapshot's tree. */
export function apiEndpointPaths(source: string, endpoint: string): { data: string; meta: string } {
  return {
    data: `/api/${source}/${endpoint}.ndjson`,
    meta: `/api/${source}/${endpoint}.meta.json`,
  };
}
