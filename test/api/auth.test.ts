import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FixtureAuth } from '../fixtures/api-server/auth-check.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { definition, pullRun, storedRecords } from './helpers/pull-run.js';

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  delete process.env.CAIRN_TEST_TOKEN;
});

async function backUp(
  serverAuth: FixtureAuth,
  auth: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  server = await startFixtureServer({ items: 30, auth: serverAuth });
  const run = await pullRun(
    definition({
      baseUrl: server.baseUrl,
      auth,
      ...extra,
      endpoints: [
        {
          name: 'items',
          path: '/items',
          records: 'data',
          pagination: { type: 'page', sizeParam: 'per_page', size: 10 },
        },
      ],
    }),
    { retry: { maxAttempts: 2, baseDelayMs: 5 } },
  );
  return { run, meta: run.metas.get('items')!, server };
}

const secret = 's3cr3t-V4lue/with+chars';

describe('authentication', () => {
  it('bearer token from an env: reference', async () => {
    process.env.CAIRN_TEST_TOKEN = secret;
    const { run, server } = await backUp(
      { type: 'bearer', token: secret },
      { type: 'bearer', token: 'env:CAIRN_TEST_TOKEN' },
    );
    expect(storedRecords(run, 'items')).toEqual(server.data.items.all());
  });

  it('basic auth with the password from a file: reference (trailing newline dropped)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cairn-secret-'));
    await writeFile(path.join(dir, 'pw'), `${secret}\n`);
    const { run, server } = await backUp(
      { type: 'basic', username: 'ann', password: secret },
      { type: 'basic', username: 'ann', password: `file:${path.join(dir, 'pw')}` },
    );
    expect(storedRecords(run, 'items')).toEqual(server.data.items.all());
  });

  it('API key in a header', async () => {
    const { run, server } = await backUp(
      { type: 'apiKey', in: 'header', name: 'X-Api-Key', value: secret },
      { type: 'apiKey', in: 'header', name: 'X-Api-Key', value: secret },
    );
    expect(storedRecords(run, 'items')).toEqual(server.data.items.all());
  });

  it('API key in the query string, redacted from the URLs in messages', async () => {
    const { run, server, meta } = await backUp(
      { type: 'apiKey', in: 'query', name: 'api_key', value: secret },
      { type: 'apiKey', in: 'query', name: 'api_key', value: secret },
    );
    expect(storedRecords(run, 'items')).toEqual(server.data.items.all());
    expect(meta.status).toBe('ok');
    server.faults.add({ path: '/api/items', times: Infinity, action: { status: 500 } });
    const failed = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        auth: { type: 'apiKey', in: 'query', name: 'api_key', value: secret },
        endpoints: [
          { name: 'items', path: `/items?api_key=${encodeURIComponent(secret)}`, records: 'data' },
        ],
      }),
      { retry: { maxAttempts: 1 } },
    );
    const text = JSON.stringify(failed.metas.get('items'));
    expect(text).toContain('HTTP 500');
    expect(text).toContain('api_key=[redacted]');
    expect(text).not.toContain(secret);
    expect(text).not.toContain(encodeURIComponent(secret));
  });

  it('a secret header value from a reference is sent and never shown', async () => {
    process.env.CAIRN_TEST_TOKEN = secret;
    const { run, server } = await backUp(
      { type: 'apiKey', in: 'header', name: 'X-Api-Key', value: secret },
      { type: 'none' },
      { headers: { 'X-Api-Key': 'env:CAIRN_TEST_TOKEN' } },
    );
    expect(storedRecords(run, 'items')).toEqual(server.data.items.all());
  });

  it('wrong credentials stop the endpoint with an auth error that holds no secret', async () => {
    const { meta } = await backUp(
      { type: 'bearer', token: 'right' },
      { type: 'bearer', token: secret },
    );
    expect(meta.status).toBe('failed');
    expect(meta.error?.message).toBe(
      `GET ${server!.baseUrl}/items?page=1&per_page=10: HTTP 401 Unauthorized (the API refused the credentials)`,
    );
    expect(JSON.stringify(meta)).not.toContain(secret);
  });

  it('a missing secret fails the run before any request, naming the reference', async () => {
    // Before: each endpoint failed on its own, and the backup saved an incomplete snapshot.
    await expect(
      backUp({ type: 'bearer', token: 'x' }, { type: 'bearer', token: 'env:CAIRN_TEST_MISSING' }),
    ).rejects.toThrow(
      'API source fixture: secret env:CAIRN_TEST_MISSING: environment variable CAIRN_TEST_MISSING is not set',
    );
    expect(server!.log).toEqual([]);
  });

  it("an endpoint's own header secret is resolved up front too", async () => {
    process.env.CAIRN_TEST_TOKEN = secret;
    const dir = await mkdtemp(path.join(tmpdir(), 'cairn-secret-'));
    const missing = path.join(dir, 'no-such-file');
    server = await startFixtureServer({ items: 5, auth: { type: 'bearer', token: secret } });
    const def = definition({
      baseUrl: server.baseUrl,
      auth: { type: 'bearer', token: 'env:CAIRN_TEST_TOKEN' },
      endpoints: [
        { name: 'items', path: '/items', records: 'data' },
        {
          name: 'projects',
          path: '/projects',
          records: 'data',
          headers: { 'X-Extra': `file:${missing}` },
        },
      ],
    });
    await expect(pullRun(def)).rejects.toThrow(
      `API source fixture: secret file:${missing}: cannot read the file`,
    );
    expect(server.log).toEqual([]);
  });
});

