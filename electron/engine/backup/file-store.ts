/**
 * The main thread's half of reading files for a backup. Files go to the workers in batches
 * (many small files together, a large file alone); the workers ask here which chunks are new
 * — the index lives on this thread, so a chunk is stored once even when two workers meet it at
 * the same moment — and hand back sealed chunks for the pack writer. Answers to those
 * questions wait while the pack writer is behind, which bounds memory by the pack size rather
 * than by the data.
 */
import type { FileOutcome } from '../pipeline/worker-messages.js';
import type { FileSink, WorkerPool } from '../pipeline/worker-pool.js';
import type { Repository } from '../repository/repository.js';
import { throwIfCancelled } from '../util/cancel.js';
import { Semaphore } from '../util/semaphore.js';
import type { ProgressMeter } from '../util/progress-meter.js';

const BATCH_BYTES = 4 * 1024 * 1024;
const BATCH_FILES = 256;

export interface FileToRead {
  path: string;
  size: number;
}

export class FileStore implements FileSink {
  private readonly batches: Semaphore;
  private readonly adds = new Set<Promise<void>>();
  private failure: unknown;

  constructor(
    private readonly repo: Repository,
    private readonly pool: WorkerPool,
    private readonly meter: ProgressMeter,
    private readonly signal?: AbortSignal,
  ) {
    this.batches = new Semaphore(pool.size * 2);
  }

  /** Reads the files (in batches, concurrently) and returns their outcomes in input order. */
  async readAll(files: readonly FileToRead[]): Promise<FileOutcome[]> {
    // Groups hold indexes into `files`: a large file goes alone, small ones together.
    const groups: number[][] = [];
    let current: number[] = [];
    let bytes = 0;
    const min = this.repo.config.chunker.min_size;
    files.forEach((f, i) => {
      if (f.size >= min) {
        groups.push([i]);
        return;
      }
      current.push(i);
      bytes += f.size;
      if (bytes >= BATCH_BYTES || current.length >= BATCH_FILES) {
        groups.push(current);
        current = [];
        bytes = 0;
      }
    });
    if (current.length) groups.push(current);
    const outcomes: FileOutcome[] = new Array(files.length);
    await Promise.all(
      groups.map(async (group) => {
        await this.batches.acquire();
        try {
          if (this.failure) throw this.failure;
          // Batches queue for a slot; a cancel must not wait until every queued one was read.
          throwIfCancelled(this.signal);
          const load = group.reduce((sum, i) => sum + files[i]!.size, 0);
          const jobs = group.map((i) => ({ path: files[i]!.path }));
          const results = await this.pool.readFiles(jobs, this.repo.config.chunker, load, this);
          group.forEach((fileIndex, k) => (outcomes[fileIndex] = results[k]!));
        } finally {
          this.batches.release();
        }
      }),
    );
    return outcomes;
  }

  async claim(ids: string[]): Promise<boolean[]> {
    if (this.failure) throw this.failure;
    await this.repo.packWriter().waitForRoom();
    return ids.map((id) => this.repo.index.claim(id));
  }

  blob(id: string, sealed: Buffer, rawLength: number): void {
    const add = this.repo
      .packWriter()
      .add(id, 'data', sealed, rawLength)
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => this.adds.delete(add));
    this.adds.add(add);
  }

  bytes(n: number): void {
    this.meter.bytes += n;
    this.meter.emit();
  }

  /** Waits until every chunk handed back is with the pack writer. */
  async drain(): Promise<void> {
    await Promise.all(this.adds);
    if (this.failure) throw this.failure;
  }
}
