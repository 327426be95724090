/**
 * Pagination styles share one shape. A sequential paginator learns the next request from the
 * page just read (cursor, next URL, Link header); an indexed one can name any page up front
 * (page number, offset with a fixed limit), which lets the runner fetch pages ahead in parallel.
 */
import type { ApiResponse } from '../http/api-http-client.js';

export interface PageRequest {
  url: string;
  /** The JSON body of a POST endpoint. */
  body?: Record<string, unknown>;
}

export interface FetchedPage {
  request: PageRequest;
  response: ApiResponse;
  records: unknown[];
}

export interface NextPage {
  request: PageRequest;
  /** The cursor or URL that leads there; one seen twice in a run is a loop, not more data. */
  token: string;
}

export interface SequentialPaginator {
  kind: 'sequential';
  first(): PageRequest;
  next(page: FetchedPage): NextPage | null;
}

export interface IndexedPaginator {
  kind: 'indexed';
  pageAt(index: number): PageRequest;
  isLast(page: FetchedPage): boolean;
}

export type Paginator = SequentialPaginator | IndexedPaginator;
