import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cursorPaginator } from '../../electron/engine/sources/api/pagination/cursor-paginator.js';
import { runPages } from '../../electron/engine/sources/api/pagination/page-runner.js';
import { compileRecordPath } from '../../electron/engine/sources/api/record-path.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { definition, pullRun, storedRecords } from './helpers/pull-run.js';

let server: FixtureServer;
beforeAll(async () => {
  // 95 items: not a multiple of any page size used below, so every style meets a short last page.
  server = await startFixtureServer({ items: 95 });
});
afterAll(() => server.close());

const styles: Array<[string, Record<string, unknown>]> = [
  [
    'page',
    {
      path: '/items',
      records: 'data',
      pagination: { type: 'page', pageParam: 'page', sizeParam: 'per_page', size: 10 },
    },
  ],
  [
    'page without short-page stop (ends on the empty page)',
    {
      path: '/items',
      records: 'data',
      pagination: { type: 'page', sizeParam: 'per_page', size: 10, stopOnShortPage: false },
    },
  ],
  [
    'page without a size (ends on the empty page)',
    { path: '/items', records: 'data', pagination: { type: 'page', startPage: 1 } },
  ],
  [
    'offset',
    {
      path: '/items-offset',
      records: 'results',
      pagination: { type: 'offset', offsetParam: 'offset', limitParam: 'limit', limit: 25 },
    },
  ],
  [
    'offset without a limit',
    { path: '/items-offset', records: 'results', pagination: { type: 'offset' } },
  ],
  [
    'cursor in the body',
    {
      path: '/items-cursor',
      records: 'items',
      pagination: {
        type: 'cursor',
        cursorParam: 'cursor',
        nextCursor: 'next_cursor',
        sizeParam: 'limit',
        size: 20,
      },
    },
  ],
  [
    'cursor in a header',
    {
      path: '/items-cursor-header',
      records: '$',
      pagination: { type: 'cursor', cursorParam: 'cursor', nextCursorHeader: 'X-Next-Page' },
    },
  ],
  [
    'cursor from the last record with has_more (Stripe)',
    {
      path: '/items-after',
      records: 'data',
      pagination: {
        type: 'cursor',
        cursorParam: 'starting_after',
        nextCursor: 'data[-1].id',
        hasMore: 'has_more',
        sizeParam: 'limit',
        size: 30,
      },
    },
  ],
  [
    'next URL, relative',
    {
      path: '/items-next-url?style=relative',
      records: 'entries',
      pagination: { type: 'next-url', next: 'links.next' },
    },
  ],
  [
    'next URL, absolute',
    {
      path: '/items-next-url?style=absolute',
      records: 'entries',
      pagination: { type: 'next-url', next: 'links.next' },
    },
  ],
  [
    'next URL under a bracketed key',
    {
      path: '/items-odata',
      records: '["odata.value"]',
      pagination: { type: 'next-url', next: '["@odata.nextLink"]' },
    },
  ],
  ['Link header', { path: '/items-link?per_page=7', records: '$', pagination: { type: 'link' } }],
  ['none', { path: '/items-all', records: 'items' }],
  [
    'POST with page parameters in the body',
    {
      path: '/items-search',
      method: 'POST',
      body: { filter: 'all' },
      records: 'data',
      pagination: { type: 'page', sizeParam: 'per_page', size: 15, in: 'body' },
    },
  ],
];

describe('every pagination style stores exactly the records the API holds', () => {
  it.each(styles)('%s', async (_style, endpoint) => {
    const run = await pullRun(
      definition({ baseUrl: server.baseUrl, endpoints: [{ name: 'items', ...endpoint }] }),
    );
    const meta = run.metas.get('items')!;
    expect(meta.error).toBeNull();
    expect(meta.status).toBe('ok');
    expect(storedRecords(run, 'items')).toEqual(server.data.items.all());
    expect(meta.records).toBe(95);
  });
});

describe('pagination', () => {
  it('sends the pages of a Link-paginated endpoint one after another, each once', async () => {
    const before = server.log.length;
    await pullRun(
      definition({
        baseUrl: server.baseUrl,
        endpoints: [
          {
            name: 'items',
            path: '/items-link?per_page=10',
            records: '$',
            pagination: { type: 'link' },
          },
        ],
      }),
    );
    const pages = server.log.slice(before).map((r) => r.query.page ?? '1');
    expect(pages).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  });

  it('fetches page-numbered pages ahead in parallel up to the concurrency limit', async () => {
    const slow = await startFixtureServer({ items: 200, latencyMs: 30 });
    try {
      const run = await pullRun(
        definition({
          baseUrl: slow.baseUrl,
          limits: { concurrency: 4 },
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
      expect(storedRecords(run, 'items')).toEqual(slow.data.items.all());
      expect(slow.maxConcurrent).toBe(4);
      // 20 full pages, then the empty end. Pages are asked for up to twice the concurrency
      // ahead, but those still waiting for a connection when the end is read are never sent:
      // at most one request per connection goes past the last page.
      expect(run.metas.get('items')!.requests).toBeLessThanOrEqual(21 + 4);
    } finally {
      await slow.close();
    }
  });

  it('stops with an error when the API hands out the same cursor twice', async () => {
    const run = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        endpoints: [
          {
            name: 'loop',
            path: '/loop',
            records: 'items',
            pagination: { type: 'cursor', cursorParam: 'cursor', nextCursor: 'next_cursor' },
          },
        ],
      }),
    );
    const meta = run.metas.get('loop')!;
    expect(meta.status).toBe('failed');
    expect(meta.error?.message).toMatch(/same next page .*twice/);
    expect(meta.requests).toBe(2);
  });

  it('stops with an error when a next URL leads back to the first page', async () => {
    const run = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        endpoints: [
          { name: 'loop', path: '/link-loop', records: '$', pagination: { type: 'link' } },
        ],
      }),
    );
    const meta = run.metas.get('loop')!;
    expect(meta.error?.message).toMatch(
      /page=2: the API returned the same next page \(.*\/api\/link-loop\) twice/,
    );
    expect(meta.requests).toBe(2);
  });

  it('stops with a clear error when the records are not where the definition says', async () => {
    const run = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        endpoints: [
          { name: 'items', path: '/items', records: 'results', pagination: { type: 'page' } },
        ],
      }),
    );
    const meta = run.metas.get('items')!;
    expect(meta.status).toBe('failed');
    expect(meta.error?.message).toContain(
      'expected an array of records at "results", found nothing',
    );
    expect(meta.error?.url).toBe(`${server.baseUrl}/items?page=1`);
  });
});

