/**
 * `cairn secret set|get|delete ENTRY`: manages secrets in the OS keychain (service "cairn"),
 * which source definitions and plans then name as `keychain:ENTRY`. `set` reads the value from
 * standard input — a prompt without echo on a terminal, or piped text (one trailing newline
 * dropped) — never from the command line, where it would land in shell history and `ps`.
 * `argv` is what follows `secret`.
 */
import { CairnError, errorMessage } from '../../engine/errors.js';
import { createEngine } from '../../engine/service.js';
import { askHidden } from '../password.js';

const USAGE = 'usage: cairn secret set|get|delete ENTRY';

export async function run(argv: string[]): Promise<number> {
  const [action, entry, ...extra] = argv;
  if (entry === undefined || extra.length > 0 || !['set', 'get', 'delete'].includes(action ?? '')) {
    process.stderr.write(`${USAGE}\n`);
    return 1;
  }
  try {
    const keychain = await createEngine().openKeychain();
    if (action === 'set') {
      const value = process.stdin.isTTY
        ? await askHidden(`Secret for ${entry}: `)
        : await readStdin();
      if (value.length === 0)
        throw new CairnError('invalid-argument', 'the secret is empty; nothing was stored');
      await keychain.set(entry, value);
      process.stderr.write(`stored keychain entry "${entry}"; refer to it as keychain:${entry}\n`);
      return 0;
    }
    if (action === 'get') {
      const value = await keychain.get(entry);
      if (value === null)
        throw new CairnError('invalid-argument', `the OS keychain has no entry "${entry}"`);
      process.stdout.write(`${value}\n`);
      return 0;
    }
    if (!(await keychain.delete(entry))) {
      throw new CairnError('invalid-argument', `the OS keychain has no entry "${entry}"`);
    }
    process.stderr.write(`deleted keychain entry "${entry}"\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`cairn secret ${action}: ${errorMessage(err)}\n`);
    return err instanceof CairnError ? err.exitCode : 1;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
