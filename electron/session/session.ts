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
import { ExportDownloads, type PendingDownload } from './export-downloads.js';
import type { HostPlatform } from './host-platform.js';
import { JobRegistry } from './job-registry.js';
import { createRequestHandlers, type RepositoryHolder } from './request-handlers.js';
import { toContractError } from './to-contract-error.js';

export type JobEventListener = (event: JobEvent) => void;

export class Session {
  private readonly listeners = new Set<JobEventListener>();
  private readonly jobs = new JobRegistry((event) => this.broadcast(event));
  private readonly holder: RepositoryHolder = { current: null };
  private readonly downloads = new ExportDownloads();
  private readonly handlers;

  constructor(engine: EngineService, platform: HostPlatform) {
    this.handlers = createRequestHandlers(engine, platform, this.jobs, this.holder, this.downloads);
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

  /** Cancels every running job, e.g. when the app quits. */
  dispose(): void {
    this.jobs.cancelAll();
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
