import { CairnError } from '../../engine/errors.js';
import { createEngine } from '../../engine/service.js';
import type { OverwritePolicy, RestoreResult } from '../../engine/service-types.js';
import { jsonOption, noLockOption, parse, repoOption, requireRepo } from '../args.js';
import { clearProgress, formatBytes, printJson } from '../output.js';
import { cliJobControl } from '../job-control.js';
import { readPassword } from '../password.js';

const USAGE =
  'cairn restore SNAPSHOT --target DIR --repo LOC [--no-lock] [--include PATH]... [--overwrite skip|always|rename]';
const POLICIES = ['skip', 'always', 'rename'];

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      ...repoOption,
      ...jsonOption,
      ...noLockOption,
      target: { type: 'string', short: 't' },
      include: { type: 'string', multiple: true },
      overwrite: { type: 'string' },
    },
    USAGE,
  );
  const location = requireRepo(values.repo, USAGE);
  const snapshot = positionals[0];
  if (!snapshot)
    throw new CairnError('invalid-argument', `name a snapshot (an id or latest)\nusage: ${USAGE}`);
  if (!values.target)
    throw new CairnError('invalid-argument', `--target DIR is required\nusage: ${USAGE}`);
  const overwrite = values.overwrite ?? 'skip';
  if (!POLICIES.includes(overwrite))
    throw new CairnError(
      'invalid-argument',
      `--overwrite must be skip, always or rename, not ${overwrite}`,
    );
  const json = values.json ?? false;
  const control = cliJobControl(json);
  const summary = (r: Pick<RestoreResult, 'files_restored' | 'bytes_restored'>): string =>
    `restored ${r.files_restored} file(s), ${formatBytes(r.bytes_restored)} to ${values.target}`;
  let result: RestoreResult;
  try {
    result = await createEngine().restore(
      { location, password: await readPassword(), noLock: values['no-lock'] ?? false },
      {
        snapshot,
        target: values.target,
        include: values.include ?? [],
        overwrite: overwrite as OverwritePolicy,
      },
      control,
    );
  } catch (err) {
    // No --include is in the snapshot: nothing was restored, and the summary says so too.
    if (err instanceof CairnError && err.kind === 'path-not-found' && !json) {
      clearProgress(json);
      process.stdout.write(summary({ files_restored: 0, bytes_restored: 0 }) + '\n');
    }
    throw err;
  }
  clearProgress(json);
  if (json) printJson({ ...result, repository_warnings: control.warnings });
  else {
    for (const w of result.warnings) process.stderr.write(`warning: ${w.path}: ${w.message}\n`);
    for (const d of result.damaged) process.stderr.write(`damaged: ${d.path}: ${d.message}\n`);
    process.stdout.write(
      summary(result) +
        (result.files_skipped ? `; ${result.files_skipped} existing file(s) skipped` : '') +
        (result.files_renamed ? `; ${result.files_renamed} restored under a new name` : '') +
        (result.damaged.length ? `; ${result.damaged.length} damaged, not restored` : '') +
        '\n',
    );
  }
  // Done but incomplete (exit 3, README.md "Exit codes"): what could be restored was.
  const others = result.warnings.length ? `; ${result.warnings.length} other problem(s)` : '';
  if (result.damaged.length > 0) {
    process.stderr.write(
      `cairn: restore finished, but ${result.damaged.length} file(s) or folder(s) could not be restored: the repository data they need is damaged (cairn check --read-data tells more)${others}\n`,
    );
    return 3;
  }
  if (result.warnings.length > 0) {
    process.stderr.write(`cairn: restore finished with ${result.warnings.length} problem(s)\n`);
    return 3;
  }
  return 0;
}
