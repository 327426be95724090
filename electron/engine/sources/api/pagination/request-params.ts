/**
 * Puts pagination and incremental parameters where the endpoint wants them: query or body. A
 * JsonNumber (a bookmark beyond what JavaScript numbers hold) goes as its exact text in a query
 * and as that number in a body.
 */
import { withQueryParams } from '../endpoint-url.js';
import type { JsonNumber } from '../json-number.js';
import type { PageRequest } from './paginator.js';

export type ParamPlace = 'query' | 'body';
type ParamValue = string | number | JsonNumber;

export function withParams(
  base: PageRequest,
  params: ReadonlyArray<readonly [string, ParamValue | undefined]>,
  place: ParamPlace,
): PageRequest {
  const present = params.filter((p): p is readonly [string, ParamValue] => p[1] !== undefined);
  if (present.length === 0) return base;
  if (place === 'body') {
    return { url: base.url, body: { ...base.body, ...Object.fromEntries(present) } };
  }
  const query = present.map(([name, value]) => [name, String(value)] as const);
  return { ...base, url: withQueryParams(base.url, query) };
}
