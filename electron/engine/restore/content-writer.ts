/**
 * Writes the contents of restored files, pack by pack. Files are planned in batches, in the
 * order the tree walk meets them (close to the order the backup stored them): the blobs a batch
 * needs are grouped by pack and merged into ranges of a few MiB, and each range goes to a
 * worker, which reads it once, opens every blob in it and writes each plaintext at its places in
 * the files — file contents never come back to this thread. A file wholly inside one range is
 * created and finished by the worker; a file spread over several ranges is created here
 * (O_EXCL), and finished here once its last range is written. Either way a file is written
 * under a hidden name and renamed into place once complete (partial-file.ts).
 *
 * Damage in the repository fails only the files it touches: a blob missing from the index (at
 * planning), a damaged blob (on the worker), a pack that is gone (the whole range). Such a
 * file is discarded — its hidden file removed, nothing under its real name — and reported in
 * the result's `damaged` list; every other file, of the same pack too, is written as usual.
 *
 * Memory stays flat: batches are bounded, the next one is planned only when the workers are
 * nearly out of work, and a worker holds one range at a time in a buffer it reuses.
 */
import { constants, promises as fs } from 'node:fs';
import { CairnError, isNotFound } from '../errors.js';
import { fsPath } from '../format/raw-name.js';
import type { TreeNode } from '../format/tree.js';
import type { RangeFile, RangeOutcome, RestoreRange } from '../pipeline/worker-messages.js';
import type { WorkerPool } from '../pipeline/worker-pool.js';
import type { Repository } from '../repository/repository.js';
import type { RestoreResult } from '../operation-types.js';
import { throwIfCancelled } from '../util/cancel.js';
import * as fd from '../util/fd-fs.js';
import type { ProgressMeter } from '../util/progress-meter.js';
import { createPartialSync, partialPath, placeSync } from './partial-file.js';
import { RangeBuffers } from './range-buffers.js';

/** Files and bytes planned together. */
const BATCH_FILES = 128;
const BATCH_BYTES = 64 * 1024 * 1024;
/** A range grows to about this size; a larger blob is a range of its own. */
const RANGE_BYTES = 2 * 1024 * 1024;
/** Unneeded bytes worth reading through rather than starting a new range. */
const RANGE_GAP = 256 * 1024;

/**
 * Ranges in flight from a remote target: a range there is a request that waits on the network
 * and the server before any worker can start on it, so more are kept going than the workers
 * need from a local disk; at 2 MiB each this bounds the downloaded bytes held to 16 MiB.
 */
const REMOTE_RANGES_IN_FLIGHT = 8;

/** Empty files created at once (each holds a descriptor while its metadata is set). */
const EMPTY_AT_ONCE = 16;

const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;

export interface ContentWriterOptions {
  result: RestoreResult;
  meter: ProgressMeter;
  /** Restore ownership (when running as root). */
  asRoot: boolean;
  signal: AbortSignal | undefined;
}

/**
 * Called once when the file is complete, or with why it is not: a DamagedFile error when the
 * repository data it needs is damaged, else the error that stopped the restore.
 */
export type WhenDone = (err?: Error) => void;

/** A file not restored because data it needs is damaged; the restore goes on without it. */
export class DamagedFile extends CairnError {
  constructor(message: string) {
    super('corrupt', message);
  }
}

/** Damage in the repository, which fails the files (or folder) that need it, not the restore. */
export function isDamage(err: unknown): err is CairnError {
  return err instanceof CairnError && err.kind === 'corrupt';
}

interface PlannedFile {
  dest: string;
  /** The snapshot path of the folder it is in (shared by its siblings), for reports. */
  folder: readonly string[];
  /** Where it is written until complete (partial-file.ts). */
  partial: string;
  node: TreeNode;
  whenDone: WhenDone | undefined;
  /** Takes the place of the file at `dest` once complete (`--overwrite always`). */
  replace: boolean;
  /** Ranges still to write; the file is complete at zero. */
  rangesLeft: number;
  /** Plaintext bytes written so far. */
  written: number;
  /** Why it cannot be restored, once a range found damage. */
  damage?: string;
  /** Set when this thread opened the file (it spans several ranges). */
  fd?: number;
}

interface PlannedBlob {
  id: string;
  offset: number;
  length: number;
  rawLength: number;
  /** Pairs of (file, position in the file). */
  writes: (PlannedFile | number)[];
}

