/** Temp repositories, real holder processes and condition waits for the lock tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { CairnError } from '../../../electron/engine/errors.js';
import { encodeLock, type LockRecord } from '../../../electron/engine/repository/lock-file.js';
import { LocalTarget } from '../../../electron/engine/targets/local-target.js';
import type { LockHolderConfig } from '../../fixtures/lock-holder.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = path.join(ROOT, 'test/fixtures/lock-holder.ts');

export interface TestRepository {
  dir: string;
  target: LocalTarget;
  key: Buffer;
  lockNames(): Promise<string[]>;
  /** Writes a lock file as some other process would have. */
  plantLock(record: Partial<LockRecord>): Promise<string>;
  dispose(): Promise<void>;
}

export async function createRepository(): Promise<TestRepository> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-locks-'));
  const target = new LocalTarget(dir);
  await target.create();
  const key = randomBytes(32);
  const now = new Date().toISOString();
  return {
    dir,
    target,
    key,
    // Straight from the folder: LocalTarget.list fails when a file vanishes while it looks.
    lockNames: async () =>
      (await readdir(path.join(dir, 'locks'))).filter((n) => !n.endsWith('.tmp')).sort(),
    plantLock: async (record) => {
      const file = encodeLock(key, {
        time: now,
        heartbeat: now,
        hostname: 'elsewhere',
        username: 'someone',
        pid: 1,
        exclusive: false,
        operation: 'backup',
        ...record,
      });
      await target.save('locks', file.name, file.bytes);
      return file.name;
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface Holder {
  child: ChildProcess;
  pid: number;
  /** Resolves with the first stdout line matching `pattern`. */
  line(pattern: RegExp): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startHolder(
  repo: TestRepository,
  config: Omit<LockHolderConfig, 'repo' | 'keyHex'>,
): Holder {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOCK_HOLDER: JSON.stringify({ ...config, repo: repo.dir, keyHex: repo.key.toString('hex') }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.pattern.test(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid: child.pid ?? -1,
    exited,
    line: (pattern) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return Promise.race([
        new Promise<string>((resolve) => waiters.push({ pattern, resolve })),
        exited.then(({ code, signal }) => {
          throw new Error(
            `holder exited (${code ?? signal}) before printing ${pattern}; it said: ${lines.join(' | ')}`,
          );
        }),
      ]);
    },
  };
}

/** Polls `condition` until it holds; fails after `timeoutMs` naming what was awaited. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function stop(holder: Holder): Promise<void> {
  if (holder.child.exitCode === null && holder.child.signalCode === null) {
    holder.child.kill('SIGKILL');
    await holder.exited;
  }
}

/** Awaits an operation that must be refused, and returns its CairnError. */
export async function refusal(promise: Promise<unknown>): Promise<CairnError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(CairnError);
  return error as CairnError;
}