describe('OAuth2 client credentials', () => {
  const oauthServer = (
    expiresInSeconds: number,
    clientAuthentication?: 'basic' | 'body',
  ): FixtureAuth => ({
    type: 'oauth2',
    clientAuthentication,
    clientId: 'cairn-client',
    clientSecret: secret,
    expiresInSeconds,
    scope: 'read:items read:projects',
  });
  const oauth = (baseUrl: string) => ({
    type: 'oauth2-client-credentials',
    tokenUrl: baseUrl.replace(/\/api$/, '/oauth/token'),
    clientId: 'cairn-client',
    clientSecret: secret,
    scopes: ['read:items', 'read:projects'],
  });

  it('fetches one token and shares it across requests', async () => {
    server = await startFixtureServer({ items: 60, auth: oauthServer(3600) });
    const run = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        auth: oauth(server.baseUrl),
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
    expect(storedRecords(run, 'items')).toEqual(server.data.items.all());
    expect(server.auth.tokensIssued).toBe(1);
  });

  it('refreshes the token before it expires, so no request is refused', async () => {
    server = await startFixtureServer({ items: 60, auth: oauthServer(1) });
    const run = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        auth: oauth(server.baseUrl),
        limits: { concurrency: 1, requestsPerSecond: 5 },
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
    expect(storedRecords(run, 'items')).toEqual(server.data.items.all());
    expect(server.auth.tokensIssued).toBeGreaterThanOrEqual(2);
    expect(server.log.filter((r) => r.status === 401)).toEqual([]);
  });

  it('fetches a new token once after a 401 (token revoked early)', async () => {
    server = await startFixtureServer({ items: 60, auth: oauthServer(3600) });
    const s = server;
    let revoked = false;
    const run = await pullRun(
      definition({
        baseUrl: s.baseUrl,
        auth: oauth(s.baseUrl),
        limits: { concurrency: 1 },
        endpoints: [
          {
            name: 'items',
            path: '/items',
            records: 'data',
            pagination: { type: 'page', sizeParam: 'per_page', size: 10 },
          },
        ],
      }),
      {
        onProgress: (p) => {
          if (!revoked && p.records >= 30) {
            revoked = true;
            s.auth.revokeTokens();
          }
        },
      },
    );
    expect(storedRecords(run, 'items')).toEqual(s.data.items.all());
    expect(s.auth.tokensIssued).toBe(2);
    expect(s.log.filter((r) => r.status === 401)).toHaveLength(1);
  });

  const itemsEndpoint = [
    {
      name: 'items',
      path: '/items',
      records: 'data',
      pagination: { type: 'page', sizeParam: 'per_page', size: 10 },
    },
  ];

  it('clientAuthentication "body" sends client_id and client_secret in the form', async () => {
    // A token endpoint that accepts the client's credentials only in the form body (many do):
    // before, Cairn always sent HTTP Basic and the token endpoint answered 401.
    server = await startFixtureServer({
      items: 25,
      auth: oauthServer(3600, 'body'),
    });
    const run = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        auth: { ...oauth(server.baseUrl), clientAuthentication: 'body' },
        endpoints: itemsEndpoint,
      }),
    );
    expect(run.metas.get('items')!.error).toBeNull();
    expect(storedRecords(run, 'items')).toEqual(server.data.items.all());
    expect(server.auth.tokenRequests).toEqual([{ mode: 'body', status: 200 }]);
  });

  it('clientAuthentication "basic" (the default) uses HTTP Basic, which a Basic-only server needs', async () => {
    server = await startFixtureServer({
      items: 25,
      auth: oauthServer(3600, 'basic'),
    });
    const explicit = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        auth: { ...oauth(server.baseUrl), clientAuthentication: 'basic' },
        endpoints: itemsEndpoint,
      }),
    );
    expect(storedRecords(explicit, 'items')).toEqual(server.data.items.all());
    const byDefault = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        auth: oauth(server.baseUrl),
        endpoints: itemsEndpoint,
      }),
    );
    expect(storedRecords(byDefault, 'items')).toEqual(server.data.items.all());
    expect(server.auth.tokenRequests).toEqual([
      { mode: 'basic', status: 200 },
      { mode: 'basic', status: 200 },
    ]);
  });

  it('the wrong clientAuthentication for the token endpoint is a clear 401 without secrets', async () => {
    server = await startFixtureServer({
      items: 5,
      auth: oauthServer(3600, 'body'),
    });
    const run = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        auth: oauth(server.baseUrl),
        endpoints: itemsEndpoint,
      }),
    );
    const meta = run.metas.get('items')!;
    expect(meta.error?.message).toBe(
      `POST ${server.url}/oauth/token: HTTP 401 Unauthorized (the API refused the credentials)`,
    );
    expect(JSON.stringify(meta)).not.toContain(secret);
    expect(JSON.stringify(meta)).not.toContain(encodeURIComponent(secret));
  });

  it('a wrong client secret fails with a clear error that holds no secret', async () => {
    server = await startFixtureServer({ items: 10, auth: oauthServer(3600) });
    const run = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        auth: { ...oauth(server.baseUrl), clientSecret: 'wrong-secret-value' },
        endpoints: [{ name: 'items', path: '/items', records: 'data' }],
      }),
    );
    const meta = run.metas.get('items')!;
    expect(meta.error?.message).toBe(
      `POST ${server.url}/oauth/token: HTTP 401 Unauthorized (the API refused the credentials)`,
    );
    expect(JSON.stringify(meta)).not.toContain('wrong-secret-value');
  });
});