interface PlannedRange {
  pack: string;
  offset: number;
  length: number;
  blobs: PlannedBlob[];
  files: PlannedFile[];
}

export class ContentWriter {
  private batch: PlannedFile[] = [];
  private batchBytes = 0;
  private readonly queue: PlannedRange[] = [];
  private running = 0;
  private emptyRunning = 0;
  /** Batches being planned (their files being opened). */
  private flushing = 0;
  /** Files planned and not yet complete that someone waits for. */
  private readonly awaited = new Set<PlannedFile>();
  /** Files this thread holds open. */
  private readonly open = new Set<PlannedFile>();
  /** Work on this thread: creating and finishing files, links. */
  private readonly tasks = new Set<Promise<void>>();
  private failure: Error | undefined;
  private waiters: (() => void)[] = [];
  /** Ranges in flight at once: enough that no worker waits for the next. */
  private readonly parallel: number;
  /** What ranges from a remote target are downloaded into. */
  private readonly buffers: RangeBuffers;

  constructor(
    private readonly repo: Repository,
    private readonly pool: WorkerPool,
    private readonly options: ContentWriterOptions,
  ) {
    this.parallel = repo.target.localPath
      ? pool.size * 2
      : Math.max(pool.size * 2, REMOTE_RANGES_IN_FLIGHT);
    this.buffers = new RangeBuffers(RANGE_BYTES, this.parallel);
  }

