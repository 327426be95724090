/**
 * Starts the CLI with progress events on stderr (CAIRN_PROGRESS=json) and kills it with
 * SIGKILL the moment an event matches — a crash at a chosen point, triggered by what the
 * process reports rather than by a sleep. Another signal (SIGSTOP) freezes it there instead;
 * `onSignalled` then gets the process to continue it later.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { JobProgress } from '../../shared/domain.js';
import { CLI } from './cairn-cli.js';

export interface KillResult {
  killed: boolean;
  code: number | null;
  lastProgress: JobProgress | undefined;
  stderr: string;
}

export function killOnProgress(
  args: string[],
  when: (p: JobProgress) => boolean,
  env: Record<string, string> = {},
  signal: NodeJS.Signals = 'SIGKILL',
  onSignalled?: (child: ChildProcess) => void,
): Promise<KillResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: {
        ...process.env,
        CAIRN_PASSWORD: 'correct horse battery staple',
        CAIRN_PROGRESS: 'json',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let killed = false;
    let buffered = '';
    let stderr = '';
    let last: JobProgress | undefined;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        last = JSON.parse(line) as JobProgress;
        if (!killed && when(last)) {
          killed = true;
          child.kill(signal);
          onSignalled?.(child);
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ killed, code, lastProgress: last, stderr }));
  });
}
