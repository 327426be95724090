/**
 * Records the app's jobs (backups, restores, checks, exports) in the activity history under
 * CAIRN_HOME, beside the plans' runs (electron/plans/activity-log.ts), so they outlive the
 * session: a line when a job starts and one when it ends, with its result, statistics,
 * warnings and its log. It only listens to the jobs' events, so a job runs the same whether its
 * record could be written or not. And it reads the history back for the Activity screen.
 */
import { promises as fs } from 'node:fs';
import type { ActivityLogText, ActivityRun } from '../../shared/activity.js';
import type { JobEvent, JobResult } from '../../shared/contract.js';
import { formatBytes, plural } from '../../shared/format.js';
import { redactLocation } from '../engine/service.js';
import { RunLog, startedRun, type ActivityLog, type RunRecord } from '../plans/activity-log.js';
import { liveProgressFile, readLiveProgress } from '../plans/live-progress.js';

/** The newest runs the Activity screen is given; `cairn activity` lists them all. */
const runsListed = 500;
/** Warnings kept in a record; the log has them all (as the job logged them). */
const warningsKept = 200;
/** The end of a long log is what explains how the run ended. */
const logBytesShown = 256 * 1024;

interface ActiveRun {
  record: RunRecord;
  log: RunLog;
}

export class JobHistory {
  /** Jobs of this session still running, by job id. */
  private readonly active = new Map<string, ActiveRun>();
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly activity: ActivityLog,
    /** The repository a job that starts now works on. */
    private readonly repository: () => string | null,
  ) {}

  note(event: JobEvent): void {
    switch (event.type) {
      case 'started':
        return this.start(event.jobId, event.kind, event.startedAt);
      case 'log':
        this.active
          .get(event.jobId)
          ?.log.line(event.level === 'warning' ? `warning: ${event.message}` : event.message);
        return;
      case 'progress':
        return;
      case 'succeeded':
        return this.end(event.jobId, (r) => {
          r.result = event.incomplete === true ? 'incomplete' : 'ok';
          describeResult(r, event.result);
        });
      case 'failed':
        return this.end(event.jobId, (r) => {
          r.result = 'failed';
          r.error = event.error.message;
        });
      case 'cancelled':
        return this.end(event.jobId, (r) => {
          r.result = 'cancelled';
        });
    }
  }

  /** Resolves once every record noted so far is written. */
  idle(): Promise<void> {
    return this.writing;
  }

  /** The newest runs first. */
  async list(): Promise<ActivityRun[]> {
    await this.idle();
    // Read from the end of the history: only as much as the newest runs need.
    const records = await this.activity.recent(runsListed);
    return Promise.all(
      records.map(async (r) => {
        const run = toActivityRun(r);
        // A plan run of another process (or of this one, shown as a job anyway): its progress.
        if (r.result !== 'running' || r.plan === null) return run;
        const file = liveProgressFile(this.activity.dir, r.id);
        return { ...run, progress: await readLiveProgress(file) };
      }),
    );
  }

  async log(id: string): Promise<ActivityLogText> {
    await this.idle();
    const active = [...this.active.values()].find((a) => a.record.id === id);
    await active?.log.flush();
    let handle;
    try {
      handle = await fs.open(this.activity.logFile(id), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return { id, text: '', truncated: false };
      }
      throw err;
    }
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, logBytesShown);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      let text = buffer.toString('utf8');
      // Start at a whole line when the beginning was left out.
      if (length < size) text = text.slice(text.indexOf('\n') + 1);
      return { id, text, truncated: length < size };
    } finally {
      await handle.close();
    }
  }

  private start(jobId: string, kind: RunRecord['kind'], startedAt: string): void {
    const id = this.activity.newRunId(Date.parse(startedAt));
    const location = this.repository();
    const record = startedRun({
      id,
      plan: null,
      trigger: 'app',
      kind,
      job: jobId,
      ...(location !== null ? { repository: redactLocation(location) } : {}),
      started: startedAt,
      log: this.activity.logFile(id),
    });
    const log = new RunLog(record.log);
    this.active.set(jobId, { record, log });
    log.line(`${kind} started${location !== null ? ` on ${redactLocation(location)}` : ''}`);
    const first = { ...record };
    this.write(() => this.activity.append(first));
  }

  private end(jobId: string, change: (record: RunRecord) => void): void {
    const run = this.active.get(jobId);
    if (run === undefined) return;
    this.active.delete(jobId);
    const { record, log } = run;
    record.ended = new Date().toISOString();
    change(record);
    log.line(
      `${record.kind ?? 'job'} ended: ${record.result}${record.error ? `: ${record.error}` : ''}`,
    );
    this.write(async () => {
      await log.flush();
      await this.activity.append(record);
    });
  }

  private write(work: () => Promise<void>): void {
    // A record that cannot be written (a full disk) must not stop the job or the next records.
    this.writing = this.writing.then(work).catch(() => undefined);
  }
}

