/**
 * The app's view of the backup plans in CAIRN_HOME/config.json — the same plans `cairn plan`
 * manages and `cairn serve` runs (it re-reads the file when it changes, so a plan saved here
 * runs by itself). A plan's password goes into the OS keychain and only its `keychain:`
 * reference is written; where no keychain can be used the plan is refused, since the scheduler
 * must be able to read the password later and Cairn never writes one in plain text.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type {
  ParsedArgsOf,
  PlanScheduleInput,
  PlanSummary,
  RetentionPreview,
  SchedulePreview,
} from '../../shared/contract.js';
import { resolveTimeZone } from '../engine/service.js';
import type { EngineService } from '../engine/service-types.js';
import type { Config, Plan, Schedule } from '../plans/config-schema.js';
import { findPlan, loadConfig, updateConfig } from '../plans/config-store.js';
import { formatLocal, nextRuns, planHealth } from '../plans/plan-health.js';
import { planFiles, type PlanFiles } from '../plans/plan-files.js';
import type { PlanJobs } from '../plans/plan-jobs.js';
import {
  optionText,
  parseApiEvery,
  parseCount,
  parseVerifyPercent,
  retentionFromOptions,
} from '../plans/plan-options.js';
import { apiJobKey, type PlanState } from '../plans/plan-state.js';
import {
  describeSchedule,
  formatSeconds,
  scheduleFromOptions,
  upcomingRuns,
} from '../plans/schedule.js';
import { keepDefinitions, readDefinition, removeUnusedDefinitions } from './plan-api-sources.js';
import { previewRetention } from './plan-retention-preview.js';
import { ContractFailure } from './to-contract-error.js';

const PREVIEW_RUNS = 5;

/** The keychain entry of a plan's repository password: one per repository location. */
export function planPasswordEntry(repository: string): string {
  const hash = createHash('sha256').update(repository).digest('hex').slice(0, 16);
  return `repository-${hash}-password`;
}

/** The form's schedule as the CLI parses it (`--every 15m`, `--daily 02:30`, `--weekly mon,thu@18:00`, `--cron …`). */
export function scheduleOf(input: PlanScheduleInput): Schedule {
  switch (input.kind) {
    case 'every':
      return scheduleFromOptions({ every: input.every });
    case 'daily':
      return scheduleFromOptions({ daily: input.time });
    case 'weekly':
      return scheduleFromOptions({ weekly: `${input.days.join(',')}@${input.time}` });
    case 'cron':
      return scheduleFromOptions({ cron: input.expression });
  }
}

/** A plan's schedule as the form shows it; null for one run by hand only. */
function scheduleInput(schedule: Schedule): PlanScheduleInput | null {
  switch (schedule.type) {
    case 'every':
      return { kind: 'every', every: formatSeconds(schedule.seconds) };
    case 'daily':
      return { kind: 'daily', time: schedule.time };
    case 'weekly':
      return { kind: 'weekly', days: schedule.days, time: schedule.time };
    case 'cron':
      return { kind: 'cron', expression: schedule.expression };
    case 'manual':
      return null;
  }
}

export class Plans {
  private readonly files: PlanFiles;

  constructor(
    private readonly engine: EngineService,
    home: string,
    /** Where "Run now" goes: the plan host in this process, or the session's own runner. */
    private readonly jobs: PlanJobs,
  ) {
    this.files = planFiles(home);
  }

  async list(): Promise<PlanSummary[]> {
    const config = await loadConfig(this.files.config);
    const states = await this.files.state.readAll();
    const now = Date.now();
    return Promise.all(
      config.plans.map((plan) =>
        summary(plan, states[plan.name] ?? { failures: 0, runsSincePrune: 0 }, now),
      ),
    );
  }

  preview(input: PlanScheduleInput, zone?: string): SchedulePreview {
    const schedule = scheduleOf(input);
    const timeZone = resolveTimeZone(zone);
    return {
      text: describeSchedule(schedule),
      runs: upcomingRuns(schedule, Date.now(), timeZone, PREVIEW_RUNS).map((ms) =>
        formatLocal(ms, timeZone),
      ),
    };
  }

