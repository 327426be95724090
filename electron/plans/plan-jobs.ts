/**
 * The plan runs in progress in this process, as jobs a UI can follow and cancel. A long-lived
 * host (`cairn serve`, the desktop app) runs its scheduler's runs through one board, and the UI
 * session sharing its process is given the board as `PlanJobs`: it sees each run start, its
 * progress and log, its end, and can cancel it, without knowing the host. A session without a
 * plan host runs "Run now" itself through a board of its own (localPlanJobs).
 *
 * A run's job id is also in its activity record (`job`), so the history's running entry and
 * the live job are one.
 */
import { randomBytes } from 'node:crypto';
import type { JobProgress } from '../../shared/domain.js';
import type { EngineService } from '../engine/service-types.js';
import { findPlan, loadConfig } from './config-store.js';
import type { PlanFiles } from './plan-files.js';
import { runPlan, type PlanRunOutcome } from './plan-runner.js';

export interface PlanJob {
  jobId: string;
  plan: string;
  startedAt: string;
  progress: JobProgress | null;
}

export type PlanJobEvent =
  | { type: 'started'; job: PlanJob }
  | { type: 'progress'; jobId: string; progress: JobProgress }
  | { type: 'log'; jobId: string; line: string }
  /** `outcome` is absent when the run could not even start (its lock was taken, …). */
  | { type: 'ended'; jobId: string; outcome?: PlanRunOutcome; error?: unknown };

/** What a UI session sees of the plan runs in its process. */
export interface PlanJobs {
  /** Starts the plan's run unless it runs already; its job arrives as a 'started' event. */
  runNow(name: string): Promise<void>;
  running(): PlanJob[];
  /** Cancels a running plan job (recorded as cancelled); false when there is none by that id. */
  cancel(jobId: string): boolean;
  subscribe(listener: (event: PlanJobEvent) => void): () => void;
}

/** What a run gets from the board: its job id and where its cancel, progress and lines go. */
export interface PlanJobHooks {
  jobId: string;
  signal: AbortSignal;
  onProgress(progress: JobProgress): void;
  onLine(line: string): void;
}

export class PlanJobBoard {
  private readonly jobs = new Map<string, { job: PlanJob; abort: AbortController }>();
  private readonly listeners = new Set<(event: PlanJobEvent) => void>();

  /** Runs `work` as a job of `plan`; `signal` (the scheduler's stop) cancels it too. */
  async run(
    plan: string,
    signal: AbortSignal | undefined,
    work: (hooks: PlanJobHooks) => Promise<PlanRunOutcome>,
  ): Promise<PlanRunOutcome> {
    const abort = new AbortController();
    const job: PlanJob = {
      jobId: `plan-${randomBytes(8).toString('hex')}`,
      plan,
      startedAt: new Date().toISOString(),
      progress: null,
    };
    const { jobId } = job;
    this.jobs.set(jobId, { job, abort });
    this.emit({ type: 'started', job: { ...job } });
    try {
      const outcome = await work({
        jobId,
        signal: signal ? AbortSignal.any([signal, abort.signal]) : abort.signal,
        onProgress: (progress) => {
          job.progress = progress;
          this.emit({ type: 'progress', jobId, progress });
        },
        onLine: (line) => this.emit({ type: 'log', jobId, line }),
      });
      this.jobs.delete(jobId);
      this.emit({ type: 'ended', jobId, outcome });
      return outcome;
    } catch (error) {
      this.jobs.delete(jobId);
      this.emit({ type: 'ended', jobId, error });
      throw error;
    }
  }

  running(): PlanJob[] {
    return [...this.jobs.values()].map(({ job }) => ({ ...job }));
  }

  cancel(jobId: string): boolean {
    const entry = this.jobs.get(jobId);
    if (entry === undefined || entry.abort.signal.aborted) return false;
    entry.abort.abort();
    return true;
  }

  subscribe(listener: (event: PlanJobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: PlanJobEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a listener that went away must not stop the run
      }
    }
  }
}

/** The board's view for a session, with `runNow` from the host. */
export function planJobsOf(board: PlanJobBoard, runNow: (name: string) => Promise<void>): PlanJobs {
  return {
    runNow,
    running: () => board.running(),
    cancel: (jobId) => board.cancel(jobId),
    subscribe: (listener) => board.subscribe(listener),
  };
}

/**
 * For a session with no plan host in its process: "Run now" runs the plan here, as a job
 * (one run of a plan at a time still holds across processes: plan-run-lock.ts).
 */
export function localPlanJobs(engine: EngineService, files: PlanFiles): PlanJobs {
  const board = new PlanJobBoard();
  return planJobsOf(board, async (name) => {
    const plan = findPlan(await loadConfig(files.config), name);
    void board
      .run(plan.name, undefined, (hooks) =>
        runPlan(plan, {
          engine,
          activity: files.activity,
          state: files.state,
          trigger: 'manual',
          jobId: hooks.jobId,
          signal: hooks.signal,
          onProgress: hooks.onProgress,
          onLine: hooks.onLine,
        }),
      )
      .catch(() => undefined); // recorded in the plan's state and activity log
  });
}
