/** Puts pagination and incremental parameters where the endpoint wants them: query or body. */
import { withQueryParams } from '../endpoint-url.js';
import type { PageRequest } from './paginator.js';

export type ParamPlace = 'query' | 'body';

export function withParams(
  base: PageRequest,
  params: ReadonlyArray<readonly [string, string | number | undefined]>,
  place: ParamPlace,
): PageRequest {
  const present = params.filter((p): p is readonly [string, string | number] => p[1] !== undefined);
  if (present.length === 0) return base;
  if (place === 'body') {
    return { url: base.url, body: { ...base.body, ...Object.fromEntries(present) } };
  }
  const query = present.map(([name, value]) => [name, String(value)] as const);
  return { ...base, url: withQueryParams(base.url, query) };
}
