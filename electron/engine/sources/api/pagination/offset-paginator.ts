/**
 * `offset`: offset/limit. With a `limit` every page's offset is known in advance (indexed);
 * without one the API picks the page size and the next offset is the records seen so far.
 */
import type { IndexedPaginator, PageRequest, SequentialPaginator } from './paginator.js';
import { isShortPage } from './page-number-paginator.js';
import { withParams, type ParamPlace } from './request-params.js';

export interface OffsetOptions {
  offsetParam: string;
  limitParam?: string;
  limit?: number;
  stopOnShortPage: boolean;
  in: ParamPlace;
}

export function offsetPaginator(
  base: PageRequest,
  options: OffsetOptions,
): IndexedPaginator | SequentialPaginator {
  const at = (offset: number) =>
    withParams(
      base,
      [
        [options.offsetParam, offset],
        ...(options.limitParam ? [[options.limitParam, options.limit] as const] : []),
      ],
      options.in,
    );
  const limit = options.limit;
  if (limit !== undefined) {
    return {
      kind: 'indexed',
      pageAt: (index) => at(index * limit),
      isLast: (page) => isShortPage(page.records.length, limit, options.stopOnShortPage),
    };
  }
  let offset = 0;
  return {
    kind: 'sequential',
    first: () => at(0),
    next: (page) => {
      offset += page.records.length;
      return { request: at(offset), token: `offset:${offset}` };
    },
  };
}
