/**
 * What the session keeps under CAIRN_HOME for the app: the repositories opened before (with
 * keychain references, never secrets) and every job it ran, with its result, statistics,
 * warnings and log, read back by a new session over the same folder as after a restart. The
 * engine is a test double (these tests are about the session and its files); the e2e test
 * drives the real one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ActivityRun } from '../../../shared/activity.js';
import type { JobEvent } from '../../../shared/contract.js';
import type { JobProgress, Snapshot } from '../../../shared/domain.js';
import { CairnError } from '../../../electron/engine/errors.js';
import type { EngineService, JobControl } from '../../../electron/engine/service-types.js';
import { Session } from '../../../electron/session/session.js';
import { tempDir } from '../../helpers/temp-dir.js';

const root = tempDir('cairn-session-home-');
let n = 0;
const newHome = () => path.join(root, `home-${++n}`);

const web = { mode: 'web' as const, version: '0.0.0-test' };
const progress: JobProgress = {
  phase: 'backup',
  files_done: 1,
  files_total: 2,
  bytes_done: 10,
  bytes_total: 20,
  rate: 5,
  eta_s: 2,
  current: null,
};

function snapshot(id: string): Snapshot {
  return {
    id,
    short_id: id.slice(0, 8),
    time: '2026-12-04T10:00:00.000Z',
    hostname: 'here',
    username: 'me',
    group: 'host:here',
    paths: ['/data'],
    sources: [],
    tags: [],
    parent: null,
    tree: 'f'.repeat(64),
    incomplete: false,
    incomplete_reasons: [],
    stats: {
      files_new: 2,
      files_changed: 1,
      files_unchanged: 4,
      dirs: 1,
      bytes_processed: 3000,
      bytes_added: 1000,
      duration_ms: 50,
    } as Snapshot['stats'],
    program_version: 'test',
  };
}

function engineDouble(overrides: Partial<EngineService>): EngineService {
  const unused = () => Promise.reject(new Error('not expected in this test'));
  return new Proxy(
    { listSnapshots: async () => [], close: async () => undefined, ...overrides },
    { get: (target, name) => (name in target ? target[name as keyof typeof target] : unused) },
  ) as unknown as EngineService;
}

function collect(session: Session): JobEvent[] {
  const events: JobEvent[] = [];
  session.subscribe((e) => events.push(e));
  return events;
}

async function until(events: JobEvent[], done: (e: JobEvent) => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !events.some(done); i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function value<T>(reply: Promise<{ ok: boolean; value?: unknown; error?: unknown }>) {
  const answer = await reply;
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.value as T;
}

/** Every file under `dir`, with its text. */
function filesUnder(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}

