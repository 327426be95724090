/**
 * Health and the overdue alert: a plan is overdue when it has gone three of its
 * intervals without a completed backup; paused and by-hand plans never are.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../electron/plans/config-schema.js';
import { isOverdue, nextRuns, planHealth } from '../../../electron/plans/plan-health.js';

const HOUR = 3_600_000;
const created = '2026-06-01T00:00:00.000Z';
const t0 = Date.parse(created);

const plan = (extra: Partial<Plan> = {}): Plan => ({
  name: 'p',
  repository: '/r',
  password: 'env:X',
  folders: ['/d'],
  excludes: [],
  apiSources: [],
  schedule: { type: 'every', seconds: 3600 },
  timeZone: 'UTC',
  watch: false,
  retention: {},
  pruneEvery: 1,
  verifyPercent: null,
  paused: false,
  created,
  ...extra,
});
const fresh = { failures: 0, runsSincePrune: 0 };

describe('plan health', () => {
  it('is overdue after three intervals without a completed backup, not before', () => {
    const lastSuccess = new Date(t0 + HOUR).toISOString();
    const state = { ...fresh, lastSuccess, lastResult: 'failed' as const };
    expect(isOverdue(plan(), state, t0 + 4 * HOUR)).toBe(false);
    expect(planHealth(plan(), state, t0 + 4 * HOUR)).toBe('failing');
    expect(isOverdue(plan(), state, t0 + 4 * HOUR + 1)).toBe(true);
    expect(planHealth(plan(), state, t0 + 4 * HOUR + 1)).toBe('overdue');
    // Never ran at all: counted from when the plan was made.
    expect(isOverdue(plan(), fresh, t0 + 3 * HOUR + 1)).toBe(true);
    // A daily plan: three days.
    const daily = plan({ schedule: { type: 'daily', time: '02:00' } });
    expect(isOverdue(daily, fresh, t0 + 3 * 24 * HOUR - 1)).toBe(false);
    expect(isOverdue(daily, fresh, t0 + 3 * 24 * HOUR + 1)).toBe(true);
  });

  it('paused and by-hand plans are never overdue', () => {
    expect(planHealth(plan({ paused: true }), fresh, t0 + 100 * HOUR)).toBe('paused');
    expect(planHealth(plan({ schedule: { type: 'manual' } }), fresh, t0 + 100 * HOUR)).toBe(
      'by hand',
    );
  });

  it("previews the next runs, starting from the scheduler's own next run", () => {
    const state = { ...fresh, nextRun: new Date(t0 + 30 * 60_000).toISOString() };
    expect(nextRuns(plan(), state, t0, 3)).toEqual([
      t0 + 30 * 60_000,
      t0 + 90 * 60_000,
      t0 + 150 * 60_000,
    ]);
    expect(nextRuns(plan({ paused: true }), state, t0, 3)).toEqual([]);
  });
});
