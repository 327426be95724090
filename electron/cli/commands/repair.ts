import { CairnError } from '../../engine/errors.js';
import { createEngine } from '../../engine/service.js';
import {
  indexRepairLines,
  indexRepairLostData,
  snapshotsRepairChanges,
  snapshotsRepairLines,
  type RepairIndexReport,
  type RepairSnapshotsReport,
} from '../../../shared/repair.js';
import { jsonOption, parse, repoOption, requireRepo } from '../args.js';
import { printJson } from '../output.js';
import { runCliJob } from '../job-control.js';
import { readPassword } from '../password.js';

const USAGE = [
  'cairn repair index --repo LOC [--read-data] [--dry-run] [--json]',
  '       cairn repair snapshots --repo LOC [--dry-run] [--json]',
].join('\n');

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      ...repoOption,
      ...jsonOption,
      'dry-run': { type: 'boolean' },
      'read-data': { type: 'boolean' },
    },
    USAGE,
  );
  const what = positionals[0];
  if ((what !== 'index' && what !== 'snapshots') || positionals.length > 1)
    throw new CairnError(
      'invalid-argument',
      `${what === undefined ? 'name what to repair' : `cannot repair ${JSON.stringify(positionals.join(' '))}`}: index or snapshots\nusage: ${USAGE}`,
    );
  if (what === 'snapshots' && values['read-data'])
    throw new CairnError('invalid-argument', `--read-data is for repair index\nusage: ${USAGE}`);
  const location = requireRepo(values.repo, USAGE);
  const json = values.json ?? false;
  const dryRun = values['dry-run'] ?? false;
  const ref = { location, password: await readPassword() };
  const engine = createEngine();
  if (what === 'index') {
    const readData = values['read-data'] ?? false;
    const { result: report, warnings } = await runCliJob(json, (control) =>
      engine.repairIndex(ref, { dryRun, readData }, control),
    );
    if (json) printJson({ ...report, repository_warnings: warnings });
    else printIndexRepair(report);
  } else {
    const { result: report, warnings } = await runCliJob(json, (control) =>
      engine.repairSnapshots(ref, { dryRun }, control),
    );
    if (json) printJson({ ...report, repository_warnings: warnings });
    else printSnapshotsRepair(report);
  }
  return 0;
}

function printIndexRepair(r: RepairIndexReport): void {
  const out = indexRepairLines(r);
  if (r.dry_run) out.push('dry run: nothing was changed');
  else if (indexRepairLostData(r))
    out.push(
      'next: `cairn repair snapshots` removes what is lost from the snapshots that need it, ' +
        'and `cairn prune` deletes the damaged packs',
    );
  process.stdout.write(out.join('\n') + '\n');
}

function printSnapshotsRepair(r: RepairSnapshotsReport): void {
  const out = snapshotsRepairLines(r);
  if (r.dry_run) out.push('dry run: nothing was changed');
  else if (snapshotsRepairChanges(r) > 0)
    out.push('`cairn prune` frees the data nothing uses any more');
  process.stdout.write(out.join('\n') + '\n');
}
