/**
 * One writer at a time for `config.json`: the desktop app, `cairn serve` and the CLI may all
 * change it (a plan added while the app records a recent repository), and each change is a
 * read-modify-write that would otherwise lose the other's edit. The lock is a file created
 * exclusively beside the configuration, holding the owner's pid; one whose owner is gone, or
 * that is older than any change takes, is stale and taken over.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CairnError } from '../engine/errors.js';
import { processAlive } from './process-alive.js';

/** A change reads and writes one small file: far longer than this means its owner hung. */
const STALE_AFTER_MS = 30_000;
const WAIT_MS = 10_000;

export function withConfigLock<T>(configFile: string, work: () => Promise<T>): Promise<T> {
  return withFileLock(
    configFile,
    `configuration ${configFile} is being changed by another Cairn process (lock ${configFile}.lock); try again`,
    work,
  );
}

/** The same lock for another small file that several processes change (the activity history). */
export async function withFileLock<T>(
  file: string,
  busy: string,
  work: () => Promise<T>,
): Promise<T> {
  const lock = `${file}.lock`;
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + WAIT_MS;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    try {
      await fs.writeFile(lock, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await isStale(lock)) {
      await fs.rm(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new CairnError('failure', busy);
    await sleep(delay);
  }
  try {
    return await work();
  } finally {
    await fs.rm(lock, { force: true });
  }
}

async function isStale(lock: string): Promise<boolean> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(lock, 'utf8'), fs.stat(lock)]);
    const pid = Number(text.trim());
    if (Date.now() - stat.mtimeMs > STALE_AFTER_MS) return true;
    // Half-written (its owner was between create and write): not stale yet.
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid);
  } catch {
    return false; // gone already: the next attempt takes it
  }
}
