/**
 * The app's plans, through the session as the UI calls it, over a temporary CAIRN_HOME: a saved
 * plan lands in config.json (where `cairn serve` picks it up) with its password in the keychain
 * and only a `keychain:` reference in the file; bad folders are refused naming each one; the
 * schedule preview and pause/resume/remove change what the file says. The engine is a test
 * double standing in for the OS keychain and the repository (these tests are about the session
 * and its files); the e2e test drives the real one.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineService } from '../../../electron/engine/service-types.js';
import { planPasswordEntry } from '../../../electron/session/plans.js';
import { Session } from '../../../electron/session/session.js';
import { tempDir } from '../../helpers/temp-dir.js';

const root = tempDir('cairn-session-plans-');
let n = 0;
const web = { mode: 'web' as const, version: '0.0.0-test' };
const secret = 'correct horse battery staple';

function setup(keychain: Map<string, string> | null = new Map()) {
  const home = path.join(root, `home-${++n}`);
  const folder = path.join(root, `data-${n}`);
  mkdirSync(folder, { recursive: true });
  const unused = () => Promise.reject(new Error('not expected in this test'));
  const engine = {
    listSnapshots: async () => [],
    storeSecret: async (entry: string, value: string) => {
      if (keychain === null) throw new Error('no keychain here');
      keychain.set(entry, value);
    },
    resolveSecretReference: async (reference: string) => {
      const value = keychain?.get(reference.replace(/^keychain:/, ''));
      if (value === undefined) throw new Error(`no keychain entry ${reference}`);
      return value;
    },
  };
  const full = new Proxy(engine, {
    get: (target, name) => (name in target ? target[name as keyof typeof target] : unused),
  }) as unknown as EngineService;
  const session = new Session(full, web, home);
  const config = () =>
    JSON.parse(readFileSync(path.join(home, 'config.json'), 'utf8')) as {
      plans: Record<string, unknown>[];
    };
  return { session, folder, config, home };
}

const plan = (folder: string) => ({
  name: 'documents',
  repository: '/backups/repo',
  password: secret,
  folders: [folder],
  schedule: { kind: 'every' as const, every: '1m' },
  keepLast: 7,
});

describe('plans in the session', () => {
  it('saves a plan to config.json with a keychain reference and never the password', async () => {
    const keychain = new Map<string, string>();
    const { session, folder, config, home } = setup(keychain);
    const reply = await session.handle('savePlan', plan(folder));
    expect(reply).toMatchObject({
      ok: true,
      value: { name: 'documents', scheduleText: 'every 1m', health: 'waiting', paused: false },
    });
    const saved = config().plans;
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({
      name: 'documents',
      repository: '/backups/repo',
      password: `keychain:${planPasswordEntry('/backups/repo')}`,
      folders: [folder],
      schedule: { type: 'every', seconds: 60 },
      retention: { keepLast: 7 },
      paused: false,
    });
    expect(readFileSync(path.join(home, 'config.json'), 'utf8')).not.toContain(secret);
    expect([...keychain.values()]).toEqual([secret]);
    const list = await session.handle('listPlans', {});
    expect(list).toMatchObject({ ok: true, value: [{ name: 'documents', lastRun: null }] });
  });

  it('refuses folders that are missing, not folders or relative, naming each, and saves nothing', async () => {
    const { session, folder, home } = setup();
    const file = path.join(folder, 'notes.txt');
    writeFileSync(file, 'x');
    const missing = path.join(folder, 'gone');
    const reply = await session.handle('savePlan', {
      ...plan(folder),
      folders: [folder, missing, file, 'relative/dir'],
    });
    expect(reply).toEqual({
      ok: false,
      error: {
        kind: 'invalid-argument',
        message: `${missing} does not exist; ${file} is not a folder; relative/dir is not a full path (start at the root, like /home/me/Documents)`,
      },
    });
    expect(() => readFileSync(path.join(home, 'config.json'))).toThrow();
  });

  it('refuses a plan when no keychain can keep its password', async () => {
    const { session, folder, home } = setup(null);
    const reply = await session.handle('savePlan', plan(folder));
    expect(reply).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
    expect(() => readFileSync(path.join(home, 'config.json'))).toThrow();
  });

  it('previews a schedule and reports a bad one in one line', async () => {
    const { session } = setup();
    const daily = await session.handle('previewSchedule', {
      schedule: { kind: 'daily', time: '02:30' },
    });
    expect(daily).toMatchObject({ ok: true, value: { text: 'daily at 02:30' } });
    const runs = (daily as { value: { runs: string[] } }).value.runs;
    expect(runs).toHaveLength(5);
    for (const run of runs) expect(run).toMatch(/^\d{4}-\d\d-\d\d 02:30:00$/);
    expect(
      await session.handle('previewSchedule', { schedule: { kind: 'every', every: 'soon' } }),
    ).toEqual({
      ok: false,
      error: {
        kind: 'invalid-argument',
        message: '--every "soon": write a duration like 30m, 2h, 1h30m or 1d',
      },
    });
  });

  it('pauses, resumes, edits without retyping the password, and removes', async () => {
    const { session, folder, config } = setup();
    await session.handle('savePlan', plan(folder));
    expect(await session.handle('pausePlan', { name: 'documents' })).toMatchObject({
      ok: true,
      value: { paused: true, health: 'paused', nextRuns: [] },
    });
    expect(config().plans[0]).toMatchObject({ paused: true });
    await session.handle('resumePlan', { name: 'documents' });
    expect(config().plans[0]).toMatchObject({ paused: false });
    const { password, ...edit } = plan(folder);
    expect(password).toBe(secret);
    expect(
      await session.handle('savePlan', {
        ...edit,
        replaces: 'documents',
        name: 'docs',
        schedule: { kind: 'daily', time: '3:05' },
      }),
    ).toMatchObject({ ok: true, value: { name: 'docs', scheduleText: 'daily at 03:05' } });
    expect(config().plans).toMatchObject([
      { name: 'docs', password: `keychain:${planPasswordEntry('/backups/repo')}` },
    ]);
    expect(await session.handle('removePlan', { name: 'docs' })).toEqual({ ok: true, value: null });
    expect(config().plans).toEqual([]);
  });
});