  async save(args: ParsedArgsOf<'savePlan'>): Promise<PlanSummary> {
    const config = await loadConfig(this.files.config);
    const previous = args.replaces === undefined ? undefined : findPlan(config, args.replaces);
    if (config.plans.some((p) => p.name === args.name && p !== previous)) {
      throw new ContractFailure('invalid-argument', `A plan named ${args.name} exists already.`);
    }
    await checkFolders(args.folders);
    const schedule = scheduleOf(args.schedule);
    const sameRepository = previous?.repository === args.repository;
    let password: string;
    if (args.password !== undefined) {
      const entry = planPasswordEntry(args.repository);
      try {
        await this.engine.storeSecret(entry, args.password);
      } catch {
        throw new ContractFailure(
          'unsupported',
          'No OS keychain is available here, so the plan’s password could not be kept safely; the plan was not saved.',
        );
      }
      password = `keychain:${entry}`;
    } else if (previous !== undefined && sameRepository) {
      password = previous.password;
    } else {
      throw new ContractFailure('invalid-argument', 'Enter the repository password.');
    }
    const plan: Plan = {
      ...previous,
      name: args.name,
      repository: args.repository,
      password,
      folders: args.folders,
      excludes: (args.excludes ?? []).map((e) => e.trim()).filter((e) => e !== ''),
      apiSources: [],
      schedule,
      timeZone: resolveTimeZone(args.timeZone ?? previous?.timeZone),
      watch: args.watch ?? false,
      retention: { ...retentionFromOptions(args), ...keptTags(previous) },
      pruneEvery: parseCount('prune-every', optionText(args.pruneEvery)) ?? 1,
      verifyPercent: parseVerifyPercent(optionText(args.verify)),
      paused: previous?.paused ?? false,
      created: previous?.created ?? new Date().toISOString(),
    };
    if (args.onlyOnAc) plan.onlyOnAc = true;
    else delete plan.onlyOnAc;
    const apiTexts = args.apiSources ?? [];
    const apiEverySeconds = parseApiEvery(
      optionText(args.apiEvery),
      plan.folders.length,
      apiTexts.length,
    );
    if (apiEverySeconds !== undefined) plan.apiEverySeconds = apiEverySeconds;
    else delete plan.apiEverySeconds;
    const kept = await keepDefinitions(
      this.engine,
      this.files.home,
      apiTexts,
      previous?.apiSources ?? [],
    );
    plan.apiSources = kept.files;
    let saved: Config;
    try {
      const { validatePlan } = await import('../plans/plan-validation.js');
      await validatePlan(plan, this.engine);
      saved = await updateConfig(this.files.config, (latest) => {
        if (latest.plans.some((p) => p.name === plan.name && p.name !== args.replaces)) {
          throw new ContractFailure(
            'invalid-argument',
            `A plan named ${plan.name} exists already.`,
          );
        }
        const at = latest.plans.findIndex((p) => p.name === args.replaces);
        if (at >= 0) latest.plans[at] = plan;
        else latest.plans.push(plan);
        if (!latest.recentRepositories.includes(plan.repository))
          latest.recentRepositories.unshift(plan.repository);
      });
    } catch (err) {
      const latest = await loadConfig(this.files.config).catch(() => null);
      if (latest !== null)
        await removeUnusedDefinitions(this.files.home, kept.written, apiFilesOf(latest.plans));
      throw err;
    }
    await removeUnusedDefinitions(
      this.files.home,
      previous?.apiSources ?? [],
      apiFilesOf(saved.plans),
    );
    if (previous !== undefined && previous.name !== plan.name)
      await this.forgetState(previous.name);
    return summary(plan, await this.files.state.read(plan.name), Date.now());
  }

  previewRetention(args: ParsedArgsOf<'previewRetention'>): Promise<RetentionPreview> {
    return previewRetention(this.engine, this.files.config, args);
  }

  async setPaused(name: string, paused: boolean): Promise<PlanSummary> {
    const config = await updateConfig(this.files.config, (c) => {
      const plan = findPlan(c, name);
      if (plan.paused === paused) return null;
      plan.paused = paused;
    });
    const plan = findPlan(config, name);
    return summary(plan, await this.files.state.read(name), Date.now());
  }

