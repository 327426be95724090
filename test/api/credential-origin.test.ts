/**
 * A source's credentials go to the origin of its baseUrl and nowhere else: a redirect to another
 * server arrives there without them, a token form with a client secret is not resent there, and
 * a next page on another server is refused while the source has credentials.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FixtureAuth } from '../fixtures/api-server/auth-check.js';
import { describeEndpointFailure } from '../../electron/engine/sources/api/api-source-meta.js';
import { probeFirstPages } from '../../electron/engine/sources/api/probe-first-page.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { definition, pullRun, storedRecords } from './helpers/pull-run.js';

const secret = 's3cr3t-V4lue/with+chars';
const servers: FixtureServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A, the source's own server (checking `auth`), and B, another origin on another port. */
async function twoServers(auth: FixtureAuth) {
  const a = await startFixtureServer({ items: 30, auth });
  const b = await startFixtureServer({ items: 30 });
  servers.push(a, b);
  return { a, b };
}

const itemsByPage = {
  name: 'items',
  path: '/items',
  records: 'data',
  pagination: { type: 'page', sizeParam: 'per_page', size: 10 },
};

/** Every form the secret travels in, searched for in all B was sent. */
function leaks(server: FixtureServer): boolean {
  const text = JSON.stringify(server.log);
  const basic = Buffer.from(`ann:${secret}`).toString('base64');
  return [secret, encodeURIComponent(secret), basic].some((form) => text.includes(form));
}

