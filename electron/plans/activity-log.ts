/**
 * The activity history (`CAIRN_HOME/activity/`): `runs.ndjson` holds one line when a run starts
 * and one when it ends (same id; the later line completes the earlier), and `logs/<id>.log`
 * each run's log. Appending lines keeps a record written even if the process dies mid-run: a
 * run with a start line and no end line is shown as interrupted.
 *
 * Plans' runs and the jobs started in the app (backups, restores, checks, exports) share the
 * history; an app job has no plan, the trigger `app`, its kind and the app's job id.
 *
 * The history is bounded by count, not age: each plan keeps its last KEEP_PER_GROUP runs, and
 * the app's jobs together as many. Age would not bound it (a plan every minute makes 130 000
 * runs in 90 days); a count does, and keeps years of a daily plan (about 1 KB a run). When the
 * file has doubled since it was last compacted, it is rewritten (one line a run) atomically
 * under a lock that every append takes too, so no process's line is lost; runs still going are
 * always kept, and the logs of the dropped runs are removed with them. Reads for the app start
 * from the end of the file and stop once they have the newest runs asked for.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ActivityKind } from '../../shared/activity.js';
import type { RunResult } from './plan-state.js';
import { readTextIfExists, writeFileAtomic, writeJsonAtomic } from './atomic-json.js';
import { withFileLock } from './config-lock.js';
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

/** A run as it starts, in this process: nothing done yet, its end to come. */
export function startedRun(
  start: Pick<RunRecord, 'id' | 'plan' | 'trigger' | 'started' | 'log'> &
    Partial<Pick<RunRecord, 'kind' | 'job' | 'repository' | 'summary'>>,
): RunRecord {
  return {
    ...start,
    ended: null,
    result: 'running',
    snapshot: null,
    stats: null,
    warnings: [],
    error: null,
    forgotten: 0,
    pruned: false,
    verified: null,
    pid: process.pid,
  };
}

/** Runs kept of each plan, and of the app's jobs together. */
export const KEEP_PER_GROUP = 1000;
/** The history is not compacted below this size. */
const COMPACT_FROM_BYTES = 1024 * 1024;
/** Read backwards in pieces of this size. */
const TAIL_CHUNK = 64 * 1024;

export interface ActivityLogOptions {
  keepPerGroup?: number;
  /** Compact once the file is this big and has doubled since its last compaction. */
  compactFromBytes?: number;
}

export class ActivityLog {
  private readonly keepPerGroup: number;
  private readonly compactFromBytes: number;

  constructor(
    readonly dir: string,
    options: ActivityLogOptions = {},
  ) {
    this.keepPerGroup = options.keepPerGroup ?? KEEP_PER_GROUP;
    this.compactFromBytes = options.compactFromBytes ?? COMPACT_FROM_BYTES;
  }

  static under(home: string, options?: ActivityLogOptions): ActivityLog {
    return new ActivityLog(path.join(home, 'activity'), options);
  }

  private get runsFile(): string {
    return path.join(this.dir, 'runs.ndjson');
  }

  /** The size the history had after its last compaction (when to compact next). */
  private get compactedFile(): string {
    return path.join(this.dir, 'compacted.json');
  }

