/**
 * API sources through the session: the test request and "Back up now" with API sources, against
 * the real engine, a repository in a temp folder and the fixture API on 127.0.0.1. What the user
 * cares about: the first page shows the server's records, a backup makes one snapshot per API
 * source, an endpoint that fails makes that snapshot say it is incomplete, and no secret comes
 * back in any answer or event.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent, JobResult } from '../../../shared/contract.js';
import { createEngine } from '../../../electron/engine/service.js';
import { Session } from '../../../electron/session/session.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/api-server/server.js';

const token = 'fixture-secret-token-42';
const web = { mode: 'web' as const, version: '0.0.0-test' };

let server: FixtureServer;
let dir: string;

beforeAll(async () => {
  process.env.CAIRN_SESSION_TEST_TOKEN = token;
  server = await startFixtureServer({
    items: 12,
    projects: 2,
    commentsPerProject: 1,
    auth: { type: 'bearer', token },
  });
  dir = await mkdtemp(path.join(tmpdir(), 'cairn-session-api-'));
});

afterAll(async () => {
  delete process.env.CAIRN_SESSION_TEST_TOKEN;
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function definition(name = 'fixture'): string {
  return JSON.stringify({
    name,
    baseUrl: server.baseUrl,
    auth: { type: 'bearer', token: 'env:CAIRN_SESSION_TEST_TOKEN' },
    endpoints: [
      {
        name: 'items',
        path: '/items',
        records: 'data',
        pagination: { type: 'page', sizeParam: 'per_page', size: 5 },
      },
      {
        name: 'projects',
        path: '/projects',
        records: 'data',
        pagination: { type: 'none' },
      },
    ],
  });
}

async function until(events: JobEvent[], done: (e: JobEvent) => boolean): Promise<JobEvent> {
  for (let i = 0; i < 3000; i++) {
    const found = events.find(done);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the job did not finish');
}

describe('API sources in the session', () => {
  it('refuses a definition that is not valid, without echoing its text', async () => {
    const session = new Session(createEngine(), web);
    const notJson = await session.handle('testApiSource', {
      text: `{ "name": "x", "auth": { "token": "${token}" `,
    });
    expect(notJson).toMatchObject({ ok: false, error: { kind: 'invalid-argument' } });
    expect(JSON.stringify(notJson)).not.toContain(token);

    const noEndpoints = await session.handle('testApiSource', {
      text: JSON.stringify({ name: 'x', baseUrl: server.baseUrl, endpoints: 'none' }),
    });
    expect(noEndpoints).toMatchObject({ ok: false, error: { kind: 'invalid-argument' } });
    expect(await session.handle('testApiSource', { text: '   ' })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-argument' },
    });
  });

  it('shows the first page of each endpoint: records found, a few of them, the next page', async () => {
    const session = new Session(createEngine(), web);
    const answer = await session.handle('testApiSource', { text: definition() });
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    const value = answer.value as {
      source: string;
      endpoints: {
        endpoint: string;
        records: number;
        sample: string[];
        nextPage: string | null;
        error: string | null;
      }[];
    };
    expect(value.source).toBe('fixture');
    const items = value.endpoints.find((e) => e.endpoint === 'items');
    expect(items).toMatchObject({ records: 5, error: null });
    expect(items?.nextPage).toContain('page=2');
    expect(items?.sample.map((r) => JSON.parse(r) as { title: string })).toEqual(
      [1, 2, 3, 4, 5].map((id) => expect.objectContaining({ id, title: `items ${id}` })),
    );
    expect(JSON.stringify(answer)).not.toContain(token);
  });

  it('asks for a folder or an API source, and checks definitions before starting a job', async () => {
    const session = new Session(createEngine(), web);
    await session.handle('createRepository', { location: path.join(dir, 'r0'), password: 'p' });
    expect(await session.handle('startBackup', { jobId: 'job-api-0000' })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-argument', message: 'Add at least one folder or API source' },
    });
    const bad = await session.handle('startBackup', {
      jobId: 'job-api-0001',
      apiSources: [{ text: '{"name": "broken"}' }],
    });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'invalid-argument' } });
    expect(bad.ok ? '' : bad.error.message).toContain('API source 1');
    const twice = await session.handle('startBackup', {
      jobId: 'job-api-0002',
      apiSources: [{ text: definition() }, { text: definition() }],
    });
    expect(twice).toMatchObject({ ok: false, error: { kind: 'invalid-argument' } });
    expect(await session.handle('getSessionState', {})).toMatchObject({
      ok: true,
      value: { jobs: [] },
    });
  });

  it('backs up an API source in the job and says when an endpoint failed', async () => {
    const session = new Session(createEngine(), web);
    const events: JobEvent[] = [];
    session.subscribe((e) => events.push(e));
    await session.handle('createRepository', { location: path.join(dir, 'r1'), password: 'p' });
    server.faults.add({ path: '/api/projects', times: Infinity, action: { status: 404 } });
    try {
      const started = await session.handle('startBackup', {
        jobId: 'job-api-0003',
        apiSources: [{ text: definition() }],
      });
      expect(started).toEqual({ ok: true, value: { jobId: 'job-api-0003' } });
      const end = await until(events, (e) => e.type === 'succeeded' || e.type === 'failed');
      expect(end.type).toBe('succeeded');
      const result = (end as { result: JobResult }).result;
      if (result.kind !== 'backup') throw new Error('not a backup result');
      expect(result.snapshots).toHaveLength(1);
      const made = result.snapshots[0]!;
      expect(made).toMatchObject({ source: 'fixture', kind: 'api' });
      expect(made.snapshot.incomplete).toBe(true);
      expect(made.snapshot.incomplete_reasons.join(' ')).toContain('projects');
      expect(events.some((e) => e.type === 'progress')).toBe(true);
      expect(
        events.some(
          (e) => e.type === 'log' && e.level === 'warning' && e.message.includes('incomplete'),
        ),
      ).toBe(true);
      expect(JSON.stringify(events)).not.toContain(token);
    } finally {
      server.faults.clear();
    }

    // The endpoint that worked holds exactly the server's records.
    const listed = await session.handle('listTree', { snapshot: 'latest', path: '/api/fixture' });
    expect(listed.ok).toBe(true);
    const preview = await session.handle('previewFile', {
      snapshot: 'latest',
      path: '/api/fixture/items.ndjson',
    });
    expect(preview).toMatchObject({ ok: true, value: { kind: 'records' } });
    const records = (preview as { value: { records: string[] } }).value.records.map(
      (r) => JSON.parse(r) as { id: number; title: string },
    );
    expect(records.map((r) => r.title)).toEqual(
      Array.from({ length: 12 }, (_, i) => `items ${i + 1}`),
    );
  });

  it('fails the job before anything runs, naming the secret, when one is not set', async () => {
    // Before: the engine saved an incomplete snapshot and the job showed a green "Done".
    const folderBackups: string[][] = [];
    const engine = createEngine();
    const session = new Session(
      {
        ...engine,
        backup: async (_ref, request) => {
          folderBackups.push(request.paths);
          throw new Error('no folder backup expected');
        },
      },
      web,
    );
    const events: JobEvent[] = [];
    session.subscribe((e) => events.push(e));
    const location = path.join(dir, 'r2');
    await session.handle('createRepository', { location, password: 'p' });
    const text = definition().replace('CAIRN_SESSION_TEST_TOKEN', 'CAIRN_SESSION_TEST_UNSET');
    const before = server.log.length;
    await session.handle('startBackup', {
      jobId: 'job-api-0004',
      paths: ['/home/me/Documents'],
      apiSources: [{ text: definition('other') }, { text }],
    });
    const end = await until(events, (e) => e.type === 'succeeded' || e.type === 'failed');
    expect(end).toMatchObject({
      type: 'failed',
      error: {
        kind: 'invalid-argument',
        message:
          'API source fixture: secret env:CAIRN_SESSION_TEST_UNSET: environment variable CAIRN_SESSION_TEST_UNSET is not set',
      },
    });
    // Nothing ran: no folder backup, no request to the API, no snapshot.
    expect(folderBackups).toEqual([]);
    expect(server.log.length).toBe(before);
    expect(await engine.listSnapshots({ location, password: 'p' })).toEqual([]);
    const state = await session.handle('getSessionState', {});
    expect(state).toMatchObject({
      ok: true,
      value: { jobs: [{ jobId: 'job-api-0004', status: 'failed' }] },
    });
  });

  it('backs up the folders first, then each API source, in one job', async () => {
    // Folder backups run their crypto in worker threads built from dist/, so the folders part
    // is a stand-in here (the e2e specs run it for real); the API sources are real.
    const order: string[] = [];
    const engine = createEngine();
    const folderSnapshot = { id: 'f'.repeat(64), short_id: 'ffffffff', incomplete: false };
    const session = new Session(
      {
        ...engine,
        backup: async (_ref, request) => {
          order.push(`folders ${request.paths.join(',')}`);
          return { snapshot: folderSnapshot as never, warnings: [] };
        },
        backupApi: (ref, request, control) => {
          order.push(`api ${request.definition.name}`);
          return engine.backupApi(ref, request, control);
        },
      },
      web,
    );
    const events: JobEvent[] = [];
    session.subscribe((e) => events.push(e));
    await session.handle('createRepository', { location: path.join(dir, 'r3'), password: 'p' });
    await session.handle('startBackup', {
      jobId: 'job-api-0005',
      paths: ['/home/me/Documents'],
      apiSources: [{ text: definition('first') }, { text: definition('second') }],
    });
    const end = await until(events, (e) => e.type === 'succeeded' || e.type === 'failed');
    if (end.type !== 'succeeded' || end.result.kind !== 'backup') throw new Error(end.type);
    expect(order).toEqual(['folders /home/me/Documents', 'api first', 'api second']);
    expect(end.result.snapshots.map((m) => [m.kind, m.source])).toEqual([
      ['folders', 'folders'],
      ['api', 'first'],
      ['api', 'second'],
    ]);
    expect(end.result.snapshot.id).toBe(folderSnapshot.id);
    expect(end.result.snapshots.every((m) => !m.snapshot.incomplete)).toBe(true);
    const groups = (await engine.listSnapshots({ location: path.join(dir, 'r3'), password: 'p' }))
      .map((snapshot) => snapshot.group)
      .sort();
    expect(groups).toEqual([
      expect.stringMatching(/;api:first$/),
      expect.stringMatching(/;api:second$/),
    ]);
  });
});
