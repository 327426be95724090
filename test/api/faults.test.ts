import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { definition, pullRun, storedRecords } from './helpers/pull-run.js';

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer({ items: 45 });
});
afterAll(() => server.close());
beforeEach(() => server.faults.clear());

const pagedItems = (limits: Record<string, unknown> = {}) =>
  definition({
    baseUrl: server.baseUrl,
    limits: { concurrency: 1, ...limits },
    endpoints: [
      {
        name: 'items',
        path: '/items',
        records: 'data',
        pagination: { type: 'page', sizeParam: 'per_page', size: 10 },
      },
    ],
  });

function requestsSince(start: number, page?: string) {
  return server.log
    .slice(start)
    .filter((r) => r.path === '/api/items' && (page === undefined || r.query.page === page));
}

describe('transient faults are retried and the snapshot still holds every record', () => {
  it('retries 500s with backoff', async () => {
    server.faults.add({
      path: '/api/items',
      query: { page: '2' },
      times: 2,
      action: { status: 500 },
    });
    const start = server.log.length;
    const run = await pullRun(pagedItems());
    expect(storedRecords(run, 'items')).toEqual(server.data.items.all());
    expect(requestsSince(start, '2').map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('waits as long as Retry-After says in seconds', async () => {
    server.faults.add({
      path: '/api/items',
      query: { page: '3' },
      action: { status: 429, retryAfter: '1' },
    });
    const start = server.log.length;
    const run = await pullRun(pagedItems());
    expect(storedRecords(run, 'items')).toEqual(server.data.items.all());
    const [refused, retried] = requestsSince(start, '3');
    expect(refused!.status).toBe(429);
    expect(retried!.at - refused!.at).toBeGreaterThanOrEqual(990);
  });

  it('waits until the HTTP-date a Retry-After names', async () => {
    const when = new Date(Date.now() + 2000);
    server.faults.add({
      path: '/api/items',
      query: { page: '1' },
      action: { status: 503, retryAfter: when.toUTCString() },
    });
    const run = await pullRun(pagedItems());
    expect(storedRecords(run, 'items')).toEqual(server.data.items.all());
    const retried = server.log
      .filter((r) => r.path === '/api/items' && r.query.page === '1')
      .at(-1)!;
    // HTTP-dates have one-second resolution: the retry comes no earlier than that second.
    expect(retried.status).toBe(200);
    expect(Date.now()).toBeGreaterThanOrEqual(Math.floor(when.getTime() / 1000) * 1000);
  });

  it('gives up on a response that takes longer than the timeout, then succeeds on retry', async () => {
    server.faults.add({ path: '/api/items', query: { page: '2' }, action: { hangMs: 3000 } });
    const run = await pullRun(pagedItems({ timeoutMs: 300 }));
    expect(storedRecords(run, 'items')).toEqual(server.data.items.all());
  });

  it('retries a body cut short by a dropped connection', async () => {
    server.faults.add({ path: '/api/items', query: { page: '4' }, action: { truncate: true } });
    const start = server.log.length;
    const run = await pullRun(pagedItems());
    expect(storedRecords(run, 'items')).toEqual(server.data.items.all());
    expect(requestsSince(start, '4')).toHaveLength(2);
  });
});

describe('faults that stop an endpoint fail it clearly and carry the previous records over', () => {
  it('gives up after the bounded number of attempts, naming endpoint, URL and cause', async () => {
    const first = await pullRun(pagedItems());
    server.faults.add({
      path: '/api/items',
      query: { page: '2' },
      times: Infinity,
      action: { status: 502 },
    });
    const start = server.log.length;
    const second = await pullRun(pagedItems(), {
      previous: first,
      retry: { maxAttempts: 3, baseDelayMs: 5 },
    });
    const meta = second.metas.get('items')!;
    expect(requestsSince(start, '2')).toHaveLength(3);
    expect(meta.status).toBe('failed');
    expect(meta.carried_over).toBe(true);
    expect(meta.error).toEqual({
      endpoint: 'items',
      url: `${server.baseUrl}/items?page=2&per_page=10`,
      message: `GET ${server.baseUrl}/items?page=2&per_page=10: HTTP 502 Bad Gateway (gave up after 3 attempts)`,
    });
    // The previous snapshot's file, byte for byte: nothing lost, nothing half-updated.
    expect(second.files.get('items')).toBe(first.files.get('items'));
    expect(second.sourceMeta.errors).toEqual([meta.error]);
  });

  it('stops on malformed JSON without retrying', async () => {
    server.faults.add({ path: '/api/items', query: { page: '2' }, action: { malformed: true } });
    const start = server.log.length;
    const run = await pullRun(pagedItems());
    const meta = run.metas.get('items')!;
    expect(meta.status).toBe('failed');
    expect(meta.error?.message).toMatch(/page=2&per_page=10: the response is not valid JSON/);
    expect(requestsSince(start, '2')).toHaveLength(1);
    expect(meta.carried_over).toBe(false);
    expect(run.files.get('items')).toBe('');
  });

  it('refuses a response larger than maxResponseBytes', async () => {
    server.faults.add({
      path: '/api/items',
      query: { page: '1' },
      action: { oversizeBytes: 200_000 },
    });
    const run = await pullRun(pagedItems({ maxResponseBytes: 100_000 }));
    expect(run.metas.get('items')!.error?.message).toContain(
      'larger than the limit of 100000 bytes',
    );
  });

  it('does not wait for a Retry-After longer than Cairn will wait', async () => {
    server.faults.add({ path: '/api/items', action: { status: 429, retryAfter: '86400' } });
    const run = await pullRun(pagedItems());
    expect(run.metas.get('items')!.error?.message).toMatch(/asks to wait 86400 s/);
  });

  it('reports an unreachable API as a network error after retries', async () => {
    const gone = await startFixtureServer();
    const baseUrl = gone.baseUrl;
    await gone.close();
    const run = await pullRun(
      definition({ baseUrl, endpoints: [{ name: 'items', path: '/items', records: 'data' }] }),
      { retry: { maxAttempts: 2, baseDelayMs: 5 } },
    );
    expect(run.metas.get('items')!.error?.message).toMatch(
      /ECONNREFUSED \(gave up after 2 attempts\)/,
    );
  });
});

describe('limits', () => {
  it('stays under requestsPerSecond and concurrency so the API never answers 429', async () => {
    const limited = await startFixtureServer({
      items: 300,
      rateLimit: { requestsPerSecond: 40, burst: 3 },
      latencyMs: 20,
    });
    try {
      const run = await pullRun(
        definition({
          baseUrl: limited.baseUrl,
          limits: { concurrency: 3, requestsPerSecond: 40 },
          endpoints: [
            {
              name: 'items',
              path: '/items',
              records: 'data',
              pagination: { type: 'page', sizeParam: 'per_page', size: 10 },
            },
          ],
        }),
      );
      expect(storedRecords(run, 'items')).toEqual(limited.data.items.all());
      expect(limited.log.filter((r) => r.status === 429)).toEqual([]);
      expect(limited.maxConcurrent).toBeLessThanOrEqual(3);
    } finally {
      await limited.close();
    }
  });

  it("recovers from the API's own 429s by pausing the whole source", async () => {
    const limited = await startFixtureServer({
      items: 100,
      rateLimit: { requestsPerSecond: 5, burst: 2 },
    });
    try {
      const run = await pullRun(
        definition({
          baseUrl: limited.baseUrl,
          limits: { concurrency: 4 },
          endpoints: [
            {
              name: 'items',
              path: '/items',
              records: 'data',
              pagination: { type: 'page', sizeParam: 'per_page', size: 25 },
            },
          ],
        }),
        { retry: { maxAttempts: 10 } },
      );
      expect(storedRecords(run, 'items')).toEqual(limited.data.items.all());
      expect(limited.log.some((r) => r.status === 429)).toBe(true);
    } finally {
      await limited.close();
    }
  });
});
