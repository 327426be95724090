/**
 * Starts the CLI with CAIRN_PROGRESS=json-step, which freezes the process after each progress
 * event, and acts the moment an event matches: SIGKILL by default (a crash at a chosen point),
 * or another signal, or `whileFrozen` (say, a second command run while this one holds its
 * lock). The process is continued after every event. Because it is frozen while the test
 * decides, what happens is triggered by what the process reported, not by timing: a slow or
 * busy machine cannot let it run ahead of the event.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { JobProgress } from '../../shared/domain.js';
import { CLI } from './cairn-cli.js';

export interface KillResult {
  killed: boolean;
  code: number | null;
  lastProgress: JobProgress | undefined;
  stderr: string;
}

export interface AtProgress {
  env?: Record<string, string>;
  /** Sent at the matching event; null sends none. */
  signal?: NodeJS.Signals | null;
  /** Runs at the matching event, before the signal, while the process is frozen. */
  whileFrozen?: (child: ChildProcess) => Promise<void>;
}

/** Linux's process state letter: 'T' once SIGSTOP has taken effect. */
async function frozen(pid: number): Promise<void> {
  for (;;) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return; // gone
    }
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'T' || state === 't' || state === 'Z') return;
    await new Promise((r) => setTimeout(r, 1));
  }
}

export function killOnProgress(
  args: string[],
  when: (p: JobProgress) => boolean,
  { env = {}, signal = 'SIGKILL', whileFrozen }: AtProgress = {},
): Promise<KillResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: {
        ...process.env,
        CAIRN_PASSWORD: 'correct horse battery staple',
        CAIRN_PROGRESS: 'json-step',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let killed = false;
    let buffered = '';
    let stderr = '';
    let last: JobProgress | undefined;
    // Events are handled one at a time, in order: each waits for the process to be frozen.
    let handling = Promise.resolve();
    const onEvent = async (p: JobProgress): Promise<void> => {
      await frozen(child.pid!);
      if (!killed && when(p)) {
        killed = true;
        await whileFrozen?.(child);
        if (signal) child.kill(signal);
      }
      child.kill('SIGCONT');
    };
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const p = JSON.parse(line) as JobProgress;
        last = p;
        handling = handling.then(() => onEvent(p)).catch(reject);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      void handling.then(() => resolve({ killed, code, lastProgress: last, stderr }));
    });
  });
}
