/**
 * `cairn plan add|list|show|run|pause|resume|remove`: plans kept in CAIRN_HOME/config.json,
 * which `cairn serve` (and the desktop app) run on their schedule.
 */
import path from 'node:path';
import { CairnError } from '../../engine/errors.js';
import { createEngine, resolveTimeZone } from '../../engine/service.js';
import type { Plan } from '../../plans/config-schema.js';
import { findPlan, loadConfig, updateConfig } from '../../plans/config-store.js';
import { formatLocal, nextRuns, planHealth } from '../../plans/plan-health.js';
import { planFiles } from '../../plans/plan-files.js';
import { parseApiEvery, parseCount, parseVerifyPercent } from '../../plans/plan-options.js';
import { KEEP_OPTIONS } from '../../plans/plan-retention.js';
import { runPlan } from '../../plans/plan-runner.js';
import { apiJobKey } from '../../plans/plan-state.js';
import { describeSchedule, scheduleFromOptions } from '../../plans/schedule.js';
import { jsonOption, parse, repoOption, requireRepo } from '../args.js';
import { runCliJob } from '../job-control.js';
import { formatBytes, printJson, table } from '../output.js';

const ADD_USAGE =
  'cairn plan add NAME --repo LOC [PATH]... [--api SOURCE.json]... [--api-every DURATION] --password-ref REF\n' +
  '       [--every DURATION | --daily HH:MM | --weekly DAYS@HH:MM | --cron EXPR] [--time-zone ZONE]\n' +
  '       [--watch] [--only-on-ac] [--keep-last N] [--keep-hourly N] [--keep-daily N] [--keep-weekly N] [--keep-monthly N]\n' +
  '       [--keep-yearly N] [--keep-within DURATION] [--keep-tag T]... [--prune-every N] [--verify N%]\n' +
  '       [--exclude GLOB]... [--before COMMAND] [--after COMMAND]';
const USAGE =
  `${ADD_USAGE}\n` +
  '       cairn plan list [--json] | show NAME [--json] | run NAME [--api] [--json]\n' +
  '       cairn plan pause NAME | resume NAME | remove NAME';

export async function run(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  switch (action) {
    case 'add':
      return add(rest);
    case 'list':
      return list(rest);
    case 'show':
      return show(rest);
    case 'run':
      return runNow(rest);
    case 'pause':
    case 'resume':
      return setPaused(rest, action === 'pause');
    case 'remove':
      return remove(rest);
    default:
      throw new CairnError(
        'invalid-argument',
        `${action === undefined ? 'name an action' : `unknown action ${JSON.stringify(action)}`}\nusage: ${USAGE}`,
      );
  }
}

function oneName(positionals: string[], usage: string): string {
  if (positionals.length !== 1)
    throw new CairnError('invalid-argument', `name one plan\nusage: ${usage}`);
  return positionals[0]!;
}

