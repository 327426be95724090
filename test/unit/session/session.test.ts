/**
 * The session is where every request from the UI is validated before the engine sees it.
 * The engine here is a test double: these tests are about the contract, not about backups
 * (the e2e tests drive the real engine).
 */
import { describe, expect, it, vi } from 'vitest';
import { requestSchemas, type JobEvent } from '../../../shared/contract.js';
import type { JobProgress } from '../../../shared/domain.js';
import { CairnError } from '../../../electron/engine/errors.js';
import type { EngineService, JobControl } from '../../../electron/engine/service-types.js';
import { Session } from '../../../electron/session/session.js';

const progress: JobProgress = {
  phase: 'backup',
  files_done: 1,
  files_total: null,
  bytes_done: 10,
  bytes_total: null,
  rate: 5,
  eta_s: null,
  current: null,
};

function engineDouble(overrides: Partial<EngineService> = {}): EngineService {
  const unused = () => Promise.reject(new Error('not expected in this test'));
  return {
    defaultRepository: unused,
    ratePassword: unused,
    close: async () => undefined,
    initRepository: unused,
    listKeys: unused,
    addKey: unused,
    removeKey: unused,
    changePassword: unused,
    listSnapshots: async () => [],
    listTree: unused,
    readFile: unused,
    backup: unused,
    restore: unused,
    check: unused,
    diff: unused,
    export: unused,
    forget: unused,
    prune: unused,
    copy: unused,
    repairIndex: unused,
    repairSnapshots: unused,
    backupApi: unused,
    resolveSecretReference: unused,
    checkApiSourceSecrets: unused,
    testApiSource: unused,
    testConnection: unused,
    probeHostKey: unused,
    trustHostKey: unused,
    storeSecret: unused,
    restoreApi: unused,
    checkApiSourceDefinition: unused,
    parseApiSourceDefinition: unused,
    findWrittenSecrets: unused,
    loadApiSourceDefinition: unused,
    openKeychain: unused,
    ...overrides,
  };
}

const web = { mode: 'web' as const, version: '0.0.0-test' };

function collect(session: Session): JobEvent[] {
  const events: JobEvent[] = [];
  session.subscribe((e) => events.push(e));
  return events;
}

