/**
 * One run of a plan: its "before" command, one snapshot of all its sources (folders and API
 * sources side by side, grouped by host and plan), its retention (forget within the plan's
 * group; prune every Nth run), a rolling verification (a share of the packs read back), its
 * "after" command. The run is recorded in the activity history with its log, whatever happens,
 * and the plan's state (last run, result, failures in a row) is updated.
 */
import os from 'node:os';
import path from 'node:path';
import { CairnError, errorMessage } from '../engine/errors.js';
import { redactLocation } from '../engine/service.js';
import type { EngineService, JobControl, RepositoryRef } from '../engine/service-types.js';
import type { JobProgress, Snapshot } from '../../shared/domain.js';
import type { ActivityLog } from './activity-log.js';
import { RunLog, startedRun, type PlanTrigger, type RunRecord } from './activity-log.js';
import type { Plan } from './config-schema.js';
import { runPlanCommand } from './plan-command.js';
import { apiJobKey, type PlanPart, type PlanStateStore, type RunResult } from './plan-state.js';
import { retentionRules } from './plan-retention.js';
import { LiveProgress, liveProgressFile, sweepLiveLeftovers } from './live-progress.js';
import { lockPlanRun } from './plan-run-lock.js';
import { readPowerSource, type PowerSource } from './power-source.js';

/** The message of a run skipped on battery power (also in activity and the log). */
export const ON_BATTERY =
  'skipped: the machine runs on battery and the plan runs only on AC power; it runs again at its next scheduled time';

export interface PlanRunContext {
  engine: EngineService;
  activity: ActivityLog;
  state: PlanStateStore;
  trigger: PlanTrigger;
  /** 'api': only the plan's API sources, polled on their own interval (`--api-every`). */
  part?: PlanPart;
  signal?: AbortSignal;
  /** The job this run is in this process (plan-jobs.ts), kept in its activity record. */
  jobId?: string;
  onProgress?: (progress: JobProgress) => void;
  /** Each log line as it is written (the CLI shows them, serve's log keeps them). */
  onLine?: (line: string) => void;
  now?: () => number;
  /** Where the power comes from, for plans that run only on AC power (default: the platform). */
  powerSource?: () => Promise<PowerSource>;
}

export interface PlanRunOutcome {
  record: RunRecord;
  /** Why the run failed or was cancelled (its message is the record's error). */
  error?: CairnError;
  /** Skipped on battery power: the next try is the plan's next scheduled time, not a retry. */
  waitForNextSlot?: boolean;
  /** The snapshot the run saved. */
  snapshot?: Snapshot;
}

/** The snapshot group of a plan's runs (retention and `snapshots` group them by host and plan). */
export function planGroup(planName: string, hostname = os.hostname()): string {
  return `host:${hostname};plan:${planName}`;
}

/**
 * The group of the snapshots of a plan's API polling: beside the plan's own, so each keeps its
 * parent (the folders' change detection, the API sources' incremental bookmarks).
 */
export function planApiGroup(planName: string, hostname = os.hostname()): string {
  return `${planGroup(planName, hostname)};part:api`;
}

export async function runPlan(plan: Plan, ctx: PlanRunContext): Promise<PlanRunOutcome> {
  const key = ctx.part === 'api' ? apiJobKey(plan.name) : plan.name;
  const unlock = await lockPlanRun(path.join(path.dirname(ctx.state.file), 'running'), key);
  try {
    return await runLocked(plan, ctx);
  } finally {
    await unlock();
  }
}

