/**
 * The scheduler against an injected clock: what runs when, after sleep and restarts, with
 * overlaps, a shared repository, pause and resume, retries, and across a DST change. The runs
 * themselves are stand-ins that record when they were called (the plan runner is tested with
 * the real CLI in test/integration/plans.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Plan, Schedule } from '../../../electron/plans/config-schema.js';
import type { PlanPart, PlanState, RunResult } from '../../../electron/plans/plan-state.js';
import {
  Scheduler,
  type RunOutcome,
  type RunTrigger,
  type SchedulerClock,
} from '../../../electron/plans/scheduler.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

class FakeClock implements SchedulerClock {
  private timers: { at: number; fn: () => void }[] = [];
  constructor(public t: number) {}
  now = () => this.t;
  setTimer = (ms: number, fn: () => void) => {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  };
  /** Moves time forward firing due timers in order, as a running machine would. */
  async advanceTo(target: number): Promise<void> {
    for (;;) {
      await flush();
      const due = this.timers.filter((x) => x.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = target;
    await flush();
  }
  /** A sleeping machine: time passes and no timer fires until it wakes. */
  sleepUntil(target: number): void {
    this.t = target;
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

class MemoryState {
  plans: Record<string, PlanState> = {};
  async read(name: string): Promise<PlanState> {
    return this.plans[name] ?? { failures: 0, runsSincePrune: 0 };
  }
  async update(name: string, change: (s: PlanState) => PlanState | null) {
    const next = change(await this.read(name));
    if (next === null) delete this.plans[name];
    else this.plans[name] = next;
    return next;
  }
}

function plan(name: string, schedule: Schedule, extra: Partial<Plan> = {}): Plan {
  return {
    name,
    repository: `/repos/${name}`,
    password: 'env:X',
    folders: ['/data'],
    excludes: [],
    apiSources: [],
    schedule,
    timeZone: 'UTC',
    watch: false,
    retention: {},
    pruneEvery: 1,
    verifyPercent: null,
    paused: false,
    created: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

interface Call {
  plan: string;
  part: PlanPart;
  trigger: RunTrigger;
  at: number;
  finish(result?: RunResult | RunOutcome): void;
  signal: AbortSignal;
}

function harness(
  start: number,
  options: { hold?: boolean; results?: (RunResult | RunOutcome)[] } = {},
) {
  const clock = new FakeClock(start);
  const state = new MemoryState();
  const calls: Call[] = [];
  const results = [...(options.results ?? [])];
  const make = () =>
    new Scheduler({
      clock,
      state,
      retry: { firstMs: MIN, maxMs: 8 * MIN },
      watch: { debounceMs: 10_000, maxDelayMs: 5 * MIN, minIntervalMs: 5 * MIN },
      run: (p, trigger, signal, part) =>
        new Promise<RunResult | RunOutcome>((resolve) => {
          const finish = (result: RunResult | RunOutcome = 'ok') => resolve(result);
          calls.push({ plan: p.name, part, trigger, at: clock.now(), finish, signal });
          signal.addEventListener('abort', () => resolve('cancelled'));
          if (!options.hold) finish(results.shift() ?? 'ok');
        }),
    });
  return { clock, state, calls, make };
}

const T0 = Date.parse('2026-06-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('scheduler', () => {
  it('runs on the interval, and once (not once per slot) after the machine slept', async () => {
    const { clock, calls, make } = harness(T0);
    const scheduler = make();
    await scheduler.setPlans([plan('p', { type: 'every', seconds: 3600 })]);
    await clock.advanceTo(T0 + 2 * HOUR + MIN);
    expect(calls.map((c) => c.at)).toEqual([T0 + HOUR, T0 + 2 * HOUR]);
    clock.sleepUntil(T0 + 7 * HOUR + 30 * MIN); // asleep through five slots
    await clock.advanceTo(T0 + 7 * HOUR + 31 * MIN);
    expect(calls.map((c) => iso(c.at)).slice(2)).toEqual([iso(T0 + 7 * HOUR + 30 * MIN)]);
    expect(scheduler.status()[0]!.nextRun).toBe(T0 + 8 * HOUR + 30 * MIN);
    await scheduler.stop();
  });

  it('after a shutdown, the next start catches up once, then keeps the schedule', async () => {
    const { clock, state, calls, make } = harness(T0);
    const first = make();
    await first.setPlans([plan('p', { type: 'daily', time: '02:00' })]);
    await clock.advanceTo(T0 + 3 * HOUR);
    await first.stop();
    expect(calls).toHaveLength(1);
    expect(state.plans.p!.nextRun).toBe('2026-06-02T02:00:00.000Z');
    // Three days off; a new host process starts.
    clock.sleepUntil(Date.parse('2026-06-05T09:00:00Z'));
    const second = make();
    await second.setPlans([plan('p', { type: 'daily', time: '02:00' })]);
    await clock.advanceTo(Date.parse('2026-06-06T03:00:00Z'));
    expect(calls.slice(1).map((c) => [c.trigger, iso(c.at)])).toEqual([
      ['catch-up', '2026-06-05T09:00:00.000Z'],
      ['schedule', '2026-06-06T02:00:00.000Z'],
    ]);
    await second.stop();
  });

  it('never runs one plan twice at once', async () => {
    const { clock, calls, make } = harness(T0, { hold: true });
    const scheduler = make();
    await scheduler.setPlans([plan('p', { type: 'every', seconds: 600 })]);
    await clock.advanceTo(T0 + 10 * MIN);
    expect(calls).toHaveLength(1);
    // Still running when the next slots and a "Run now" come.
    void scheduler.runNow('p');
    await clock.advanceTo(T0 + 35 * MIN);
    expect(calls).toHaveLength(1);
    calls[0]!.finish();
    await clock.advanceTo(T0 + 35 * MIN);
    // Overdue by then: one catch-up run right away, not one per slot missed meanwhile.
    expect(calls.map((c) => c.at)).toEqual([T0 + 10 * MIN, T0 + 35 * MIN]);
    calls[1]!.finish();
    await flush();
    expect(scheduler.status()[0]!.nextRun).toBe(T0 + 45 * MIN);
    await scheduler.stop();
  });

  it('runs plans that share a repository one after another', async () => {
    const { clock, calls, make } = harness(T0, { hold: true });
    const scheduler = make();
    const every = { type: 'every', seconds: 3600 } as const;
    await scheduler.setPlans([
      plan('a', every, { repository: '/repos/shared' }),
      plan('b', every, { repository: '/repos/shared' }),
      plan('c', every, { repository: '/repos/other' }),
    ]);
    await clock.advanceTo(T0 + HOUR);
    expect(calls.map((c) => c.plan)).toEqual(['a', 'c']);
    calls[0]!.finish();
    await flush();
    expect(calls.map((c) => c.plan)).toEqual(['a', 'c', 'b']);
    for (const c of calls.slice(1)) c.finish();
    await scheduler.stop();
  });

  it('pause stops runs; resume schedules from now without catching up the pause', async () => {
    const { clock, calls, make } = harness(T0);
    const scheduler = make();
    const every = { type: 'every', seconds: 3600 } as const;
    await scheduler.setPlans([plan('p', every)]);
    await clock.advanceTo(T0 + HOUR);
    await scheduler.setPlans([plan('p', every, { paused: true })]);
    await clock.advanceTo(T0 + 5 * HOUR);
    expect(calls).toHaveLength(1);
    await scheduler.setPlans([plan('p', every)]);
    await clock.advanceTo(T0 + 6 * HOUR - MIN);
    expect(calls).toHaveLength(1);
    await clock.advanceTo(T0 + 6 * HOUR);
    expect(calls.map((c) => c.at)).toEqual([T0 + HOUR, T0 + 6 * HOUR]);
    await scheduler.stop();
  });

  it('retries a failed run with a growing wait, then goes back to the schedule', async () => {
    const { clock, calls, make } = harness(T0, {
      results: ['failed', 'failed', 'skipped', 'ok'],
    });
    const scheduler = make();
    await scheduler.setPlans([plan('p', { type: 'daily', time: '02:00' })]);
    await clock.advanceTo(T0 + 3 * HOUR);
    const start = Date.parse('2026-06-01T02:00:00Z');
    expect(calls.map((c) => [c.trigger, (c.at - start) / MIN])).toEqual([
      ['schedule', 0],
      ['retry', 1],
      ['retry', 3],
      ['retry', 7],
    ]);
    expect(scheduler.status()[0]).toMatchObject({
      failures: 0,
      nextRun: Date.parse('2026-06-02T02:00:00Z'),
    });
    await scheduler.stop();
  });

  it('a daily run across the Berlin spring and autumn changes: each day once', async () => {
    for (const [from, to, expected] of [
      [
        '2026-03-27T12:00:00Z',
        '2026-03-31T12:00:00Z',
        ['2026-03-28T01:30', '2026-03-29T01:30', '2026-03-30T00:30', '2026-03-31T00:30'],
      ],
      [
        '2026-10-23T12:00:00Z',
        '2026-10-26T12:00:00Z',
        ['2026-10-24T00:30', '2026-10-25T00:30', '2026-10-26T01:30'],
      ],
    ] as const) {
      const { clock, calls, make } = harness(Date.parse(from));
      const scheduler = make();
      await scheduler.setPlans([
        plan('p', { type: 'daily', time: '02:30' }, { timeZone: 'Europe/Berlin' }),
      ]);
      await clock.advanceTo(Date.parse(to));
      expect(calls.map((c) => iso(c.at).slice(0, 16))).toEqual(expected);
      await scheduler.stop();
    }
  });

  it('stop cancels a running job, which stays due for the next start', async () => {
    const { clock, state, calls, make } = harness(T0, { hold: true });
    const scheduler = make();
    await scheduler.setPlans([plan('p', { type: 'every', seconds: 3600 })]);
    await clock.advanceTo(T0 + HOUR);
    expect(calls).toHaveLength(1);
    await scheduler.stop();
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(state.plans.p!.nextRun).toBe(iso(T0 + HOUR));
    clock.sleepUntil(T0 + 2 * HOUR + 5 * MIN);
    const next = make();
    await next.setPlans([plan('p', { type: 'every', seconds: 3600 })]);
    await clock.advanceTo(T0 + 2 * HOUR + 6 * MIN);
    expect(calls.map((c) => c.trigger)).toEqual(['schedule', 'catch-up']);
    calls[1]!.finish();
    await next.stop();
  });
});

describe('scheduler: watched plans', () => {
  const SEC = 1000;
  const watched = (extra: Partial<Plan> = {}) =>
    plan('w', { type: 'daily', time: '02:00' }, { watch: true, ...extra });

  it('a burst of changes gives one run, once the changes pause', async () => {
    const { clock, calls, make } = harness(T0 + 3 * HOUR);
    const scheduler = make();
    await scheduler.setPlans([watched()]);
    const start = clock.now();
    for (let i = 0; i < 8; i++) {
      scheduler.changed('w');
      await clock.advanceTo(start + (i + 1) * 3 * SEC); // closer together than the pause
    }
    expect(calls).toHaveLength(0);
    await clock.advanceTo(start + HOUR);
    expect(calls.map((c) => [c.trigger, c.at])).toEqual([['watch', start + 21 * SEC + 10 * SEC]]);
    await scheduler.stop();
  });

  it('changes that never pause still run after the longest wait', async () => {
    const { clock, calls, make } = harness(T0 + 3 * HOUR);
    const scheduler = make();
    await scheduler.setPlans([watched()]);
    const start = clock.now();
    for (let t = 0; t <= 10 * MIN; t += 5 * SEC) {
      await clock.advanceTo(start + t);
      scheduler.changed('w');
    }
    expect(calls[0]!.at).toBe(start + 5 * MIN);
    await scheduler.stop();
  });

  it('keeps the minimum interval between watch-triggered runs', async () => {
    const { clock, calls, make } = harness(T0 + 3 * HOUR);
    const scheduler = make();
    await scheduler.setPlans([watched()]);
    const start = clock.now();
    scheduler.changed('w');
    await clock.advanceTo(start + MIN);
    expect(calls.map((c) => c.at)).toEqual([start + 10 * SEC]);
    scheduler.changed('w'); // a minute after the first run started
    await clock.advanceTo(start + HOUR);
    expect(calls.map((c) => c.at)).toEqual([start + 10 * SEC, start + 10 * SEC + 5 * MIN]);
    await scheduler.stop();
  });

  it('a change while the plan runs gives one more run after it, never beside it', async () => {
    const { clock, calls, make } = harness(T0 + 3 * HOUR, { hold: true });
    const scheduler = make();
    await scheduler.setPlans([watched()]);
    const start = clock.now();
    void scheduler.runNow('w');
    await clock.advanceTo(start + SEC);
    scheduler.changed('w');
    scheduler.changed('w');
    await clock.advanceTo(start + 20 * MIN);
    expect(calls).toHaveLength(1); // still running
    calls[0]!.finish();
    await clock.advanceTo(start + 20 * MIN + 11 * SEC);
    // The changes paused long ago: their run follows at once.
    expect(calls.map((c) => [c.trigger, c.at])).toEqual([
      ['manual', start],
      ['watch', start + 20 * MIN],
    ]);
    calls[1]!.finish();
    await clock.advanceTo(start + 2 * HOUR);
    expect(calls).toHaveLength(2);
    await scheduler.stop();
  });

  it('a run that starts covers the changes seen before it', async () => {
    const { clock, calls, make } = harness(T0 + 3 * HOUR);
    const scheduler = make();
    await scheduler.setPlans([watched()]);
    const start = clock.now();
    scheduler.changed('w');
    await scheduler.runNow('w');
    await clock.advanceTo(start + HOUR);
    expect(calls.map((c) => c.trigger)).toEqual(['manual']);
    await scheduler.stop();
  });

  it('ignores changes of plans that are paused or not watched', async () => {
    const { clock, calls, make } = harness(T0 + 3 * HOUR);
    const scheduler = make();
    await scheduler.setPlans([
      watched({ paused: true }),
      plan('n', { type: 'daily', time: '02:00' }),
    ]);
    scheduler.changed('w');
    scheduler.changed('n');
    await clock.advanceTo(T0 + 4 * HOUR);
    expect(calls).toHaveLength(0);
    await scheduler.stop();
  });

  it('a run skipped on battery waits for the next scheduled time, not a retry', async () => {
    const { clock, state, calls, make } = harness(T0, {
      results: [{ result: 'skipped', waitForNextSlot: true }],
    });
    const scheduler = make();
    await scheduler.setPlans([plan('p', { type: 'every', seconds: 3600 })]);
    await clock.advanceTo(T0 + 2 * HOUR + MIN);
    expect(calls.map((c) => [c.trigger, c.at])).toEqual([
      ['schedule', T0 + HOUR],
      ['schedule', T0 + 2 * HOUR],
    ]);
    expect(state.plans.p!.failures).toBe(0);
    await scheduler.stop();
  });

  it('polls a plan’s API sources on their own interval, beside the plan’s runs', async () => {
    const { clock, state, calls, make } = harness(T0);
    const scheduler = make();
    const p = plan(
      'mixed',
      { type: 'every', seconds: 3600 },
      { apiSources: ['/defs/crm.json'], apiEverySeconds: 15 * 60 },
    );
    await scheduler.setPlans([p]);
    await clock.advanceTo(T0 + HOUR + MIN);
    expect(calls.map((c) => [c.part, c.at])).toEqual([
      ['api', T0 + 15 * MIN],
      ['api', T0 + 30 * MIN],
      ['api', T0 + 45 * MIN],
      ['plan', T0 + HOUR],
      ['api', T0 + HOUR],
    ]);
    expect(state.plans['mixed+api']!.nextRun).toBe(iso(T0 + 75 * MIN));
    // Without the interval of their own, only the plan's runs remain.
    await scheduler.setPlans([{ ...p, apiEverySeconds: undefined }]);
    await clock.advanceTo(T0 + 2 * HOUR + MIN);
    expect(calls.slice(5).map((c) => [c.part, c.at])).toEqual([['plan', T0 + 2 * HOUR]]);
    await scheduler.stop();
  });
});