async function add(argv: string[]): Promise<number> {
  const keepOptions = Object.fromEntries(
    Object.keys(KEEP_OPTIONS).map((k) => [k, { type: 'string' as const }]),
  ) as Record<keyof typeof KEEP_OPTIONS, { type: 'string' }>;
  const { values, positionals } = parse(
    argv,
    {
      ...repoOption,
      ...jsonOption,
      ...keepOptions,
      'password-ref': { type: 'string' },
      api: { type: 'string', multiple: true },
      'api-every': { type: 'string' },
      exclude: { type: 'string', multiple: true },
      every: { type: 'string' },
      daily: { type: 'string' },
      weekly: { type: 'string' },
      cron: { type: 'string' },
      'time-zone': { type: 'string' },
      watch: { type: 'boolean' },
      'only-on-ac': { type: 'boolean' },
      'keep-within': { type: 'string' },
      'keep-tag': { type: 'string', multiple: true },
      'prune-every': { type: 'string' },
      verify: { type: 'string' },
      before: { type: 'string' },
      after: { type: 'string' },
    },
    ADD_USAGE,
  );
  const [name, ...paths] = positionals;
  if (!name) throw new CairnError('invalid-argument', `name the plan\nusage: ${ADD_USAGE}`);
  const repository = requireRepo(values.repo, ADD_USAGE);
  if (!values['password-ref'])
    throw new CairnError(
      'invalid-argument',
      `--password-ref REF is required (keychain:ENTRY, env:NAME or file:PATH)\nusage: ${ADD_USAGE}`,
    );
  // A badly written option is one more problem for validatePlan to name with the rest.
  const optionProblems: unknown[] = [];
  const checked = <T>(fallback: T, parseOption: () => T): T => {
    try {
      return parseOption();
    } catch (err) {
      optionProblems.push(err);
      return fallback;
    }
  };
  const apiEverySeconds = checked(undefined, () =>
    parseApiEvery(values['api-every'], paths.length, values.api?.length ?? 0),
  );
  const retention: Plan['retention'] = {};
  for (const [option, key] of Object.entries(KEEP_OPTIONS) as [
    keyof typeof KEEP_OPTIONS,
    keyof Plan['retention'],
  ][]) {
    const n = checked(undefined, () => parseCount(option, values[option]));
    if (n !== undefined) (retention as Record<string, number>)[key] = n;
  }
  if (values['keep-within'] !== undefined) retention.keepWithin = values['keep-within'];
  if (values['keep-tag']) retention.keepTag = values['keep-tag'];
  const plan: Plan = {
    name,
    repository,
    password: values['password-ref'],
    folders: paths.map((p) => path.resolve(p)),
    excludes: values.exclude ?? [],
    apiSources: (values.api ?? []).map((p) => path.resolve(p)),
    schedule: checked<Plan['schedule']>({ type: 'manual' }, () => scheduleFromOptions(values)),
    timeZone: values['time-zone'] ?? resolveTimeZone(),
    watch: values.watch ?? false,
    ...(values['only-on-ac'] ? { onlyOnAc: true } : {}),
    ...(apiEverySeconds !== undefined ? { apiEverySeconds } : {}),
    retention,
    pruneEvery: checked(undefined, () => parseCount('prune-every', values['prune-every'])) ?? 1,
    verifyPercent: checked(null, () => parseVerifyPercent(values.verify)),
    ...(values.before ? { before: values.before } : {}),
    ...(values.after ? { after: values.after } : {}),
    paused: false,
    created: new Date().toISOString(),
  };
  const files = planFiles();
  const existing = await loadConfig(files.config);
  if (existing.plans.some((p) => p.name === name))
    throw new CairnError(
      'invalid-argument',
      `a plan named ${name} exists already (cairn plan remove ${name} first)`,
    );
  const { validatePlan } = await import('../../plans/plan-validation.js');
  await validatePlan(plan, createEngine(), optionProblems);
  await updateConfig(files.config, (config) => {
    if (config.plans.some((p) => p.name === name))
      throw new CairnError('invalid-argument', `a plan named ${name} exists already`);
    config.plans.push(plan);
    if (!config.recentRepositories.includes(repository))
      config.recentRepositories.unshift(repository);
  });
  if (values.json) printJson(plan);
  else
    process.stdout.write(
      `plan ${name} added: ${describeSchedule(plan.schedule)} (${plan.timeZone})\n`,
    );
  return 0;
}

async function list(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...jsonOption }, 'cairn plan list [--json]');
  const files = planFiles();
  const config = await loadConfig(files.config);
  const states = await files.state.readAll();
  const now = Date.now();
  const rows = config.plans.map((plan) => {
    const state = states[plan.name] ?? { failures: 0, runsSincePrune: 0 };
    const next = nextRuns(plan, state, now, 1)[0];
    return {
      name: plan.name,
      schedule: describeSchedule(plan.schedule),
      health: planHealth(plan, state, now),
      paused: plan.paused,
      last_run: state.lastRunEnd ?? null,
      last_result: state.lastResult ?? null,
      next_run: next === undefined ? null : new Date(next).toISOString(),
      _next: next === undefined ? '-' : formatLocal(next, plan.timeZone),
      _last: state.lastRunEnd ? formatLocal(Date.parse(state.lastRunEnd), plan.timeZone) : '-',
    };
  });
  if (values.json) {
    printJson(rows.map(({ _next, _last, ...row }) => row));
    return 0;
  }
  if (rows.length === 0) {
    process.stdout.write('no plans yet; add one with cairn plan add\n');
    return 0;
  }
  process.stdout.write(
    table([
      ['NAME', 'SCHEDULE', 'HEALTH', 'LAST RUN', 'RESULT', 'NEXT RUN'],
      ...rows.map((r) => [r.name, r.schedule, r.health, r._last, r.last_result ?? '-', r._next]),
    ]) + '\n',
  );
  return 0;
}

