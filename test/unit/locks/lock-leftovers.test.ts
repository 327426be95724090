/**
 * A lock is written as a temporary file and renamed into place; a process killed in between
 * leaves `locks/<name>.<random>.tmp`. The next process to take a lock removes it when it is
 * stale by the rules for locks, and leaves alone one that a live process is still writing.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeLock, type LockRecord } from '../../../electron/engine/repository/lock-file.js';
import { acquireLock } from '../../../electron/engine/repository/locks.js';
import { createRepository, type TestRepository } from './lock-test-kit.js';

let repo: TestRepository;

beforeEach(async () => {
  repo = await createRepository();
});

afterEach(async () => {
  await repo.dispose();
});

const minutesAgo = (m: number): Date => new Date(Date.now() - m * 60_000);

/** Writes a leftover as a killed save would have; returns its name. */
async function plantLeftover(
  content: Partial<LockRecord> | Buffer,
  writtenAt = new Date(),
): Promise<string> {
  const now = new Date().toISOString();
  const file = Buffer.isBuffer(content)
    ? { name: randomBytes(32).toString('hex'), bytes: content }
    : encodeLock(repo.key, {
        time: now,
        heartbeat: now,
        hostname: os.hostname(),
        username: 'someone',
        pid: process.pid,
        exclusive: false,
        operation: 'backup',
        ...content,
      });
  const name = `${file.name}.${randomBytes(6).toString('hex')}.tmp`;
  const at = path.join(repo.dir, 'locks', name);
  await writeFile(at, file.bytes);
  await utimes(at, writtenAt, writtenAt);
  return name;
}

async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid ?? -1;
}

async function takeAndRelease(): Promise<void> {
  const lock = await acquireLock(repo.target, repo.key, { exclusive: true, operation: 'prune' });
  await lock.release();
}

const lockFolder = async (): Promise<string[]> =>
  (await readdir(path.join(repo.dir, 'locks'))).sort();

describe('lock files left by a killed save', () => {
  it('removes those whose holder is gone or whose heartbeat is old', async () => {
    await plantLeftover({ pid: await exitedPid(), exclusive: true });
    await plantLeftover({ hostname: 'elsewhere', pid: 1, heartbeat: minutesAgo(31).toISOString() });
    await takeAndRelease();
    expect(await lockFolder()).toEqual([]);
  });

  it('removes one too short to read once its last write is older than the stale limit', async () => {
    await plantLeftover(randomBytes(20), minutesAgo(31));
    await takeAndRelease();
    expect(await lockFolder()).toEqual([]);
  });

  it('keeps those a live process may still be about to rename', async () => {
    const live = await plantLeftover({ hostname: 'elsewhere', pid: 1 });
    const ours = await plantLeftover({ pid: process.pid });
    const torn = await plantLeftover(randomBytes(20), minutesAgo(1));
    await takeAndRelease();
    expect(await lockFolder()).toEqual([live, ours, torn].sort());
  });
});