describe('credentials stay on the origin of the baseUrl', () => {
  it.each<[string, FixtureAuth, Record<string, unknown>]>([
    ['bearer', { type: 'bearer', token: secret }, { type: 'bearer', token: secret }],
    [
      'basic',
      { type: 'basic', username: 'ann', password: secret },
      { type: 'basic', username: 'ann', password: secret },
    ],
    [
      'apiKey in a header',
      { type: 'apiKey', in: 'header', name: 'X-Api-Key', value: secret },
      { type: 'apiKey', in: 'header', name: 'X-Api-Key', value: secret },
    ],
    [
      'apiKey in the query',
      { type: 'apiKey', in: 'query', name: 'api_key', value: secret },
      { type: 'apiKey', in: 'query', name: 'api_key', value: secret },
    ],
  ])(
    'a redirect to another origin arrives there without the %s credentials',
    async (_, serverAuth, auth) => {
      const { a, b } = await twoServers(serverAuth);
      // The Location even echoes the key, as some servers do with the query they were sent.
      a.faults.add({
        path: '/api/items',
        query: { page: '1' },
        action: {
          redirect: `${b.baseUrl}/items?page=1&per_page=10&api_key=${encodeURIComponent(secret)}`,
        },
      });
      const run = await pullRun(
        definition({ baseUrl: a.baseUrl, auth, endpoints: [itemsByPage] }),
        { retry: { maxAttempts: 1 } },
      );
      expect(storedRecords(run, 'items')).toHaveLength(30);
      const atB = b.log.filter((r) => r.path === '/api/items');
      expect(atB).toHaveLength(1);
      expect(atB[0]!.headers.authorization).toBeUndefined();
      expect(atB[0]!.headers['x-api-key']).toBeUndefined();
      expect(atB[0]!.query).toEqual({ page: '1', per_page: '10' });
      expect(leaks(b)).toBe(false);
    },
  );

  it('a redirect to another origin drops a header from a secret reference', async () => {
    process.env.CAIRN_TEST_KEY = secret;
    try {
      const { a, b } = await twoServers({
        type: 'apiKey',
        in: 'header',
        name: 'X-Api-Key',
        value: secret,
      });
      a.faults.add({
        path: '/api/items',
        query: { page: '1' },
        action: { redirect: `${b.baseUrl}/items?page=1&per_page=10` },
      });
      const run = await pullRun(
        definition({
          baseUrl: a.baseUrl,
          auth: { type: 'none' },
          headers: { 'X-Api-Key': 'env:CAIRN_TEST_KEY', 'X-Team': 'backups' },
          endpoints: [itemsByPage],
        }),
        { retry: { maxAttempts: 1 } },
      );
      expect(run.metas.get('items')!.status).toBe('ok');
      const atB = b.log.filter((r) => r.path === '/api/items');
      expect(atB[0]!.headers['x-api-key']).toBeUndefined();
      // A header that is no secret still goes along, as it does without a redirect.
      expect(atB[0]!.headers['x-team']).toBe('backups');
      expect(leaks(b)).toBe(false);
    } finally {
      delete process.env.CAIRN_TEST_KEY;
    }
  });

  it('a redirect within the same origin keeps the credentials', async () => {
    const { a } = await twoServers({ type: 'bearer', token: secret });
    a.faults.add({
      path: '/api/items',
      query: { page: '1' },
      action: { redirect: '/api/items?page=1&per_page=10&moved=1', status: 301 },
    });
    const run = await pullRun(
      definition({
        baseUrl: a.baseUrl,
        auth: { type: 'bearer', token: secret },
        endpoints: [itemsByPage],
      }),
      { retry: { maxAttempts: 1 } },
    );
    expect(run.metas.get('items')!.status).toBe('ok');
    expect(storedRecords(run, 'items')).toEqual(a.data.items.all());
  });

  it('a 307 that would resend a client secret in the token form to another origin is refused', async () => {
    const { a, b } = await twoServers({
      type: 'oauth2',
      clientId: 'cairn',
      clientSecret: secret,
      expiresInSeconds: 3600,
      clientAuthentication: 'body',
    });
    a.faults.add({
      path: '/oauth/token',
      action: { redirect: `${b.url}/oauth/token`, status: 307 },
    });
    const run = await pullRun(
      definition({
        baseUrl: a.baseUrl,
        auth: {
          type: 'oauth2-client-credentials',
          tokenUrl: `${a.url}/oauth/token`,
          clientId: 'cairn',
          clientSecret: secret,
          clientAuthentication: 'body',
        },
        endpoints: [itemsByPage],
      }),
      { retry: { maxAttempts: 1 } },
    );
    const meta = run.metas.get('items')!;
    expect(meta.status).toBe('failed');
    expect(meta.error?.message).toBe(
      `POST ${a.url}/oauth/token: redirected to another origin (${b.url}) with a secret in the request body; refused`,
    );
    expect(b.log).toEqual([]);
  });

  describe('a next page on another origin', () => {
    /** A's first page of items, whose next page is on B (a body URL or a Link header). */
    function firstPageLeadingTo(a: FixtureServer, next: string, style: 'next-url' | 'link') {
      const records = a.data.items.all().slice(0, 10);
      a.faults.add({
        path: '/api/items-next-url',
        action:
          style === 'next-url'
            ? { status: 200, body: JSON.stringify({ entries: records, links: { next } }) }
            : {
                status: 200,
                body: JSON.stringify({ entries: records }),
                headers: { link: `<${next}>; rel="next"` },
              },
      });
      return records;
    }

    /** The one line the backup reports for the endpoint. */
    const refusal = (a: FixtureServer, b: FixtureServer) =>
      `API source fixture, endpoint items (${b.baseUrl}/items-next-url?page=2): the next page is on ${b.url}, not on the baseUrl's origin ${a.url}; stopped so the source's credentials are not sent there; no earlier records to carry over`;

    const endpoint = (style: 'next-url' | 'link') => ({
      name: 'items',
      path: '/items-next-url',
      records: 'entries',
      pagination:
        style === 'next-url' ? { type: 'next-url', next: 'links.next' } : { type: 'link' },
    });

    it.each(['next-url', 'link'] as const)(
      'is refused with credentials (%s): one line naming both origins, nothing sent there',
      async (style) => {
        const { a, b } = await twoServers({ type: 'bearer', token: secret });
        firstPageLeadingTo(a, `${b.baseUrl}/items-next-url?page=2`, style);
        const run = await pullRun(
          definition({
            baseUrl: a.baseUrl,
            auth: { type: 'bearer', token: secret },
            endpoints: [endpoint(style)],
          }),
          { retry: { maxAttempts: 1 } },
        );
        const meta = run.metas.get('items')!;
        expect(meta.status).toBe('failed');
        expect(describeEndpointFailure(meta)).toBe(refusal(a, b));
        expect(b.log).toEqual([]);
      },
    );

    it('is refused when the only credential is a header from a secret reference', async () => {
      process.env.CAIRN_TEST_KEY = secret;
      try {
        const { a, b } = await twoServers({
          type: 'apiKey',
          in: 'header',
          name: 'X-Api-Key',
          value: secret,
        });
        firstPageLeadingTo(a, `${b.baseUrl}/items-next-url?page=2`, 'next-url');
        const run = await pullRun(
          definition({
            baseUrl: a.baseUrl,
            auth: { type: 'none' },
            headers: { 'X-Api-Key': 'env:CAIRN_TEST_KEY' },
            endpoints: [endpoint('next-url')],
          }),
          { retry: { maxAttempts: 1 } },
        );
        expect(describeEndpointFailure(run.metas.get('items')!)).toBe(refusal(a, b));
        expect(b.log).toEqual([]);
      } finally {
        delete process.env.CAIRN_TEST_KEY;
      }
    });

    it('is said by the test request (api test) before any backup, without fetching it', async () => {
      const { a, b } = await twoServers({ type: 'bearer', token: secret });
      firstPageLeadingTo(a, `${b.baseUrl}/items-next-url?page=2`, 'next-url');
      const [probe] = await probeFirstPages(
        definition({
          baseUrl: a.baseUrl,
          auth: { type: 'bearer', token: secret },
          endpoints: [endpoint('next-url')],
        }),
      );
      expect(probe!.records).toBe(10);
      expect(probe!.nextPage).toBe(`${b.baseUrl}/items-next-url?page=2`);
      expect(probe!.error).toBe(
        `the next page is on ${b.url}, not on the baseUrl's origin ${a.url}; stopped so the source's credentials are not sent there`,
      );
      expect(b.log).toEqual([]);
    });

    it('is followed when the source has no credentials', async () => {
      const { a, b } = await twoServers({ type: 'none' });
      firstPageLeadingTo(a, `${b.baseUrl}/items-next-url?page=2`, 'next-url');
      const run = await pullRun(
        definition({
          baseUrl: a.baseUrl,
          auth: { type: 'none' },
          endpoints: [endpoint('next-url')],
        }),
        { retry: { maxAttempts: 1 } },
      );
      expect(run.metas.get('items')!.status).toBe('ok');
      expect(b.log.map((r) => r.query.page)).toEqual(['2', '3']);
      // A's first page (1–10), then B's pages: records 11–30.
      expect(storedRecords(run, 'items')).toEqual(a.data.items.all());
    });
  });
});
