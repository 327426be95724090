/**
 * `cairn restore-api` end to end: the built CLI as a real process, a real repository, and the
 * fixture API with its write endpoints. What the user cares about: after a wipe, the API holds
 * the original records again — each once, pointing at their new parents — however the restore
 * was interrupted or the API misbehaved.
 */
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FixtureRecord } from '../fixtures/api-server/dataset.js';
import { commentsOf } from '../fixtures/api-server/routes.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/api-server/server.js';
import { wipe } from '../fixtures/api-server/writes.js';
import { cairn, cairnOk } from '../helpers/cairn-cli.js';
import { killOnProgress } from '../helpers/kill-on-progress.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'restore-token-5f1c';
const servers: FixtureServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(token = TOKEN, options: { projects?: number; tasks?: number } = {}) {
  const s = await startFixtureServer({
    projects: options.projects ?? 4,
    tasks: options.tasks ?? 10,
    commentsPerProject: 3,
    items: 0,
    auth: { type: 'bearer', token },
  });
  servers.push(s);
  return s;
}

interface Setup {
  dir: string;
  repo: string;
  source: string;
  env: Record<string, string>;
}

/** A repository and a definition for the fixture API; `restore` overrides restore sections. */
async function setup(api: FixtureServer, restore: Record<string, unknown> = {}): Promise<Setup> {
  const dir = tempDir('cairn-restore-api-');
  const repo = path.join(dir, 'repo');
  const source = path.join(dir, 'fixture.source.json');
  const env = { CAIRN_HOME: path.join(dir, 'home'), FIXTURE_TOKEN: TOKEN };
  await writeFile(
    source,
    JSON.stringify({
      name: 'fixture',
      baseUrl: api.baseUrl,
      auth: { type: 'bearer', token: 'env:FIXTURE_TOKEN' },
      limits: { concurrency: 3, requestsPerSecond: 500 },
      endpoints: [
        {
          name: 'projects',
          path: '/projects',
          records: 'data',
          pagination: { type: 'page', sizeParam: 'per_page', size: 100 },
        },
        {
          name: 'tasks',
          path: '/tasks',
          records: 'data',
          pagination: { type: 'page', sizeParam: 'per_page', size: 100 },
        },
        {
          name: 'comments',
          path: '/projects/{projects.id}/comments',
          records: '$',
          pagination: { type: 'link' },
        },
      ],
      restore: {
        projects: {
          method: 'POST',
          path: '/projects',
          omit: ['id', 'updated_at'],
          idMap: true,
          existsPath: '/projects/{id}',
          idempotencyKey: true,
        },
        tasks: {
          method: 'PUT',
          path: '/tasks/{id}',
          omit: ['id', 'updated_at'],
          conflict: 'overwrite',
          refs: { project_id: 'projects' },
        },
        comments: {
          method: 'POST',
          path: '/projects/{$parent}/comments',
          omit: ['id', 'updated_at'],
          idMap: true,
          idempotencyKey: true,
        },
        ...restore,
      },
    }),
  );
  await cairnOk(['init', '--repo', repo], { env });
  return { dir, repo, source, env };
}

async function backup(s: Setup): Promise<string> {
  const res = await cairnOk(['backup', '--api', s.source, '--repo', s.repo, '--json'], {
    env: s.env,
  });
  return (JSON.parse(res.stdout) as { snapshot: { id: string } }).snapshot.id;
}

function restoreArgs(s: Setup, snapshot: string, endpoint: string, ...more: string[]): string[] {
  return [
    'restore-api',
    snapshot,
    '--api',
    s.source,
    '--endpoint',
    endpoint,
    '--repo',
    s.repo,
    ...more,
  ];
}

/** A record without what the server sets itself. */
function content(record: FixtureRecord): Record<string, unknown> {
  const { id: _id, updated_at: _updated, ...rest } = record;
  return rest;
}

/** Projects by title, tasks with their project's title in place of its id, comments by project title. */
function picture(api: FixtureServer) {
  const projects = api.data.projects.all();
  const titleOf = new Map(projects.map((p) => [p.id, p.title]));
  return {
    projects: projects.map(content).sort(byTitle),
    tasks: api.data.tasks.all().map((t) => ({
      ...content(t),
      project_id: titleOf.get(t.project_id as number) ?? 'missing',
      id: t.id,
    })),
    comments: Object.fromEntries(
      projects.map((p) => [
        p.title,
        commentsOf(api.data, p.id as number)
          .all()
          .map(content)
          .sort(byTitle),
      ]),
    ),
  };
}

