/**
 * Walks an endpoint's pages and hands each page's records on. Every style ends on a page with no
 * records; a sequential style stops with an error when a cursor or URL comes back a second time
 * (an API bug that would otherwise loop forever), and asks for its next page before handing the
 * current one on. With a `pageLimit` (the endpoint's `maxPages`), a walk that would go past it
 * stops with an error: the limit is a safety stop, and what it cut off is not the whole data. Indexed styles fetch up to `lookAhead` pages at
 * once so a slow API is kept busy up to the source's concurrency; once the last page is read,
 * pages asked for beyond it are given up on, so those still waiting for their turn under the
 * source's limits are never sent (each would cost a request of the API's budget and delay the
 * end of the endpoint by as much).
 */
import { setMaxListeners } from 'node:events';
import { ApiRequestError } from '../http/api-request-error.js';
import type { ApiResponse } from '../http/api-http-client.js';
import type { RecordPath } from '../record-path.js';
import type {
  FetchedPage,
  IndexedPaginator,
  PageRequest,
  Paginator,
  SequentialPaginator,
} from './paginator.js';

export interface PageRunnerOptions {
  paginator: Paginator;
  records: RecordPath;
  /** Sends a page request; `signal` gives up on it (see ApiRequest.signal). */
  send: (request: PageRequest, signal?: AbortSignal) => Promise<ApiResponse>;
  redactUrl: (url: string) => string;
  onPage: (page: FetchedPage) => Promise<void> | void;
  /** Pages of an indexed style requested ahead of the one being read (1: one at a time). */
  lookAhead: number;
  /** Stop after this many pages, quietly (the `api test` command reads one). */
  maxPages?: number;
  /** Stop with an error when a page after this many is still to come (`maxPages`). */
  pageLimit?: number;
  /** Throws for a next page's URL that must not be followed (credential-origin.ts). */
  checkNextUrl?: (url: string) => void;
}

export async function runPages(options: PageRunnerOptions): Promise<void> {
  if (options.paginator.kind === 'sequential') await runSequential(options, options.paginator);
  else await runIndexed(options, options.paginator);
}

async function fetchPage(
  options: PageRunnerOptions,
  request: PageRequest,
  signal?: AbortSignal,
): Promise<FetchedPage> {
  const response = await options.send(request, signal);
  const found = options.records.get(response.body);
  if (!Array.isArray(found)) {
    const shownUrl = options.redactUrl(request.url);
    throw new ApiRequestError(
      'shape',
      `${shownUrl}: expected an array of records at "${options.records.text}", found ${describe(found)}`,
      shownUrl,
    );
  }
  return { request, response, records: found };
}

async function runSequential(
  options: PageRunnerOptions,
  paginator: SequentialPaginator,
): Promise<void> {
  const first = paginator.first();
  // The first URL counts too: a next link back to it is a loop (a cursor never equals a URL).
  const seen = new Set<string>([new URL(first.url).toString()]);
  const giveUp = new AbortController();
  let pending: Promise<FetchedPage> | undefined = fetchPage(options, first, giveUp.signal);
  try {
    for (let pages = 1; pending !== undefined; pages++) {
      const page: FetchedPage = await pending;
      pending = undefined;
      // The next request goes out before this page is handed on: the API works on it while
      // the records are read, instead of waiting for them.
      let failure: ApiRequestError | undefined;
      const more =
        page.records.length > 0 && (options.maxPages === undefined || pages < options.maxPages);
      if (more) {
        try {
          const next = nextPage(options, paginator, page, seen);
          if (next && options.pageLimit !== undefined && pages >= options.pageLimit) {
            throw pageLimitError(options, page, options.pageLimit);
          }
          if (next) pending = fetchPage(options, next, giveUp.signal);
          pending?.catch(() => undefined); // awaited next round; no unhandled rejection meanwhile
        } catch (err) {
          failure = err as ApiRequestError;
        }
      }
      // A failure known from the page alone (a cursor seen before) is the clearer reason.
      if (failure) throw failure;
      await options.onPage(page);
    }
  } finally {
    giveUp.abort(); // a page asked for after a failure is not needed
    await pending?.catch(() => undefined);
  }
}

/** The request after `page`, null at the end; a pagination loop or a bad cursor throws. */
function nextPage(
  options: PageRunnerOptions,
  paginator: SequentialPaginator,
  page: FetchedPage,
  seen: Set<string>,
): PageRequest | null {
  let next;
  try {
    next = paginator.next(page);
  } catch (err) {
    const shownUrl = options.redactUrl(page.request.url);
    throw new ApiRequestError('shape', `${shownUrl}: ${(err as Error).message}`, shownUrl);
  }
  if (next === null) return null;
  if (seen.has(next.token)) {
    const shownUrl = options.redactUrl(page.request.url);
    throw new ApiRequestError(
      'pagination-loop',
      `${shownUrl}: the API returned the same next page (${options.redactUrl(next.token)}) twice in one run; stopped instead of looping`,
      shownUrl,
    );
  }
  seen.add(next.token);
  options.checkNextUrl?.(next.request.url);
  return next.request;
}

async function runIndexed(options: PageRunnerOptions, paginator: IndexedPaginator): Promise<void> {
  const limit = Math.min(
    options.maxPages ?? Number.POSITIVE_INFINITY,
    options.pageLimit ?? Number.POSITIVE_INFINITY,
  );
  const inFlight: Array<Promise<FetchedPage>> = [];
  const giveUp = new AbortController();
  // Every page in flight listens to it; with many, Node would warn of a leak on stderr.
  setMaxListeners(0, giveUp.signal);
  let nextIndex = 0;
  let handed = 0;
  const launch = () => {
    while (inFlight.length < Math.max(1, options.lookAhead) && nextIndex < limit) {
      const page = fetchPage(options, paginator.pageAt(nextIndex++), giveUp.signal);
      page.catch(() => undefined); // awaited in order below; avoid an unhandled rejection meanwhile
      inFlight.push(page);
    }
  };
  try {
    launch();
    while (inFlight.length > 0) {
      const page = await inFlight.shift()!;
      await options.onPage(page);
      handed++;
      if (paginator.isLast(page)) return;
      if (options.pageLimit !== undefined && handed >= options.pageLimit) {
        throw pageLimitError(options, page, options.pageLimit);
      }
      launch();
    }
  } finally {
    // Pages asked for beyond the end (or after a failure) are given up on and discarded, but
    // never left running behind our back.
    giveUp.abort();
    await Promise.allSettled(inFlight);
  }
}

function pageLimitError(
  options: PageRunnerOptions,
  page: FetchedPage,
  limit: number,
): ApiRequestError {
  const shownUrl = options.redactUrl(page.request.url);
  return new ApiRequestError(
    'page-limit',
    `more pages follow page ${limit}, the endpoint's maxPages; stopped (raise "maxPages" if the endpoint really has more)`,
    shownUrl,
  );
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a${typeof value === 'object' ? 'n' : ''} ${typeof value}`;
}
