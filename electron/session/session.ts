/**
 * One UI session over the engine: the connected repository, the running jobs, and the
 * listeners that receive job events. Electron's main process and `cairn serve` each hold one
 * and feed it requests from their transport; this is where every argument is validated.
 */
import {
  isRequestName,
  requestSchemas,
  type Envelope,
  type JobEvent,
} from '../../shared/contract.js';
import type { EngineService } from '../engine/service-types.js';
import { ActivityLog } from '../plans/activity-log.js';
import { configFile } from '../plans/config-store.js';
import { planFiles } from '../plans/plan-files.js';
import { localPlanJobs, type PlanJobs } from '../plans/plan-jobs.js';
import { ExportDownloads, type PendingDownload } from './export-downloads.js';
import type { HostPlatform } from './host-platform.js';
import { JobHistory } from './job-history.js';
import { JobRegistry } from './job-registry.js';
import { followPlanJobs, planJobsIdle } from './plan-job-events.js';
import { Plans } from './plans.js';
import { RecentRepositories } from './recent-repositories.js';
import { SavedSources } from './saved-sources.js';
import { createRequestHandlers, type RepositoryHolder } from './request-handlers.js';
import { toContractError } from './to-contract-error.js';

export type JobEventListener = (event: JobEvent) => void;

export class Session {
  private readonly listeners = new Set<JobEventListener>();
  private readonly jobs: JobRegistry;
  private readonly history: JobHistory | null;
  private readonly holder: RepositoryHolder = { current: null };
  private readonly downloads: ExportDownloads;
  private readonly handlers;
  /** Plan runs in this process: the host's (serve, desktop) or, without one, the session's own. */
  private readonly planJobs: { jobs: PlanJobs; own: boolean; unfollow: () => void } | null;

  /**
   * `home`: Cairn's folder (CAIRN_HOME), where the recent repositories and saved sources
   * (config.json) and the activity history are kept; without it (tests) none is kept.
   * `planJobs`: the runs of the plan host sharing this process, shown and cancelled as jobs.
   */
  constructor(
    engine: EngineService,
    platform: HostPlatform,
    home?: string,
    options: { downloadLifetimeMs?: number; planJobs?: PlanJobs } = {},
  ) {
    this.downloads = new ExportDownloads(options.downloadLifetimeMs);
    const history =
      home === undefined
        ? null
        : new JobHistory(ActivityLog.under(home), () => this.holder.current?.location ?? null);
    this.history = history;
    this.jobs = new JobRegistry((event) => {
      history?.note(event);
      this.broadcast(event);
    });
    const planJobs =
      options.planJobs ?? (home === undefined ? null : localPlanJobs(engine, planFiles(home)));
    this.planJobs =
      planJobs === null
        ? null
        : {
            jobs: planJobs,
            own: options.planJobs === undefined,
            unfollow: followPlanJobs(planJobs, (event) => this.broadcast(event)),
          };
    this.handlers = createRequestHandlers(
      engine,
      platform,
      this.jobs,
      this.holder,
      this.downloads,
      {
        recent: home === undefined ? null : new RecentRepositories(configFile(home)),
        history,
        plans: home === undefined || planJobs === null ? null : new Plans(engine, home, planJobs),
        sources: home === undefined ? null : new SavedSources(configFile(home), engine),
        planJobs,
      },
    );
  }

  /** Web mode: the export a download ticket names, once (see export-downloads.ts). */
  takeDownload(ticket: string): PendingDownload | null {
    return this.downloads.take(ticket);
  }

  subscribe(listener: JobEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates `rawArgs` against the contract and runs the request; never throws. */
  async handle(name: unknown, rawArgs: unknown): Promise<Envelope<unknown>> {
    if (!isRequestName(name)) {
      return { ok: false, error: { kind: 'invalid-argument', message: 'Unknown request.' } };
    }
    const parsed = requestSchemas[name].safeParse(rawArgs ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where =
        issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
      return {
        ok: false,
        error: {
          kind: 'invalid-argument',
          message: issue?.message ?? 'Invalid request.',
          detail: `${name}: ${where}${issue?.message ?? ''}`,
        },
      };
    }
    try {
      const handler = this.handlers[name] as (args: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      return { ok: false, error: toContractError(err) };
    }
  }

  get runningJobs(): number {
    return this.jobs.running;
  }

  /**
   * Cancels every running job, e.g. when the app quits; resolves once they have stopped and
   * their records are written (a host that can wait, waits).
   */
  async dispose(): Promise<void> {
    this.jobs.cancelAll();
    if (this.planJobs?.own === true) {
      for (const job of this.planJobs.jobs.running()) this.planJobs.jobs.cancel(job.jobId);
      await planJobsIdle(this.planJobs.jobs);
    }
    this.planJobs?.unfollow();
    await this.jobs.settled();
    await this.history?.idle();
    this.listeners.clear();
  }

  private broadcast(event: JobEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener whose window or socket went away must not break the others.
      }
    }
  }
}
