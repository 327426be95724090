/**
 * A running plan's progress, kept beside the activity history (`activity/live/<run>.json`) so
 * another process shows it too: `cairn plan run` in a terminal while the app or `cairn serve`
 * runs. Written at most once a second, removed when the run ends; read only for a run the
 * history says is running (its process alive), so one left by a killed process is never shown.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { JobProgress } from '../../shared/domain.js';
import { writeFileAtomic } from './atomic-json.js';

const WRITE_EVERY_MS = 1000;

export function liveProgressFile(activityDir: string, runId: string): string {
  return path.join(activityDir, 'live', `${runId}.json`);
}

/** A file untouched this long belongs to a run that ended without removing it (killed). */
const LEFTOVER_AGE_MS = 60 * 60 * 1000;

/**
 * Removes what killed runs left. A live run whose file is older (no progress for an hour)
 * loses nothing: its next progress writes the file again.
 */
export async function sweepLiveLeftovers(activityDir: string, now = Date.now()): Promise<void> {
  const dir = path.join(activityDir, 'live');
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const file = path.join(dir, name);
    const st = await fs.stat(file).catch(() => null);
    if (st && now - st.mtimeMs > LEFTOVER_AGE_MS) await fs.rm(file, { force: true });
  }
}

export class LiveProgress {
  private lastWrite = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  push(progress: JobProgress): void {
    const now = Date.now();
    if (now - this.lastWrite < WRITE_EVERY_MS) return;
    this.lastWrite = now;
    const text = JSON.stringify(progress);
    // Best effort: the run goes on whether or not another process can follow it.
    this.writing = this.writing.then(() => writeFileAtomic(this.file, text).catch(() => undefined));
  }

  async remove(): Promise<void> {
    await this.writing;
    await fs.rm(this.file, { force: true });
  }
}

export async function readLiveProgress(file: string): Promise<JobProgress | null> {
  const text = await fs.readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    return JSON.parse(text) as JobProgress;
  } catch {
    return null; // never half-written (atomic), but never fatal either
  }
}
