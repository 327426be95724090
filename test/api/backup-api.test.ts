/**
 * `cairn backup --api` end to end: the real CLI (from sources), a real repository in a temp
 * folder and the fixture API. What the user cares about: the snapshot restores to exactly the
 * records the server holds, across pages, runs, faults and incremental syncs.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentsOf } from '../fixtures/api-server/routes.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { repoRoot, spawnAndWait, type Finished } from './helpers/spawn-command.js';

let server: FixtureServer;
let dir: string;
let repo: string;
let source: string;
const env = {
  ...process.env,
  CAIRN_PASSWORD: 'correct horse',
  CAIRN_TEST_API_TOKEN: 'api-token-123',
};

beforeAll(async () => {
  server = await startFixtureServer({
    items: 95,
    projects: 4,
    commentsPerProject: 5,
    auth: { type: 'bearer', token: 'api-token-123' },
  });
  dir = await mkdtemp(path.join(tmpdir(), 'cairn-api-backup-'));
  repo = path.join(dir, 'repo');
  source = path.join(dir, 'fixture.source.json');
  await writeFile(
    source,
    JSON.stringify({
      name: 'fixture',
      baseUrl: server.baseUrl,
      auth: { type: 'bearer', token: 'env:CAIRN_TEST_API_TOKEN' },
      limits: { concurrency: 3, requestsPerSecond: 200 },
      endpoints: [
        {
          name: 'items',
          path: '/items',
          records: 'data',
          pagination: { type: 'page', sizeParam: 'per_page', size: 20 },
        },
        {
          name: 'tasks',
          path: '/items-cursor',
          records: 'items',
          pagination: {
            type: 'cursor',
            cursorParam: 'cursor',
            nextCursor: 'next_cursor',
            sizeParam: 'limit',
            size: 25,
          },
          incremental: { cursorField: 'updated_at', param: 'updated_since' },
        },
        { name: 'projects', path: '/projects', records: 'data' },
        {
          name: 'comments',
          path: '/projects/{projects.id}/comments',
          records: '$',
          pagination: { type: 'link' },
        },
      ],
    }),
  );
  const init = await cairn(['init', '--repo', repo]);
  expect(init.code, init.stderr).toBe(0);
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function cairn(args: string[]): Promise<Finished> {
  return spawnAndWait(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'electron/cli/index.ts'), ...args],
    { env },
  );
}

async function backup(...extra: string[]) {
  const result = await cairn(['backup', '--api', source, '--repo', repo, '--json', ...extra]);
  const parsed = JSON.parse(result.stdout || '{}') as {
    snapshot: { id: string; incomplete: boolean; incomplete_reasons: string[]; meta: unknown };
  };
  return { ...result, snapshot: parsed.snapshot };
}

/** Restores the snapshot and reads one endpoint's stored records. */
async function restored(
  snapshot: string,
  endpoint: string,
): Promise<{ records: unknown[]; meta: Record<string, unknown> }> {
  const target = await mkdtemp(path.join(dir, 'restore-'));
  const result = await cairn(['restore', snapshot, '--target', target, '--repo', repo]);
  expect(result.code, result.stderr).toBe(0);
  const text = await readFile(path.join(target, 'api', 'fixture', `${endpoint}.ndjson`), 'utf8');
  const meta = JSON.parse(
    await readFile(path.join(target, 'api', 'fixture', `${endpoint}.meta.json`), 'utf8'),
  ) as Record<string, unknown>;
  return {
    records: text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as unknown),
    meta,
  };
}

const comments = () =>
  server.data.projects
    .all()
    .flatMap((p) =>
      commentsOf(server.data, p.id as number)
        .all()
        .map((c) => ({ ...c, $parent: p.id })),
    )
    .sort(
      (a, b) =>
        (a.id as number) - (b.id as number) || (a.$parent as number) - (b.$parent as number),
    );

