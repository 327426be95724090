/**
 * An API backup keeps records in plain text while it runs (copies of endpoint files, sort runs).
 * They live under CAIRN_HOME, never in the shared temporary folder; they are gone when the
 * backup ends, cancelled by SIGTERM included; and those a SIGKILL left behind are removed by the
 * next API backup. The real CLI (built, from dist/) against the fixture API.
 */
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';

let server: FixtureServer;
let dir: string;
let source: string;
beforeAll(async () => {
  server = await startFixtureServer({ items: 3000 });
  dir = await mkdtemp(path.join(tmpdir(), 'cairn-api-work-'));
  source = path.join(dir, 'fixture.source.json');
  await writeFile(
    source,
    JSON.stringify({
      name: 'fixture',
      baseUrl: server.baseUrl,
      endpoints: [
        {
          name: 'items',
          // Out of id order: the records go through the external sort as well.
          path: '/items-unordered',
          records: 'data',
          pagination: { type: 'page', sizeParam: 'per_page', size: 100 },
        },
      ],
    }),
  );
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A fresh CAIRN_HOME, an empty TMPDIR (what os.tmpdir() answers) and a new repository. */
async function setting(name: string) {
  const home = path.join(dir, `${name}-home`);
  const tmp = path.join(dir, `${name}-tmp`);
  const repo = path.join(dir, `${name}-repo`);
  await Promise.all([mkdir(home), mkdir(tmp)]);
  await cairnOk(['init', '--repo', repo]);
  return { home, tmp, repo, env: { CAIRN_HOME: home, TMPDIR: tmp } };
}

const workFolders = async (home: string) =>
  (await readdir(path.join(home, 'tmp')).catch(() => [])).filter((n) => n.startsWith('cairn-api-'));

describe('the API backup work folder', () => {
  it('lives under CAIRN_HOME (owner only) and is removed when SIGTERM cancels the backup', async () => {
    const { home, tmp, repo, env } = await setting('term');
    let seen: { folders: string[]; mode: number; tmp: string[] } | undefined;
    let events = 0;
    const run = await killOnProgress(
      ['backup', '--api', source, '--repo', repo],
      // A few pages in, with records sorted in memory and copied into the work folder.
      (p) => p.current === '/api/fixture/items.ndjson' && ++events === 6,
      {
        env,
        signal: 'SIGTERM',
        whileFrozen: async () => {
          const folders = await workFolders(home);
          const mode = folders[0] ? (await stat(path.join(home, 'tmp', folders[0]))).mode : 0;
          seen = { folders, mode: mode & 0o777, tmp: await readdir(tmp) };
        },
      },
    );
    expect(run.killed).toBe(true);
    expect(run.code, run.stderr).toBe(130);
    // Mid-backup: one work folder, the owner's only, and nothing in the shared temp folder.
    expect(seen?.folders).toEqual([expect.stringMatching(/^cairn-api-\d+-fixture-/)]);
    expect(seen?.mode).toBe(0o700);
    expect(seen?.tmp).toEqual([]);
    // After: nothing left anywhere.
    expect(await workFolders(home)).toEqual([]);
    expect(await readdir(tmp)).toEqual([]);
    const snapshots = await cairnOk(['snapshots', '--repo', repo, '--json'], { env });
    expect(JSON.parse(snapshots.stdout)).toEqual([]);
  });

  it('one left by a SIGKILL is removed by the next API backup', async () => {
    const { home, tmp, repo, env } = await setting('kill');
    const run = await killOnProgress(
      ['backup', '--api', source, '--repo', repo],
      (p) => p.current === '/api/fixture/items.ndjson',
      { env, signal: 'SIGKILL' },
    );
    expect(run.killed).toBe(true);
    const left = await workFolders(home);
    expect(left).toHaveLength(1);

    const next = await cairn(['backup', '--api', source, '--repo', repo, '--json'], { env });
    expect(next.code, next.stderr).toBe(0);
    expect(await workFolders(home)).toEqual([]);
    expect(await readdir(tmp)).toEqual([]);
  });
});