async function runLocked(plan: Plan, ctx: PlanRunContext): Promise<PlanRunOutcome> {
  const now = ctx.now ?? Date.now;
  const apiOnly = ctx.part === 'api';
  const key = apiOnly ? apiJobKey(plan.name) : plan.name;
  const startedMs = now();
  const id = ctx.activity.newRunId(startedMs);
  const log = new RunLog(ctx.activity.logFile(id));
  const say = (line: string) => {
    log.line(line);
    ctx.onLine?.(line);
  };
  const record = startedRun({
    id,
    plan: plan.name,
    trigger: ctx.trigger,
    started: new Date(startedMs).toISOString(),
    log: log.file,
    ...(ctx.jobId !== undefined ? { job: ctx.jobId } : {}),
    ...(apiOnly ? { summary: 'API sources only (polled on their own interval)' } : {}),
  });
  await ctx.activity.append(record);
  await ctx.state.update(key, (s) => ({ ...s, lastRunStart: record.started }));
  say(
    `plan ${plan.name}: ${apiOnly ? 'API polling' : 'run'} started (${ctx.trigger}) into ${redactLocation(plan.repository)}`,
  );

  let error: CairnError | undefined;
  let waitForNextSlot = false;
  const made: { snapshot?: Snapshot } = {};
  await sweepLiveLeftovers(ctx.activity.dir);
  const live = new LiveProgress(liveProgressFile(ctx.activity.dir, id));
  const followed: PlanRunContext = {
    ...ctx,
    onProgress: (progress) => {
      live.push(progress);
      ctx.onProgress?.(progress);
    },
  };
  const previous = await ctx.state.read(key);
  // Prune (the slow part) goes with the plan's own runs; polling only forgets.
  const pruneDue =
    !apiOnly && plan.pruneEvery > 0 && previous.runsSincePrune + 1 >= plan.pruneEvery;
  try {
    // A person's own `plan run` is not held back; the automatic runs are.
    if (plan.onlyOnAc && ctx.trigger !== 'manual') {
      const power = await (ctx.powerSource ?? readPowerSource)();
      if (power === 'battery') {
        waitForNextSlot = true;
        record.error = ON_BATTERY;
        say(ON_BATTERY);
      }
    }
    record.result = waitForNextSlot
      ? 'skipped'
      : await runSteps(plan, followed, record, say, pruneDue, apiOnly, made);
  } catch (err) {
    error = asCairnError(err);
    record.result = error.kind === 'cancelled' ? 'cancelled' : 'failed';
    record.error = error.message;
    say(record.result === 'cancelled' ? 'cancelled' : `failed: ${error.message}`);
  }
  await live.remove();
  record.ended = new Date(now()).toISOString();
  say(`plan ${plan.name}: run ended: ${record.result}`);
  await log.flush().catch(() => undefined);
  await ctx.activity.append(record);
  const saved = record.result === 'ok' || record.result === 'incomplete';
  await ctx.state.update(key, (s) => ({
    ...s,
    lastRunEnd: record.ended ?? undefined,
    // Waiting for mains power says nothing about the plan's health (overdue still catches a
    // plan that waits too long): the last real run's result stands.
    ...(waitForNextSlot ? {} : { lastResult: record.result as RunResult }),
    ...(saved ? { lastSuccess: record.ended ?? undefined } : {}),
    runsSincePrune: record.pruned ? 0 : saved ? s.runsSincePrune + 1 : s.runsSincePrune,
  }));
  return {
    record,
    ...(error ? { error } : {}),
    ...(waitForNextSlot ? { waitForNextSlot } : {}),
    ...(made.snapshot ? { snapshot: made.snapshot } : {}),
  };
}

