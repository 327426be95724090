/**
 * Runs the built `cairn` CLI as a real process, as users and scripts do.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist/cli/cairn.js');

/**
 * Cairn's own folder for runs that do not name one: a temporary one per test process, never
 * the home folder of whoever runs the tests (the CLI keeps caches there).
 */
const DEFAULT_HOME =
  process.env.CAIRN_HOME ?? mkdtempSync(path.join(os.tmpdir(), 'cairn-test-home-'));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Run through another program first, e.g. ['setpriv', '--reuid=65534', …]. */
  wrapper?: string[];
  /** Another copy of the built CLI (see cli-for-other-users.ts); default CLI. */
  cli?: string;
}

export function cairn(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const argv = [...(options.wrapper ?? []), process.execPath, options.cli ?? CLI, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: {
        ...process.env,
        CAIRN_HOME: DEFAULT_HOME,
        CAIRN_PASSWORD: 'correct horse battery staple',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs and fails with the process's own output when the exit code is not the expected one. */
export async function cairnOk(
  args: string[],
  options: CliOptions = {},
  expected = 0,
): Promise<CliResult> {
  const res = await cairn(args, options);
  if (res.code !== expected) {
    throw new Error(
      `cairn ${args.join(' ')} exited ${res.code} (wanted ${expected})\n${res.stderr}\n${res.stdout}`,
    );
  }
  return res;
}

/**
 * Runs the CLI to its end with exactly this environment added (no default password) and
 * returns what it printed; anything but exit 0 throws with its stderr.
 */
export function cairnOkSync(args: string[], env: Record<string, string>): string {
  const res = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, CAIRN_HOME: DEFAULT_HOME, ...env },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`cairn ${args.join(' ')}: ${res.status} ${res.stderr}`);
  return res.stdout;
}
