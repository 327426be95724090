/**
 * Fetches one endpoint's records in a run — once, or once per parent record for a child
 * endpoint — and hands them on, as canonical JSON lines keyed by id, in the order they arrive.
 * Tracks the incremental bookmark as records pass.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ApiSourceSession } from './api-source-session.js';
import { asBookmark, laterBookmark, type Bookmark } from './bookmark.js';
import { canonicalJson } from './canonical-json.js';
import { expandChildPath, type ChildPathTemplate } from './child-path-template.js';
import { joinBaseUrl } from './endpoint-url.js';
import { forEachConcurrently } from './for-each-concurrently.js';
import { ApiRequestError } from './http/api-request-error.js';
import { createPaginator } from './pagination/create-paginator.js';
import { runPages } from './pagination/page-runner.js';
import type { FetchedPage, PageRequest } from './pagination/paginator.js';
import { withParams } from './pagination/request-params.js';
import { compileRecordPath, type RecordPath } from './record-path.js';
import type { RecordId, RecordKey } from './record-key.js';
import type { EndpointDefinition } from './source-definition.js';
import { PARENT_KEY, recordKeyOf } from './stored-records.js';

export interface ParentRecords {
  template: ChildPathTemplate;
  idPath: RecordPath;
  records: () => AsyncIterable<Record<string, unknown>>;
}

/**
 * Where fetched records go (EndpointRecordPipe): once per record, in the order they arrive, one
 * call at a time (the next waits until the previous one's promise settles).
 */
export interface FetchedRecordSink {
  /** A promise when the record must be waited for, undefined when it was simply taken. */
  add(key: RecordKey, line: string): Promise<void> | undefined;
}

export interface EndpointFetchRequest {
  session: ApiSourceSession;
  endpoint: EndpointDefinition;
  /** Sent as the incremental parameter; null for a full sync. */
  since: Bookmark | null;
  parent?: ParentRecords;
  records: FetchedRecordSink;
  onRecords?: (fetchedSoFar: number) => void;
}

/**
 * Records handled between two turns of the event loop. A page of a thousand records takes a few
 * milliseconds to canonicalize; letting timers and sockets in between keeps the next request
 * going out when the rate limit allows it, not when the page is done.
 */
const RECORDS_PER_TURN = 250;

export interface EndpointFetchOutcome {
  recordsFetched: number;
  /** Greatest cursor-field value among the fetched records, null if none (or not incremental). */
  bookmark: Bookmark | null;
  parents?: number;
}

export async function fetchEndpointRecords(
  request: EndpointFetchRequest,
): Promise<EndpointFetchOutcome> {
  const { session, endpoint, parent } = request;
  const idPath = compileRecordPath(endpoint.id);
  const recordsPath = compileRecordPath(endpoint.records);
  const cursorField = endpoint.incremental
    ? compileRecordPath(endpoint.incremental.cursorField)
    : undefined;
  let fetched = 0;
  let bookmark: Bookmark | null = null;

  const collectPage = async (page: FetchedPage, parentId: RecordId | undefined) => {
    let untilTurn = RECORDS_PER_TURN;
    for (const record of page.records) {
      if (--untilTurn === 0) {
        untilTurn = RECORDS_PER_TURN;
        await nextTurn();
      }
      if (record === null || typeof record !== 'object' || Array.isArray(record)) {
        throw shapeError(session, page, `a record at "${endpoint.records}" is not a JSON object`);
      }
      const stored = parentId === undefined ? record : { ...record, [PARENT_KEY]: parentId };
      const key = recordKeyOf(stored as Record<string, unknown>, idPath);
      if (key === undefined) {
        throw shapeError(session, page, `a record has no string or number id at "${endpoint.id}"`);
      }
      if (cursorField) bookmark = laterBookmark(bookmark, asBookmark(cursorField.get(record)));
      const taking = request.records.add(key, canonicalJson(stored));
      if (taking) await taking;
      fetched++;
    }
    request.onRecords?.(fetched);
  };
  // Children of several parents arrive at once: their pages are handed on one after another.
  let turn: Promise<void> = Promise.resolve();
  const collect = (page: FetchedPage, parentId: RecordId | undefined): Promise<void> => {
    const mine = turn.then(() => collectPage(page, parentId));
    turn = mine.catch(() => undefined);
    return mine;
  };

  const walk = async (path: string, parentId: RecordId | undefined, lookAhead: number) => {
    const base = baseRequest(session, endpoint, path, request.since);
    await runPages({
      paginator: createPaginator(endpoint.pagination, base),
      records: recordsPath,
      send: (page, signal) => session.request(endpoint, page.url, page.body, signal),
      redactUrl: (url) => session.redactor.redact(url),
      onPage: (page) => collect(page, parentId),
      lookAhead,
    });
  };

  const concurrency = session.client.limits.concurrency;
  if (!parent) {
    // Twice the concurrency: the gate keeps every slot busy while a slow page at the head of
    // the line is read, instead of waiting for it before asking for more.
    await walk(endpoint.path, undefined, concurrency * 2);
    return { recordsFetched: fetched, bookmark };
  }
  // Children run in parallel across parents, each paging one request at a time, so no request
  // is spent fetching ahead past the (often single) page of each parent.
  let parents = 0;
  await forEachConcurrently(parent.records(), concurrency, async (parentRecord) => {
    const path = expandChildPath(parent.template, parentRecord);
    const parentKey = recordKeyOf(parentRecord, parent.idPath);
    if (path === null || parentKey === undefined) return;
    parents++;
    await walk(path, parentKey.id, 1);
  });
  return { recordsFetched: fetched, bookmark, parents };
}

export function baseRequest(
  session: ApiSourceSession,
  endpoint: EndpointDefinition,
  path: string,
  since: Bookmark | null,
): PageRequest {
  const base: PageRequest = { url: joinBaseUrl(session.definition.baseUrl, path) };
  if (endpoint.body !== undefined) base.body = { ...endpoint.body };
  if (!endpoint.incremental || since === null) return base;
  const place = 'in' in endpoint.pagination && endpoint.pagination.in === 'body' ? 'body' : 'query';
  return withParams(base, [[endpoint.incremental.param, since]], place);
}

function shapeError(session: ApiSourceSession, page: FetchedPage, why: string): ApiRequestError {
  const shownUrl = session.redactor.redact(page.request.url);
  return new ApiRequestError('shape', `${shownUrl}: ${why}`, shownUrl);
}
