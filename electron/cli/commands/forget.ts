import { CairnError } from '../../engine/errors.js';
import { createEngine } from '../../engine/service.js';
import type { RetentionRules } from '../../engine/service-types.js';
import { jsonOption, parse, repoOption, requireRepo } from '../args.js';
import { printJson } from '../output.js';
import { runCliJob } from '../job-control.js';
import { readPassword } from '../password.js';
import { KEEP_OPTIONS } from '../../plans/plan-retention.js';
import { printPrune } from './prune.js';

const USAGE =
  'cairn forget --repo LOC [--keep-last N] [--keep-hourly N] [--keep-daily N] [--keep-weekly N] [--keep-monthly N] [--keep-yearly N] [--keep-within DURATION] [--keep-tag T] [--prune] [--dry-run] [--json]';

function count(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value))
    throw new CairnError(
      'invalid-argument',
      `--${flag} takes a whole number (or -1 for all), not ${JSON.stringify(value)}`,
    );
  return Number(value);
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      ...repoOption,
      ...jsonOption,
      'keep-last': { type: 'string' },
      'keep-hourly': { type: 'string' },
      'keep-daily': { type: 'string' },
      'keep-weekly': { type: 'string' },
      'keep-monthly': { type: 'string' },
      'keep-yearly': { type: 'string' },
      'keep-within': { type: 'string' },
      'keep-tag': { type: 'string', multiple: true },
      prune: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
    },
    USAGE,
  );
  const location = requireRepo(values.repo, USAGE);
  const rules: RetentionRules = {};
  for (const [flag, key] of Object.entries(KEEP_OPTIONS)) {
    const n = count(flag, values[flag as keyof typeof KEEP_OPTIONS]);
    if (n !== undefined) rules[key] = n;
  }
  // Given but empty (an unset shell variable) is an error from the parser, not "no rule".
  if (values['keep-within'] !== undefined) rules.keepWithin = values['keep-within'];
  if (values['keep-tag']) rules.keepTag = values['keep-tag'];
  const json = values.json ?? false;
  const ref = { location, password: await readPassword() };
  const { result, warnings } = await runCliJob(json, (control) =>
    createEngine().forget(
      ref,
      { rules, dryRun: values['dry-run'] ?? false, prune: values.prune ?? false },
      control,
    ),
  );
  if (json) {
    printJson({
      dry_run: values['dry-run'] ?? false,
      groups: result.groups.map((g) => ({
        group: g.group,
        keep: g.keep.map((k) => ({ ...k.snapshot, reasons: k.reasons })),
        remove: g.remove,
      })),
      removed: result.removed,
      prune: result.prune,
      repository_warnings: warnings,
    });
    return 0;
  }
  process.stdout.write(result.report + '\n');
  if (warnings.some((w) => w.kind === 'snapshot'))
    process.stdout.write(
      'damaged snapshot files were left out: no rule kept or removed them (`cairn repair snapshots` removes them)\n',
    );
  if (!values['dry-run']) process.stdout.write(`removed ${result.removed.length} snapshot(s)\n`);
  if (result.prune) printPrune(result.prune);
  else if (result.removed.length > 0)
    process.stdout.write('their data stays in the repository until you run cairn prune\n');
  return 0;
}
