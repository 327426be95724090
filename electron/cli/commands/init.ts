import { parse, repoOption, requireRepo } from '../args.js';
import { createEngine, redactLocation } from '../../engine/service.js';
import { readPassword } from '../password.js';

const USAGE = 'cairn init --repo LOC [--copy-chunker-params-from LOC2]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    { ...repoOption, 'copy-chunker-params-from': { type: 'string' } },
    USAGE,
  );
  const location = requireRepo(values.repo, USAGE);
  const password = await readPassword({ confirm: true, prompt: 'New repository password: ' });
  const engine = createEngine();
  // A warning, not a refusal: scripts that create repositories must keep working.
  const rating = await engine.ratePassword(password);
  if (rating.weak) process.stderr.write(`cairn: warning: the password is weak. ${rating.advice}\n`);
  const from = values['copy-chunker-params-from'];
  const copyFrom = from
    ? { location: from, password: process.env.CAIRN_PASSWORD2 || password }
    : undefined;
  const { id } = await engine.initRepository(
    { location, password },
    { copyChunkerParamsFrom: copyFrom },
  );
  process.stdout.write(`created repository ${id.slice(0, 10)} at ${redactLocation(location)}\n`);
  process.stdout.write('Keep the password safe: without it, the data cannot be recovered.\n');
  return 0;
}
