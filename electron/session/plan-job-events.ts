/**
 * Plan runs as the UI's jobs: the runs in progress in this process (electron/plans/plan-jobs.ts)
 * become job events like the app's own jobs (a backup, with the plan's name), so the Activity
 * screen shows them with progress, rate, ETA and a Cancel that works. Their activity records
 * are the plan runner's own, so the session's job history leaves them alone. An ended run's
 * result carries the record's warnings, as written: the app shows the ended job until it
 * reloads the history, and both must say the same.
 */
import type { JobEvent, JobSummary } from '../../shared/contract.js';
import type { JobProgress } from '../../shared/domain.js';
import type { PlanJob, PlanJobEvent, PlanJobs } from '../plans/plan-jobs.js';
import { throttle, type Throttled } from './throttle.js';
import { toContractError } from './to-contract-error.js';

const progressIntervalMs = 100;

/** Passes the plan jobs' events on as job events; returns the unsubscribe. */
export function followPlanJobs(jobs: PlanJobs, emit: (event: JobEvent) => void): () => void {
  const progress = new Map<string, Throttled<JobProgress>>();
  return jobs.subscribe((event) => {
    const { type } = event;
    if (type === 'started') {
      const { jobId, plan, startedAt } = event.job;
      progress.set(
        jobId,
        throttle(progressIntervalMs, (p) => emit({ type: 'progress', jobId, progress: p })),
      );
      emit({ type: 'started', jobId, kind: 'backup', startedAt, plan });
    } else if (type === 'progress') {
      progress.get(event.jobId)?.push(event.progress);
    } else if (type === 'log') {
      const warning = event.line.startsWith('warning: ');
      emit({
        type: 'log',
        jobId: event.jobId,
        level: warning ? 'warning' : 'info',
        message: warning ? event.line.slice('warning: '.length) : event.line,
      });
    } else {
      progress.get(event.jobId)?.flush();
      progress.delete(event.jobId);
      emit(endEvent(event));
    }
  });
}

function endEvent(event: Extract<PlanJobEvent, { type: 'ended' }>): JobEvent {
  const { jobId, outcome } = event;
  if (outcome === undefined) return { type: 'failed', jobId, error: toContractError(event.error) };
  const { record, snapshot } = outcome;
  if (record.result === 'cancelled') return { type: 'cancelled', jobId };
  if ((record.result === 'ok' || record.result === 'incomplete') && snapshot !== undefined) {
    return {
      type: 'succeeded',
      jobId,
      incomplete: record.result === 'incomplete',
      result: {
        kind: 'backup',
        snapshot,
        snapshots: [{ source: 'folders', kind: 'folders', snapshot }],
        failedSources: [],
        // Already "path: message" (or a plan's own, like a failed "after" command): kept whole.
        warnings: record.warnings.map((message) => ({ path: '', message })),
      },
    };
  }
  // Failed, or skipped (its "before" command failed): the record says why.
  const error = outcome.error
    ? toContractError(outcome.error)
    : { kind: 'failure' as const, message: record.error ?? `the run ended: ${record.result}` };
  return { type: 'failed', jobId, error };
}

export function planJobSummary(job: PlanJob): JobSummary {
  return {
    jobId: job.jobId,
    kind: 'backup',
    status: 'running',
    startedAt: job.startedAt,
    progress: job.progress,
    plan: job.plan,
  };
}

/** Resolves once no plan job is running (after a cancel). */
export function planJobsIdle(jobs: PlanJobs): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (jobs.running().length > 0) return;
      unsubscribe();
      resolve();
    };
    const unsubscribe = jobs.subscribe((e) => {
      if (e.type === 'ended') check();
    });
    check();
  });
}
