/** `next-url`: the body holds the next page's URL, full or relative to the request's URL. */
import { resolveResponseUrl } from '../endpoint-url.js';
import { compileRecordPath } from '../record-path.js';
import type { PageRequest, SequentialPaginator } from './paginator.js';

export function nextUrlPaginator(base: PageRequest, nextPath: string): SequentialPaginator {
  const next = compileRecordPath(nextPath);
  return {
    kind: 'sequential',
    first: () => base,
    next: (page) => {
      const value = next.get(page.response.body);
      if (typeof value !== 'string' || value.length === 0) return null;
      const url = resolveResponseUrl(value, page.response.url);
      return { request: { ...base, url }, token: url };
    },
  };
}