/** Statistics, warnings and a one-line summary of what the job did. */
function describeResult(record: RunRecord, result: JobResult): void {
  const warnings: string[] = [];
  switch (result.kind) {
    case 'backup': {
      record.snapshot = result.snapshot.id;
      const stats = result.snapshots.map((s) => s.snapshot.stats);
      const sum = (pick: (s: (typeof stats)[number]) => number) =>
        stats.reduce((total, s) => total + pick(s), 0);
      record.stats = {
        files_new: sum((s) => s.files_new),
        files_changed: sum((s) => s.files_changed),
        files_unchanged: sum((s) => s.files_unchanged),
        bytes_processed: sum((s) => s.bytes_processed),
        bytes_added: sum((s) => s.bytes_added),
        duration_ms: sum((s) => s.duration_ms),
      };
      record.summary = `${plural(result.snapshots.length, 'snapshot')} saved: ${result.snapshots.map((s) => s.snapshot.short_id).join(', ')}`;
      for (const s of result.snapshots) {
        if (s.snapshot.incomplete) {
          warnings.push(
            `snapshot ${s.snapshot.short_id} is incomplete: ${s.snapshot.incomplete_reasons.join('; ')}`,
          );
        }
      }
      for (const f of result.failedSources) {
        warnings.push(`API source ${f.source} was not backed up: ${f.message}`);
      }
      warnings.push(...result.warnings.map((w) => `${w.path}: ${w.message}`));
      break;
    }
    case 'restore': {
      const r = result.summary;
      record.summary = `${plural(r.files_restored, 'file')} restored (${formatBytes(r.bytes_restored)}), ${r.files_skipped} left as they were, ${r.files_renamed} restored beside existing ones`;
      warnings.push(...r.damaged.map((d) => `${d.path}: not restored, damaged: ${d.message}`));
      warnings.push(...r.warnings.map((w) => `${w.path}: ${w.message}`));
      break;
    }
    case 'check': {
      const c = result.report;
      record.summary = `${c.ok ? 'no problems found' : `${plural(c.problems.length, 'problem')} found`} in ${plural(c.snapshots, 'snapshot')} and ${plural(c.packs, 'pack')} (${c.packs_read} read)`;
      warnings.push(...c.problems.map((p) => p.message));
      break;
    }
    case 'repair': {
      const r = result.summary;
      record.summary = `${r.dryRun ? 'repair preview: ' : ''}${r.snapshotsChanged === 0 ? 'no snapshot needed repair' : `${plural(r.snapshotsChanged, 'snapshot')} ${r.dryRun ? 'would be ' : ''}repaired or removed`}`;
      // Its lines are in the run's log: what it did, not warnings.
      break;
    }
    case 'restore-api': {
      const r = result.report;
      record.summary = `${r.source}/${r.endpoint} into ${r.baseUrl}: ${r.counts.succeeded} records restored, ${r.counts.skipped} skipped, ${r.counts.failed} failed`;
      warnings.push(...r.failed.map((f) => `${f.endpoint}/${f.id}: ${f.reason ?? 'failed'}`));
      break;
    }
    case 'copy': {
      const c = result.summary;
      record.summary = `${plural(c.copied.length, 'snapshot')} copied to ${c.destination}${c.created ? ' (new repository)' : ''} (${formatBytes(c.bytes_added)} added), ${c.skipped.length} already there`;
      break;
    }
    case 'export': {
      const e = result.summary;
      record.summary = `${plural(e.files, 'file')} (${formatBytes(e.bytes)}) exported ${e.output === null ? 'as a download' : `to ${e.output}`}, archive ${formatBytes(e.archive_bytes)}`;
      warnings.push(...e.warnings.map((w) => `${w.path}: ${w.message}`));
      break;
    }
  }
  record.warnings = warnings.slice(0, warningsKept);
  if (warnings.length > warningsKept) {
    record.warnings.push(`…and ${warnings.length - warningsKept} more (see the log)`);
  }
}

function toActivityRun(r: RunRecord): ActivityRun {
  return {
    id: r.id,
    kind: r.kind ?? 'backup',
    plan: r.plan,
    trigger: r.trigger,
    repository: r.repository ?? null,
    startedAt: r.started,
    endedAt: r.ended,
    result: r.result,
    snapshot: r.snapshot,
    stats: r.stats,
    summary: r.summary ?? null,
    warnings: r.warnings,
    error: r.error,
    jobId: r.job ?? null,
  };
}
