import { CairnError } from '../../engine/errors.js';
import { createEngine } from '../../engine/service.js';
import type { OverwritePolicy } from '../../engine/service-types.js';
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
  const result = await createEngine().restore(
    { location, password: await readPassword(), noLock: values['no-lock'] ?? false },
    {
      snapshot,
      target: values.target,
      include: values.include ?? [],
      overwrite: overwrite as OverwritePolicy,
    },
    control,
  );
  clearProgress(json);
  if (json) printJson({ ...result, repository_warnings: control.warnings });
  else {
    for (const w of result.warnings) process.stderr.write(`warning: ${w.path}: ${w.message}\n`);
    process.stdout.write(
      `restored ${result.files_restored} file(s), ${formatBytes(result.bytes_restored)} to ${values.target}` +
        (result.files_skipped ? `; ${result.files_skipped} existing file(s) skipped` : '') +
        (result.files_renamed ? `; ${result.files_renamed} restored under a new name` : '') +
        '\n',
    );
  }
  if (result.warnings.length > 0) {
    process.stderr.write(`cairn: restore finished with ${result.warnings.length} problem(s)\n`);
    return 1;
  }
  return 0;
}
