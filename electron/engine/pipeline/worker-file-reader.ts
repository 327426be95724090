/**
 * Runs in a worker: reads files, cuts them into chunks, hashes the chunks, and seals and stores
 * the ones the main thread says are new. A file is read in 1 MiB buffers; the next read and the next
 * chunks go on while the main thread answers which chunks are new (a few answers may be
 * outstanding), so this thread is not idle during the round trip. Read buffers and chunks
 * come from a pool, so memory stays flat and is not zero-filled anew for every MiB. A file
 * that changes while it is read (size or mtime differ before and after) is read once more,
 * then reported as unstable.
 *
 * A file is opened only if it is still the one the scan saw: without following a symlink,
 * without waiting (O_NONBLOCK: a FIFO put in its place would otherwise block this thread for
 * good), and checked to be the same regular file (device and inode). Anything else is
 * reported as replaced during the backup, and not read.
 */
import fs from 'node:fs';
import { Chunker } from '../chunker/fastcdc.js';
import { blobId } from '../crypto/chunk-id.js';
import type { ChunkerParams } from '../format/repo-config.js';
import { sealObjectParts } from '../format/sealed-object.js';
import type { BufferPool } from '../util/buffer-pool.js';
import * as fd from '../util/fd-fs.js';
import { fsPath } from '../format/raw-name.js';
import type { FileJob, FileOutcome } from './worker-messages.js';

const READ_BYTES = 1024 * 1024;
/** Small files are claimed together, up to this many bytes at a time. */
const CLAIM_BATCH_BYTES = 1024 * 1024;
/** Claims awaiting the main thread's answer before reading pauses: bounds memory. */
const CLAIMS_OUTSTANDING = 1;
/** Small files are read one after another into pooled slabs this large. */
const SLAB_BYTES = 1024 * 1024;

export interface FileReaderHost {
  encryptKey: Uint8Array;
  chunkIdKey: Uint8Array;
  gear: Int32Array;
  pool: BufferPool;
  /** Asks the main thread which of these chunk ids are new (and reserves them). */
  claim(ids: string[]): Promise<boolean[]>;
  /** Stores a sealed new chunk (in this worker's pack file). */
  storeBlob(id: string, sealed: readonly Buffer[], rawLength: number): void;
  reportBytes(n: number): void;
  collectGarbage(bytes: number): void;
}

/**
 * Chunks waiting to be claimed, and the claims the main thread has not answered yet. Every
 * chunk's memory is pooled: a large file's chunks come from the chunker, small files are read
 * into slabs that belong to one claim. A fresh buffer per small file would outlive a young
 * collection or two while its claim is out, and thousands of them then wait in the old
 * generation for a full one.
 */
class ClaimBatch {
  bytes = 0;
  private chunks: Buffer[] = [];
  private ids: string[] = [];
  /** Slabs taken for this batch; the last one is being filled. */
  private slabs: Buffer[] = [];
  private slabUsed = 0;
  private readonly outstanding = new Set<Promise<void>>();
  private failure: unknown;

  constructor(private readonly host: FileReaderHost) {}

  /** Room for a small file's bytes (at least one) in this batch's current slab. */
  room(bytes: number): Buffer {
    let slab = this.slabs[this.slabs.length - 1];
    if (!slab || slab.length - this.slabUsed < bytes) {
      slab = this.host.pool.take(Math.max(bytes, SLAB_BYTES));
      this.slabs.push(slab);
      this.slabUsed = 0;
    }
    const at = this.slabUsed;
    this.slabUsed += bytes;
    return slab.subarray(at, at + bytes);
  }

  add(chunk: Buffer): string {
    const id = blobId(this.host.chunkIdKey, chunk);
    this.chunks.push(chunk);
    this.ids.push(id);
    this.bytes += chunk.length;
    return id;
  }

  /** Sends the collected chunks to be claimed; waits only while too many claims are out. */
  async send(): Promise<void> {
    if (this.ids.length > 0) {
      // The claim owns the batch's memory from here, and gives it back.
      const claim = this.claimAndSeal(this.chunks, this.ids, this.slabs)
        .catch((err: unknown) => {
          this.failure ??= err;
        })
        .finally(() => this.outstanding.delete(claim));
      this.outstanding.add(claim);
      this.chunks = [];
      this.ids = [];
      this.bytes = 0;
    } else {
      // Slabs no chunk ended up in (an empty read, a failed one).
      this.slabs.forEach((slab) => this.host.pool.give(slab));
    }
    this.slabs = [];
    while (this.outstanding.size > CLAIMS_OUTSTANDING) await Promise.race(this.outstanding);
    if (this.failure) throw this.failure;
  }

  /** Sends what is collected and waits until every new chunk has gone to the main thread. */
  async drain(): Promise<void> {
    await this.send();
    await Promise.all(this.outstanding);
    if (this.failure) throw this.failure;
  }

