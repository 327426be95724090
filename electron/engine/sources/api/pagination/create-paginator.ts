/** Picks the paginator for an endpoint's `pagination.type`. */
import type { PaginationDefinition } from '../source-definition.js';
import { cursorPaginator } from './cursor-paginator.js';
import { linkHeaderPaginator } from './link-header-paginator.js';
import { nextUrlPaginator } from './next-url-paginator.js';
import { nonePaginator } from './none-paginator.js';
import { offsetPaginator } from './offset-paginator.js';
import { pageNumberPaginator } from './page-number-paginator.js';
import type { PageRequest, Paginator } from './paginator.js';

export function createPaginator(pagination: PaginationDefinition, base: PageRequest): Paginator {
  switch (pagination.type) {
    case 'none':
      return nonePaginator(base);
    case 'page':
      return pageNumberPaginator(base, pagination);
    case 'offset':
      return offsetPaginator(base, pagination);
    case 'cursor':
      return cursorPaginator(base, pagination);
    case 'next-url':
      return nextUrlPaginator(base, pagination.next);
    case 'link':
      return linkHeaderPaginator(base);
  }
}
