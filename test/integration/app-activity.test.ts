/**
 * Jobs started in the app, run by the real engine through the session, land in the same
 * activity history as the plans' runs: `cairn activity` lists them (no plan, trigger `app`)
 * with their result, snapshot and log, and no file under CAIRN_HOME holds the password.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/contract.js';
import { createEngine } from '../../electron/engine/service.js';
import type { RunRecord } from '../../electron/plans/activity-log.js';
import { Session } from '../../electron/session/session.js';
import { cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const password = 'app-activity-Pw-4k!Tz';

describe('app jobs in the activity history', () => {
  it('are listed by cairn activity with their result, snapshot and log', async () => {
    const root = tempDir('cairn-app-activity-');
    const home = path.join(root, 'home');
    const data = path.join(root, 'data');
    const repo = path.join(root, 'repo');
    mkdirSync(data);
    writeFileSync(path.join(data, 'notes.txt'), 'kept safe\n');

    const engine = createEngine();
    const session = new Session(engine, { mode: 'web', version: '0.0.0-test' }, home);
    const events: JobEvent[] = [];
    const waiting = new Map<string, () => void>();
    session.subscribe((e) => {
      events.push(e);
      if (e.type === 'succeeded' || e.type === 'failed' || e.type === 'cancelled') {
        waiting.get(e.jobId)?.();
      }
    });
    const ended = (jobId: string) => new Promise<void>((resolve) => waiting.set(jobId, resolve));
    expect(await session.handle('createRepository', { location: repo, password })).toMatchObject({
      ok: true,
    });
    const backupEnded = ended('job-app-backup');
    await session.handle('startBackup', { jobId: 'job-app-backup', paths: [data] });
    await backupEnded;
    const checkEnded = ended('job-app-check1');
    await session.handle('startCheck', { jobId: 'job-app-check1' });
    await checkEnded;
    await session.dispose();
    await engine.close();

    const env = { CAIRN_HOME: home };
    const { runs } = JSON.parse((await cairnOk(['activity', '--json'], { env })).stdout) as {
      runs: RunRecord[];
    };
    expect(runs.map((r) => [r.plan, r.trigger, r.kind, r.result])).toEqual([
      [null, 'app', 'backup', 'ok'],
      [null, 'app', 'check', 'ok'],
    ]);
    const snapshot = events.find((e) => e.type === 'succeeded' && e.result.kind === 'backup');
    expect(runs[0]!.snapshot).toBe(
      snapshot?.type === 'succeeded' && snapshot.result.kind === 'backup'
        ? snapshot.result.snapshot.id
        : 'missing',
    );
    expect(runs[0]!.stats).toMatchObject({ files_new: 1 });
    expect(readFileSync(runs[0]!.log, 'utf8')).toContain(`Backing up ${data} to ${repo}`);
    expect(runs[1]!.summary).toMatch(/^no problems found in 1 snapshot/);

    const table = (await cairnOk(['activity'], { env })).stdout;
    expect(table).toMatch(/\(backup\)\s+app\s+ok/);
    expect(table).toMatch(/\(check\)\s+app\s+ok/);

    const files = readdirSync(home, { recursive: true, encoding: 'utf8' })
      .map((f) => path.join(home, f))
      .filter((f) => statSync(f).isFile());
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toContain(password);
  });
});
