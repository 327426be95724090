/**
 * A plan's "before" and "after" commands (a database dump, say): run by the system shell with
 * CAIRN_PLAN set, their output going to the run's log. Cancelling the run stops the command.
 */
import { spawn } from 'node:child_process';

export interface CommandOutcome {
  code: number | null;
  signal: string | null;
  /** The last line the command wrote to stderr (or stdout): the reason, when it fails. */
  lastLine: string;
}

export function runPlanCommand(
  command: string,
  env: Record<string, string>,
  onLine: (line: string) => void,
  signal?: AbortSignal,
): Promise<CommandOutcome> {
  return new Promise((resolve, reject) => {
    const shell = process.platform === 'win32' ? 'cmd.exe' : '/bin/sh';
    const args = process.platform === 'win32' ? ['/d', '/s', '/c', command] : ['-c', command];
    const child = spawn(shell, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(signal ? { signal } : {}),
    });
    let lastOut = '';
    let lastErr = '';
    const lines = (stream: NodeJS.ReadableStream, keep: (line: string) => void) => {
      let rest = '';
      const emit = (line: string) => {
        if (line.trim() === '') return;
        onLine(line);
        keep(line);
      };
      stream.on('data', (d: Buffer) => {
        const parts = (rest + d.toString('utf8')).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) emit(line);
      });
      stream.on('end', () => {
        emit(rest);
      });
    };
    lines(child.stdout, (l) => (lastOut = l));
    lines(child.stderr, (l) => (lastErr = l));
    child.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).name === 'AbortError') return;
      reject(err);
    });
    child.on('close', (code, sig) => resolve({ code, signal: sig, lastLine: lastErr || lastOut }));
  });
}