function byTitle(a: Record<string, unknown>, b: Record<string, unknown>): number {
  return String(a.title).localeCompare(String(b.title));
}

describe('cairn restore-api', () => {
  it('puts a wiped account back: every field as backed up, new ids mapped, children under their new parents', async () => {
    const api = await server();
    const s = await setup(api);
    const original = picture(api);
    const snapshot = await backup(s);
    wipe(api.data);

    const tasks = await cairnOk(restoreArgs(s, snapshot, 'tasks'), { env: s.env });
    // Tasks refer to projects: the projects were restored first, under new ids.
    expect(tasks.stdout).toContain('14 succeeded, 0 skipped, 0 failed');
    const comments = await cairnOk(restoreArgs(s, 'latest', 'comments', '--json'), { env: s.env });
    const report = JSON.parse(comments.stdout) as {
      counts: { succeeded: number; skipped: number; failed: number };
      succeeded: { endpoint: string; id: string; parent?: string; new_id?: string }[];
      report: string;
      id_maps: Record<string, string>;
    };
    expect(report.succeeded).toHaveLength(9); // project 2 has no comments
    expect(report.counts).toEqual({ succeeded: 9, skipped: 0, failed: 0 });
    // The report file lists every record with its outcome, as the result does.
    const everyRecord = readFileSync(report.report, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(everyRecord).toEqual(report.succeeded.map((r) => ({ outcome: 'succeeded', ...r })));
    expect(tasks.stdout).toMatch(/report of every record: .*report-\d+\.ndjson/);

    expect(picture(api)).toEqual(original);
    expect(api.data.projects.all().map((p) => p.id)).toEqual([5, 6, 7, 8]);
    const idMap = readFileSync(report.id_maps.comments!, 'utf8').trim().split('\n');
    expect(idMap).toHaveLength(9);
    expect(tasks.stdout).toMatch(/id map of projects \(old → new ids\): .*projects\.ndjson/);
  });

  it('without --api, uses the definition kept in the snapshot: the records come back though the file is gone', async () => {
    const api = await server();
    const s = await setup(api);
    const original = picture(api);
    const snapshot = await backup(s);
    await rm(s.source);
    wipe(api.data);
    const args = (endpoint: string) => [
      'restore-api',
      snapshot.slice(0, 8),
      '--endpoint',
      endpoint,
      '--repo',
      s.repo,
    ];
    await cairnOk(args('tasks'), { env: s.env });
    await cairnOk(args('comments'), { env: s.env });
    expect(picture(api)).toEqual(original);
  });

  it('keeps a secret written into the definition out of the snapshot, and asks for it', async () => {
    const api = await server();
    const s = await setup(api);
    const inline = JSON.parse(readFileSync(s.source, 'utf8')) as Record<string, unknown>;
    await writeFile(
      s.source,
      JSON.stringify({ ...inline, auth: { type: 'bearer', token: TOKEN } }),
    );
    const snapshot = await backup(s);
    wipe(api.data);
    const refused = await cairn(
      ['restore-api', 'latest', '--endpoint', 'projects', '--repo', s.repo],
      { env: s.env },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      'cairn: the definition of fixture kept in the snapshot had a secret written into it, which Cairn does not keep; give it with --target-secret, or name the definition file with --api',
    );
    expect(api.data.projects.all()).toEqual([]);
    await cairnOk(
      [
        'restore-api',
        'latest',
        '--endpoint',
        'projects',
        '--repo',
        s.repo,
        '--target-secret',
        'env:FIXTURE_TOKEN',
      ],
      { env: s.env },
    );
    expect(api.data.projects.all()).toHaveLength(4);
    // The kept definition has a marker where the token was.
    const restored = path.join(s.dir, 'restored');
    await cairnOk(['restore', snapshot, '--target', restored, '--repo', s.repo], { env: s.env });
    const keptText = readFileSync(path.join(restored, 'api', 'fixture', 'source.json'), 'utf8');
    expect(keptText).not.toContain(TOKEN);
    expect(keptText).toContain('removed:written-in-the-definition');
  });

  it('restores into a second, empty server with --base-url and another account’s secret', async () => {
    const api = await server();
    const other = await server('other-account-token', { projects: 0, tasks: 0 });
    const s = await setup(api);
    const snapshot = await backup(s);
    const env = { ...s.env, OTHER_TOKEN: 'other-account-token' };
    const args = ['--base-url', other.baseUrl, '--target-secret', 'env:OTHER_TOKEN'];
    await cairnOk(restoreArgs(s, snapshot, 'tasks', ...args), { env });
    await cairnOk(restoreArgs(s, snapshot, 'comments', ...args), { env });
    expect(picture(other)).toEqual(picture(api));
    // The source was only read.
    expect(api.log.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('a dry run prints every request and sends none', async () => {
    const api = await server();
    const s = await setup(api);
    const snapshot = await backup(s);
    wipe(api.data);
    const before = api.log.length;
    const res = await cairnOk(restoreArgs(s, snapshot, 'tasks', '--dry-run'), { env: s.env });
    expect(api.log.length).toBe(before);
    const lines = res.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^dry run: 14 requests to restore fixture\/tasks .* none sent$/);
    expect(lines.filter((l) => l.startsWith(`POST ${api.baseUrl}/projects `))).toHaveLength(4);
    // A task's project is one the restore would create: shown by its old id, not failed.
    const task1 = lines.find((l) => l.startsWith(`PUT ${api.baseUrl}/tasks/1 `));
    expect(task1).toMatch(/"project_id":"\{new projects 2\}"/);
    expect(task1).toMatch(/\(\d+ bytes\)$/);
  });

  it('killed midway (SIGKILL), then run again: every record on the server exactly once', async () => {
    const api = await server(TOKEN, { projects: 30, tasks: 0 });
    const s = await setup(api);
    const original = picture(api);
    const snapshot = await backup(s);
    wipe(api.data);
    const killed = await killOnProgress(
      restoreArgs(s, snapshot, 'projects'),
      (p) => p.phase === 'restore' && p.files_done >= 8,
      { env: s.env },
    );
    expect(killed.killed).toBe(true);
    expect(api.data.projects.size).toBeGreaterThanOrEqual(8);
    expect(api.data.projects.size).toBeLessThan(30);

    const resumed = await cairnOk(restoreArgs(s, snapshot, 'projects', '--json'), { env: s.env });
    const report = JSON.parse(resumed.stdout) as {
      resumed: boolean;
      succeeded: { reason?: string }[];
    };
    expect(report.resumed).toBe(true);
    expect(report.succeeded).toHaveLength(30);
    expect(
      report.succeeded.filter((r) => r.reason === 'restored before the interruption').length,
    ).toBeGreaterThanOrEqual(8);
    expect(picture(api).projects).toEqual(original.projects);
  });

  it('without an idempotency key, a record in flight at the kill is reported, never sent again', async () => {
    const api = await server(TOKEN, { projects: 30, tasks: 0 });
    const s = await setup(api, {
      projects: { method: 'POST', path: '/projects', omit: ['id', 'updated_at'], idMap: true },
    });
    const snapshot = await backup(s);
    wipe(api.data);
    await killOnProgress(restoreArgs(s, snapshot, 'projects'), (p) => p.files_done >= 5, {
      env: s.env,
    });
    const resumed = await cairn(restoreArgs(s, snapshot, 'projects', '--json'), { env: s.env });
    const report = JSON.parse(resumed.stdout) as {
      succeeded: unknown[];
      failed: { id: string; reason: string }[];
    };
    const titles = api.data.projects.all().map((p) => p.title);
    expect(new Set(titles).size).toBe(titles.length); // no duplicates
    expect(report.succeeded.length + report.failed.length).toBe(30);
    expect(titles.length).toBeGreaterThanOrEqual(report.succeeded.length);
    expect(titles.length).toBeLessThanOrEqual(30);
    for (const failure of report.failed)
      expect(failure.reason).toMatch(/interrupted and may exist on the API now; not sent again/);
    expect(resumed.code).toBe(report.failed.length > 0 ? 3 : 0);
  });

  it('--changed-since and --deleted-since choose exactly the edited and the deleted records', async () => {
    const api = await server();
    const s = await setup(api);
    const before = await backup(s);
    const beforeTasks = new Map(api.data.tasks.all().map((t) => [t.id, t]));
    api.data.tasks.edit(2, { title: 'renamed 2' });
    api.data.tasks.edit(7, { done: true });
    api.data.tasks.delete(4);
    api.data.tasks.delete(9);
    const after = await backup(s);

    const changed = await cairnOk(
      restoreArgs(s, after, 'tasks', '--changed-since', before, '--dry-run', '--json'),
      { env: s.env },
    );
    const changedIds = (
      JSON.parse(changed.stdout) as { requests: { endpoint: string; id: string }[] }
    ).requests
      .filter((r) => r.endpoint === 'tasks')
      .map((r) => r.id);
    expect(changedIds).toEqual(['2', '7']);

    // Put the deleted tasks back, as they were.
    const deleted = await cairnOk(
      restoreArgs(s, after, 'tasks', '--deleted-since', before, '--json'),
      {
        env: s.env,
      },
    );
    const report = JSON.parse(deleted.stdout) as {
      succeeded: { endpoint: string; id: string }[];
      skipped: { endpoint: string }[];
    };
    expect(report.succeeded.map((r) => `${r.endpoint}/${r.id}`)).toEqual(['tasks/4', 'tasks/9']);
    // Their projects exist (existsPath answered 200): skipped, and the ids kept.
    expect(report.skipped.map((r) => r.endpoint)).toEqual(['projects', 'projects']);
    for (const id of [4, 9])
      expect(content(api.data.tasks.record(id))).toEqual(content(beforeTasks.get(id)!));
  });

  it('retries 429, 5xx and a dropped connection during writes, sending each record once', async () => {
    const api = await server(TOKEN, { projects: 6, tasks: 0 });
    const s = await setup(api);
    const original = picture(api);
    const snapshot = await backup(s);
    wipe(api.data);
    api.faults.add({
      path: '/api/projects',
      method: 'POST',
      action: { status: 429, retryAfter: '1' },
    });
    api.faults.add({ path: '/api/projects', method: 'POST', after: 1, action: { status: 503 } });
    api.faults.add({
      path: '/api/projects',
      method: 'POST',
      after: 2,
      action: { drop: 'after-write' },
    });
    api.faults.add({ path: '/api/projects', method: 'POST', after: 3, action: { status: 500 } });
    const res = await cairnOk(restoreArgs(s, snapshot, 'projects'), { env: s.env });
    expect(res.stdout).toContain('6 succeeded, 0 skipped, 0 failed');
    expect(picture(api).projects).toEqual(original.projects);
    expect(api.writes.replayed).toBeGreaterThanOrEqual(1); // the dropped one, answered again
  });

  it('reports a record the API refuses, with the reason, and exits 3', async () => {
    const api = await server();
    const s = await setup(api);
    const snapshot = await backup(s);
    api.faults.add({
      path: '/api/tasks/3',
      method: 'PUT',
      times: Infinity,
      action: { status: 422, body: '{"error":"title taken"}' },
    });
    const res = await cairn(restoreArgs(s, snapshot, 'tasks', '--ids', '3,5', '--json'), {
      env: s.env,
    });
    expect(res.code).toBe(3);
    const report = JSON.parse(res.stdout) as {
      succeeded: { endpoint: string; id: string }[];
      failed: { endpoint: string; id: string; reason: string }[];
    };
    expect(report.failed).toEqual([
      {
        endpoint: 'tasks',
        id: '3',
        reason: `PUT ${api.baseUrl}/tasks/3: HTTP 422 Unprocessable Entity`,
      },
    ]);
    expect(report.succeeded.filter((r) => r.endpoint === 'tasks').map((r) => r.id)).toEqual(['5']);
  });

  it('a write redirected to another origin arrives there without the source’s credentials', async () => {
    const api = await server();
    const elsewhere = await startFixtureServer({ projects: 4, tasks: 10, items: 0 });
    servers.push(elsewhere);
    const s = await setup(api);
    const snapshot = await backup(s);
    api.faults.add({
      path: '/api/tasks/3',
      method: 'PUT',
      action: { redirect: `${elsewhere.baseUrl}/tasks/3`, status: 307 },
    });
    await cairnOk(restoreArgs(s, snapshot, 'tasks', '--ids', '3'), { env: s.env });
    const writes = elsewhere.log.filter((r) => r.method === 'PUT');
    expect(writes.map((r) => r.path)).toEqual(['/api/tasks/3']);
    expect(writes[0]!.headers.authorization).toBeUndefined();
    expect(JSON.stringify(elsewhere.log)).not.toContain(TOKEN);
  });

  it('a wrong secret stops at once with a one-line message that names the API, not the secret', async () => {
    const api = await server();
    const s = await setup(api);
    const snapshot = await backup(s);
    const res = await cairn(restoreArgs(s, snapshot, 'tasks', '--target-secret', 'env:WRONG'), {
      env: { ...s.env, WRONG: 'not-the-token-9c2' },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `cairn: API source fixture: GET ${api.baseUrl}/projects/1: HTTP 401 Unauthorized (the API refused the credentials)\n`,
    );
    expect(api.writes.applied).toBe(0);
  });
});