  async remove(name: string): Promise<void> {
    let files: string[] = [];
    const config = await updateConfig(this.files.config, (c) => {
      files = findPlan(c, name).apiSources;
      c.plans = c.plans.filter((p) => p.name !== name);
    });
    await removeUnusedDefinitions(this.files.home, files, apiFilesOf(config.plans));
    await this.forgetState(name);
  }

  /** Starts a run by hand, as a job the Activity screen follows (and can cancel). */
  async runNow(name: string): Promise<{ started: boolean }> {
    findPlan(await loadConfig(this.files.config), name);
    await this.jobs.runNow(name);
    return { started: true };
  }

  private async forgetState(name: string): Promise<void> {
    await this.files.state.update(name, () => null);
    await this.files.state.update(apiJobKey(name), () => null);
  }
}

function apiFilesOf(plans: Plan[]): string[] {
  return plans.flatMap((p) => p.apiSources);
}

/** `--keep-tag` has no field in the form: an edit keeps the plan's. */
function keptTags(plan: Plan | undefined): Plan['retention'] {
  return plan?.retention.keepTag ? { keepTag: plan.retention.keepTag } : {};
}

/** What is wrong with each folder (a relative path, a missing folder, a file), in its words. */
export async function folderProblems(
  folders: string[],
): Promise<{ folder: string; problem: string }[]> {
  const problems: { folder: string; problem: string }[] = [];
  for (const folder of folders) {
    const problem = await folderProblem(folder);
    if (problem !== null) problems.push({ folder, problem });
  }
  return problems;
}

async function folderProblem(folder: string): Promise<string | null> {
  if (!path.isAbsolute(folder))
    return `${folder} is not a full path (start at the root, like /home/me/Documents)`;
  const stat = await fs.stat(folder).catch((err: NodeJS.ErrnoException) => err);
  if (stat instanceof Error)
    return stat.code === 'ENOENT'
      ? `${folder} does not exist`
      : `${folder} cannot be read: ${stat.message}`;
  return stat.isDirectory() ? null : `${folder} is not a folder`;
}

/** Every folder problem at once, each naming its folder. */
async function checkFolders(folders: string[]): Promise<void> {
  const problems = await folderProblems(folders);
  if (problems.length > 0)
    throw new ContractFailure('invalid-argument', problems.map((p) => p.problem).join('; '));
}

async function summary(plan: Plan, state: PlanState, now: number): Promise<PlanSummary> {
  const health = planHealth(plan, state, now);
  return {
    name: plan.name,
    repository: plan.repository,
    folders: plan.folders,
    schedule: scheduleInput(plan.schedule),
    scheduleText: describeSchedule(plan.schedule),
    timeZone: plan.timeZone,
    keepLast: plan.retention.keepLast ?? null,
    keepDaily: plan.retention.keepDaily ?? null,
    keepHourly: plan.retention.keepHourly ?? null,
    keepWeekly: plan.retention.keepWeekly ?? null,
    keepMonthly: plan.retention.keepMonthly ?? null,
    keepYearly: plan.retention.keepYearly ?? null,
    keepWithin: plan.retention.keepWithin ?? null,
    excludes: plan.excludes,
    watch: plan.watch,
    onlyOnAc: plan.onlyOnAc ?? false,
    verifyPercent: plan.verifyPercent,
    pruneEvery: plan.pruneEvery,
    apiSources: await Promise.all(plan.apiSources.map(readDefinition)),
    apiEvery: plan.apiEverySeconds === undefined ? null : formatSeconds(plan.apiEverySeconds),
    before: plan.before ?? null,
    after: plan.after ?? null,
    paused: plan.paused,
    health,
    lastRun: state.lastRunEnd ? formatLocal(Date.parse(state.lastRunEnd), plan.timeZone) : null,
    lastResult: state.lastResult ?? null,
    nextRuns: nextRuns(plan, state, now, PREVIEW_RUNS).map((ms) => formatLocal(ms, plan.timeZone)),
    overdue:
      health === 'overdue'
        ? {
            since: formatLocal(Date.parse(state.lastSuccess ?? plan.created), plan.timeZone),
            neverCompleted: state.lastSuccess === undefined,
          }
        : null,
  };
}
