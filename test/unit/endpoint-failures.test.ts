/** Endpoints that failed the same way are named together, the reason said once. */
import { describe, expect, it } from 'vitest';
import {
  describeEndpointFailures,
  summarizeEndpointFailures,
  type EndpointFetchMeta,
} from '../../electron/engine/sources/api/api-source-meta.js';

const failed = (endpoint: string, message: string, carried = false): EndpointFetchMeta =>
  ({
    source: 'tracker',
    endpoint,
    status: 'failed',
    carried_over: carried,
    error: { endpoint, url: `http://127.0.0.1:9/api/${endpoint}`, message },
  }) as EndpointFetchMeta;

const refused = (e: string) => failed(e, `GET http://127.0.0.1:9/api/${e}: ECONNREFUSED`);

describe('endpoint failures', () => {
  it('five endpoints refused by one server make one line naming the five', () => {
    const metas = ['a', 'b', 'c', 'd', 'e'].map(refused);
    expect(describeEndpointFailures(metas)).toEqual([
      'API source tracker, endpoints a, b, c, d, e: ECONNREFUSED; no earlier records to carry over',
    ]);
    expect(summarizeEndpointFailures(metas)).toBe('a, b, c, d, e: ECONNREFUSED');
  });

  it('one endpoint keeps its request in the line; other causes get their own line', () => {
    const lines = describeEndpointFailures([
      refused('a'),
      failed('tags', 'GET http://127.0.0.1:9/api/tags: HTTP 404 Not Found', true),
    ]);
    expect(lines).toEqual([
      'API source tracker, endpoint a (http://127.0.0.1:9/api/a): GET http://127.0.0.1:9/api/a: ECONNREFUSED; no earlier records to carry over',
      "API source tracker, endpoint tags (http://127.0.0.1:9/api/tags): GET http://127.0.0.1:9/api/tags: HTTP 404 Not Found; the previous snapshot's records were carried over",
    ]);
  });
});
