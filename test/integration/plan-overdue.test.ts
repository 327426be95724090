/**
 * The overdue alert as the app gets it: the session's plan list says, for a plan that has gone
 * three of its intervals without a completed backup, since when (its last completed backup, or
 * its creation when it never completed one), on the plan's own clock; a plan within its
 * intervals, or paused, has none. Plans made by the real CLI, state in the real state file.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlanSummary } from '../../shared/contract.js';
import { createEngine } from '../../electron/engine/service.js';
import { planFiles } from '../../electron/plans/plan-files.js';
import { Session } from '../../electron/session/session.js';
import { cairnOk } from '../helpers/cairn-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('overdue plans in the app', () => {
  it('name since when they have had no completed backup', async () => {
    const root = tempDir('cairn-overdue-');
    const home = path.join(root, 'home');
    const data = path.join(root, 'data');
    const repo = path.join(root, 'repo');
    const passwordFile = path.join(root, 'password');
    mkdirSync(data);
    writeFileSync(path.join(data, 'a.txt'), 'a\n');
    writeFileSync(passwordFile, 'overdue-Pw-2k!Rt');
    const env = { CAIRN_HOME: home, CAIRN_PASSWORD: '', CAIRN_PASSWORD_FILE: passwordFile };
    await cairnOk(['init', '--repo', repo], { env });
    const ref = `file:${passwordFile}`;
    for (const name of ['never', 'lapsed', 'fine', 'resting']) {
      await cairnOk(
        ['plan', 'add', name, '--repo', repo, data, '--password-ref', ref, '--every', '1h'],
        {
          env,
        },
      );
    }
    await cairnOk(['plan', 'pause', 'resting'], { env });
    // Made five hours ago, on the plans' clock in Tokyo (UTC+9, no daylight saving).
    const configFile = path.join(home, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as {
      plans: { created: string; timeZone: string }[];
    };
    const created = new Date(Date.now() - 5 * 3600_000);
    created.setUTCMilliseconds(0);
    for (const plan of config.plans) {
      plan.created = created.toISOString();
      plan.timeZone = 'Asia/Tokyo';
    }
    writeFileSync(configFile, JSON.stringify(config, null, 2));
    const { state } = planFiles(home);
    const lapsedAt = new Date(created.getTime() + 3600_000);
    await state.update('lapsed', (s) => ({ ...s, lastSuccess: lapsedAt.toISOString() }));
    await state.update('fine', (s) => ({ ...s, lastSuccess: new Date().toISOString() }));

    const engine = createEngine();
    const session = new Session(engine, { mode: 'web', version: '0.0.0-test' }, home);
    const listed = await session.handle('listPlans', {});
    await session.dispose();
    await engine.close();
    expect(listed.ok).toBe(true);
    const plans = (listed as { value: PlanSummary[] }).value;
    const tokyo = (d: Date) =>
      new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(Object.fromEntries(plans.map((p) => [p.name, [p.health, p.overdue]]))).toEqual({
      never: ['overdue', { since: tokyo(created), neverCompleted: true }],
      lapsed: ['overdue', { since: tokyo(lapsedAt), neverCompleted: false }],
      fine: ['ok', null],
      resting: ['paused', null],
    });
  });
});
