/**
 * A plan whose API source is polled on an interval of its own (`--api-every`), through the
 * built CLI and the fixture API: the plan's own run backs up the folders only (no request to
 * the API); each poll (`cairn plan run NAME --api`, what the scheduler starts on the interval)
 * makes a snapshot of the API source alone, in its own group beside the plan's, and the second
 * poll is incremental (it sends the bookmark the first one kept).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('a plan polling its API source on its own interval', () => {
  const dir = tempDir();
  const home = path.join(dir, 'home');
  const repo = path.join(dir, 'repo');
  const src = path.join(dir, 'documents');
  const source = path.join(dir, 'crm.source.json');
  const passwordFile = path.join(dir, 'repo-password');
  const env = { CAIRN_HOME: home, CAIRN_PASSWORD: '' };
  let server: FixtureServer;

  beforeAll(async () => {
    mkdirSync(src);
    writeFileSync(path.join(src, 'notes.txt'), 'notes\n');
    writeFileSync(passwordFile, 'correct horse battery staple\n');
    server = await startFixtureServer({ items: 12, projects: 0 });
    writeFileSync(
      source,
      JSON.stringify({
        name: 'crm',
        baseUrl: server.baseUrl,
        endpoints: [
          {
            name: 'items',
            path: '/items',
            records: 'data',
            pagination: { type: 'page', sizeParam: 'per_page', size: 5 },
            incremental: { cursorField: 'updated_at', param: 'updated_since' },
          },
        ],
      }),
    );
    await cairnOk(['init', '--repo', repo], {
      env: { CAIRN_PASSWORD: 'correct horse battery staple' },
    });
  });
  afterAll(() => server.close());

  it('refuses --api-every without folders, or without API sources', async () => {
    const base = ['plan', 'add', 'x', '--repo', repo, '--password-ref', `file:${passwordFile}`];
    const noFolders = await cairn([...base, '--api', source, '--api-every', '5m'], { env });
    expect(noFolders.code).toBe(1);
    expect(noFolders.stderr).toBe(
      'cairn: plan x not saved: --api-every is for a plan with folders too; a plan of API sources only is polled on its schedule: --every 5m\n',
    );
    const noApi = await cairn([...base, src, '--api-every', '5m'], { env });
    expect(noApi.stderr).toBe(
      'cairn: plan x not saved: --api-every needs API sources (--api SOURCE.json)\n',
    );
  });

  it('backs up the folders in the plan’s runs and the API source in polls of its own', async () => {
    await cairnOk(
      [
        'plan',
        'add',
        'office',
        '--repo',
        repo,
        src,
        '--api',
        source,
        '--api-every',
        '5m',
        '--password-ref',
        `file:${passwordFile}`,
        '--daily',
        '02:00',
        '--keep-last',
        '5',
      ],
      { env },
    );
    const show = await cairnOk(['plan', 'show', 'office'], { env });
    expect(show.stdout).toContain('  API polled  every 5m, into snapshots of their own\n');

    await cairnOk(['plan', 'run', 'office'], { env });
    expect(server.log).toEqual([]);
    await cairnOk(['plan', 'run', 'office', '--api'], { env });
    const firstPoll = server.log.length;
    expect(server.log.every((r) => r.query.updated_since === undefined)).toBe(true);
    await cairnOk(['plan', 'run', 'office', '--api'], { env });
    const second = server.log.slice(firstPoll);
    expect(second.length).toBeGreaterThan(0);
    expect(second.every((r) => r.query.updated_since !== undefined)).toBe(true);

    const snapshots = JSON.parse(
      (
        await cairnOk(['snapshots', '--repo', repo, '--json'], {
          env: { CAIRN_PASSWORD: 'correct horse battery staple' },
        })
      ).stdout,
    ) as { group: string; tags: string[]; sources: { kind: string }[] }[];
    const plan = snapshots.filter((s) => s.group.endsWith(';plan:office'));
    const polls = snapshots.filter((s) => s.group.endsWith(';plan:office;part:api'));
    expect(plan.map((s) => s.sources.map((x) => x.kind))).toEqual([['folder']]);
    expect(polls.map((s) => s.sources.map((x) => x.kind))).toEqual([['api'], ['api']]);
    expect(polls.every((s) => s.tags.includes('plan:office') && s.tags.includes('api-poll'))).toBe(
      true,
    );
  });
});
