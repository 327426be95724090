/** Spawns processes for tests and collects what they print. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const runCommand = fileURLToPath(new URL('./run-command.ts', import.meta.url));

export function spawnAndWait(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** The argv that runs a CLI command module (`api-test`, `secret`) under tsx. */
export function commandArgv(moduleName: string, args: string[]): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', runCommand, moduleName, ...args]];
}

export function runCliCommand(
  moduleName: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<Finished> {
  const [command, argv] = commandArgv(moduleName, args);
  return spawnAndWait(command, argv, options);
}

/**
 * Runs a command inside a private D-Bus session with an unlocked gnome-keyring: the real Secret
 * Service, as on a Linux desktop (needs the gnome-keyring, dbus and dbus-x11 packages).
 */
export async function runInKeyringSession(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Finished> {
  // A keyring of its own (gnome-keyring keeps them under $XDG_DATA_HOME/keyrings), created and
  // unlocked with a known password: the user's own keyring is neither needed nor touched.
  const dataHome = await mkdtemp(path.join(tmpdir(), 'cairn-keyring-'));
  try {
    const script =
      'echo -n cairn-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"';
    return await spawnAndWait(
      'dbus-run-session',
      ['--', 'sh', '-c', script, 'sh', command, ...args],
      {
        env: { ...env, XDG_DATA_HOME: dataHome },
      },
    );
  } finally {
    // The daemon runs detached and may write its keyring for a moment after the session ends.
    await rm(dataHome, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}
