import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  compressIfWorthwhile,
  compressTransient,
  decompress,
} from '../../../electron/engine/format/compression.js';

const logLines = (n: number): Buffer =>
  Buffer.from(
    Array.from(
      { length: n },
      (_, i) => `2026-11-30T12:00:${i % 60} GET /api/items/${i} 200\n`,
    ).join(''),
  );

describe('compression', () => {
  it('compresses what pays into the reused buffer, and it decompresses to the original', () => {
    const text = logLines(40_000);
    const packed = compressTransient(text);
    expect(packed).toBeDefined();
    expect(packed!.length).toBeLessThan(text.length / 4);
    expect(decompress(Buffer.from(packed!)).equals(text)).toBe(true);
    // The same result as the allocating form, byte for byte decodable either way.
    expect(decompress(compressIfWorthwhile(text)!).equals(text)).toBe(true);
  });

  it('leaves incompressible data alone, however large', () => {
    expect(compressTransient(randomBytes(3 * 1024 * 1024))).toBeUndefined();
    expect(compressTransient(randomBytes(5000))).toBeUndefined();
    expect(compressIfWorthwhile(randomBytes(5000))).toBeUndefined();
  });

  it('gives up when the saving is below 1/16, even past the sample test', () => {
    // Random bytes with a compressible middle: the sample from the middle pays, the whole does not.
    const data = randomBytes(1024 * 1024);
    data.fill(7, 512 * 1024 - 16 * 1024, 512 * 1024 + 32 * 1024);
    expect(compressTransient(data)).toBeUndefined();
  });

  it('a later call reuses the buffer: results are views valid until then', () => {
    const a = compressTransient(logLines(1000))!;
    const copy = Buffer.from(a);
    const b = compressTransient(logLines(2000))!;
    expect(b.buffer).toBe(a.buffer);
    expect(decompress(copy).equals(logLines(1000))).toBe(true);
  });
});
