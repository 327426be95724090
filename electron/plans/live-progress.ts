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