async function show(argv: string[]): Promise<number> {
  const usage = 'cairn plan show NAME [--json]';
  const { values, positionals } = parse(argv, { ...jsonOption }, usage);
  const files = planFiles();
  const plan = findPlan(await loadConfig(files.config), oneName(positionals, usage));
  const state = await files.state.read(plan.name);
  const now = Date.now();
  const upcoming = nextRuns(plan, state, now, 5);
  if (values.json) {
    printJson({
      ...plan,
      health: planHealth(plan, state, now),
      state,
      next_runs: upcoming.map((ms) => new Date(ms).toISOString()),
    });
    return 0;
  }
  const keep = Object.entries(plan.retention)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') : v}`)
    .join(', ');
  const lines = [
    `plan ${plan.name}${plan.paused ? ' (paused)' : ''}: ${planHealth(plan, state, now)}`,
    `  repository  ${plan.repository} (password ${plan.password})`,
    ...plan.folders.map((f) => `  folder      ${f}`),
    ...plan.apiSources.map((f) => `  API source  ${f}`),
    ...(plan.apiEverySeconds
      ? [
          `  API polled  every ${describeSchedule({ type: 'every', seconds: plan.apiEverySeconds }).replace(/^every /, '')}, into snapshots of their own`,
        ]
      : []),
    ...(plan.excludes.length ? [`  excludes    ${plan.excludes.join(' ')}`] : []),
    `  schedule    ${describeSchedule(plan.schedule)}, ${plan.timeZone}${plan.watch ? ', and when files change' : ''}${plan.onlyOnAc ? ', only on AC power' : ''}`,
    `  retention   ${keep || 'keep everything'}${keep && plan.pruneEvery > 0 ? `; prune every ${plan.pruneEvery === 1 ? 'run' : `${plan.pruneEvery} runs`}` : ''}`,
    `  verify      ${plan.verifyPercent === null ? 'no' : `${plan.verifyPercent}% of the data each run`}`,
    ...(plan.before ? [`  before      ${plan.before}`] : []),
    ...(plan.after ? [`  after       ${plan.after}`] : []),
    `  last run    ${state.lastRunEnd ? `${formatLocal(Date.parse(state.lastRunEnd), plan.timeZone)} ${state.lastResult ?? ''}` : 'never'}`,
    `  next runs   ${upcoming.length ? upcoming.map((ms) => formatLocal(ms, plan.timeZone)).join('\n              ') : 'none'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function runNow(argv: string[]): Promise<number> {
  const usage = 'cairn plan run NAME [--api] [--json]';
  const { values, positionals } = parse(argv, { ...jsonOption, api: { type: 'boolean' } }, usage);
  const json = values.json ?? false;
  const files = planFiles();
  const plan = findPlan(await loadConfig(files.config), oneName(positionals, usage));
  if (values.api && !plan.apiEverySeconds)
    throw new CairnError(
      'invalid-argument',
      `plan ${plan.name} polls no API sources on their own (cairn plan add … --api-every); cairn plan run ${plan.name} backs up everything`,
    );
  const {
    result: { record, error },
  } = await runCliJob(json, (control) =>
    runPlan(plan, {
      engine: createEngine(),
      activity: files.activity,
      state: files.state,
      trigger: 'manual',
      ...(values.api ? { part: 'api' as const } : {}),
      ...(control.signal ? { signal: control.signal } : {}),
      ...(control.onProgress ? { onProgress: control.onProgress } : {}),
    }),
  );
  if (json) printJson(record);
  else if (record.snapshot && record.stats) {
    process.stdout.write(
      `plan ${plan.name}: snapshot ${record.snapshot.slice(0, 8)} saved; ${record.stats.files_new} new, ${record.stats.files_changed} changed, ${record.stats.files_unchanged} unchanged file(s); ${formatBytes(record.stats.bytes_added)} added\n` +
        (record.forgotten
          ? `retention: ${record.forgotten} snapshot(s) forgotten${record.pruned ? ', pruned' : ''}\n`
          : '') +
        (record.verified
          ? `verified ${record.verified.percent}% of the data: ${record.verified.packs_read} pack(s) read\n`
          : ''),
    );
  }
  if (!json) for (const w of record.warnings) process.stderr.write(`warning: ${w}\n`);
  if (error) throw error;
  if (record.result === 'skipped') {
    process.stderr.write(`cairn: plan ${plan.name}: ${record.error ?? 'skipped'}\n`);
    return 1;
  }
  if (record.result === 'incomplete') {
    process.stderr.write(`cairn: plan ${plan.name}: snapshot saved but incomplete\n`);
    return 3;
  }
  return 0;
}

async function setPaused(argv: string[], paused: boolean): Promise<number> {
  const usage = `cairn plan ${paused ? 'pause' : 'resume'} NAME [--json]`;
  const { values, positionals } = parse(argv, { ...jsonOption }, usage);
  const name = oneName(positionals, usage);
  await updateConfig(planFiles().config, (config) => {
    findPlan(config, name).paused = paused;
  });
  if (values.json) printJson({ name, paused });
  else process.stdout.write(`plan ${name} ${paused ? 'paused' : 'resumed'}\n`);
  return 0;
}

async function remove(argv: string[]): Promise<number> {
  const usage = 'cairn plan remove NAME [--json]';
  const { values, positionals } = parse(argv, { ...jsonOption }, usage);
  const name = oneName(positionals, usage);
  const files = planFiles();
  await updateConfig(files.config, (config) => {
    findPlan(config, name);
    config.plans = config.plans.filter((p) => p.name !== name);
  });
  await files.state.update(name, () => null);
  await files.state.update(apiJobKey(name), () => null);
  if (values.json) printJson({ name, removed: true });
  else process.stdout.write(`plan ${name} removed (its snapshots stay in the repository)\n`);
  return 0;
}
