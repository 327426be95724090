/**
 * Responses and definitions that are not what they seem get a one-line message naming what is
 * wrong and where — never a Node stack overflow, a hang, or a silent default.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { definition, pullRun } from './helpers/pull-run.js';
import { runCliCommand } from './helpers/spawn-command.js';

let server: FixtureServer;
let dir: string;
beforeAll(async () => {
  server = await startFixtureServer({ items: 12 });
  dir = await mkdtemp(path.join(tmpdir(), 'cairn-api-shape-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('response shape', () => {
  it('a record nested 100 000 levels deep fails its endpoint with a message', async () => {
    // Before: "Maximum call stack size exceeded".
    const run = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        endpoints: [
          { name: 'deep', path: '/deep?levels=100000', records: 'data' },
          { name: 'exact', path: '/deep?levels=100000&big=1', records: 'data' },
          { name: 'fine', path: '/deep?levels=900', records: 'data' },
        ],
      }),
    );
    expect(run.metas.get('deep')!.error?.message).toBe(
      `${server.baseUrl}/deep?levels=100000: record 1 nests deeper than 1000 levels`,
    );
    // A response with a number that needs the exact parser is refused by the parser itself.
    expect(run.metas.get('exact')!.error?.message).toBe(
      `GET ${server.baseUrl}/deep?levels=100000&big=1: the response nests deeper than 1000 levels`,
    );
    expect(run.metas.get('fine')!.status).toBe('ok');
    expect(run.files.get('fine')).toBe(`{"id":1,"tree":${'['.repeat(900)}${']'.repeat(900)}}\n`);
  });

  it('a record without its id names the record and the field', async () => {
    const run = await pullRun(
      definition({
        baseUrl: server.baseUrl,
        endpoints: [
          { name: 'items', path: '/items-all', records: 'items', id: 'uuid' },
          { name: 'tagged', path: '/items-all', records: 'items', id: 'tags' },
        ],
      }),
    );
    expect(run.metas.get('items')!.error).toEqual({
      endpoint: 'items',
      url: `${server.baseUrl}/items-all`,
      message: `${server.baseUrl}/items-all: record 1 has no id at "uuid" (the endpoint's "id" names the field that holds it)`,
    });
    expect(run.metas.get('tagged')!.error?.message).toBe(
      `${server.baseUrl}/items-all: record 1: the id at "tags" is an array, not a string or number`,
    );
  });

  it('`cairn api test` reports a missing id field already, naming the endpoint and the field', async () => {
    const file = path.join(dir, 'no-id.source.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'fixture',
        baseUrl: server.baseUrl,
        endpoints: [
          { name: 'items', path: '/items-all', records: 'items' },
          { name: 'tasks', path: '/items-all', records: 'items', id: 'task_id' },
        ],
      }),
    );
    const result = await runCliCommand('api-test', [file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `tasks: ${server.baseUrl}/items-all\n  error: record 1 has no id at "task_id" (the endpoint's "id" names the field that holds it)\n`,
    );
    expect(result.stdout).toContain(`items: ${server.baseUrl}/items-all\n  records found: 12\n`);
  });
});

describe('limits and URLs in a definition', () => {
  const write = async (name: string, extra: Record<string, unknown>) => {
    const file = path.join(dir, `${name}.source.json`);
    await writeFile(
      file,
      JSON.stringify({
        name: 'fixture',
        baseUrl: server.baseUrl,
        endpoints: [{ name: 'items', path: '/items', records: 'data' }],
        ...extra,
      }),
    );
    return file;
  };

  // Before: requestsPerSecond 1e-9 hung `api test` printing Node timeout warnings, and
  // timeoutMs 1e12 made every request time out at once.
  it.each([
    [
      { limits: { requestsPerSecond: 1e-9 } },
      'limits.requestsPerSecond: must be a number from 0.001 to 10000 requests per second, not 1e-9',
    ],
    [
      { limits: { timeoutMs: 1e12 } },
      'limits.timeoutMs: must be a whole number from 100 to 3600000 ms, not 1000000000000',
    ],
    [
      { limits: { concurrency: 0 } },
      'limits.concurrency: must be a whole number from 1 to 256, not 0',
    ],
    [
      { limits: { maxResponseBytes: 2 ** 40 } },
      'limits.maxResponseBytes: must be a whole number from 1024 to 268435456 bytes, not 1099511627776',
    ],
    [{ baseUrl: 'file:///etc' }, 'baseUrl: must be an http:// or https:// URL, not file:'],
    [{ fullSyncEvery: 0 }, 'fullSyncEvery: must be a whole number from 1 to 10000, not 0'],
  ])('refuses %j, naming the field and its range', async (extra, message) => {
    const file = await write('limits', extra);
    const result = await runCliCommand('api-test', [file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`cairn api test: ${file}: ${message}\n`);
  });

  it('checks the token URL and the page sizes too', async () => {
    const file = await write('oauth', {
      auth: {
        type: 'oauth2-client-credentials',
        tokenUrl: 'ftp://h/token',
        clientId: 'id',
        clientSecret: 'secret',
      },
      endpoints: [
        {
          name: 'items',
          path: '/items',
          records: 'data',
          maxPages: 0,
          pagination: { type: 'page', sizeParam: 'per_page', size: 1e9 },
        },
      ],
    });
    const result = await runCliCommand('api-test', [file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `cairn api test: ${file}: auth.tokenUrl: must be an http:// or https:// URL, not ftp:; ` +
        'endpoints[0].pagination.size: must be a whole number from 1 to 100000, not 1000000000; ' +
        'endpoints[0].maxPages: must be a whole number from 1 to 100000000, not 0\n',
    );
  });
});
