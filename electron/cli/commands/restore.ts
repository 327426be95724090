import { CairnError } from '../../engine/errors.js';
import { createEngine } from '../../engine/service.js';
import {
  OVERWRITE_POLICIES,
  type RepositoryWarning,
  type RestoreResult,
} from '../../engine/service-types.js';
import { jsonOption, noLockOption, parse, repoOption, requireRepo } from '../args.js';
import { formatBytes, printJson } from '../output.js';
import { runCliJob } from '../job-control.js';
import { readPassword } from '../password.js';

const USAGE = `cairn restore SNAPSHOT --target DIR --repo LOC [--no-lock] [--include PATH]... [--overwrite ${OVERWRITE_POLICIES.join('|')}]`;

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
  const overwrite = OVERWRITE_POLICIES.find((p) => p === (values.overwrite ?? 'skip'));
  if (overwrite === undefined)
    throw new CairnError(
      'invalid-argument',
      `--overwrite must be skip, always or rename, not ${values.overwrite}`,
    );
  const json = values.json ?? false;
  const summary = (r: Pick<RestoreResult, 'files_restored' | 'bytes_restored'>): string =>
    `restored ${r.files_restored} file(s), ${formatBytes(r.bytes_restored)} to ${values.target}`;
  const ref = { location, password: await readPassword(), noLock: values['no-lock'] ?? false };
  const request = { snapshot, target: values.target, include: values.include ?? [], overwrite };
  let done: { result: RestoreResult; warnings: RepositoryWarning[] };
  try {
    done = await runCliJob(json, (control) => createEngine().restore(ref, request, control));
  } catch (err) {
    // No --include is in the snapshot: nothing was restored, and the summary says so too.
    if (err instanceof CairnError && err.kind === 'path-not-found' && !json) {
      process.stdout.write(summary({ files_restored: 0, bytes_restored: 0 }) + '\n');
    }
    throw err;
  }
  const { result, warnings } = done;
  if (json) printJson({ ...result, repository_warnings: warnings });
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
