import { CairnError } from '../../engine/errors.js';
import { createEngine, redactLocation } from '../../engine/service.js';
import { jsonOption, noLockOption, parse, repoOption, requireRepo } from '../args.js';
import { printJson } from '../output.js';
import { runCliJob } from '../job-control.js';
import { readPassword } from '../password.js';

const USAGE = 'cairn check --repo LOC [--no-lock] [--read-data | --read-data-subset N%] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      ...repoOption,
      ...jsonOption,
      ...noLockOption,
      'read-data': { type: 'boolean' },
      'read-data-subset': { type: 'string' },
    },
    USAGE,
  );
  const location = requireRepo(values.repo, USAGE);
  let subset: number | undefined;
  if (values['read-data-subset'] !== undefined) {
    const m = /^(\d+(?:\.\d+)?)%?$/.exec(values['read-data-subset']);
    subset = m ? Number(m[1]) : NaN;
    if (!(subset > 0 && subset <= 100))
      throw new CairnError('invalid-argument', '--read-data-subset takes a percentage like 10%');
  }
  const json = values.json ?? false;
  const ref = { location, password: await readPassword(), noLock: values['no-lock'] ?? false };
  const { result: report } = await runCliJob(json, (control) =>
    createEngine().check(
      ref,
      { readData: values['read-data'] ?? false, ...(subset ? { readDataSubset: subset } : {}) },
      control,
    ),
  );
  if (json) printJson(report);
  else {
    for (const p of report.problems) {
      process.stdout.write(`error: ${p.message}\n`);
      for (const path of p.paths ?? []) process.stdout.write(`  depends on it: ${path}\n`);
    }
    const read = report.packs_read ? `, read ${report.packs_read} pack(s)` : '';
    process.stdout.write(
      `checked ${report.snapshots} snapshot(s), ${report.packs} pack(s), ${report.blobs} blob(s)${read}: ${report.ok ? 'no errors' : `${report.problems.length} problem(s)`}\n`,
    );
  }
  if (!report.ok) {
    process.stderr.write(
      `cairn: the repository at ${redactLocation(location)} has ${report.problems.length} problem(s); see above\n`,
    );
    return 1;
  }
  return 0;
}
