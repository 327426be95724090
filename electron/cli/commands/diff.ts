import { CairnError } from '../../engine/errors.js';
import { createEngine, prettyJson } from '../../engine/service.js';
import { jsonOption, parse, repoOption, requireRepo } from '../args.js';
import { printDiff } from '../diff-printer.js';
import { runCliJob } from '../job-control.js';
import { readPassword } from '../password.js';

const USAGE = 'cairn diff SNAP_A SNAP_B --repo LOC [--record ENDPOINT/ID] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { ...repoOption, ...jsonOption, record: { type: 'string' } },
    USAGE,
  );
  const location = requireRepo(values.repo, USAGE);
  const [snapshotA, snapshotB, extra] = positionals;
  if (!snapshotA || !snapshotB || extra !== undefined)
    throw new CairnError('invalid-argument', `name two snapshots to compare\nusage: ${USAGE}`);
  const json = values.json ?? false;
  const ref = { location, password: await readPassword() };
  const { result } = await runCliJob(json, (control) =>
    createEngine().diff(
      ref,
      { snapshotA, snapshotB, ...(values.record !== undefined ? { record: values.record } : {}) },
      control,
    ),
  );
  // Record ids and field values exactly as the API wrote them (ids beyond 2^53 included).
  if (json) process.stdout.write(prettyJson(result) + '\n');
  else process.stdout.write(printDiff(result));
  return 0;
}