async function runSteps(
  plan: Plan,
  ctx: PlanRunContext,
  record: RunRecord,
  say: (line: string) => void,
  pruneDue: boolean,
  apiOnly: boolean,
  made: { snapshot?: Snapshot },
): Promise<RunResult> {
  const { engine, signal } = ctx;
  const env = { CAIRN_PLAN: plan.name };
  // With API polling of their own, the plan's runs leave the API sources to it.
  const folders = apiOnly ? [] : plan.folders;
  const apiFiles = apiOnly || !plan.apiEverySeconds ? plan.apiSources : [];
  const group = apiOnly ? planApiGroup(plan.name) : planGroup(plan.name);
  if (plan.before && !apiOnly) {
    say(`before: ${plan.before}`);
    const outcome = await runPlanCommand(plan.before, env, (l) => say(`before| ${l}`), signal);
    signal?.throwIfAborted();
    if (outcome.code !== 0) {
      const how = outcome.code === null ? `killed by ${outcome.signal}` : `exit ${outcome.code}`;
      const why = `the "before" command failed (${how}${outcome.lastLine ? `: ${outcome.lastLine}` : ''}); the backup was skipped`;
      record.error = why;
      say(why);
      return 'skipped';
    }
  }
  const password = await engine.resolveSecretReference(plan.password);
  const ref: RepositoryRef = { location: plan.repository, password };
  const apiSources = [];
  for (const file of apiFiles) {
    const definition = await engine.loadApiSourceDefinition(file);
    await engine.checkApiSourceSecrets(definition);
    apiSources.push(definition);
  }
  const control: JobControl = {
    ...(signal ? { signal } : {}),
    ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
    onWarning: (w) => {
      record.warnings.push(w.message);
      say(`warning: ${w.message}`);
    },
  };
  say(`backup of ${[...folders, ...apiFiles.map((f) => `API ${f}`)].join(', ')}`);
  const { snapshot, warnings } = await engine.backup(
    ref,
    {
      paths: folders,
      excludes: plan.excludes,
      apiSources,
      group,
      tags: [`plan:${plan.name}`, ...(apiOnly ? ['api-poll'] : [])],
    },
    control,
  );
  for (const w of warnings) {
    record.warnings.push(`${w.path}: ${w.message}`);
    say(`warning: ${w.path}: ${w.message}`);
  }
  record.snapshot = snapshot.id;
  made.snapshot = snapshot;
  const s = snapshot.stats;
  record.stats = {
    files_new: s.files_new,
    files_changed: s.files_changed,
    files_unchanged: s.files_unchanged,
    bytes_processed: s.bytes_processed,
    bytes_added: s.bytes_added,
    duration_ms: s.duration_ms,
  };
  say(
    `snapshot ${snapshot.short_id} saved${snapshot.incomplete ? ' (incomplete)' : ''}: ${s.files_new} new, ${s.files_changed} changed, ${s.files_unchanged} unchanged file(s), ${s.bytes_added} bytes added`,
  );

  const rules = retentionRules(plan.retention);
  if (rules) {
    const forgot = await engine.forget(
      ref,
      { rules, group, timeZone: plan.timeZone, prune: pruneDue },
      control,
    );
    record.forgotten = forgot.removed.length;
    record.pruned = forgot.prune !== null;
    say(
      `retention: ${forgot.removed.length} snapshot(s) forgotten${record.pruned ? ', then pruned' : ''}`,
    );
  }
  if (plan.verifyPercent !== null && !apiOnly) {
    const report = await engine.check(ref, { readDataSubset: plan.verifyPercent }, control);
    record.verified = {
      percent: plan.verifyPercent,
      packs_read: report.packs_read,
      problems: report.problems.length,
    };
    say(
      `verification: ${report.packs_read} of ${report.packs} pack(s) read, ${report.problems.length} problem(s)`,
    );
    if (!report.ok) {
      throw new CairnError(
        'corrupt',
        `verification found ${report.problems.length} problem(s) in ${redactLocation(plan.repository)}: ${report.problems[0]?.message ?? ''} (see cairn check)`,
      );
    }
  }
  if (plan.after && !apiOnly) {
    say(`after: ${plan.after}`);
    const outcome = await runPlanCommand(plan.after, env, (l) => say(`after| ${l}`), signal);
    if (outcome.code !== 0) {
      const why = `the "after" command failed (exit ${outcome.code ?? outcome.signal})${outcome.lastLine ? `: ${outcome.lastLine}` : ''}`;
      record.warnings.push(why);
      say(why);
    }
  }
  return snapshot.incomplete ? 'incomplete' : 'ok';
}

function asCairnError(err: unknown): CairnError {
  if (err instanceof CairnError) return err;
  if ((err as Error)?.name === 'AbortError') return new CairnError('cancelled', 'cancelled');
  return new CairnError('failure', errorMessage(err));
}
