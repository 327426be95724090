/** `link`: the next page is the `Link` header's target with `rel="next"` (GitHub's style). */
import { resolveResponseUrl } from '../endpoint-url.js';
import { findLink } from './link-header.js';
import type { PageRequest, SequentialPaginator } from './paginator.js';

export function linkHeaderPaginator(base: PageRequest): SequentialPaginator {
  return {
    kind: 'sequential',
    first: () => base,
    next: (page) => {
      const target = findLink(page.response.headers.get('link'), 'next');
      if (target === undefined || target === '') return null;
      // RFC 8288 §3.2: a relative target resolves against the URL the response came from.
      const url = resolveResponseUrl(target, page.response.url);
      return { request: { ...base, url }, token: url };
    },
  };
}
