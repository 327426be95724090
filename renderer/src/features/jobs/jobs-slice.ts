/**
 * Long jobs (backup, restore, check, export) as the UI follows them: each one's progress, log and
 * outcome, fed by the host's job events. A finished backup refreshes the snapshot list.
 */
import type {
  ArgsOf,
  ContractError,
  JobEvent,
  JobKind,
  JobResult,
  JobStatus,
  JobSummary,
} from '../../../../shared/contract';
import type { JobProgress, OverwritePolicy } from '../../../../shared/domain';
import { asContractError } from '../../api';
import type { SliceCreator } from '../../store/app-store';
import { newJobId } from './job-id';

export interface JobView {
  jobId: string;
  kind: JobKind;
  status: JobStatus;
  /** Succeeded, but not everything was done (damaged files left out, …). */
  incomplete: boolean;
  startedAt: string;
  finishedAt: string | null;
  progress: JobProgress | null;
  logs: { level: 'info' | 'warning'; message: string }[];
  result: JobResult | null;
  error: ContractError | null;
  cancelRequested: boolean;
}

export interface RestoreOrder {
  snapshot: string;
  target: string;
  include?: string[];
  overwrite: OverwritePolicy;
}

export interface ExportOrder {
  snapshot: string;
  /** A path in the snapshot; the whole snapshot when absent. */
  path?: string;
  format: 'zip' | 'tar.gz';
}

export interface JobsSlice {
  jobs: Record<string, JobView>;
  /** Newest first. */
  jobOrder: string[];
  /** The error of a job that could not even start. */
  jobStartError: ContractError | null;
  startBackup(options?: { forceFull?: boolean }): Promise<string | null>;
  startRestore(order: RestoreOrder): Promise<string | null>;
  startCheck(options?: { readData?: boolean }): Promise<string | null>;
  /** Repairs the open repository (index, then snapshots); a dry run only says what it would do. */
  startRepair(options: { dryRun: boolean; readData?: boolean }): Promise<string | null>;
  /** Copies snapshots into another repository; a refusal (wrong password…) is `jobStartError`. */
  startCopy(order: Omit<ArgsOf<'startCopy'>, 'jobId'>): Promise<string | null>;
  /** Restores records into an API, as previewed (see api-restore-slice.ts). */
  startApiRestore(order: Omit<ArgsOf<'startApiRestore'>, 'jobId'>): Promise<string | null>;
  /**
   * Desktop: asks where to save (native dialog; null if cancelled), then exports there. Web
   * mode: `download` is the address the page must open for the archive to stream.
   */
  startExport(order: ExportOrder): Promise<{ jobId: string; download: string | null } | null>;
  cancelJob(jobId: string): Promise<void>;
  applyJobEvent(event: JobEvent): void;
  adoptJobs(summaries: JobSummary[]): void;
}

const maxLogLines = 500;

function newJob(jobId: string, kind: JobKind, startedAt: string): JobView {
  return {
    jobId,
    kind,
    status: 'running',
    incomplete: false,
    startedAt,
    finishedAt: null,
    progress: null,
    logs: [],
    result: null,
    error: null,
    cancelRequested: false,
  };
}

