/**
 * `cairn key list|add|passwd|remove ID`: the repository's key slots. Each slot wraps the same master
 * key under one password, so adding or changing a password never re-encrypts any data.
 * The new password comes from CAIRN_NEW_PASSWORD or is asked for.
 */
import { CairnError } from '../../engine/errors.js';
import { createEngine } from '../../engine/service.js';
import { jsonOption, parse, repoOption, requireRepo } from '../args.js';
import { printJson, table } from '../output.js';
import { readPassword } from '../password.js';

const USAGE = 'cairn key list|add|passwd|remove ID --repo LOC';

async function newPassword(): Promise<string> {
  const fromEnv = process.env.CAIRN_NEW_PASSWORD;
  if (fromEnv) return fromEnv;
  const saved = process.env.CAIRN_PASSWORD;
  delete process.env.CAIRN_PASSWORD;
  try {
    return await readPassword({ confirm: true, prompt: 'New password: ' });
  } finally {
    if (saved !== undefined) process.env.CAIRN_PASSWORD = saved;
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...repoOption, ...jsonOption }, USAGE);
  const location = requireRepo(values.repo, USAGE);
  const action = positionals[0];
  if (!action || !['list', 'add', 'passwd', 'remove'].includes(action))
    throw new CairnError('invalid-argument', `usage: ${USAGE}`);
  if (action === 'remove' && positionals.length !== 2)
    throw new CairnError(
      'invalid-argument',
      `name one key to remove (cairn key list shows them)\nusage: ${USAGE}`,
    );
  const ref = { location, password: await readPassword() };
  const engine = createEngine();
  if (action === 'list') {
    const slots = await engine.listKeys(ref);
    if (values.json) printJson(slots);
    else
      process.stdout.write(
        table([
          ['ID', 'Created', 'Host', 'User', ''],
          ...slots.map((s) => [
            s.id.slice(0, 8),
            s.created,
            s.hostname,
            s.username,
            [s.current ? '(this password)' : '', s.damaged ? `damaged: ${s.damaged}` : '']
              .filter(Boolean)
              .join(' '),
          ]),
        ]) + '\n',
      );
    return 0;
  }
  if (action === 'remove') {
    const { id } = await engine.removeKey(ref, positionals[1]!);
    process.stdout.write(
      `removed key ${id.slice(0, 8)}; its password no longer opens the repository\n`,
    );
    return 0;
  }
  if (action === 'passwd') {
    const { id } = await engine.changePassword(ref, newPassword);
    process.stdout.write(`password changed (key ${id.slice(0, 8)})\n`);
  } else {
    const { id } = await engine.addKey(ref, newPassword);
    process.stdout.write(`added key ${id.slice(0, 8)}; both passwords now open the repository\n`);
  }
  return 0;
}