  private async claimAndSeal(chunks: Buffer[], ids: string[], slabs: Buffer[]): Promise<void> {
    try {
      const fresh = await this.host.claim(ids);
      chunks.forEach((chunk, i) => {
        if (fresh[i])
          this.host.storeBlob(ids[i]!, sealObjectParts(this.host.encryptKey, chunk), chunk.length);
        this.host.collectGarbage(chunk.length);
      });
    } finally {
      // Only now, all together: several chunks share one slab.
      chunks.forEach((chunk) => this.host.pool.give(chunk));
      slabs.forEach((slab) => this.host.pool.give(slab));
    }
  }
}

export async function readFiles(
  host: FileReaderHost,
  files: FileJob[],
  chunker: ChunkerParams,
): Promise<FileOutcome[]> {
  const batch = new ClaimBatch(host);
  const outcomes: FileOutcome[] = [];
  for (const file of files) {
    try {
      outcomes.push(await readOne(host, batch, file, chunker));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      outcomes.push({ ok: false, code: e.code ?? 'EIO', message: e.message });
    }
    if (batch.bytes >= CLAIM_BATCH_BYTES) await batch.send();
  }
  await batch.drain();
  return outcomes;
}

const OPEN_SCANNED = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

/** Not the file the scan saw: another kind of file, a link, or another file by that name. */
const REPLACED: FileOutcome = {
  ok: false,
  code: 'EREPLACED',
  message: 'replaced during the backup (by another file, a link or a pipe); not saved',
};

async function readOne(
  host: FileReaderHost,
  batch: ClaimBatch,
  file: FileJob,
  chunker: ChunkerParams,
): Promise<FileOutcome> {
  const flags = OPEN_SCANNED | (file.followLink ? 0 : fs.constants.O_NOFOLLOW);
  for (let attempt = 0; ; attempt++) {
    // A small file is read with blocking calls: this thread exists to do this work, and five
    // round trips through libuv's thread pool per file cost more than reading it (measured:
    // half of a worker's time idle on a folder of thousands of small files).
    let handle: number;
    try {
      handle = fs.openSync(fsPath(file.path), flags);
    } catch (err) {
      // ELOOP: a symlink now; ENXIO: a socket (or a FIFO opened for writing).
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP' || code === 'ENXIO') return REPLACED;
      throw err;
    }
    let closed = false;
    try {
      const before = fs.fstatSync(handle, { bigint: true });
      if (
        !before.isFile() ||
        before.dev.toString() !== file.device ||
        before.ino.toString() !== file.inode
      ) {
        return REPLACED;
      }
      const content: string[] = [];
      let size = 0;
      if (before.size < BigInt(chunker.min_size)) {
        const want = Number(before.size);
        if (want > 0) {
          const buf = batch.room(want);
          size = fd.readFullySync(handle, buf, want, 0);
          host.reportBytes(size);
          if (size > 0) content.push(batch.add(buf.subarray(0, size)));
        }
      } else {
        await batch.send();
        const cdc = new Chunker(
          chunker,
          (chunk) => content.push(batch.add(chunk)),
          host.gear,
          host.pool,
        );
        // Two read buffers take turns: one is chunked while the other is being filled.
        const buffers = [host.pool.take(READ_BYTES), host.pool.take(READ_BYTES)];
        const readInto = (buf: Buffer): Promise<number> => {
          const reading = fd.read(handle, buf, 0, READ_BYTES, null);
          // Handled here as well: it may fail while this thread awaits a claim, before the
          // loop awaits it (an unhandled rejection would end the process).
          reading.catch(() => 0);
          return reading;
        };
        let next = readInto(buffers[0]!);
        let chunked = false;
        try {
          let turn = 0;
          for (;;) {
            const n = await next;
            if (n === 0) break;
            const buf = buffers[turn]!;
            turn ^= 1;
            next = readInto(buffers[turn]!);
            size += n;
            host.reportBytes(n);
            cdc.push(buf.subarray(0, n));
            await batch.send();
          }
          cdc.finish();
          chunked = true;
        } finally {
          // A read may still be filling a buffer when something failed: wait for it first.
          await next.catch(() => 0);
          buffers.forEach((b) => host.pool.give(b));
          if (!chunked) cdc.discard();
        }
        await batch.send();
      }
      const after = fs.fstatSync(handle, { bigint: true });
      fs.closeSync(handle);
      closed = true;
      const stable =
        after.size === before.size &&
        after.mtimeNs === before.mtimeNs &&
        BigInt(size) === after.size;
      if (stable || attempt >= 1) return { ok: true, content, size, unstable: !stable };
    } finally {
      if (!closed) fs.closeSync(handle);
    }
  }
}