describe('the session’s history under CAIRN_HOME', () => {
  it('remembers the repositories opened, for the next start, with references only', async () => {
    const home = newHome();
    const keychain = new Map<string, string>();
    const engine = engineDouble({
      storeSecret: async (entry: string, secret: string) => void keychain.set(entry, secret),
    });
    const session = new Session(engine, web, home);
    const dav = 'webdav:http://ana@127.0.0.1:9/cairn';
    await value(
      session.handle('connectRepository', { location: '/backups/one', password: 'pw-one-9f' }),
    );
    const opened = await value<{ secrets: { references: Record<string, string> } }>(
      session.handle('connectRepository', {
        location: dav,
        password: 'pw-two-9f',
        secrets: { CAIRN_TARGET_PASSWORD: 'dav-secret-9f', CAIRN_TARGET_USER: 'ana' },
      }),
    );

    const restarted = new Session(engine, web, home);
    expect(await value(restarted.handle('listRecentRepositories', {}))).toEqual([
      { location: dav, credentials: opened.secrets.references },
      { location: '/backups/one', credentials: {} },
    ]);
    expect(opened.secrets.references.CAIRN_TARGET_PASSWORD).toMatch(/^keychain:/);
    for (const { file, text } of filesUnder(home)) {
      for (const secret of ['pw-one-9f', 'pw-two-9f', 'dav-secret-9f']) {
        expect(text, file).not.toContain(secret);
      }
    }
  });

  it('records a backup with its statistics, warnings and log, and a new session reads it back', async () => {
    const home = newHome();
    const engine = engineDouble({
      backup: async (_repo, _request, control?: JobControl) => {
        control?.onProgress?.(progress);
        return {
          snapshot: snapshot('a1b2c3d4'.repeat(8)),
          warnings: [{ path: '/data/locked.db', message: 'permission denied' }],
        };
      },
    });
    const session = new Session(engine, web, home);
    const events = collect(session);
    await value(session.handle('connectRepository', { location: '/backups/r', password: 'pw' }));
    await value(session.handle('startBackup', { jobId: 'job-backup-01', paths: ['/data'] }));
    await until(events, (e) => e.type === 'succeeded');
    await session.dispose();

    const restarted = new Session(engineDouble({}), web, home);
    const runs = await value<ActivityRun[]>(restarted.handle('listActivity', {}));
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run).toMatchObject({
      kind: 'backup',
      plan: null,
      trigger: 'app',
      repository: '/backups/r',
      result: 'incomplete', // done, but a file could not be read
      snapshot: 'a1b2c3d4'.repeat(8),
      stats: {
        files_new: 2,
        files_changed: 1,
        files_unchanged: 4,
        bytes_processed: 3000,
        bytes_added: 1000,
      },
      warnings: ['/data/locked.db: permission denied'],
      error: null,
      jobId: 'job-backup-01',
    });
    expect(run.endedAt).not.toBeNull();
    const log = await value<{ text: string }>(restarted.handle('getActivityLog', { id: run.id }));
    expect(log.text).toContain('backup started on /backups/r');
    expect(log.text).toContain('Backing up /data to /backups/r');
    expect(log.text).toContain('warning: /data/locked.db: permission denied');
    expect(log.text).toContain('backup ended: incomplete');
  });

  it('records failed and cancelled jobs, newest first, and a job cut short when the host stops as cancelled', async () => {
    const home = newHome();
    const engine = engineDouble({
      check: () =>
        Promise.reject(
          new CairnError('repository-not-found', 'repository not found at /backups/r'),
        ),
      restore: (_repo, _request, control?: JobControl) =>
        new Promise((_resolve, reject) =>
          control?.signal?.addEventListener('abort', () =>
            reject(new CairnError('cancelled', 'cancelled')),
          ),
        ),
    });
    const session = new Session(engine, web, home);
    const events = collect(session);
    await value(session.handle('connectRepository', { location: '/backups/r', password: 'pw' }));
    await value(session.handle('startCheck', { jobId: 'job-check-001' }));
    await until(events, (e) => e.type === 'failed');
    const restore = { snapshot: 'latest', target: '/tmp/out', overwrite: 'skip' } as const;
    await value(session.handle('startRestore', { jobId: 'job-restore-1', ...restore }));
    await value(session.handle('cancelJob', { jobId: 'job-restore-1' }));
    await until(events, (e) => e.type === 'cancelled');
    await value(session.handle('startRestore', { jobId: 'job-restore-2', ...restore }));
    await until(events, (e) => e.type === 'log' && e.jobId === 'job-restore-2');
    // Seen while it runs: the history says so, with the job id to follow it by.
    const running = await value<ActivityRun[]>(session.handle('listActivity', {}));
    expect(running[0]).toMatchObject({
      kind: 'restore',
      result: 'running',
      jobId: 'job-restore-2',
    });
    await session.dispose(); // as cairn serve does on SIGTERM

    const runs = await value<ActivityRun[]>(
      new Session(engine, web, home).handle('listActivity', {}),
    );
    expect(runs.map((r) => [r.kind, r.result, r.error])).toEqual([
      ['restore', 'cancelled', null],
      ['restore', 'cancelled', null],
      ['check', 'failed', 'repository not found at /backups/r'],
    ]);
  });

  it('takes over a list from the browser’s storage, dropping anything that is not a reference', async () => {
    const home = newHome();
    const session = new Session(engineDouble({}), web, home);
    const dav = 'webdav:http://127.0.0.1:9/cairn';
    expect(
      await value(
        session.handle('importRecentRepositories', {
          repositories: [
            { location: '/backups/a', credentials: {} },
            { location: dav, credentials: { CAIRN_TARGET_PASSWORD: 'clear-secret-9f' } },
          ],
        }),
      ),
    ).toEqual({ imported: 2 });
    expect(await value(session.handle('listRecentRepositories', {}))).toEqual([
      { location: '/backups/a', credentials: {} },
      { location: dav, credentials: {} },
    ]);
    for (const { text } of filesUnder(home)) expect(text).not.toContain('clear-secret-9f');
  });

  it('refuses a log id that is not a run id, so no other file can be read', async () => {
    const session = new Session(engineDouble({}), web, newHome());
    expect(await session.handle('getActivityLog', { id: '../../config' })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-argument' },
    });
  });

  it('reports a damaged configuration when listing, and still opens the repository', async () => {
    const home = newHome();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, 'config.json'), '{ damaged');
    const session = new Session(engineDouble({}), web, home);
    expect(
      await session.handle('connectRepository', { location: '/backups/r', password: 'pw' }),
    ).toMatchObject({
      ok: true,
    });
    expect(await session.handle('listRecentRepositories', {})).toMatchObject({
      ok: false,
      error: {
        kind: 'corrupt',
        message: expect.stringContaining('config.json is damaged') as unknown,
      },
    });
    expect(readFileSync(path.join(home, 'config.json'), 'utf8')).toBe('{ damaged');
  });
});
