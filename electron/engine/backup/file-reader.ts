/**
 * Reads one file into chunks. The file is read in 1 MiB buffers and streamed through the
 * chunker, so a file of any size costs the same memory. A file that changes while it is read
 * (size or mtime differ before and after) is read once more, then reported.
 */
import { Chunker } from '../chunker/fastcdc.js';
import type { ChunkerParams } from '../format/repo-config.js';
import type { ChunkStore } from './chunk-store.js';
import * as fd from '../util/fd-fs.js';

const READ_BYTES = 1024 * 1024;

export interface ReadResult {
  content: string[];
  size: number;
  /** The file changed while being read, twice. */
  unstable: boolean;
}

export async function readFileChunks(
  file: string,
  chunker: ChunkerParams,
  gear: Int32Array,
  store: ChunkStore,
  onBytes: (n: number) => void,
): Promise<ReadResult> {
  for (let attempt = 0; ; attempt++) {
    const handle = await fd.open(file, 'r');
    try {
      const before = await fd.fstat(handle, { bigint: true });
      const content: string[] = [];
      let size = 0;
      if (before.size < BigInt(chunker.min_size)) {
        // Small file: one chunk, one read.
        const want = Number(before.size);
        const buf = Buffer.allocUnsafeSlow(want);
        size = await fd.readFully(handle, buf, want, 0);
        onBytes(size);
        if (size > 0)
          content.push(await store.store(size === want ? buf : Buffer.from(buf.subarray(0, size))));
      } else {
        const ids: Promise<string>[] = [];
        const cdc = new Chunker(chunker, (chunk) => ids.push(store.store(chunk)), gear);
        for (;;) {
          const buf = Buffer.allocUnsafeSlow(READ_BYTES);
          const n = await fd.read(handle, buf, 0, READ_BYTES, null);
          if (n === 0) break;
          size += n;
          onBytes(n);
          cdc.push(n === READ_BYTES ? buf : buf.subarray(0, n));
          // Backpressure: wait for the chunk store to accept what was cut so far.
          if (ids.length > 0) content.push(...(await Promise.all(ids.splice(0))));
        }
        cdc.finish();
        content.push(...(await Promise.all(ids)));
      }
      const after = await fd.fstat(handle, { bigint: true });
      const stable =
        after.size === before.size &&
        after.mtimeNs === before.mtimeNs &&
        BigInt(size) === after.size;
      if (stable || attempt >= 1) return { content, size, unstable: !stable };
    } finally {
      await fd.close(handle);
    }
  }
}
