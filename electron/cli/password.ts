/**
 * The repository password for the CLI: CAIRN_PASSWORD, CAIRN_PASSWORD_FILE, else asked on the
 * terminal without echo. Never printed, never logged.
 */
import { promises as fs, readFileSync } from 'node:fs';
import { CairnError } from '../engine/errors.js';

/**
 * The password CAIRN_PASSWORD or CAIRN_PASSWORD_FILE gives, read at once; undefined when
 * neither gives one (or the file cannot be read: readPassword says why).
 */
export function givenPassword(): string | undefined {
  if (process.env.CAIRN_PASSWORD !== undefined && process.env.CAIRN_PASSWORD !== '')
    return process.env.CAIRN_PASSWORD;
  const file = process.env.CAIRN_PASSWORD_FILE;
  if (!file) return undefined;
  try {
    return passwordFile(file);
  } catch {
    return undefined;
  }
}

export async function readPassword(
  options: { confirm?: boolean; prompt?: string } = {},
): Promise<string> {
  if (process.env.CAIRN_PASSWORD !== undefined && process.env.CAIRN_PASSWORD !== '')
    return process.env.CAIRN_PASSWORD;
  const file = process.env.CAIRN_PASSWORD_FILE;
  if (file) {
    try {
      return passwordFile(file);
    } catch (err) {
      throw new CairnError(
        'invalid-argument',
        `cannot read CAIRN_PASSWORD_FILE ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  }
  if (!process.stdin.isTTY) {
    throw new CairnError(
      'invalid-argument',
      'no password: set CAIRN_PASSWORD or CAIRN_PASSWORD_FILE, or run on a terminal',
    );
  }
  const first = await askHidden(options.prompt ?? 'Repository password: ');
  if (!first) throw new CairnError('invalid-argument', 'empty password');
  if (options.confirm && (await askHidden('Repeat password: ')) !== first) {
    throw new CairnError('invalid-argument', 'the passwords do not match');
  }
  return first;
}

/**
 * The second repository's password (`copy --to`): CAIRN_PASSWORD2 or CAIRN_PASSWORD_FILE2,
 * else the first repository's.
 */
export async function readSecondPassword(first: string): Promise<string> {
  if (process.env.CAIRN_PASSWORD2) return process.env.CAIRN_PASSWORD2;
  const file = process.env.CAIRN_PASSWORD_FILE2;
  if (!file) return first;
  try {
    return (await fs.readFile(file, 'utf8')).replace(/\r?\n$/, '');
  } catch (err) {
    throw new CairnError(
      'invalid-argument',
      `cannot read CAIRN_PASSWORD_FILE2 ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
}

/**
 * CAIRN_PASSWORD_FILE's password, read once per process: the file may be a pipe
 * (`CAIRN_PASSWORD_FILE=<(pass show backup)`), which gives its content only once, and both the
 * key derivation's head start and the command ask for it.
 */
const passwordFiles = new Map<string, string>();
function passwordFile(file: string): string {
  let password = passwordFiles.get(file);
  if (password === undefined) {
    password = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    passwordFiles.set(file, password);
  }
  return password;
}

/** Reads one line from the terminal without echoing it; Ctrl+C cancels. */
export function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const done = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (buf: Buffer): void => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new CairnError('cancelled', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