describe('cairn backup --api', () => {
  let first = '';
  let second = '';

  it("stores every endpoint; the snapshot restores to exactly the server's records", async () => {
    const result = await backup();
    expect(result.code, result.stderr).toBe(0);
    expect(result.snapshot.incomplete).toBe(false);
    first = result.snapshot.id;
    expect((await restored(first, 'items')).records).toEqual(server.data.items.all());
    expect((await restored(first, 'tasks')).records).toEqual(server.data.items.all());
    expect((await restored(first, 'comments')).records).toEqual(comments());
    expect(result.snapshot.meta).toMatchObject({
      api: {
        fixture: {
          endpoints: {
            tasks: { bookmark: server.data.items.record(95).updated_at, runs_since_full_sync: 0 },
          },
        },
      },
    });
  });

  it('a second run fetches changes incrementally and still holds everything', async () => {
    server.data.items.edit(10, { title: 'edited' });
    server.data.items.insert({ title: 'inserted' });
    commentsOf(server.data, 1).insert({ title: 'new comment' });
    const result = await backup();
    expect(result.code, result.stderr).toBe(0);
    second = result.snapshot.id;
    const tasks = await restored(second, 'tasks');
    expect(tasks.records).toEqual(server.data.items.all());
    expect(tasks.meta).toMatchObject({ sync: 'incremental', records_fetched: 3, status: 'ok' });
    expect((await restored(second, 'items')).records).toEqual(server.data.items.all());
    expect((await restored(second, 'comments')).records).toEqual(comments());
  });

  it('a failed endpoint makes the snapshot incomplete (exit 3) and carries its records over', async () => {
    server.faults.add({ path: '/api/items-cursor', times: Infinity, action: { status: 500 } });
    server.data.items.edit(20);
    try {
      const result = await backup();
      expect(result.code).toBe(3);
      expect(result.snapshot.incomplete).toBe(true);
      expect(result.snapshot.incomplete_reasons).toEqual([
        expect.stringMatching(
          /^API source fixture, endpoint tasks \(http:\/\/127\.0\.0\.1:\d+\/api\/items-cursor\?updated_since=.*\): GET .* HTTP 500 Internal Server Error \(gave up after 5 attempts\); the previous snapshot's records were carried over$/,
        ),
      ]);
      expect(result.stderr).toContain('saved but incomplete: 1 endpoint(s) failed');
      const tasks = await restored(result.snapshot.id, 'tasks');
      expect(tasks.records).toEqual((await restored(second, 'tasks')).records);
      expect(tasks.meta).toMatchObject({ status: 'failed', carried_over: true });
      // The other endpoints are fresh.
      expect((await restored(result.snapshot.id, 'items')).records).toEqual(
        server.data.items.all(),
      );
      expect(JSON.stringify(result)).not.toContain('api-token-123');
    } finally {
      server.faults.clear();
    }
  });

  it('the run after a failure catches up, and --full-sync drops deleted records', async () => {
    server.data.items.delete(3);
    const caughtUp = await backup('--endpoint', 'tasks');
    expect(caughtUp.code, caughtUp.stderr).toBe(0);
    const tasks = await restored(caughtUp.snapshot.id, 'tasks');
    // Incremental: the edit made during the failed run arrives; the deletion is not yet seen.
    expect(tasks.records).toHaveLength(96);
    expect(tasks.records).toContainEqual(server.data.items.record(20));
    // Endpoints not asked for keep the previous snapshot's files.
    expect((await restored(caughtUp.snapshot.id, 'comments')).records).toEqual(comments());

    const full = await backup('--full-sync');
    expect(full.code, full.stderr).toBe(0);
    expect((await restored(full.snapshot.id, 'tasks')).records).toEqual(server.data.items.all());
    expect((await restored(full.snapshot.id, 'items')).records).toEqual(server.data.items.all());
  });

  it('many requests in flight at once leave stderr empty (no listener-leak warning)', async () => {
    // Before: with more than ten pages in flight Node printed a MaxListenersExceededWarning.
    const wide = path.join(dir, 'wide.source.json');
    const definition = JSON.parse(await readFile(source, 'utf8')) as Record<string, unknown>;
    await writeFile(
      wide,
      JSON.stringify({
        ...definition,
        limits: { concurrency: 16, requestsPerSecond: 1000 },
        endpoints: [
          {
            name: 'items',
            path: '/items',
            records: 'data',
            pagination: { type: 'page', sizeParam: 'per_page', size: 2 },
          },
        ],
      }),
    );
    const result = await cairn(['backup', '--api', wide, '--repo', repo]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it.each([
    ['env:CAIRN_TEST_UNSET_TOKEN', 'environment variable CAIRN_TEST_UNSET_TOKEN is not set'],
    ['file:/nonexistent/cairn/token', 'cannot read the file: ENOENT'],
  ])(
    'a missing secret (%s) fails before anything runs: exit 1, no snapshot, named',
    async (reference, why) => {
      // Before: the backup saved an incomplete snapshot and exited 3.
      const broken = path.join(dir, 'broken.source.json');
      const definition = JSON.parse(await readFile(source, 'utf8')) as Record<string, unknown>;
      await writeFile(
        broken,
        JSON.stringify({ ...definition, auth: { type: 'bearer', token: reference } }),
      );
      const before = await cairn(['snapshots', '--repo', repo, '--json']);
      const requests = server.log.length;
      const result = await cairn(['backup', '--api', broken, '--repo', repo, '--json']);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        new RegExp(`^cairn: API source fixture: secret ${reference}: ${why}.*\n$`),
      );
      expect(server.log.length).toBe(requests);
      const after = await cairn(['snapshots', '--repo', repo, '--json']);
      expect(after.stdout).toBe(before.stdout);
    },
  );
});
