/**
 * `cairn copy SNAPSHOT... --repo LOC --to LOC2`: copies snapshots into another repository,
 * storing only what it lacks. The destination's password is CAIRN_PASSWORD2 (or
 * CAIRN_PASSWORD_FILE2), else the same as the source's.
 */
import { CairnError } from '../../engine/errors.js';
import { createEngine } from '../../engine/service.js';
import type { CopyResult } from '../../engine/service-types.js';
import { jsonOption, parse, repoOption, requireRepo } from '../args.js';
import { runCliJob } from '../job-control.js';
import { formatBytes, printJson } from '../output.js';
import { readPassword, readSecondPassword } from '../password.js';

const USAGE = 'cairn copy SNAPSHOT... --repo LOC --to LOC2 [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { ...repoOption, ...jsonOption, to: { type: 'string' } },
    USAGE,
  );
  const location = requireRepo(values.repo, USAGE);
  if (!values.to)
    throw new CairnError('invalid-argument', `--to LOC2 is required\nusage: ${USAGE}`);
  if (positionals.length === 0)
    throw new CairnError('invalid-argument', `name the snapshots to copy\nusage: ${USAGE}`);
  const json = values.json ?? false;
  const password = await readPassword();
  const to = { location: values.to, password: await readSecondPassword(password) };
  const { result, warnings } = await runCliJob(json, (control) =>
    createEngine().copy({ location, password }, to, { snapshots: positionals }, control),
  );
  if (json) printJson({ ...result, repository_warnings: warnings });
  else printCopy(result);
  return 0;
}

function printCopy(r: CopyResult): void {
  for (const c of r.copied)
    process.stdout.write(`copied snapshot ${c.source.slice(0, 8)} as ${c.copy.slice(0, 8)}\n`);
  for (const s of r.skipped)
    process.stdout.write(
      `snapshot ${s.source.slice(0, 8)} is already there as ${s.copy.slice(0, 8)}\n`,
    );
  process.stdout.write(
    `copy: ${r.copied.length} snapshot(s) copied, ${r.skipped.length} already there; ` +
      `read ${formatBytes(r.bytes_read)} from the source; ` +
      `${r.blobs_added} new blob(s), ${formatBytes(r.bytes_added)} in ${r.packs_written} pack(s)\n`,
  );
}
