/**
 * A plan that runs only on AC power, on a machine on battery (the platform's answer injected):
 * its scheduled run is skipped, recorded in activity with the reason, and asks to wait for the
 * next scheduled time rather than a retry; the repository is never touched (it does not exist).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../electron/engine/service.js';
import type { Plan } from '../../../electron/plans/config-schema.js';
import { planHealth } from '../../../electron/plans/plan-health.js';
import { planFiles } from '../../../electron/plans/plan-files.js';
import { ON_BATTERY, runPlan } from '../../../electron/plans/plan-runner.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('a plan that runs only on AC power', () => {
  it('is skipped on battery with the reason, and waits for its next scheduled time', async () => {
    const dir = tempDir();
    const files = planFiles(path.join(dir, 'home'));
    const plan: Plan = {
      name: 'laptop',
      repository: path.join(dir, 'no-repository-here'),
      password: 'env:NOT_SET',
      folders: [dir],
      excludes: [],
      apiSources: [],
      schedule: { type: 'daily', time: '02:00' },
      timeZone: 'UTC',
      watch: false,
      onlyOnAc: true,
      retention: {},
      pruneEvery: 1,
      verifyPercent: null,
      paused: false,
      created: '2026-01-01T00:00:00Z',
    };
    const outcome = await runPlan(plan, {
      engine: createEngine(),
      activity: files.activity,
      state: files.state,
      trigger: 'schedule',
      powerSource: () => Promise.resolve('battery'),
    });
    expect(outcome.waitForNextSlot).toBe(true);
    expect(outcome.error).toBeUndefined();
    const [record] = await files.activity.list();
    expect(record).toMatchObject({ plan: 'laptop', result: 'skipped', error: ON_BATTERY });
    // Waiting for mains power is not a failure: the plan's health is not "failing" for it.
    const state = await files.state.read('laptop');
    expect(state.lastResult).toBeUndefined();
    expect(planHealth(plan, state, Date.parse('2026-01-01T12:00:00Z'))).toBe('waiting');
  });
});
