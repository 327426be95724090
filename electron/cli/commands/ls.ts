import { createEngine } from '../../engine/service.js';
import { jsonOption, noLockOption, parse, repoOption, requireRepo } from '../args.js';
import { printJson, warningPrinter } from '../output.js';
import { readPassword } from '../password.js';
import { CairnError } from '../../engine/errors.js';

const USAGE = 'cairn ls SNAPSHOT [PATH] --repo LOC [--no-lock] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { ...repoOption, ...jsonOption, ...noLockOption },
    USAGE,
  );
  const location = requireRepo(values.repo, USAGE);
  const [snapshot, p = '/'] = positionals;
  if (!snapshot) throw new CairnError('invalid-argument', `name a snapshot\nusage: ${USAGE}`);
  const entries = await createEngine().listTree(
    { location, password: await readPassword(), noLock: values['no-lock'] ?? false },
    snapshot,
    p,
    true,
    warningPrinter(),
  );
  if (values.json) printJson(entries);
  else
    process.stdout.write(
      entries.map((e) => (e.type === 'dir' ? e.path + '/' : e.path)).join('\n') +
        (entries.length ? '\n' : ''),
    );
  return 0;
}