async function until(events: JobEvent[], type: JobEvent['type']): Promise<void> {
  for (let i = 0; i < 200 && !events.some((e) => e.type === type); i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('Session', () => {
  it('refuses unknown requests and invalid arguments before calling the engine', async () => {
    const session = new Session(engineDouble(), web);
    expect(await session.handle('deleteEverything', {})).toMatchObject({
      ok: false,
      error: { kind: 'invalid-argument' },
    });
    expect(await session.handle('__proto__', {})).toMatchObject({ ok: false });
    const badPath = await session.handle('listTree', { snapshot: 'latest', path: 'relative' });
    expect(badPath).toMatchObject({ ok: false, error: { kind: 'invalid-argument' } });
    const extraKey = await session.handle('connectRepository', {
      location: '/r',
      password: 'p',
      debug: true,
    });
    expect(extraKey).toMatchObject({ ok: false, error: { kind: 'invalid-argument' } });
  });

  it('asks for a repository before anything that needs one', async () => {
    const session = new Session(engineDouble(), web);
    expect(await session.handle('listSnapshots', {})).toEqual({
      ok: false,
      error: { kind: 'not-connected', message: 'Open a repository first.' },
    });
  });

  it('keeps the engine’s error kind, so the UI can say "wrong password"', async () => {
    const session = new Session(
      engineDouble({
        listSnapshots: () => Promise.reject(new CairnError('wrong-password', 'wrong password')),
      }),
      web,
    );
    const answer = await session.handle('connectRepository', { location: '/r', password: 'x' });
    expect(answer).toEqual({
      ok: false,
      error: { kind: 'wrong-password', message: 'wrong password' },
    });
    expect(await session.handle('getSessionState', {})).toMatchObject({
      ok: true,
      value: { repository: null },
    });
  });

  it('never reports the password back, only the location', async () => {
    const session = new Session(engineDouble(), web);
    await session.handle('connectRepository', { location: '/r', password: 'hunter2' });
    const state = await session.handle('getSessionState', {});
    expect(JSON.stringify(state)).not.toContain('hunter2');
  });

  it('streams a job’s progress and result by id', async () => {
    const session = new Session(
      engineDouble({
        backup: async (_repo, request, control?: JobControl) => {
          control?.onProgress?.(progress);
          return {
            snapshot: { id: 'abc', paths: request.paths } as never,
            warnings: [{ path: '/gone', message: 'vanished during backup' }],
          };
        },
      }),
      web,
    );
    const events = collect(session);
    await session.handle('connectRepository', { location: '/r', password: 'p' });
    const started = await session.handle('startBackup', {
      jobId: 'job-00000001',
      paths: ['/data'],
    });
    expect(started).toEqual({ ok: true, value: { jobId: 'job-00000001' } });
    await until(events, 'succeeded');
    expect(events.map((e) => e.type)).toEqual(['started', 'log', 'progress', 'log', 'succeeded']);
    expect(events.every((e) => e.jobId === 'job-00000001')).toBe(true);
    expect(events[3]).toMatchObject({ level: 'warning', message: '/gone: vanished during backup' });
  });

  it('ends an export download the browser never opens as cancelled, saying why', async () => {
    let exported = false;
    const session = new Session(
      engineDouble({
        export: async () => {
          exported = true;
          return Promise.reject(new Error('not expected'));
        },
      }),
      web,
      undefined,
      { downloadLifetimeMs: 50 },
    );
    const events = collect(session);
    await session.handle('connectRepository', { location: '/r', password: 'p' });
    const answer = await session.handle('prepareExportDownload', {
      jobId: 'job-00000009',
      snapshot: 'latest',
      format: 'zip',
    });
    expect(answer.ok).toBe(true);
    await vi.waitFor(() => expect(events.map((e) => e.type)).toContain('cancelled'));
    expect(events.map((e) => e.type)).toEqual(['started', 'log', 'cancelled']);
    expect(events[1]).toMatchObject({
      level: 'warning',
      message:
        'the download was not opened within 1 s, so the export was cancelled; export again to download it',
    });
    const state = await session.handle('getSessionState', {});
    expect(state).toMatchObject({
      value: { jobs: [{ jobId: 'job-00000009', status: 'cancelled' }] },
    });
    // The address is worth nothing now.
    const ticket = (answer as { value: { url: string } }).value.url.split('/').pop()!;
    expect(session.takeDownload(ticket)).toBeNull();
    expect(exported).toBe(false);
  });

  it('reports a restore that left damaged files out as succeeded but incomplete', async () => {
    const damaged = [{ path: '/docs/a.txt', message: 'blob 0123 failed authentication' }];
    const session = new Session(
      engineDouble({
        restore: async () => ({
          files_restored: 3,
          files_skipped: 0,
          files_renamed: 0,
          bytes_restored: 30,
          warnings: [],
          damaged,
        }),
      }),
      web,
    );
    const events = collect(session);
    await session.handle('connectRepository', { location: '/r', password: 'p' });
    await session.handle('startRestore', {
      jobId: 'job-00000005',
      snapshot: 'latest',
      target: '/tmp/out',
      overwrite: 'skip',
    });
    await until(events, 'succeeded');
    expect(events).toContainEqual({
      type: 'log',
      jobId: 'job-00000005',
      level: 'warning',
      message: '/docs/a.txt: not restored, damaged: blob 0123 failed authentication',
    });
    expect(events.at(-1)).toMatchObject({
      type: 'succeeded',
      incomplete: true,
      result: { kind: 'restore', summary: { damaged } },
    });
    // A page that reloads sees it too.
    expect(await session.handle('getSessionState', {})).toMatchObject({
      value: { jobs: [{ jobId: 'job-00000005', status: 'succeeded', incomplete: true }] },
    });
  });

  it('cancels a job through the AbortSignal it gave the engine', async () => {
    let entered!: () => void;
    const engineRunning = new Promise<void>((resolve) => (entered = resolve));
    const session = new Session(
      engineDouble({
        check: (_repo, _request, control?: JobControl) =>
          new Promise((_resolve, reject) => {
            control?.signal?.addEventListener('abort', () =>
              reject(new CairnError('cancelled', 'cancelled')),
            );
            entered();
          }),
      }),
      web,
    );
    const events = collect(session);
    await session.handle('connectRepository', { location: '/r', password: 'p' });
    await session.handle('startCheck', { jobId: 'job-00000002' });
    await engineRunning;
    expect(await session.handle('cancelJob', { jobId: 'job-00000002' })).toEqual({
      ok: true,
      value: { cancelled: true },
    });
    await until(events, 'cancelled');
    expect(events.at(-1)).toEqual({ type: 'cancelled', jobId: 'job-00000002' });
    expect(await session.handle('cancelJob', { jobId: 'job-00000002' })).toEqual({
      ok: true,
      value: { cancelled: false },
    });
  });

  it('cancels a job that has not reached the engine yet without starting it', async () => {
    let calls = 0;
    const session = new Session(
      engineDouble({
        check: () => {
          calls++;
          return Promise.reject(new Error('should not run'));
        },
      }),
      web,
    );
    const events = collect(session);
    await session.handle('connectRepository', { location: '/r', password: 'p' });
    await session.handle('startCheck', { jobId: 'job-00000004' });
    await session.handle('cancelJob', { jobId: 'job-00000004' });
    await until(events, 'cancelled');
    expect(calls).toBe(0);
  });

  it('refuses a second job with the same id', async () => {
    const session = new Session(engineDouble({ check: () => new Promise(() => undefined) }), web);
    await session.handle('connectRepository', { location: '/r', password: 'p' });
    await session.handle('startCheck', { jobId: 'job-00000003' });
    expect(await session.handle('startCheck', { jobId: 'job-00000003' })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-argument' },
    });
    session.dispose();
  });

  it('answers native-dialog requests in web mode with "unsupported"', async () => {
    const session = new Session(engineDouble(), web);
    expect(await session.handle('pickFolder', { purpose: 'source' })).toMatchObject({
      ok: false,
      error: { kind: 'unsupported' },
    });
  });
});

describe('Session tree listings', () => {
  const fullId = 'c'.repeat(64);
  const entry = {
    path: '/a.txt',
    name: 'a.txt',
    type: 'file' as const,
    size: 2,
    mode: 420,
    mtime: '',
  };

  it('asks the engine once per folder of a snapshot, and previews from that listing', async () => {
    let listings = 0;
    const session = new Session(
      engineDouble({
        listTree: async () => {
          listings++;
          return [entry];
        },
        readFile: async () => Buffer.from('hi'),
      }),
      web,
    );
    await session.handle('connectRepository', { location: '/r', password: 'p' });
    await session.handle('listTree', { snapshot: fullId, path: '/' });
    await session.handle('listTree', { snapshot: fullId, path: '/' });
    const preview = await session.handle('previewFile', { snapshot: fullId, path: '/a.txt' });
    expect(preview).toMatchObject({ ok: true, value: { kind: 'text', text: 'hi' } });
    expect(listings).toBe(1);
    // 'latest' may name another snapshot after the next backup: never cached.
    await session.handle('listTree', { snapshot: 'latest', path: '/' });
    await session.handle('listTree', { snapshot: 'latest', path: '/' });
    expect(listings).toBe(3);
  });
});

describe('Session paths', () => {
  it('wants full paths for folders on this machine', async () => {
    const session = new Session(engineDouble(), web);
    await session.handle('connectRepository', { location: '/r', password: 'p' });
    const relative = await session.handle('startBackup', {
      jobId: 'job-00000009',
      paths: ['docs'],
    });
    expect(relative).toMatchObject({
      ok: false,
      error: { kind: 'invalid-argument', message: expect.stringMatching(/full path/) },
    });
    // Windows paths are full paths too (the schema is shared by every platform).
    expect(
      requestSchemas.startRestore.safeParse({
        jobId: 'job-00000010',
        snapshot: 'latest',
        target: 'C:\\Users\\me',
        overwrite: 'skip',
      }).success,
    ).toBe(true);
  });
});
