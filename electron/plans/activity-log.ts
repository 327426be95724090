/**
 * The activity history (`CAIRN_HOME/activity/`): `runs.ndjson` holds one line when a run starts
 * and one when it ends (same id; the later line completes the earlier), and `logs/<id>.log`
 * each run's log. Appending lines keeps a record written even if the process dies mid-run: a
 * run with a start line and no end line is shown as interrupted.
 *
 * Plans' runs and the jobs started in the app (backups, restores, checks, exports) share the
 * history; an app job has no plan, the trigger `app`, its kind and the app's job id.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ActivityKind } from '../../shared/activity.js';
import type { RunResult } from './plan-state.js';
import { readTextIfExists } from './atomic-json.js';
import { processAlive } from './process-alive.js';

export interface RunStats {
  files_new: number;
  files_changed: number;
  files_unchanged: number;
  bytes_processed: number;
  bytes_added: number;
  duration_ms: number;
}

/** What started a plan's run: the schedule, a catch-up after downtime, a retry, a person, a change. */
export type PlanTrigger = 'schedule' | 'catch-up' | 'retry' | 'manual' | 'watch';

/** What kind of job a run was: a plan's backup, or any job started in the app. */
export type RunKind = ActivityKind;

export interface RunRecord {
  id: string;
  /** Null for a job started in the app. */
  plan: string | null;
  /** `app`: a job started in the app (or web UI). */
  trigger: PlanTrigger | 'app';
  /** What ran; absent in a plan's run (a backup, with retention and verification). */
  kind?: RunKind;
  /** The app's job id, to follow (and cancel) a job that is still running. */
  job?: string;
  /** The repository, credentials left out. */
  repository?: string;
  /** What a restore, check or export did, in one line. */
  summary?: string;
  started: string;
  ended: string | null;
  /** 'running' until the end line; 'interrupted' when the end line never came. */
  result: RunResult | 'running' | 'interrupted';
  snapshot: string | null;
  stats: RunStats | null;
  warnings: string[];
  error: string | null;
  /** Snapshots removed by the plan's retention in this run. */
  forgotten: number;
  pruned: boolean;
  /** The rolling verification: the share of packs read and what it found. */
  verified: { percent: number; packs_read: number; problems: number } | null;
  log: string;
  /** The process that ran it (to tell a running run from one cut short). */
  pid: number;
}

export class ActivityLog {
  constructor(readonly dir: string) {}

  static under(home: string): ActivityLog {
    return new ActivityLog(path.join(home, 'activity'));
  }

  private get runsFile(): string {
    return path.join(this.dir, 'runs.ndjson');
  }

  newRunId(startedMs: number): string {
    return `${new Date(startedMs).toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  }

  logFile(id: string): string {
    return path.join(this.dir, 'logs', `${id}.log`);
  }

  async append(record: RunRecord): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await fs.appendFile(this.runsFile, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  }

  /** Every run, oldest first; a run whose process is gone without an end line is 'interrupted'. */
  async list(filter: { plan?: string } = {}): Promise<RunRecord[]> {
    const text = (await readTextIfExists(this.runsFile)) ?? '';
    const byId = new Map<string, RunRecord>();
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let record: RunRecord;
      try {
        record = JSON.parse(line) as RunRecord;
      } catch {
        continue; // a line cut short by a crash
      }
      byId.set(record.id, { ...byId.get(record.id), ...record });
    }
    return [...byId.values()]
      .filter((r) => filter.plan === undefined || r.plan === filter.plan)
      .map((r) =>
        r.result === 'running' && !processAlive(r.pid) ? { ...r, result: 'interrupted' } : r,
      );
  }
}

/** A run's log: timestamped lines, appended as they come. */
export class RunLog {
  private pending: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  line(text: string): void {
    const entry = `${new Date().toISOString()} ${text}\n`;
    this.pending = this.pending.then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      await fs.appendFile(this.file, entry, { mode: 0o600 });
    });
  }

  flush(): Promise<void> {
    return this.pending;
  }
}
