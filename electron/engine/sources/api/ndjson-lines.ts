/**
 * Line-by-line reading of NDJSON byte streams (stored endpoint files, spill files) without
 * holding more than one chunk and one partial line in memory.
 */
import { createReadStream } from 'node:fs';
import { decodeUtf8 } from '../../util/decode-utf8.js';

const NEWLINE = 0x0a;

export async function* readLines(source: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  for await (const lines of readLineBatches(source)) yield* lines;
}

/**
 * The lines of each chunk read, as one array: for readers that go through millions of lines,
 * one await per chunk instead of one per line. A chunk is cut after its last newline and the
 * rest carried over as bytes, so a character split between chunks is decoded whole.
 */
export async function* readLineBatches(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<string[]> {
  let carry: Buffer | undefined;
  for await (const chunk of source) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    const data = carry ? Buffer.concat([carry, bytes]) : bytes;
    const end = data.lastIndexOf(NEWLINE);
    if (end === -1) {
      carry = data;
      continue;
    }
    carry = end + 1 < data.length ? data.subarray(end + 1) : undefined;
    const lines = decodeUtf8(data.subarray(0, end)).split('\n');
    yield lines.some((line) => line.length === 0) ? lines.filter((line) => line.length > 0) : lines;
  }
  if (carry) yield [decodeUtf8(carry)];
}

export function readFileChunks(file: string): AsyncIterable<Uint8Array> {
  return createReadStream(file, { highWaterMark: 1 << 20 });
}