  /**
   * Plans a file's content. Returns a promise only when the caller must wait — while the
   * workers have plenty to do — so that the common case allocates nothing more; throws once
   * the restore has failed.
   */
  add(
    dest: string,
    node: TreeNode,
    folder: readonly string[],
    options: { whenDone?: WhenDone; replace?: boolean } = {},
  ): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    const { whenDone, replace = false } = options;
    const file: PlannedFile = {
      dest,
      folder,
      partial: partialPath(dest),
      node,
      whenDone,
      replace,
      rangesLeft: 0,
      written: 0,
    };
    if (whenDone) this.awaited.add(file);
    if (!node.content?.length) {
      this.track(this.writeEmpty(file));
      return this.emptyRunning >= EMPTY_AT_ONCE ? this.emptyRoom() : undefined;
    }
    this.batch.push(file);
    this.batchBytes += node.size ?? 0;
    if (this.batch.length >= BATCH_FILES || this.batchBytes >= BATCH_BYTES) return this.flush();
    return undefined;
  }

  /** Runs work on this thread (a hard link, …) as part of the restore: its failure is the restore's. */
  track(work: Promise<void>): void {
    const task: Promise<void> = work.then(
      () => this.untrack(task),
      (err: unknown) => {
        this.untrack(task);
        this.fail(err as Error);
      },
    );
    this.tasks.add(task);
  }

  /** Writes everything planned; throws the first error. */
  async finish(): Promise<void> {
    if (this.batch.length) await this.flush();
    while (!this.failure && (this.queue.length || this.running || this.tasks.size))
      await this.changed();
    if (this.failure) throw this.failure;
  }

  /**
   * After finish(), or after a failure: waits for work in flight (a worker may still be writing
   * into a file this thread opened), then closes what is still open.
   */
  async close(): Promise<void> {
    this.fail(new CairnError('cancelled', 'restore stopped'));
    while (this.running || this.flushing || this.tasks.size) await this.changed();
    await Promise.all(
      [...this.open].map(async (f) => {
        await fd.close(f.fd!).catch(() => undefined);
        await fs.rm(fsPath(f.partial), { force: true });
      }),
    );
    this.open.clear();
  }

  private async flush(): Promise<void> {
    const files = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    this.flushing++;
    try {
      // Plan the next batch only when the workers are nearly out of work: files planned early
      // would only hold descriptors and memory.
      while (!this.failure && this.queue.length > this.parallel) await this.changed();
      if (this.failure) throw this.failure;
      const ranges = this.plan(files);
      for (const f of files) {
        if (f.rangesLeft <= 1) continue;
        f.fd = createPartialSync(f.partial);
        this.open.add(f);
      }
      this.queue.push(...ranges);
      this.pump();
    } finally {
      this.flushing--;
      this.wake();
    }
  }

  private async emptyRoom(): Promise<void> {
    while (!this.failure && this.emptyRunning >= EMPTY_AT_ONCE) await this.changed();
  }

  /** Groups the blobs of `files` by pack and merges them into ranges. */
  private plan(files: PlannedFile[]): PlannedRange[] {
    const packs = new Map<string, Map<number, PlannedBlob>>();
    for (const file of files) {
      const lost = file.node.content!.find((id) => !this.repo.index.lookup(id));
      if (lost !== undefined) {
        this.discarded(file, `data blob ${lost.slice(0, 12)} is missing from the index`);
        continue;
      }
      let position = 0;
      for (const id of file.node.content!) {
        const loc = this.repo.index.lookup(id)!;
        let blobs = packs.get(loc.pack);
        if (!blobs) packs.set(loc.pack, (blobs = new Map()));
        let blob = blobs.get(loc.offset);
        if (!blob) {
          blob = {
            id,
            offset: loc.offset,
            length: loc.length,
            rawLength: loc.raw_length,
            writes: [],
          };
          blobs.set(loc.offset, blob);
        }
        blob.writes.push(file, position);
        position += loc.raw_length;
      }
    }
    const ranges: PlannedRange[] = [];
    for (const [pack, byOffset] of packs) {
      let range: PlannedRange | undefined;
      for (const blob of [...byOffset.values()].sort((a, b) => a.offset - b.offset)) {
        const end = range ? range.offset + range.length : 0;
        if (
          !range ||
          blob.offset - end > RANGE_GAP ||
          blob.offset + blob.length - range.offset > RANGE_BYTES
        ) {
          range = { pack, offset: blob.offset, length: 0, blobs: [], files: [] };
          ranges.push(range);
        }
        range.blobs.push(blob);
        range.length = blob.offset + blob.length - range.offset;
      }
    }
    for (const range of ranges) {
      const seen = new Set<PlannedFile>();
      for (const blob of range.blobs)
        for (let i = 0; i < blob.writes.length; i += 2) seen.add(blob.writes[i] as PlannedFile);
      range.files = [...seen];
      for (const f of seen) f.rangesLeft++;
    }
    return ranges;
  }

  private pump(): void {
    while (!this.failure && this.running < this.parallel && this.queue.length) {
      const range = this.queue.shift()!;
      this.running++;
      this.write(range).then(
        () => {
          this.running--;
          this.pump();
          this.wake();
        },
        (err: unknown) => {
          this.running--;
          this.fail(err as Error);
        },
      );
    }
  }

  private async write(range: PlannedRange): Promise<void> {
    throwIfCancelled(this.options.signal);
    const index = new Map(range.files.map((f, i) => [f, i]));
    const files: RangeFile[] = range.files.map((f) =>
      f.fd !== undefined
        ? { fd: f.fd, ...(f.node.size !== undefined ? { size: f.node.size } : {}) }
        : {
            path: f.dest,
            partial: f.partial,
            ...(f.node.size !== undefined ? { size: f.node.size } : {}),
            mode: f.node.mode,
            mtime: mtimeSeconds(f.node),
            ...(this.owner(f.node) ? { owner: this.owner(f.node)! } : {}),
            ...(f.replace ? { replace: true } : {}),
          },
    );
    const local = this.repo.target.localPath?.('data', range.pack);
    const request: RestoreRange = {
      pack: range.pack,
      ...(local ? { path: local } : {}),
      offset: range.offset,
      length: range.length,
      files,
      blobs: range.blobs.map((b) => ({
        id: b.id,
        at: b.offset - range.offset,
        length: b.length,
        rawLength: b.rawLength,
        writes: b.writes.map((w) => (typeof w === 'number' ? w : index.get(w)!)),
      })),
    };
    let outcome: RangeOutcome;
    try {
      outcome = await this.pool.restoreRange(request, local ? undefined : await this.load(range));
      if (outcome.buffer) this.buffers.give(outcome.buffer);
    } catch (err) {
      // The range could not be read at all (its pack is gone): every file in it is damaged.
      if (!isDamage(err)) throw err;
      outcome = {
        written: [],
        damaged: range.files.map((_, file) => ({ file, message: err.message })),
      };
    }
    for (const d of outcome.damaged) range.files[d.file]!.damage ??= d.message;
    const { meter } = this.options;
    outcome.written.forEach((bytes, i) => {
      range.files[i]!.written += bytes;
      meter.bytes += bytes;
    });
    meter.current = range.files.at(-1)!.dest;
    meter.emit();
    for (const f of range.files) {
      if (--f.rangesLeft > 0) continue;
      if (f.damage !== undefined) this.track(this.discard(f));
      else if (f.fd === undefined) this.complete(f);
      else this.track(this.finishHere(f));
    }
  }

  private async load(range: PlannedRange): Promise<Buffer> {
    const into = this.buffers.take(range.length);
    try {
      const bytes = await this.repo.target.load('data', range.pack, {
        offset: range.offset,
        length: range.length,
        into,
      });
      // The target may have answered in a buffer of its own (see ByteRange.into).
      if (bytes.buffer !== into.buffer) this.buffers.give(into.buffer as ArrayBuffer);
      return bytes;
    } catch (err) {
      this.buffers.give(into.buffer as ArrayBuffer);
      if (isNotFound(err))
        throw new CairnError('corrupt', `pack ${range.pack.slice(0, 12)} is missing`);
      throw err;
    }
  }

  /** Drops a damaged file: its hidden file goes (the worker removed those it created). */
  private async discard(file: PlannedFile): Promise<void> {
    const handle = file.fd;
    if (handle !== undefined) {
      this.open.delete(file);
      file.fd = undefined;
      await fd.close(handle);
      await fs.rm(fsPath(file.partial), { force: true });
    }
    this.discarded(file, file.damage!);
  }

  private discarded(file: PlannedFile, message: string): void {
    this.options.result.damaged.push({
      path: '/' + [...file.folder, file.node.name].join('/'),
      message,
    });
    if (file.whenDone) {
      this.awaited.delete(file);
      file.whenDone(new DamagedFile(message));
    }
  }

  private async finishHere(file: PlannedFile): Promise<void> {
    const handle = file.fd!;
    try {
      // All-zero blobs were left as holes: the size makes them part of the file.
      if (file.node.size !== undefined) await fd.ftruncate(handle, file.node.size);
      await setMetadata(handle, file.node, this.owner(file.node));
    } finally {
      this.open.delete(file);
      file.fd = undefined;
      await fd.close(handle);
    }
    placeSync(file.partial, file.dest, file.replace);
    this.complete(file);
  }

  private async writeEmpty(file: PlannedFile): Promise<void> {
    this.options.meter.current = file.dest;
    this.emptyRunning++;
    try {
      // Nothing to lose in an empty file: the old one goes first.
      if (file.replace) await fs.rm(fsPath(file.dest), { force: true });
      const handle = await fd.open(fsPath(file.dest), CREATE, 0o600);
      try {
        await setMetadata(handle, file.node, this.owner(file.node));
      } finally {
        await fd.close(handle);
      }
    } finally {
      this.emptyRunning--;
    }
    this.complete(file);
  }

  private complete(file: PlannedFile): void {
    this.options.result.files_restored++;
    this.options.result.bytes_restored += file.written;
    this.options.meter.files++;
    this.options.meter.emit();
    if (file.whenDone) {
      this.awaited.delete(file);
      file.whenDone();
    }
  }

  private owner(node: TreeNode): { uid: number; gid: number } | undefined {
    return needsChown(this.options.asRoot, node)
      ? { uid: node.uid!, gid: node.gid ?? 0 }
      : undefined;
  }

  private fail(err: Error): void {
    if (!this.failure) {
      this.failure = err;
      for (const f of this.awaited) f.whenDone!(err);
      this.awaited.clear();
    }
    this.wake();
  }

  private untrack(task: Promise<void>): void {
    this.tasks.delete(task);
    this.wake();
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/**
 * The node's mtime as utimes wants it: seconds, to the microsecond. Node turns a negative
 * number into "now", so a time before 1970 goes as a Date (to the millisecond).
 */
export function mtimeSeconds(node: TreeNode): number | Date {
  const ns = BigInt(node.mtime_ns);
  if (ns < 0n) return new Date(Math.round(Number(ns) / 1e6));
  return Number(ns / 1000n) / 1e6;
}

/** Ownership is restored as root only, and only where it differs from root's own. */
export function needsChown(asRoot: boolean, node: TreeNode): boolean {
  return asRoot && node.uid !== undefined && (node.uid !== 0 || (node.gid ?? 0) !== 0);
}

async function setMetadata(
  handle: number,
  node: TreeNode,
  owner: { uid: number; gid: number } | undefined,
): Promise<void> {
  if (owner) await fd.fchown(handle, owner.uid, owner.gid);
  await fd.fchmod(handle, node.mode);
  const mtime = mtimeSeconds(node);
  await fd.futimes(handle, mtime, mtime);
}
