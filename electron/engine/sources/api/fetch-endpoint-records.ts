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
import { forEachConcurrently } from '../../util/concurrency.js';
import { ApiRequestError } from './http/api-request-error.js';
import { nextPageOriginCheck } from './credential-origin.js';
import { createPaginator } from './pagination/create-paginator.js';
import { RepeatedPageGuard } from './pagination/repeated-page-guard.js';
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
  /** Parent records whose child path could not be filled in (a field missing or empty). */
  parentsSkipped?: { count: number; examples: string[] };
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

  const collectPage = async (
    page: FetchedPage,
    parentId: RecordId | undefined,
    guard: RepeatedPageGuard,
    pageNumber: number,
  ) => {
    // First every record's key: a record the endpoint cannot store, or a page that only
    // repeats records fetched already, stops the endpoint before any of the page is kept.
    const stored: Array<Record<string, unknown>> = [];
    const keys: RecordKey[] = [];
    for (let i = 0; i < page.records.length; i++) {
      const record: unknown = page.records[i];
      if (record === null || typeof record !== 'object' || Array.isArray(record)) {
        throw shapeError(
          session,
          page,
          `record ${i + 1} at "${endpoint.records}" is ${describeValue(record)}, not a JSON object`,
        );
      }
      const withParent = parentId === undefined ? record : { ...record, [PARENT_KEY]: parentId };
      const key = recordKeyOf(withParent as Record<string, unknown>, idPath);
      if (key === undefined) throw shapeError(session, page, missingIdProblem(record, idPath, i));
      stored.push(withParent as Record<string, unknown>);
      keys.push(key);
    }
    if (guard.repeats(keys.map((key) => key.id))) {
      const shownUrl = session.redactor.redact(page.request.url);
      throw new ApiRequestError(
        'pagination-loop',
        `page ${pageNumber} repeats records already fetched (${repeatHint(endpoint)}); stopped`,
        shownUrl,
      );
    }
    let untilTurn = RECORDS_PER_TURN;
    for (let i = 0; i < stored.length; i++) {
      if (--untilTurn === 0) {
        untilTurn = RECORDS_PER_TURN;
        await nextTurn();
      }
      const record = stored[i]!;
      if (cursorField) bookmark = laterBookmark(bookmark, asBookmark(cursorField.get(record)));
      let line: string;
      try {
        line = canonicalJson(record);
      } catch (err) {
        throw shapeError(session, page, `record ${i + 1} ${(err as Error).message}`);
      }
      const taking = request.records.add(keys[i]!, line);
      if (taking) await taking;
      fetched++;
    }
    request.onRecords?.(fetched);
  };
  // Children of several parents arrive at once: their pages are handed on one after another.
  let turn: Promise<void> = Promise.resolve();
  const collect = (
    page: FetchedPage,
    parentId: RecordId | undefined,
    guard: RepeatedPageGuard,
    pageNumber: number,
  ): Promise<void> => {
    const mine = turn.then(() => collectPage(page, parentId, guard, pageNumber));
    turn = mine.catch(() => undefined);
    return mine;
  };

  const walk = async (path: string, parentId: RecordId | undefined, lookAhead: number) => {
    const base = baseRequest(session, endpoint, path, request.since);
    const guard = new RepeatedPageGuard();
    let pages = 0;
    const checkNextUrl = await nextPageOriginCheck(session, endpoint);
    await runPages({
      paginator: createPaginator(endpoint.pagination, base),
      records: recordsPath,
      send: (page, signal) => session.request(endpoint, page.url, page.body, signal),
      redactUrl: (url) => session.redactor.redact(url),
      // The runner hands pages on in order, one at a time: the count is the page's number.
      onPage: (page) => collect(page, parentId, guard, ++pages),
      lookAhead,
      pageLimit: endpoint.maxPages,
      checkNextUrl,
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
  let seen = 0;
  const skipped = { count: 0, examples: [] as string[] };
  await forEachConcurrently(parent.records(), concurrency, async (parentRecord) => {
    seen++;
    const path = expandChildPath(parent.template, parentRecord);
    const parentKey = recordKeyOf(parentRecord, parent.idPath);
    if (path === null || parentKey === undefined) {
      // Said, not silent: the user sees which parents had no children fetched, and why.
      skipped.count++;
      if (skipped.examples.length < 3)
        skipped.examples.push(parentKey ? String(parentKey.id) : `record ${seen}`);
      return;
    }
    parents++;
    await walk(path, parentKey.id, 1);
  });
  return {
    recordsFetched: fetched,
    bookmark,
    parents,
    ...(skipped.count > 0 ? { parentsSkipped: skipped } : {}),
  };
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

/** Which request parameter an API that repeats its pages seems to ignore. */
function repeatHint(endpoint: EndpointDefinition): string {
  const p = endpoint.pagination;
  switch (p.type) {
    case 'page':
      return `the API seems to ignore \`${p.pageParam}\``;
    case 'offset':
      return `the API seems to ignore \`${p.offsetParam}\``;
    case 'cursor':
      return `the API seems to ignore \`${p.cursorParam}\``;
    default:
      return "the API's next page leads back to them";
  }
}

/** Why a record has no usable id, naming the record and the id path. */
export function missingIdProblem(record: object, idPath: RecordPath, index: number): string {
  const value = idPath.get(record);
  if (value === undefined) {
    return `record ${index + 1} has no id at "${idPath.text}" (the endpoint's "id" names the field that holds it)`;
  }
  return `record ${index + 1}: the id at "${idPath.text}" is ${describeValue(value)}, not a string or number`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a${typeof value === 'object' ? 'n' : ''} ${typeof value}`;
}

function shapeError(session: ApiSourceSession, page: FetchedPage, why: string): ApiRequestError {
  const shownUrl = session.redactor.redact(page.request.url);
  return new ApiRequestError('shape', `${shownUrl}: ${why}`, shownUrl);
}
