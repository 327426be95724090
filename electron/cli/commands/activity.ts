/**
 * `cairn activity [--plan NAME] [--json]`: every run of every plan, and every job started in
 * the app, oldest first, with its result, snapshot and log; plans overdue (no completed backup
 * for three intervals) are named.
 */
import { findPlan, loadConfig } from '../../plans/config-store.js';
import { isOverdue } from '../../plans/plan-health.js';
import { planFiles } from '../../plans/plan-files.js';
import { jsonOption, parse } from '../args.js';
import { formatBytes, printJson, table } from '../output.js';

const USAGE = 'cairn activity [--plan NAME] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...jsonOption, plan: { type: 'string' } }, USAGE);
  const files = planFiles();
  const runs = await files.activity.list(values.plan === undefined ? {} : { plan: values.plan });
  const config = await loadConfig(files.config);
  // A plan removed since keeps its runs here; a name with neither is a mistake, said as such.
  if (values.plan !== undefined && runs.length === 0) findPlan(config, values.plan);
  const states = await files.state.readAll();
  const now = Date.now();
  const overdue = config.plans
    .filter((p) => values.plan === undefined || p.name === values.plan)
    .filter((p) => isOverdue(p, states[p.name] ?? { failures: 0, runsSincePrune: 0 }, now))
    .map((p) => p.name);
  if (values.json) {
    printJson({ runs, overdue });
    return 0;
  }
  for (const name of overdue)
    process.stdout.write(`alert: plan ${name} has not completed a backup for three intervals\n`);
  if (runs.length === 0) {
    process.stdout.write('no runs yet\n');
    return 0;
  }
  process.stdout.write(
    table([
      ['STARTED', 'PLAN', 'TRIGGER', 'RESULT', 'SNAPSHOT', 'ADDED', 'NOTE'],
      ...runs.map((r) => [
        r.started.replace('T', ' ').slice(0, 19),
        r.plan ?? `(${r.kind ?? 'job'})`,
        r.trigger,
        r.result,
        r.snapshot?.slice(0, 8) ?? '-',
        r.stats ? formatBytes(r.stats.bytes_added) : '-',
        r.error ?? (r.warnings.length ? `${r.warnings.length} warning(s)` : (r.summary ?? '')),
      ]),
    ]) + '\n',
  );
  return 0;
}
