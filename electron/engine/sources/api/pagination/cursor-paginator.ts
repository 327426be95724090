/**
 * `cursor`: the next request sends `cursorParam` = the value at `nextCursor` in the body (which
 * may point into the last record, Stripe's `starting_after`) or in the `nextCursorHeader`
 * response header. Ends when that value is missing, null or empty, or `hasMore` is false.
 */
import { JsonNumber } from '../json-number.js';
import { compileRecordPath } from '../record-path.js';
import type { PageRequest, SequentialPaginator } from './paginator.js';
import { withParams, type ParamPlace } from './request-params.js';

export interface CursorOptions {
  cursorParam: string;
  nextCursor?: string;
  nextCursorHeader?: string;
  hasMore?: string;
  sizeParam?: string;
  size?: number;
  in: ParamPlace;
}

export function cursorPaginator(base: PageRequest, options: CursorOptions): SequentialPaginator {
  const nextCursor =
    options.nextCursor === undefined ? undefined : compileRecordPath(options.nextCursor);
  const hasMore = options.hasMore === undefined ? undefined : compileRecordPath(options.hasMore);
  const size = options.sizeParam ? [[options.sizeParam, options.size] as const] : [];
  return {
    kind: 'sequential',
    first: () => withParams(base, size, options.in),
    next: (page) => {
      if (hasMore && hasMore.get(page.response.body) === false) return null;
      const value = nextCursor
        ? nextCursor.get(page.response.body)
        : page.response.headers.get(options.nextCursorHeader!);
      if (value === undefined || value === null || value === '') return null;
      if (typeof value === 'object' && !(value instanceof JsonNumber)) {
        throw new Error(`the next cursor at "${options.nextCursor}" is not a string or number`);
      }
      // A JsonNumber's text is the cursor exactly as the API wrote it.
      const token = String(value);
      return {
        request: withParams(base, [[options.cursorParam, token], ...size], options.in),
        token,
      };
    },
  };
}
