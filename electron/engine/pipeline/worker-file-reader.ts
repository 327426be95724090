/**
 * Runs in a worker: reads files, cuts them into chunks, hashes the chunks, and seals the ones
 * the main thread says are new. A file is read in 1 MiB buffers and the next read overlaps
 * the wait for the main thread's answer, so memory stays flat and the disk stays busy. A file
 * that changes while it is read (size or mtime differ before and after) is read once more,
 * then reported as unstable.
 */
import { Chunker } from '../chunker/fastcdc.js';
import { blobId } from '../crypto/chunk-id.js';
import type { ChunkerParams } from '../format/repo-config.js';
import { sealObject } from '../format/sealed-object.js';
import * as fd from '../util/fd-fs.js';
import type { FileJob, FileOutcome } from './worker-messages.js';

const READ_BYTES = 1024 * 1024;
/** Small files are claimed together, up to this many bytes at a time. */
const CLAIM_BATCH_BYTES = 4 * 1024 * 1024;

export interface FileReaderHost {
  encryptKey: Uint8Array;
  chunkIdKey: Uint8Array;
  gear: Int32Array;
  /** Asks the main thread which of these chunk ids are new (and reserves them). */
  claim(ids: string[]): Promise<boolean[]>;
  sendBlob(id: string, sealed: Buffer, rawLength: number): void;
  reportBytes(n: number): void;
  collectGarbage(bytes: number): void;
}

/** Chunks waiting for their claim answer. */
class ClaimBatch {
  chunks: Buffer[] = [];
  ids: string[] = [];
  bytes = 0;

  constructor(private readonly host: FileReaderHost) {}

  add(chunk: Buffer): string {
    const id = blobId(this.host.chunkIdKey, chunk);
    this.chunks.push(chunk);
    this.ids.push(id);
    this.bytes += chunk.length;
    return id;
  }

  async flush(): Promise<void> {
    if (this.ids.length === 0) return;
    const { chunks, ids } = this;
    this.chunks = [];
    this.ids = [];
    this.bytes = 0;
    const fresh = await this.host.claim(ids);
    chunks.forEach((chunk, i) => {
      if (fresh[i])
        this.host.sendBlob(ids[i]!, sealObject(this.host.encryptKey, chunk), chunk.length);
      this.host.collectGarbage(chunk.length);
    });
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
      outcomes.push(await readOne(host, batch, file.path, chunker));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      outcomes.push({ ok: false, code: e.code ?? 'EIO', message: e.message });
    }
    if (batch.bytes >= CLAIM_BATCH_BYTES) await batch.flush();
  }
  await batch.flush();
  return outcomes;
}

async function readOne(
  host: FileReaderHost,
  batch: ClaimBatch,
  path: string,
  chunker: ChunkerParams,
): Promise<FileOutcome> {
  for (let attempt = 0; ; attempt++) {
    const handle = await fd.open(path, 'r');
    try {
      const before = await fd.fstat(handle, { bigint: true });
      const content: string[] = [];
      let size = 0;
      if (before.size < BigInt(chunker.min_size)) {
        const want = Number(before.size);
        const buf = Buffer.allocUnsafeSlow(want);
        size = await fd.readFully(handle, buf, want, 0);
        host.reportBytes(size);
        if (size > 0)
          content.push(batch.add(size === want ? buf : Buffer.from(buf.subarray(0, size))));
      } else {
        await batch.flush();
        const cdc = new Chunker(chunker, (chunk) => content.push(batch.add(chunk)), host.gear);
        let next = readBuffer(handle);
        for (;;) {
          const { buf, n } = await next;
          if (n === 0) break;
          size += n;
          host.reportBytes(n);
          cdc.push(n === READ_BYTES ? buf : buf.subarray(0, n));
          next = readBuffer(handle); // overlaps the claim round trip below
          await batch.flush();
        }
        cdc.finish();
        await batch.flush();
      }
      const after = await fd.fstat(handle, { bigint: true });
      const stable =
        after.size === before.size &&
        after.mtimeNs === before.mtimeNs &&
        BigInt(size) === after.size;
      if (stable || attempt >= 1) return { ok: true, content, size, unstable: !stable };
    } finally {
      await fd.close(handle);
    }
  }
}

async function readBuffer(handle: number): Promise<{ buf: Buffer; n: number }> {
  const buf = Buffer.allocUnsafeSlow(READ_BYTES);
  return { buf, n: await fd.read(handle, buf, 0, READ_BYTES, null) };
}
