/**
 * Reads one file into chunks. The file is read in 1 MiB buffers and streamed through the
 * chunker, so a file of any size costs the same memory. A file that changes while it is read
 * (size or mtime differ before and after) is read once more, then reported.
 */
import { promises as fs } from 'node:fs';
import { Chunker } from '../chunker/fastcdc.js';
import type { ChunkerParams } from '../format/repo-config.js';
import type { ChunkStore } from './chunk-store.js';

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
    const handle = await fs.open(file, 'r');
    try {
      const before = await handle.stat({ bigint: true });
      const content: string[] = [];
      let size = 0;
      if (before.size < BigInt(chunker.min_size)) {
        // Small file: one chunk, one read.
        const want = Number(before.size);
        const buf = Buffer.allocUnsafeSlow(want);
        let got = 0;
        while (got < want) {
          const { bytesRead } = await handle.read(buf, got, want - got, got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        size = got;
        onBytes(got);
        if (got > 0) content.push(await store.store(got === want ? buf : buf.subarray(0, got)));
      } else {
        const ids: Promise<string>[] = [];
        const cdc = new Chunker(chunker, (chunk) => ids.push(store.store(chunk)), gear);
        for (;;) {
          const buf = Buffer.allocUnsafeSlow(READ_BYTES);
          const { bytesRead } = await handle.read(buf, 0, READ_BYTES, null);
          if (bytesRead === 0) break;
          size += bytesRead;
          onBytes(bytesRead);
          cdc.push(bytesRead === READ_BYTES ? buf : buf.subarray(0, bytesRead));
          // Backpressure: wait for the chunk store to accept what was cut so far.
          if (ids.length > 0) content.push(...(await Promise.all(ids.splice(0))));
        }
        cdc.finish();
        content.push(...(await Promise.all(ids)));
      }
      const after = await handle.stat({ bigint: true });
      const stable =
        after.size === before.size &&
        after.mtimeNs === before.mtimeNs &&
        BigInt(size) === after.size;
      if (stable || attempt >= 1) return { content, size, unstable: !stable };
    } finally {
      await handle.close();
    }
  }
}
