/**
 * The scheduler the long-lived hosts (`cairn serve`, the desktop app's main process) run. Pure
 * logic over an injected clock and timer, so tests drive time; the run itself is injected too.
 *
 * - A run missed while the host was down or the machine asleep runs once when the host comes
 *   back (the remembered next run is in the past), not once per missed slot.
 * - One plan never runs twice at once: while it runs it has no next run; the next is computed
 *   when it ends. Plans that share a repository run one after another (one queue per location).
 * - A failed (or skipped) run is retried after 1 min, 2, 4, … up to 1 h, or at the next
 *   scheduled run if that comes first.
 * - Paused plans do not run; resuming schedules the next run from now (no catch-up for the
 *   time the user chose to pause).
 * - The next run and the failures in a row are kept in the state file, so they survive a
 *   restart; a run cancelled by stop() stays due, and runs again after the restart.
 * - Watched plans: changed() reports a change in a plan's folders. The plan runs once the
 *   changes pause for `debounceMs` (a burst gives one run; a stream that never pauses runs
 *   after `maxDelayMs`), never sooner than `minIntervalMs` after the previous watch-triggered
 *   run started, and never beside a running job of the plan: a change seen while the plan runs
 *   gives one more run after it. Any run that starts covers the changes seen before it.
 * - A plan that polls its API sources on an interval of their own (`apiEverySeconds`) has a
 *   second job, keyed `NAME+api`, on that interval; both go through the repository's queue.
 * - A run may ask to wait for its next scheduled time instead of a retry (a run skipped on
 *   battery power): it is not a failure.
 */
import type { Plan, Schedule } from './config-schema.js';
import { apiJobKey, type PlanPart } from './plan-state.js';
import type { PlanState, PlanStateStore, RunResult } from './plan-state.js';
import type { PlanTrigger } from './activity-log.js';
import { nextRunAfter } from './schedule.js';

export interface SchedulerClock {
  now(): number;
  /** Calls `fn` after `ms`; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

export const systemClock: SchedulerClock = {
  now: () => Date.now(),
  setTimer: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

export type RunTrigger = PlanTrigger;

export interface SchedulerOptions {
  clock: SchedulerClock;
  state: Pick<PlanStateStore, 'read' | 'update'>;
  /** Runs the plan; resolves with the result (a thrown error counts as 'failed'). */
  run(
    plan: Plan,
    trigger: RunTrigger,
    signal: AbortSignal,
    part: PlanPart,
  ): Promise<RunResult | RunOutcome>;
  watch?: Partial<WatchTiming>;
  retry?: { firstMs: number; maxMs: number };
  /** Problems of the scheduler's own (a state file that cannot be written). */
  onError?(err: unknown): void;
}

/** A run's result, and whether it waits for the next scheduled time rather than a retry. */
export interface RunOutcome {
  result: RunResult;
  waitForNextSlot?: boolean;
}

export interface WatchTiming {
  debounceMs: number;
  maxDelayMs: number;
  minIntervalMs: number;
}

export const DEFAULT_WATCH_TIMING: WatchTiming = {
  debounceMs: 10_000,
  maxDelayMs: 5 * 60_000,
  minIntervalMs: 5 * 60_000,
};

interface Entry {
  /** The plan's name, or apiJobKey(name) for its API polling. */
  key: string;
  part: PlanPart;
  plan: Plan;
  nextRun: number | null;
  trigger: RunTrigger;
  failures: number;
  running?: { controller: AbortController; done: Promise<void> };
  /** Changes seen that no run has started to cover yet: when the first and last came. */
  changes?: { first: number; last: number };
  lastWatchStart?: number;
  cancelWatchTimer?: () => void;
}

/** Timers are re-armed at least this often: long timeouts overflow, and clocks jump. */
const MAX_TIMER_MS = 60 * 60 * 1000;

function jobsOf(plan: Plan): { key: string; part: PlanPart }[] {
  const jobs: { key: string; part: PlanPart }[] = [{ key: plan.name, part: 'plan' }];
  if (plan.apiEverySeconds && plan.apiSources.length > 0)
    jobs.push({ key: apiJobKey(plan.name), part: 'api' });
  return jobs;
}

function scheduleOf(entry: { part: PlanPart; plan: Plan }): Schedule {
  const seconds = entry.plan.apiEverySeconds;
  return entry.part === 'api' && seconds ? { type: 'every', seconds } : entry.plan.schedule;
}

