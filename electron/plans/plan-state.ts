/**
 * What the scheduler remembers of each plan between restarts (`CAIRN_HOME/state/plans.json`):
 * when it last ran and how that went, when it runs next, how many runs in a row failed (for
 * the retry backoff) and how many runs since the last prune. Every change re-reads the file
 * first, so `cairn plan run` and a running `cairn serve` do not undo each other's records.
 */
import path from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic, readTextIfExists } from './atomic-json.js';

export const RUN_RESULTS = ['ok', 'incomplete', 'failed', 'cancelled', 'skipped'] as const;
export type RunResult = (typeof RUN_RESULTS)[number];

const planStateSchema = z.object({
  lastRunStart: z.string().optional(),
  lastRunEnd: z.string().optional(),
  lastResult: z.enum(RUN_RESULTS).optional(),
  /** End of the last run that saved a snapshot (ok or incomplete). */
  lastSuccess: z.string().optional(),
  /** ISO time; null: not scheduled (paused, by hand only, or running). */
  nextRun: z.string().nullable().optional(),
  failures: z.number().int().min(0).default(0),
  runsSincePrune: z.number().int().min(0).default(0),
});

const stateFileSchema = z.object({
  version: z.literal(1),
  plans: z.record(planStateSchema),
});

export type PlanState = z.infer<typeof planStateSchema>;

/** What a scheduled job of a plan does: the plan's run, or only polling its API sources. */
export type PlanPart = 'plan' | 'api';

/** The state key of a plan's API polling (`--api-every`); "+" never appears in a plan name. */
export function apiJobKey(plan: string): string {
  return `${plan}+api`;
}

export function stateFile(home: string): string {
  return path.join(home, 'state', 'plans.json');
}

export class PlanStateStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  async readAll(): Promise<Record<string, PlanState>> {
    const text = await readTextIfExists(this.file);
    if (text === undefined) return {};
    try {
      return stateFileSchema.parse(JSON.parse(text)).plans;
    } catch {
      // Only schedule bookkeeping: losing it costs one catch-up run, not a plan.
      return {};
    }
  }

  async read(name: string): Promise<PlanState> {
    return (await this.readAll())[name] ?? { failures: 0, runsSincePrune: 0 };
  }

  /** Changes one plan's state (null removes it); changes in this process run one at a time. */
  update(name: string, change: (state: PlanState) => PlanState | null): Promise<PlanState | null> {
    const next = this.queue.then(async () => {
      const all = await this.readAll();
      const changed = change(all[name] ?? { failures: 0, runsSincePrune: 0 });
      if (changed === null) delete all[name];
      else all[name] = changed;
      await writeJsonAtomic(this.file, { version: 1, plans: all });
      return changed;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}