export const createJobsSlice: SliceCreator<JobsSlice> = (api) => (set, get) => {
  const patch = (jobId: string, change: (job: JobView) => Partial<JobView>): void =>
    set((state) => {
      const job = state.jobs[jobId];
      return job === undefined
        ? {}
        : { jobs: { ...state.jobs, [jobId]: { ...job, ...change(job) } } };
    });

  const track = (jobId: string, kind: JobKind): void =>
    set((state) =>
      state.jobs[jobId] !== undefined
        ? {}
        : {
            jobs: { ...state.jobs, [jobId]: newJob(jobId, kind, new Date().toISOString()) },
            jobOrder: [jobId, ...state.jobOrder],
          },
    );

  const start = async (kind: JobKind, run: (jobId: string) => Promise<unknown>) => {
    const jobId = newJobId();
    set({ jobStartError: null });
    track(jobId, kind); // before the request, so no event can arrive for an unknown job
    try {
      await run(jobId);
      return jobId;
    } catch (err) {
      set((state) => {
        const { [jobId]: _dropped, ...jobs } = state.jobs;
        return {
          jobs,
          jobOrder: state.jobOrder.filter((id) => id !== jobId),
          jobStartError: asContractError(err),
        };
      });
      return null;
    }
  };

  const finished =
    (status: JobStatus, extra: Partial<JobView> = {}) =>
    (): Partial<JobView> => ({
      status,
      finishedAt: new Date().toISOString(),
      ...extra,
    });

  return {
    jobs: {},
    jobOrder: [],
    jobStartError: null,

    startBackup: (options = {}) =>
      start('backup', (jobId) =>
        api.call('startBackup', {
          jobId,
          paths: get().folders,
          apiSources: get()
            .apiSources.filter((draft) => draft.text.trim() !== '')
            .map((draft) => ({ text: draft.text })),
          ...(options.forceFull === true ? { forceFull: true } : {}),
        }),
      ),
    startRestore: (order) =>
      start('restore', (jobId) => api.call('startRestore', { jobId, ...order })),
    startApiRestore: (order) =>
      start('restore-api', (jobId) => api.call('startApiRestore', { jobId, ...order })),
    startCheck: (options = {}) =>
      start('check', (jobId) => api.call('startCheck', { jobId, ...options })),
    startRepair: (options) =>
      start('repair', (jobId) => api.call('startRepair', { jobId, ...options })),
    startCopy: (order) => start('copy', (jobId) => api.call('startCopy', { jobId, ...order })),
    async startExport(order) {
      if (api.mode === 'web') {
        let download: string | null = null;
        const jobId = await start('export', async (id) => {
          download = (await api.call('prepareExportDownload', { jobId: id, ...order })).url;
        });
        return jobId === null ? null : { jobId, download };
      }
      const suggestedName = `cairn-${order.snapshot.slice(0, 8)}.${order.format}`;
      const picked = await api.call('pickExportFile', { suggestedName }).catch((err: unknown) => {
        set({ jobStartError: asContractError(err) });
        return null;
      });
      if (picked?.path == null) return null;
      const output = picked.path;
      const jobId = await start('export', (id) =>
        api.call('startExport', { jobId: id, ...order, output }),
      );
      return jobId === null ? null : { jobId, download: null };
    },

    async cancelJob(jobId) {
      patch(jobId, () => ({ cancelRequested: true }));
      await api.call('cancelJob', { jobId }).catch(() => undefined);
    },

    applyJobEvent(event) {
      switch (event.type) {
        case 'started':
          track(event.jobId, event.kind);
          patch(event.jobId, () => ({ startedAt: event.startedAt }));
          break;
        case 'progress':
          patch(event.jobId, () => ({ progress: event.progress }));
          break;
        case 'log':
          patch(event.jobId, (job) => ({
            logs: [...job.logs, { level: event.level, message: event.message }].slice(-maxLogLines),
          }));
          break;
        case 'succeeded':
          patch(
            event.jobId,
            finished('succeeded', { result: event.result, incomplete: event.incomplete === true }),
          );
          // A backup adds a snapshot; a repair replaces or removes some and clears the damage.
          if (
            event.result.kind === 'backup' ||
            (event.result.kind === 'repair' && !event.result.summary.dryRun)
          )
            void get().loadSnapshots();
          break;
        case 'failed':
          patch(event.jobId, finished('failed', { error: event.error }));
          break;
        case 'cancelled':
          patch(event.jobId, finished('cancelled'));
          break;
      }
    },

    adoptJobs(summaries) {
      for (const summary of [...summaries].reverse()) {
        track(summary.jobId, summary.kind);
        patch(summary.jobId, () => ({
          status: summary.status,
          incomplete: summary.incomplete === true,
          startedAt: summary.startedAt,
          progress: summary.progress,
        }));
      }
    },
  };
};