export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly repositoryQueues = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<unknown>>();
  private cancelTimer: (() => void) | undefined;
  private stopped = false;
  private readonly retry: { firstMs: number; maxMs: number };
  private readonly watchTiming: WatchTiming;

  constructor(private readonly options: SchedulerOptions) {
    this.retry = options.retry ?? { firstMs: 60_000, maxMs: 60 * 60_000 };
    this.watchTiming = { ...DEFAULT_WATCH_TIMING, ...options.watch };
  }

  /** Something changed in a watched plan's folders (ignored for other plans). */
  changed(name: string): void {
    const entry = this.entries.get(name);
    if (!entry || !entry.plan.watch || entry.plan.paused || this.stopped) return;
    const now = this.options.clock.now();
    entry.changes = { first: entry.changes?.first ?? now, last: now };
    if (!entry.running) this.armWatch(entry);
  }

  /** The run for the changes seen: after the pause, the longest wait, the minimum interval. */
  private armWatch(entry: Entry): void {
    entry.cancelWatchTimer?.();
    entry.cancelWatchTimer = undefined;
    const changes = entry.changes;
    if (!changes || this.stopped) return;
    const { debounceMs, maxDelayMs, minIntervalMs } = this.watchTiming;
    let at = Math.min(changes.last + debounceMs, changes.first + maxDelayMs);
    if (entry.lastWatchStart !== undefined) at = Math.max(at, entry.lastWatchStart + minIntervalMs);
    const { clock } = this.options;
    entry.cancelWatchTimer = clock.setTimer(Math.max(0, at - clock.now()), () => {
      entry.cancelWatchTimer = undefined;
      if (this.entries.get(entry.key) !== entry || entry.running || this.stopped) return;
      if (entry.plan.paused || !entry.changes) return;
      entry.lastWatchStart = clock.now();
      entry.trigger = 'watch';
      void this.dispatch(entry);
    });
  }

  /** The plans to run (from the configuration); call again whenever it changes. */
  setPlans(plans: readonly Plan[]): Promise<void> {
    return this.track(this.applyPlans(plans));
  }

  /** Runs a plan now unless it is running already; resolves when that run ends. */
  runNow(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.reject(new Error(`no plan named ${name}`));
    if (entry.running) return entry.running.done;
    entry.trigger = 'manual';
    return this.dispatch(entry);
  }

  /** Each plan's next run and whether it is running (for status displays and tests). */
  status(): {
    name: string;
    part: PlanPart;
    nextRun: number | null;
    running: boolean;
    failures: number;
  }[] {
    return [...this.entries.values()].map((e) => ({
      name: e.key,
      part: e.part,
      nextRun: e.nextRun,
      running: e.running !== undefined,
      failures: e.failures,
    }));
  }

  /** Resolves once nothing the scheduler started is still pending (tests step time with it). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Stops timers and cancels running jobs (their runs are recorded as cancelled). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    for (const entry of this.entries.values()) entry.cancelWatchTimer?.();
    for (const entry of this.entries.values()) entry.running?.controller.abort();
    await this.settled();
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    void work.then(
      () => this.pending.delete(work),
      (err: unknown) => {
        this.pending.delete(work);
        this.options.onError?.(err);
      },
    );
    return work;
  }

  private async applyPlans(plans: readonly Plan[]): Promise<void> {
    const now = this.options.clock.now();
    const jobs = plans.flatMap((plan) => jobsOf(plan).map((job) => ({ ...job, plan })));
    const keys = new Set(jobs.map((j) => j.key));
    for (const [key, entry] of [...this.entries]) {
      if (keys.has(key)) continue;
      entry.cancelWatchTimer?.();
      this.entries.delete(key);
    }
    for (const { key, part, plan } of jobs) {
      const entry = this.entries.get(key);
      if (!entry) {
        const state = await this.options.state.read(key);
        const created: Entry = {
          key,
          part,
          plan,
          nextRun: null,
          trigger: 'schedule',
          failures: state.failures,
        };
        if (!plan.paused) this.scheduleFromState(created, state, now);
        this.entries.set(key, created);
        await this.persist(created);
        continue;
      }
      const before = scheduleOf(entry);
      const was = [before, entry.plan.paused, entry.plan.timeZone];
      entry.plan = plan;
      if (!plan.watch || plan.paused) {
        entry.cancelWatchTimer?.();
        entry.changes = undefined;
      }
      if (entry.running) continue; // its next run is computed when it ends
      const schedule = scheduleOf(entry);
      if (JSON.stringify(was) !== JSON.stringify([schedule, plan.paused, plan.timeZone])) {
        entry.nextRun = plan.paused ? null : nextRunAfter(schedule, now, plan.timeZone);
        entry.trigger = 'schedule';
        await this.persist(entry);
      }
    }
    this.arm();
  }

  private scheduleFromState(entry: Entry, state: PlanState, now: number): void {
    const { plan } = entry;
    const schedule = scheduleOf(entry);
    let next: number | null;
    if (state.nextRun) next = Date.parse(state.nextRun);
    else if (schedule.type === 'every' && state.lastRunStart)
      next = Date.parse(state.lastRunStart) + schedule.seconds * 1000;
    else next = nextRunAfter(schedule, now, plan.timeZone);
    if (next !== null && next <= now) {
      entry.nextRun = now;
      entry.trigger = state.failures > 0 ? 'retry' : 'catch-up';
    } else {
      entry.nextRun = next;
      entry.trigger = state.failures > 0 ? 'retry' : 'schedule';
    }
  }

  private arm(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.stopped) return;
    let earliest: number | null = null;
    for (const e of this.entries.values()) {
      if (e.running || e.plan.paused || e.nextRun === null) continue;
      if (earliest === null || e.nextRun < earliest) earliest = e.nextRun;
    }
    if (earliest === null) return;
    const delay = Math.min(Math.max(0, earliest - this.options.clock.now()), MAX_TIMER_MS);
    this.cancelTimer = this.options.clock.setTimer(delay, () => this.tick());
  }

  private tick(): void {
    this.cancelTimer = undefined;
    const now = this.options.clock.now();
    for (const entry of this.entries.values()) {
      if (entry.running || entry.plan.paused || entry.nextRun === null) continue;
      if (entry.nextRun <= now) void this.dispatch(entry);
    }
    this.arm();
  }

  private dispatch(entry: Entry): Promise<void> {
    const controller = new AbortController();
    const trigger = entry.trigger;
    const due = entry.nextRun;
    entry.nextRun = null;
    const key = entry.plan.repository;
    const previous = this.repositoryQueues.get(key) ?? Promise.resolve();
    const done = previous.then(() => this.execute(entry, trigger, controller, due));
    const tail = done.catch(() => undefined);
    this.repositoryQueues.set(key, tail);
    void tail.then(() => {
      if (this.repositoryQueues.get(key) === tail) this.repositoryQueues.delete(key);
    });
    entry.running = { controller, done };
    void this.track(done);
    return done;
  }

  private async execute(
    entry: Entry,
    trigger: RunTrigger,
    controller: AbortController,
    due: number | null,
  ): Promise<void> {
    const { clock } = this.options;
    const plan = entry.plan;
    let result: RunResult;
    let waitForNextSlot = false;
    const started = clock.now();
    // This run reads the folders after now: it covers every change seen so far.
    entry.changes = undefined;
    entry.cancelWatchTimer?.();
    entry.cancelWatchTimer = undefined;
    if (this.stopped || controller.signal.aborted) {
      result = 'cancelled';
    } else {
      try {
        const outcome = await this.options.run(plan, trigger, controller.signal, entry.part);
        result = typeof outcome === 'string' ? outcome : outcome.result;
        waitForNextSlot = typeof outcome !== 'string' && outcome.waitForNextSlot === true;
      } catch {
        result = controller.signal.aborted ? 'cancelled' : 'failed';
      }
    }
    entry.running = undefined;
    if (this.entries.get(entry.key) !== entry) return; // removed meanwhile
    const now = clock.now();
    const current = entry.plan;
    if (result === 'cancelled' && this.stopped) {
      // Still due: the next start of the host runs it.
      entry.nextRun = due ?? started;
      await this.persist(entry);
      return;
    }
    const schedule = scheduleOf(entry);
    const scheduled = current.paused
      ? null
      : schedule.type === 'every'
        ? Math.max(now, started + schedule.seconds * 1000)
        : nextRunAfter(schedule, now, current.timeZone);
    if (waitForNextSlot) {
      entry.nextRun = scheduled;
      entry.trigger = 'schedule';
    } else if (result === 'failed' || result === 'skipped') {
      entry.failures++;
      const wait = Math.min(this.retry.firstMs * 2 ** (entry.failures - 1), this.retry.maxMs);
      const retryAt = now + wait;
      const retryFirst = !current.paused && (scheduled === null || retryAt < scheduled);
      entry.nextRun = retryFirst ? retryAt : scheduled;
      entry.trigger = retryFirst ? 'retry' : 'schedule';
    } else {
      if (result !== 'cancelled') entry.failures = 0;
      entry.nextRun = scheduled;
      entry.trigger = 'schedule';
    }
    await this.persist(entry);
    this.arm();
    // Changes seen while it ran: one more run for them.
    if (entry.changes && current.watch && !current.paused) this.armWatch(entry);
  }

  private async persist(entry: Entry): Promise<void> {
    const nextRun = entry.nextRun === null ? null : new Date(entry.nextRun).toISOString();
    await this.options.state.update(entry.key, (s) => ({
      ...s,
      nextRun,
      failures: entry.failures,
    }));
  }
}
