/**
 * `page`: page numbers from `startPage`; ends on an empty page or, with a `size`, on a page with
 * fewer records than asked for (unless `stopOnShortPage` is false).
 */
import type { IndexedPaginator, PageRequest } from './paginator.js';
import { withParams, type ParamPlace } from './request-params.js';

export interface PageNumberOptions {
  pageParam: string;
  startPage: number;
  sizeParam?: string;
  size?: number;
  stopOnShortPage: boolean;
  in: ParamPlace;
}

export function pageNumberPaginator(
  base: PageRequest,
  options: PageNumberOptions,
): IndexedPaginator {
  return {
    kind: 'indexed',
    pageAt: (index) =>
      withParams(
        base,
        [
          [options.pageParam, options.startPage + index],
          ...(options.sizeParam ? [[options.sizeParam, options.size] as const] : []),
        ],
        options.in,
      ),
    isLast: (page) => isShortPage(page.records.length, options.size, options.stopOnShortPage),
  };
}

export function isShortPage(
  count: number,
  size: number | undefined,
  stopOnShortPage: boolean,
): boolean {
  if (count === 0) return true;
  return stopOnShortPage && size !== undefined && count < size;
}
