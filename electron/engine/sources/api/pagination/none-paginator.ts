/** `none`: the endpoint answers everything in one response. */
import type { PageRequest, SequentialPaginator } from './paginator.js';

export function nonePaginator(base: PageRequest): SequentialPaginator {
  return { kind: 'sequential', first: () => base, next: () => null };
}
