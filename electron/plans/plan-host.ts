/**
 * Runs every plan on its schedule inside a long-lived host (`cairn serve`, the desktop app's
 * main process): the scheduler, fed from the configuration file — re-read when it changes, so
 * `cairn plan add|pause|resume|remove` take effect without a restart — and a log,
 * `CAIRN_HOME/logs/plans.log` (the same name in both hosts). A damaged configuration is logged
 * and the plans already known keep running; the file is left as it is. Watched plans' folders are watched here too, and their
 * changes go to the scheduler (plan-watchers.ts). Each run is a job on the host's board
 * (plan-jobs.ts), which a UI session in the same process follows and cancels.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CairnError, errorMessage } from '../engine/errors.js';
import type { EngineService } from '../engine/service-types.js';
import { loadConfig } from './config-store.js';
import type { PlanFiles } from './plan-files.js';
import { PlanJobBoard, planJobsOf, type PlanJobs } from './plan-jobs.js';
import { runPlan } from './plan-runner.js';
import { planWatchers } from './plan-watchers.js';
import type { PowerSource } from './power-source.js';
import { Scheduler, systemClock, type SchedulerClock, type WatchTiming } from './scheduler.js';

export interface PlanHost {
  scheduler: Scheduler;
  /** The runs in progress, for the UI session hosted beside the plans. */
  jobs: PlanJobs;
  /** Runs a plan now (by hand) unless it runs already; its job shows on the board. */
  runNow(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface PlanHostOptions {
  engine: EngineService;
  files: PlanFiles;
  clock?: SchedulerClock;
  /** How often the configuration file is looked at for changes. */
  pollMs?: number;
  /** Each log line also goes here (serve prints nothing per run; tests may listen). */
  onLine?: (line: string) => void;
  /** How soon after changes a watched plan runs (default scheduler.ts DEFAULT_WATCH_TIMING). */
  watch?: Partial<WatchTiming>;
  powerSource?: () => Promise<PowerSource>;
  /** Where the runs are shown as jobs (a host that gives it to its session before starting). */
  board?: PlanJobBoard;
  /** A configuration that cannot be read (damaged, too new): serve says it on its terminal too. */
  onConfigProblem?: (message: string) => void;
}

export async function startPlanHost(options: PlanHostOptions): Promise<PlanHost> {
  const { engine, files } = options;
  const logFile = path.join(files.logs, 'plans.log');
  await fs.mkdir(files.logs, { recursive: true, mode: 0o700 });
  let writing = Promise.resolve();
  const log = (line: string) => {
    const entry = `${new Date().toISOString()} ${line}\n`;
    writing = writing
      .then(() => fs.appendFile(logFile, entry, { mode: 0o600 }))
      .catch(() => undefined);
    options.onLine?.(line);
  };
  const board = options.board ?? new PlanJobBoard();
  const scheduler = new Scheduler({
    clock: options.clock ?? systemClock,
    state: files.state,
    run: async (plan, trigger, signal, part) => {
      const { record, waitForNextSlot } = await board.run(plan.name, signal, (job) =>
        runPlan(plan, {
          engine,
          activity: files.activity,
          state: files.state,
          trigger,
          part,
          jobId: job.jobId,
          signal: job.signal,
          onProgress: job.onProgress,
          onLine: (line) => {
            log(`[${plan.name}] ${line}`);
            job.onLine(line);
          },
          ...(options.powerSource ? { powerSource: options.powerSource } : {}),
        }),
      );
      const result = record.result as Exclude<typeof record.result, 'running' | 'interrupted'>;
      return { result, waitForNextSlot: waitForNextSlot === true };
    },
    onError: (err) => log(`scheduler: ${errorMessage(err)}`),
    ...(options.watch ? { watch: options.watch } : {}),
  });
  const watchers = planWatchers({
    home: files.home,
    onChange: (plan) => scheduler.changed(plan),
    onError: (plan, message) => log(`[${plan}] ${message}`),
    onReady: (plan, folders) => log(`[${plan}] watching ${folders} folder(s) for changes`),
  });

  let lastSeen = '';
  const reload = async (): Promise<void> => {
    const stat = await fs.stat(files.config).catch(() => undefined);
    const seen = stat ? `${stat.mtimeMs}:${stat.size}:${stat.ino}` : 'none';
    if (seen === lastSeen) return;
    lastSeen = seen;
    try {
      const config = await loadConfig(files.config);
      await scheduler.setPlans(config.plans);
      watchers.update(config.plans);
      log(
        `plans: ${config.plans.map((p) => `${p.name}${p.paused ? ' (paused)' : ''}`).join(', ') || 'none'}`,
      );
    } catch (err) {
      const loaded = scheduler.status().length > 0;
      const message = `${errorMessage(err)}; ${loaded ? 'plans already loaded keep running' : 'no plan runs until it is fixed'}`;
      log(message);
      options.onConfigProblem?.(message);
    }
  };
  await reload();
  let polling = Promise.resolve();
  const timer = setInterval(() => {
    polling = polling.then(reload);
  }, options.pollMs ?? 2000);
  timer.unref();
  const runNow = async (name: string): Promise<void> => {
    // A plan saved a moment ago may not have been seen yet.
    polling = polling.then(reload);
    await polling;
    if (!scheduler.status().some((s) => s.name === name)) {
      throw new CairnError('invalid-argument', `no plan named ${JSON.stringify(name)} is loaded`);
    }
    void scheduler.runNow(name).catch(() => undefined); // recorded in its activity and state
  };
  return {
    scheduler,
    jobs: planJobsOf(board, runNow),
    runNow,
    async stop() {
      clearInterval(timer);
      await polling;
      watchers.close();
      await scheduler.stop();
      log('stopped');
      await writing;
    },
  };
}
