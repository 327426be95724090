/**
 * The main thread's half of reading files for a backup. Files go to the workers in batches
 * (many small files together, a large file alone); the workers ask here which chunks are new
 * — the index lives on this thread, so a chunk is stored once even when two workers meet it at
 * the same moment — and write the new ones into pack files of their own, which this side
 * stores and indexes as each is finished. Answers to those questions wait while packs are
 * being stored, so a slow target slows the reading instead of filling the disk with spool.
 */
import { CairnError } from '../errors.js';
import type { FileJob, FileOutcome } from '../pipeline/worker-messages.js';
import type { FinishedPack } from '../repository/pack-file.js';
import type { FileSink, WorkerPool } from '../pipeline/worker-pool.js';
import type { Repository } from '../repository/repository.js';
import { throwIfCancelled } from '../util/cancel.js';
import { Semaphore } from '../util/concurrency.js';
import { placeFailure } from '../util/write-failure.js';
import type { ProgressMeter } from '../util/progress-meter.js';

const BATCH_BYTES = 4 * 1024 * 1024;
const BATCH_FILES = 256;

export interface FileToRead extends FileJob {
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
    this.batches = new Semaphore(pool.size);
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
          const jobs = group.map((i): FileJob => {
            const { path, device, inode, followLink } = files[i]!;
            return { path, device, inode, ...(followLink ? { followLink } : {}) };
          });
          const results = await this.pool
            .readFiles(jobs, this.repo.config.chunker, this.spool(), load, this)
            .catch((err: unknown) => this.writeFailure(err));
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
    // Every MiB of a file asks here: a cancel stops even a large file part way through.
    throwIfCancelled(this.signal);
    await this.repo.packWriter().waitForRoom();
    return ids.map((id) => this.repo.index.claim(id));
  }

  pack(pack: FinishedPack): void {
    const add = this.repo
      .packWriter()
      .adopt(pack)
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

  /** Closes the workers' packs and waits until every pack is with the pack writer. */
  async drain(): Promise<void> {
    const last = await this.pool.finishPacks().catch((err: unknown) => this.writeFailure(err));
    last.forEach((pack) => this.pack(pack));
    await Promise.all(this.adds);
    if (this.failure) throw this.failure;
  }

  /** After a failure or a cancel: removes the workers' unfinished pack files. */
  async abandon(): Promise<void> {
    await this.pool.finishPacks(true).catch(() => undefined);
  }

  private spool(): { dir: string; packSize: number } {
    const writer = this.repo.packWriter();
    return { dir: writer.spoolDir, packSize: writer.packSize };
  }

  /** A worker could not write its pack file: the repository's disk, not the source, failed. */
  private writeFailure(err: unknown): never {
    const where = { kind: 'repository', at: this.repo.target.displayName } as const;
    const failure = placeFailure(err, where, 'writing a pack');
    if (failure instanceof CairnError) throw failure;
    throw new CairnError(
      'target-unreachable',
      `cannot write to repository at ${this.repo.target.displayName}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
