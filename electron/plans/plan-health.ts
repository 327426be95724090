/**
 * How a plan is doing, in one word, and when it runs next. Overdue: no completed
 * backup for three of the plan's usual intervals.
 */
import { wallTimeAt } from '../engine/service.js';
import type { Plan } from './config-schema.js';
import type { PlanState } from './plan-state.js';
import { nextRunAfter, typicalInterval, upcomingRuns } from './schedule.js';

export type PlanHealth = 'ok' | 'paused' | 'failing' | 'overdue' | 'waiting' | 'by hand';

export const OVERDUE_INTERVALS = 3;

export function planHealth(plan: Plan, state: PlanState, nowMs: number): PlanHealth {
  if (plan.paused) return 'paused';
  if (isOverdue(plan, state, nowMs)) return 'overdue';
  if (state.lastResult === 'failed' || state.lastResult === 'skipped') return 'failing';
  if (!state.lastSuccess)
    return plan.schedule.type === 'manual' && !plan.watch ? 'by hand' : 'waiting';
  return 'ok';
}

export function isOverdue(plan: Plan, state: PlanState, nowMs: number): boolean {
  if (plan.paused) return false;
  const interval = typicalInterval(plan.schedule, nowMs, plan.timeZone);
  if (interval === null) return false;
  const since = Date.parse(state.lastSuccess ?? plan.created);
  return nowMs - since > OVERDUE_INTERVALS * interval;
}

/** The next `count` runs: the scheduler's own next run first, when it has one. */
export function nextRuns(plan: Plan, state: PlanState, nowMs: number, count: number): number[] {
  if (plan.paused) return [];
  const scheduled = state.nextRun ? Date.parse(state.nextRun) : undefined;
  let first = scheduled;
  if (first === undefined) {
    const from =
      plan.schedule.type === 'every' && state.lastRunStart ? Date.parse(state.lastRunStart) : nowMs;
    first = nextRunAfter(plan.schedule, from, plan.timeZone) ?? undefined;
  }
  if (first === undefined) return [];
  return [first, ...upcomingRuns(plan.schedule, first, plan.timeZone, count - 1)];
}

/** "2026-12-05 02:30" on the plan's clock. */
export function formatLocal(ms: number, timeZone: string): string {
  const t = wallTimeAt(ms, timeZone);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${t.year}-${p(t.month)}-${p(t.day)} ${p(t.hour)}:${p(t.minute)}:${p(t.second)}`;
}