describe('endless pagination', () => {
  const endpoint = (name: string, extra: Record<string, unknown>) =>
    definition({ baseUrl: server.baseUrl, endpoints: [{ name, ...extra }] });

  // Before, each of these ran until the process was stopped (17 441 requests in 400 s).
  it('stops an API that ignores `page` at the page that repeats the records', async () => {
    const run = await pullRun(
      endpoint('tasks', {
        path: '/ignores-page',
        records: 'data',
        pagination: { type: 'page', sizeParam: 'per_page', size: 10 },
      }),
    );
    const meta = run.metas.get('tasks')!;
    expect(meta.status).toBe('failed');
    expect(meta.error).toEqual({
      endpoint: 'tasks',
      url: `${server.baseUrl}/ignores-page?page=2&per_page=10`,
      message: 'page 2 repeats records already fetched (the API seems to ignore `page`); stopped',
    });
    // Page 2 and those asked for ahead of it (twice the concurrency of 4), no more.
    expect(meta.requests).toBeLessThanOrEqual(9);
  });

  it('stops a cursor that changes while the records repeat', async () => {
    const run = await pullRun(
      endpoint('tasks', {
        path: '/changing-cursor',
        records: 'items',
        pagination: { type: 'cursor', cursorParam: 'cursor', nextCursor: 'next_cursor' },
      }),
    );
    const meta = run.metas.get('tasks')!;
    expect(meta.error?.message).toBe(
      'page 2 repeats records already fetched (the API seems to ignore `cursor`); stopped',
    );
    expect(meta.requests).toBeLessThanOrEqual(3);
  });

  it('stops pages that cycle through records fetched earlier in the run', async () => {
    const run = await pullRun(
      endpoint('tasks', {
        path: '/cycling-cursor',
        records: 'items',
        pagination: { type: 'cursor', cursorParam: 'cursor', nextCursor: 'next_cursor' },
      }),
    );
    expect(run.metas.get('tasks')!.error?.message).toBe(
      'page 3 repeats records already fetched (the API seems to ignore `cursor`); stopped',
    );
  });

  it('maxPages stops an endpoint that has more pages, with an error naming the limit', async () => {
    const paged = (maxPages: number, pagination: Record<string, unknown>, path = '/items') =>
      pullRun(endpoint('items', { path, records: 'data', maxPages, pagination }));
    const page = { type: 'page', sizeParam: 'per_page', size: 10 };
    const limited = (await paged(3, page)).metas.get('items')!;
    expect(limited.status).toBe('failed');
    expect(limited.error).toEqual({
      endpoint: 'items',
      url: `${server.baseUrl}/items?page=3&per_page=10`,
      message:
        'more pages follow page 3, the endpoint\'s maxPages; stopped (raise "maxPages" if the endpoint really has more)',
    });
    expect(limited.requests).toBe(3);
    // 95 records in pages of 10: the tenth page is short, the last; a limit of 10 is enough.
    const enough = await paged(10, page);
    expect(enough.metas.get('items')!.error).toBeNull();
    expect(storedRecords(enough, 'items')).toEqual(server.data.items.all());

    const cursor = await pullRun(
      endpoint('items', {
        path: '/items-cursor',
        records: 'items',
        maxPages: 2,
        pagination: {
          type: 'cursor',
          cursorParam: 'cursor',
          nextCursor: 'next_cursor',
          sizeParam: 'limit',
          size: 25,
        },
      }),
    );
    expect(cursor.metas.get('items')!.error?.message).toMatch(/^more pages follow page 2, /);
    expect(cursor.metas.get('items')!.requests).toBe(2);
  });
});

describe('page runner scheduling', () => {
  it('asks for the next cursor page before handing the current one on', async () => {
    const events: string[] = [];
    const pages = [{ items: [1, 2], next: 'b' }, { items: [3], next: 'c' }, { items: [] }];
    await runPages({
      paginator: cursorPaginator(
        { url: 'http://api.test/items' },
        { cursorParam: 'cursor', nextCursor: 'next', in: 'query' },
      ),
      records: compileRecordPath('items'),
      send: async (request) => {
        const index = events.filter((e) => e.startsWith('sent')).length;
        events.push(`sent ${index}`);
        return { url: request.url, status: 200, headers: new Headers(), body: pages[index] };
      },
      redactUrl: (url) => url,
      onPage: async (page) => {
        await new Promise((resolve) => setTimeout(resolve, 20)); // reading the records
        events.push(`read ${page.records.length}`);
      },
      lookAhead: 1,
    });
    // Page 2 is on its way while page 1 is read; nothing is asked after the empty end.
    expect(events).toEqual(['sent 0', 'sent 1', 'read 2', 'sent 2', 'read 1', 'read 0']);
  });
});
