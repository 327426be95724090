/**
 * Plans through the built CLI, as a user or a script drives them: `plan add` checks everything
 * at once, a plan's run makes one snapshot of its folders and its API source (from the fixture
 * API) grouped by host and plan, applies its retention and verification, and is listed in
 * `cairn activity`; the configuration holds and exports no secret; a damaged configuration file
 * is reported and left as it was.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { tempDir } from '../helpers/temp-dir.js';

const PASSWORD = 'correct horse battery staple';

describe('plans', () => {
  const dir = tempDir();
  const home = path.join(dir, 'home');
  const repo = path.join(dir, 'repo');
  const src = path.join(dir, 'documents');
  const source = path.join(dir, 'fixture.source.json');
  const passwordFile = path.join(dir, 'repo-password');
  // The plan's password comes only by reference: CAIRN_PASSWORD is not set for its commands.
  const env = { CAIRN_HOME: home, CAIRN_PASSWORD: '' };
  let server: FixtureServer;

  beforeAll(async () => {
    mkdirSync(src);
    writeFileSync(path.join(src, 'notes.txt'), 'first notes\n');
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    server = await startFixtureServer({ items: 30, projects: 0 });
    writeFileSync(
      source,
      JSON.stringify({
        name: 'fixture',
        baseUrl: server.baseUrl,
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
    await cairnOk(['init', '--repo', repo]);
  });
  afterAll(() => server.close());

  it('plan add names every problem at once and saves nothing', async () => {
    const res = await cairn(
      [
        'plan',
        'add',
        'broken',
        '--repo',
        repo,
        path.join(dir, 'missing'),
        '--api',
        path.join(dir, 'nope.json'),
        '--password-ref',
        'env:NO_SUCH_VARIABLE',
        '--daily',
        '02:30',
      ],
      { env },
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `cairn: plan broken not saved: ${path.join(dir, 'missing')} does not exist; ` +
        `cannot read source definition ${path.join(dir, 'nope.json')}: ENOENT: no such file or directory, open '${path.join(dir, 'nope.json')}'; ` +
        'secret env:NO_SUCH_VARIABLE: environment variable NO_SUCH_VARIABLE is not set\n',
    );
    const wrong = path.join(dir, 'wrong-password');
    writeFileSync(wrong, 'not it\n');
    const res2 = await cairn(
      ['plan', 'add', 'broken', '--repo', repo, src, '--password-ref', `file:${wrong}`],
      { env },
    );
    expect(res2.code).toBe(12);
    expect(res2.stderr).toMatch(/^cairn: plan broken not saved: wrong password/);
    const res3 = await cairn(
      ['plan', 'add', 'broken', '--repo', repo, src, '--password-ref', PASSWORD],
      { env },
    );
    expect(res3.stderr).toBe(
      'cairn: plan broken not saved: --password-ref must be a secret reference: keychain:ENTRY, env:NAME or file:PATH\n',
    );
    // Badly written options are named with the rest, not one at a time before the rest.
    const res4 = await cairn(
      [
        'plan',
        'add',
        'broken',
        '--repo',
        repo,
        path.join(dir, 'missing'),
        '--password-ref',
        `file:${wrong}`,
        '--daily',
        '25:30',
        '--keep-last',
        'x',
        '--verify',
        '500%',
      ],
      { env },
    );
    expect(res4.code).toBe(1);
    expect(res4.stderr).toBe(
      'cairn: plan broken not saved: --keep-last x: write a whole number (-1: all); ' +
        '--daily "25:30": write a time as HH:MM, like 02:30; --verify 500%: write a percentage like 5%; ' +
        `${path.join(dir, 'missing')} does not exist; wrong password for repository at ${repo}\n`,
    );
    const list = await cairnOk(['plan', 'list', '--json'], { env });
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('a run snapshots folders and the API source together, then applies retention', async () => {
    await cairnOk(
      [
        'plan',
        'add',
        'docs',
        '--repo',
        repo,
        src,
        '--api',
        source,
        '--password-ref',
        `file:${passwordFile}`,
        '--every',
        '1h',
        '--keep-last',
        '2',
        '--verify',
        '50%',
      ],
      { env },
    );
    for (let i = 1; i <= 3; i++) {
      writeFileSync(path.join(src, 'notes.txt'), `notes, version ${i}\n`);
      server.data.items.insert({ title: `new item ${i}` });
      await cairnOk(['plan', 'run', 'docs'], { env });
    }
    const snapshots = JSON.parse(
      (await cairnOk(['snapshots', '--repo', repo, '--json'])).stdout,
    ) as { id: string; group: string; sources: unknown[]; tags: string[] }[];
    expect(snapshots).toHaveLength(2); // --keep-last 2 after the third run
    const latest = snapshots.at(-1)!;
    expect(latest.group).toBe(`host:${os.hostname()};plan:docs`);
    expect(latest.sources).toEqual([
      { kind: 'folder', path: src, name: 'documents' },
      { kind: 'api', source: 'fixture', name: 'fixture' },
    ]);
    const restored = path.join(dir, 'restored');
    await cairnOk(['restore', 'latest', '--target', restored, '--repo', repo]);
    expect(readFileSync(path.join(restored, 'documents', 'notes.txt'), 'utf8')).toBe(
      'notes, version 3\n',
    );
    const items = readFileSync(path.join(restored, 'api', 'fixture', 'items.ndjson'), 'utf8')
      .trim()
      .split('\n');
    expect(items).toHaveLength(33);

    const activity = JSON.parse((await cairnOk(['activity', '--json'], { env })).stdout) as {
      runs: {
        plan: string;
        result: string;
        snapshot: string;
        forgotten: number;
        verified: unknown;
        log: string;
      }[];
      overdue: string[];
    };
    expect(activity.runs.map((r) => [r.plan, r.result, r.forgotten])).toEqual([
      ['docs', 'ok', 0],
      ['docs', 'ok', 0],
      ['docs', 'ok', 1],
    ]);
    expect(activity.runs[2]!.snapshot).toBe(latest.id);
    expect(activity.runs[2]!.verified).toMatchObject({ percent: 50, problems: 0 });
    expect(readFileSync(activity.runs[2]!.log, 'utf8')).toContain(
      'retention: 1 snapshot(s) forgotten',
    );
    expect(activity.overdue).toEqual([]);
    const show = await cairnOk(['plan', 'show', 'docs', '--json'], { env });
    const shown = JSON.parse(show.stdout) as { health: string; next_runs: string[] };
    expect(shown.health).toBe('ok');
    expect(shown.next_runs).toHaveLength(5);
    // The text forms: show lists the same five runs, one a line; every table ends its last line.
    const text = (await cairnOk(['plan', 'show', 'docs'], { env })).stdout;
    const runs = text.slice(text.indexOf('  next runs   ')).trimEnd().split('\n');
    expect(runs).toHaveLength(5);
    for (const line of runs)
      expect(line).toMatch(/^ {2}(next runs| {9}) {3}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    for (const args of [['plan', 'list'], ['activity']]) {
      const out = (await cairnOk(args, { env })).stdout;
      expect(out.endsWith('\n'), args.join(' ')).toBe(true);
      expect(out.split('\n').at(-2), args.join(' ')).toContain('docs');
    }
  });

  it('a failing "before" command skips the run and says why', async () => {
    await cairnOk(
      [
        'plan',
        'add',
        'dump',
        '--repo',
        repo,
        src,
        '--password-ref',
        `file:${passwordFile}`,
        '--before',
        'echo "pg_dump: connection refused" >&2; exit 2',
      ],
      { env },
    );
    const res = await cairn(['plan', 'run', 'dump'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      'cairn: plan dump: the "before" command failed (exit 2: pg_dump: connection refused); the backup was skipped\n',
    );
    const runs = JSON.parse(
      (await cairnOk(['activity', '--plan', 'dump', '--json'], { env })).stdout,
    ).runs as { result: string }[];
    expect(runs.map((r) => r.result)).toEqual(['skipped']);
  });

  it('one run of a plan at a time; a run cut short is listed as interrupted', async () => {
    let second: { code: number; stderr: string } | undefined;
    const killed = await killOnProgress(['plan', 'run', 'docs'], (p) => p.phase === 'backup', {
      env,
      whileFrozen: async () => {
        second = await cairn(['plan', 'run', 'docs'], { env });
      },
    });
    expect(killed.killed).toBe(true);
    expect(second!.code).toBe(1);
    expect(second!.stderr).toMatch(
      /^cairn: plan docs is running already \(process \d+\); wait for it to end\n$/,
    );
    const runs = JSON.parse(
      (await cairnOk(['activity', '--plan', 'docs', '--json'], { env })).stdout,
    ).runs as { result: string }[];
    expect(runs.at(-1)!.result).toBe('interrupted');
    // The lock the killed run left is taken over by the next run.
    await cairnOk(['plan', 'run', 'docs'], { env });
  });

  it('pause, resume and remove change the configuration only', async () => {
    await cairnOk(['plan', 'pause', 'docs'], { env });
    const paused = JSON.parse((await cairnOk(['plan', 'list', '--json'], { env })).stdout) as {
      name: string;
      health: string;
      next_run: string | null;
    }[];
    expect(paused.find((p) => p.name === 'docs')).toMatchObject({
      health: 'paused',
      next_run: null,
    });
    await cairnOk(['plan', 'resume', 'docs'], { env });
    const removed = await cairnOk(['plan', 'remove', 'dump', '--json'], { env });
    expect(JSON.parse(removed.stdout)).toEqual({ name: 'dump', removed: true });
    const names = JSON.parse((await cairnOk(['plan', 'list', '--json'], { env })).stdout).map(
      (p: { name: string }) => p.name,
    );
    expect(names).toEqual(['docs']);
  });

  it('the configuration and its export hold references, never the password', async () => {
    const exported = path.join(dir, 'export.json');
    await cairnOk(['config', 'export', exported], { env });
    for (const file of [exported, path.join(home, 'config.json')]) {
      const text = readFileSync(file, 'utf8');
      expect(text).toContain(`file:${passwordFile}`);
      expect(text).not.toContain(PASSWORD);
    }
    // Imported into a fresh home, the plan is there again.
    const other = { ...env, CAIRN_HOME: path.join(dir, 'other-home') };
    await cairnOk(['config', 'import', exported], { env: other });
    const names = JSON.parse((await cairnOk(['plan', 'list', '--json'], { env: other })).stdout);
    expect(names.map((p: { name: string }) => p.name)).toEqual(['docs']);
    const again = await cairn(['config', 'import', exported], { env: other });
    expect(again.stderr).toBe(
      'cairn: nothing imported: plan(s) docs exist already (remove or rename them first)\n',
    );
    // A folder or definition that is not on this machine is said at import, not at the first run.
    const moved = path.join(dir, 'moved-export.json');
    const missing = path.join(dir, 'not-on-this-machine');
    writeFileSync(
      moved,
      readFileSync(exported, 'utf8').replaceAll(JSON.stringify(src), JSON.stringify(missing)),
    );
    const third = { ...env, CAIRN_HOME: path.join(dir, 'third-home') };
    const imported = await cairnOk(['config', 'import', moved], { env: third });
    expect(imported.stderr).toBe(`warning: plan docs: ${missing} does not exist here\n`);
  });

  it('a damaged configuration file is reported and kept as it is', async () => {
    const file = path.join(home, 'config.json');
    const damaged = readFileSync(file, 'utf8').slice(0, 40);
    writeFileSync(file, damaged);
    for (const args of [
      ['plan', 'list'],
      ['plan', 'add', 'x', '--repo', repo, src, '--password-ref', 'env:X'],
    ]) {
      const res = await cairn(args, { env: { ...env, X: PASSWORD } });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(
        new RegExp(
          `^cairn: configuration ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(not valid JSON: .*\\); it was left as it is: fix it, or move it away to start afresh\\n$`,
        ),
      );
      expect(readFileSync(file, 'utf8')).toBe(damaged);
    }
    writeFileSync(
      file,
      JSON.stringify({ version: 1, plans: [{ name: 'x' }], recentRepositories: [] }),
    );
    const res = await cairn(['plan', 'list'], { env });
    expect(res.stderr).toContain('is damaged (plans[0].repository: Required; ');
  });
});
