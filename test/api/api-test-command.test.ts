import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { runCliCommand } from './helpers/spawn-command.js';

let server: FixtureServer;
let file: string;
beforeAll(async () => {
  server = await startFixtureServer({
    items: 25,
    projects: 3,
    auth: { type: 'bearer', token: 'probe-token' },
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'cairn-api-test-cmd-'));
  file = path.join(dir, 'fixture.source.json');
  await writeFile(
    file,
    JSON.stringify({
      $schema: 'cairn/source-definition/v1',
      name: 'fixture',
      baseUrl: server.baseUrl,
      auth: { type: 'bearer', token: 'env:CAIRN_PROBE_TOKEN' },
      endpoints: [
        {
          name: 'items',
          path: '/items',
          records: 'data',
          pagination: { type: 'page', sizeParam: 'per_page', size: 10 },
        },
        {
          name: 'tasks',
          path: '/items-cursor',
          records: 'items',
          pagination: { type: 'cursor', cursorParam: 'cursor', nextCursor: 'next_cursor' },
        },
        {
          name: 'comments',
          path: '/projects/{projects.id}/comments',
          records: '$',
          pagination: { type: 'link' },
        },
        { name: 'projects', path: '/projects', records: 'data' },
        { name: 'broken', path: '/nowhere', records: 'data' },
      ],
    }),
  );
});
afterAll(() => server.close());

const env = () => ({ ...process.env, CAIRN_PROBE_TOKEN: 'probe-token' });

describe('cairn api test', () => {
  it('shows the first page of each endpoint and where the next page is, storing nothing', async () => {
    const before = server.log.length;
    const result = await runCliCommand('api-test', [file, '--json'], { env: env() });
    expect(result.code).toBe(1); // "broken" answers 404
    const probes = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    const byName = Object.fromEntries(probes.map((p) => [p.endpoint, p]));
    expect(byName.items).toMatchObject({
      url: `${server.baseUrl}/items?page=1&per_page=10`,
      records: 10,
      next_page: `${server.baseUrl}/items?page=2&per_page=10`,
      first_record: server.data.items.record(1),
      error: null,
    });
    expect(byName.tasks).toMatchObject({
      records: 10,
      next_page: Buffer.from('after:10').toString('base64url'),
    });
    expect(byName.comments).toMatchObject({
      url: `${server.baseUrl}/projects/1/comments`,
      records: 3,
      next_page: `${server.baseUrl}/projects/1/comments?page=2`,
    });
    expect(byName.broken).toMatchObject({
      status: 404,
      error: `GET ${server.baseUrl}/nowhere: HTTP 404 Not Found`,
    });
    // One request per endpoint: a first page only.
    expect(server.log.length - before).toBe(5);
  });

  it('prints a readable report for one endpoint', async () => {
    const result = await runCliCommand('api-test', [file, '--endpoint', 'items'], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `items: ${server.baseUrl}/items?page=1&per_page=10\n  records found: 10\n  next page: ${server.baseUrl}/items?page=2&per_page=10\n  first record: {"alpha":1,`,
    );
  });

  it('--json shows the first record with its numbers exactly as the API sent them', async () => {
    const big = path.join(path.dirname(file), 'big.source.json');
    await writeFile(
      big,
      JSON.stringify({
        name: 'fixture',
        baseUrl: server.baseUrl,
        auth: { type: 'bearer', token: 'env:CAIRN_PROBE_TOKEN' },
        endpoints: [{ name: 'big', path: '/big-numbers', records: 'data' }],
      }),
    );
    const result = await runCliCommand('api-test', [big, '--json'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      '"first_record": {"amount":123456789012345678901234567890,"id":9007199254740997,"title":"four","version":9007199254740995},',
    );
    expect(JSON.parse(result.stdout)).toMatchObject([{ endpoint: 'big', records: 6, error: null }]);
  });

  it('names an unknown endpoint', async () => {
    const result = await runCliCommand('api-test', [file, '--endpoint', 'nope'], { env: env() });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'cairn api test: source fixture has no endpoint named "nope" (it has: items, tasks, comments, projects, broken)\n',
    );
  });
});
