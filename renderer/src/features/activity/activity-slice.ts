/**
 * The activity history as the Activity screen shows it: plan runs and app jobs from the host
 * (kept under CAIRN_HOME, so they survive restarts and reloads), the filters by plan and by
 * result, and each run's log, read when it is opened.
 */
import type { ActivityLogText, ActivityResult, ActivityRun } from '../../../../shared/activity';
import type { ContractError } from '../../../../shared/contract';
import { asContractError } from '../../api';
import type { SliceCreator } from '../../store/app-store';
import type { JobView } from '../jobs/jobs-slice';

/** `all`, `app` (started in the app, no plan) or `plan:NAME` (a plan may be named "all"). */
export type PlanFilter = string;
export const ALL = 'all';
export const APP_JOBS = 'app';
export const planFilter = (name: string): PlanFilter => `plan:${name}`;

export interface ActivityFilter {
  plan: PlanFilter;
  result: ActivityResult | typeof ALL;
}

export type LogState =
  | { state: 'loading' }
  | { state: 'loaded'; log: ActivityLogText }
  | { state: 'failed'; error: ContractError };

export interface ActivitySlice {
  /** Newest first; null until loaded. */
  activity: ActivityRun[] | null;
  activityError: ContractError | null;
  activityFilter: ActivityFilter;
  activityLogs: Record<string, LogState>;
  loadActivity(): Promise<void>;
  setActivityFilter(change: Partial<ActivityFilter>): void;
  loadActivityLog(id: string): Promise<void>;
}

export const createActivitySlice: SliceCreator<ActivitySlice> = (api) => (set) => ({
  activity: null,
  activityError: null,
  activityFilter: { plan: ALL, result: ALL },
  activityLogs: {},

  async loadActivity() {
    try {
      set({ activity: await api.call('listActivity', {}), activityError: null });
    } catch (err) {
      set({ activityError: asContractError(err) });
    }
  },
  setActivityFilter: (change) =>
    set((state) => ({ activityFilter: { ...state.activityFilter, ...change } })),
  async loadActivityLog(id) {
    set((state) => ({ activityLogs: { ...state.activityLogs, [id]: { state: 'loading' } } }));
    try {
      const log = await api.call('getActivityLog', { id });
      set((state) => ({ activityLogs: { ...state.activityLogs, [id]: { state: 'loaded', log } } }));
    } catch (err) {
      const error = asContractError(err);
      set((state) => ({
        activityLogs: { ...state.activityLogs, [id]: { state: 'failed', error } },
      }));
    }
  },
});

/** One line of the Activity screen: a run from the history, or a job of this session. */
export interface ActivityEntry {
  key: string;
  run: ActivityRun | null;
  /** This session's view of the job (live progress, cancel), when it has one. */
  job: JobView | null;
  plan: string | null;
  result: ActivityResult;
}

/** A job as the history words its result. */
export function jobResult(job: JobView): ActivityResult {
  if (job.status === 'succeeded') return job.incomplete ? 'incomplete' : 'ok';
  return job.status === 'running' ? 'running' : job.status;
}

/**
 * The history with this session's jobs: a running job shows its live progress; a job the
 * history has not caught up with yet (just started) comes first.
 */
export function activityEntries(
  runs: ActivityRun[],
  jobs: Record<string, JobView>,
  jobOrder: string[],
): ActivityEntry[] {
  const recorded = new Set(runs.map((r) => r.jobId).filter((id) => id !== null));
  const fresh = jobOrder
    .filter((id) => !recorded.has(id))
    .map((id) => jobs[id])
    .filter((job) => job !== undefined)
    .map((job) => ({ key: job.jobId, run: null, job, plan: job.plan, result: jobResult(job) }));
  const kept = runs.map((run) => {
    const job = run.jobId === null ? undefined : jobs[run.jobId];
    // The live view while the job runs, or while the history still says "running".
    const live = job !== undefined && (job.status === 'running' || run.result === 'running');
    return {
      key: run.id,
      run,
      job: live ? job : null,
      plan: run.plan,
      result: live ? jobResult(job) : run.result,
    };
  });
  return [...fresh, ...kept];
}

export function filterEntries(entries: ActivityEntry[], filter: ActivityFilter): ActivityEntry[] {
  return entries.filter(
    (e) =>
      (filter.plan === ALL ||
        (filter.plan === APP_JOBS ? e.plan === null : filter.plan === planFilter(e.plan ?? ''))) &&
      (filter.result === ALL || e.result === filter.result),
  );
}

/** The plans named in the history, for the plan filter. */
export function plansIn(runs: ActivityRun[]): string[] {
  return [...new Set(runs.map((r) => r.plan).filter((p) => p !== null))].sort();
}