  newRunId(startedMs: number): string {
    return `${new Date(startedMs).toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  }

  logFile(id: string): string {
    return path.join(this.dir, 'logs', `${id}.log`);
  }

  async append(record: RunRecord): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.locked(async () => {
      await fs.appendFile(this.runsFile, `${JSON.stringify(record)}\n`, { mode: 0o600 });
      if (record.ended !== null) await this.compactIfGrown();
    });
  }

  /** Every run, oldest first; a run whose process is gone without an end line is interrupted. */
  async list(filter: { plan?: string } = {}): Promise<RunRecord[]> {
    const text = (await readTextIfExists(this.runsFile)) ?? '';
    return [...mergeLines(text.split('\n')).values()]
      .filter((r) => filter.plan === undefined || r.plan === filter.plan)
      .map(settled);
  }

  /**
   * The newest `limit` runs, newest first, read from the end of the file in pieces: it stops
   * after a start line older than all of them (start lines are written in the order runs start,
   * so every run further back started earlier; an end line is a whole record, so a run whose
   * start line is not reached is complete). A compacted part has one line a run and no start
   * lines of its own, so it is read whole when reached; it is bounded (KEEP_PER_GROUP a plan).
   */
  async recent(limit: number, filter: { plan?: string } = {}): Promise<RunRecord[]> {
    let handle;
    try {
      handle = await fs.open(this.runsFile, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const byId = new Map<string, RunRecord>();
    const matching = () =>
      [...byId.values()]
        .filter((r) => filter.plan === undefined || r.plan === filter.plan)
        .sort((a, b) => (a.started < b.started ? 1 : a.started > b.started ? -1 : 0));
    try {
      let position = (await handle.stat()).size;
      let rest = Buffer.alloc(0);
      let done = false;
      while (position > 0 && !done) {
        const length = Math.min(TAIL_CHUNK, position);
        position -= length;
        const chunk = Buffer.alloc(length);
        await handle.read(chunk, 0, length, position);
        const bytes = Buffer.concat([chunk, rest]);
        // The first line may begin in the piece before; it waits for it (unless at the start).
        const cut = position > 0 ? bytes.indexOf(0x0a) : -1;
        rest = cut >= 0 ? bytes.subarray(0, cut) : position > 0 ? bytes : Buffer.alloc(0);
        const text = cut >= 0 || position === 0 ? bytes.subarray(cut + 1).toString('utf8') : '';
        let oldestStart: string | undefined;
        for (const line of text.split('\n').reverse()) {
          const record = parseLine(line);
          if (record === null) continue;
          const later = byId.get(record.id);
          byId.set(record.id, later ? { ...record, ...later } : record);
          if (record.ended === null) oldestStart = record.started;
        }
        const last = oldestStart === undefined ? undefined : matching()[limit - 1];
        done = last !== undefined && oldestStart! < last.started;
      }
    } finally {
      await handle.close();
    }
    return matching().slice(0, limit).map(settled);
  }

  /**
   * Keeps each plan's last runs (and the app jobs' last ones), one line a run, written
   * atomically under the lock; runs still going are kept whatever their age.
   */
  compactNow(): Promise<void> {
    return this.locked(() => this.compact());
  }

  private locked<T>(work: () => Promise<T>): Promise<T> {
    return withFileLock(
      this.runsFile,
      `the activity history ${this.runsFile} is being changed by another Cairn process; try again`,
      work,
    );
  }

  /** Under the lock: compacts once the file has doubled since the last time. */
  private async compactIfGrown(): Promise<void> {
    const size = (await fs.stat(this.runsFile)).size;
    if (size < this.compactFromBytes) return;
    let before = 0;
    try {
      const text = await readTextIfExists(this.compactedFile);
      if (text !== undefined) before = Number((JSON.parse(text) as { bytes: number }).bytes) || 0;
    } catch {
      before = 0; // unreadable: compact, which writes it again
    }
    if (size < 2 * before) return;
    await this.compact();
  }

  private async compact(): Promise<void> {
    const text = (await readTextIfExists(this.runsFile)) ?? '';
    const runs = [...mergeLines(text.split('\n')).values()];
    const counted = new Map<string | null, number>();
    const kept: RunRecord[] = [];
    const dropped: RunRecord[] = [];
    // From the newest back: each group keeps its newest runs.
    for (const run of [...runs].reverse()) {
      const seen = counted.get(run.plan) ?? 0;
      const going = run.result === 'running' && processAlive(run.pid);
      if (seen < this.keepPerGroup || going) {
        kept.push(run);
        counted.set(run.plan, seen + 1);
      } else dropped.push(run);
    }
    kept.reverse();
    const body = kept.map((r) => `${JSON.stringify(r)}\n`).join('');
    await writeFileAtomic(this.runsFile, body);
    await writeJsonAtomic(this.compactedFile, { bytes: Buffer.byteLength(body) });
    for (const run of dropped) await fs.rm(this.logFile(run.id), { force: true });
  }
}

function parseLine(line: string): RunRecord | null {
  if (line.trim() === '') return null;
  try {
    return JSON.parse(line) as RunRecord;
  } catch {
    return null; // a line cut short by a crash
  }
}

/** Each run once, in the order runs started; a later line completes an earlier one. */
function mergeLines(lines: string[]): Map<string, RunRecord> {
  const byId = new Map<string, RunRecord>();
  for (const line of lines) {
    const record = parseLine(line);
    if (record === null) continue;
    byId.set(record.id, { ...byId.get(record.id), ...record });
  }
  return byId;
}

function settled(r: RunRecord): RunRecord {
  return r.result === 'running' && !processAlive(r.pid) ? { ...r, result: 'interrupted' } : r;
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
