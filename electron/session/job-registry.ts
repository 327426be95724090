/**
 * Runs long jobs (backup, restore, check, export) for the session and streams their events by job id.
 * Each job owns an AbortController whose signal goes to the engine's JobControl, so any job
 * can be cancelled by id from any window or tab.
 */
import type { JobEvent, JobKind, JobResult, JobSummary } from '../../shared/contract.js';
import type { JobProgress } from '../../shared/domain.js';
import { jobOutcome } from '../../shared/job-outcome.js';
import type { JobControl } from '../engine/service-types.js';
import { ContractFailure, toContractError } from './to-contract-error.js';
import { throttle } from './throttle.js';

const progressIntervalMs = 100;
/** Finished jobs kept for a page that reloads; older ones are forgotten. */
const finishedJobsKept = 50;

interface JobRecord {
  summary: JobSummary;
  abort: AbortController;
}

export type JobLog = (level: 'info' | 'warning', message: string) => void;
export type JobWork = (
  control: Required<Pick<JobControl, 'signal' | 'onProgress'>>,
  log: JobLog,
) => Promise<JobResult>;

export class JobRegistry {
  private readonly jobs = new Map<string, JobRecord>();
  /** The running jobs' work, to wait for when the host stops. */
  private readonly working = new Set<Promise<void>>();

  constructor(private readonly emit: (event: JobEvent) => void) {}

  /** Starts a job and returns at once; its outcome arrives as events. */
  start(jobId: string, kind: JobKind, work: JobWork): void {
    if (this.jobs.has(jobId)) {
      throw new ContractFailure('invalid-argument', `A job with id ${jobId} already exists.`);
    }
    const abort = new AbortController();
    const summary: JobSummary = {
      jobId,
      kind,
      status: 'running',
      startedAt: new Date().toISOString(),
      progress: null,
    };
    this.jobs.set(jobId, { summary, abort });
    this.forgetOldJobs();
    this.emit({ type: 'started', jobId, kind, startedAt: summary.startedAt });

    const progress = throttle<JobProgress>(progressIntervalMs, (p) =>
      this.emit({ type: 'progress', jobId, progress: p }),
    );
    const onProgress = (p: JobProgress): void => {
      summary.progress = p;
      progress.push(p);
    };

    // Deferred so the caller's reply goes out before the first progress event.
    setImmediate(() => {
      if (abort.signal.aborted) {
        summary.status = 'cancelled';
        this.emit({ type: 'cancelled', jobId });
        return;
      }
      const log: JobLog = (level, message) => this.emit({ type: 'log', jobId, level, message });
      const done = work({ signal: abort.signal, onProgress }, log)
        .then((result) => {
          progress.flush();
          summary.status = 'succeeded';
          summary.incomplete = isIncomplete(result);
          this.emit({ type: 'succeeded', jobId, result, incomplete: summary.incomplete });
        })
        .catch((err: unknown) => {
          progress.flush();
          const error = toContractError(err);
          if (abort.signal.aborted || error.kind === 'cancelled') {
            summary.status = 'cancelled';
            this.emit({ type: 'cancelled', jobId });
          } else {
            summary.status = 'failed';
            this.emit({ type: 'failed', jobId, error });
          }
        })
        .finally(() => this.working.delete(done));
      this.working.add(done);
    });
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (job === undefined || job.summary.status !== 'running') return false;
    job.abort.abort();
    return true;
  }

  cancelAll(): void {
    for (const job of this.jobs.values()) job.abort.abort();
  }

  /** Resolves once no job is running (their last events are out). */
  async settled(): Promise<void> {
    while (this.working.size > 0) await Promise.allSettled([...this.working]);
  }

  summaries(): JobSummary[] {
    return [...this.jobs.values()].map((job) => ({ ...job.summary }));
  }

  get running(): number {
    return [...this.jobs.values()].filter((job) => job.summary.status === 'running').length;
  }

  private forgetOldJobs(): void {
    const finished = [...this.jobs.values()].filter((job) => job.summary.status !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - finishedJobsKept))) {
      this.jobs.delete(job.summary.jobId);
    }
  }
}

/** Done, but not everything was: what the CLI reports with exit code 3. */
function isIncomplete(result: JobResult): boolean {
  return jobOutcome(result).outcome === 'warnings';
}
