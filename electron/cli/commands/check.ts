import { CairnError } from '../../engine/errors.js';
import { createEngine, displayLocation } from '../../engine/service.js';
import { jsonOption, parse, repoOption, requireRepo } from '../args.js';
import { clearProgress, printJson } from '../output.js';
import { cliJobControl } from '../job-control.js';
import { readPassword } from '../password.js';

const USAGE = 'cairn check --repo LOC [--read-data | --read-data-subset N%] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      ...repoOption,
      ...jsonOption,
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
  const control = cliJobControl(json);
  const report = await createEngine().check(
    { location, password: await readPassword() },
    { readData: values['read-data'] ?? false, ...(subset ? { readDataSubset: subset } : {}) },
    control,
  );
  clearProgress(json);
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
      `cairn: the repository at ${displayLocation(location)} has ${report.problems.length} problem(s); see above\n`,
    );
    return 1;
  }
  return 0;
}
