/**
 * The chunker's promises: cut points depend on content only (not on how reads split it), the
 * chunks put back together are the input, sizes stay within bounds, and pooled chunk buffers
 * give the same chunks as fresh ones — dedup across backups rests on all four.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Chunker } from '../../electron/engine/chunker/fastcdc.js';
import type { ChunkerParams } from '../../electron/engine/format/repo-config.js';
import { BufferPool } from '../../electron/engine/util/buffer-pool.js';

const KiB = 1024;
const params: ChunkerParams = {
  algorithm: 'fastcdc-gear32',
  min_size: 64 * KiB,
  avg_size: 128 * KiB,
  max_size: 512 * KiB,
  seed: 'cd'.repeat(32),
};
// Random data, a long run of one byte (cut only by max_size), then random again.
const input = Buffer.concat([
  randomBytes(3000 * KiB),
  Buffer.alloc(1200 * KiB, 7),
  randomBytes(900 * KiB),
]);

function chunk(
  step: (i: number) => number,
  pool?: BufferPool,
): { sizes: number[]; digest: string } {
  const sizes: number[] = [];
  const whole = createHash('sha256');
  const c = new Chunker(
    params,
    (piece) => {
      sizes.push(piece.length);
      whole.update(piece);
      pool?.give(piece); // the receiver may recycle it at once
    },
    undefined,
    pool,
  );
  for (let at = 0, i = 0; at < input.length; i++) {
    const n = step(i);
    c.push(input.subarray(at, at + n));
    at += n;
  }
  c.finish();
  return { sizes, digest: whole.digest('hex') };
}

describe('FastCDC chunker', () => {
  const reference = chunk(() => input.length);

  it('puts the chunks back together as the input, within the size bounds', () => {
    expect(reference.digest).toBe(createHash('sha256').update(input).digest('hex'));
    expect(reference.sizes.reduce((a, b) => a + b, 0)).toBe(input.length);
    reference.sizes.slice(0, -1).forEach((size) => {
      expect(size).toBeGreaterThanOrEqual(params.min_size);
      expect(size).toBeLessThanOrEqual(params.max_size);
    });
    expect(reference.sizes).toContain(params.max_size); // the run of one byte
  });

  it('cuts at the same places however the input is split into reads', () => {
    expect(chunk(() => 1 * 1024 * KiB)).toEqual(reference);
    expect(chunk(() => 4093)).toEqual(reference);
    expect(chunk((i) => 1 + ((i * 7919) % 300_000))).toEqual(reference);
  });

  it('gives the same chunks from pooled buffers as from fresh ones', () => {
    expect(chunk(() => 64 * KiB, new BufferPool())).toEqual(reference);
  });
});

describe('BufferPool', () => {
  it('reuses a returned buffer for the next request of its size class', () => {
    const pool = new BufferPool();
    const first = pool.take(100 * KiB);
    expect(first.length).toBe(100 * KiB);
    pool.give(first);
    const second = pool.take(120 * KiB);
    expect(second.buffer).toBe(first.buffer);
    expect(second.length).toBe(120 * KiB);
  });

  it('keeps no more than its budget', () => {
    const pool = new BufferPool(256 * KiB);
    const taken = [pool.take(128 * KiB), pool.take(128 * KiB), pool.take(128 * KiB)];
    taken.forEach((b) => pool.give(b));
    const again = [pool.take(128 * KiB), pool.take(128 * KiB), pool.take(128 * KiB)];
    const reused = again.filter((b) => taken.some((t) => t.buffer === b.buffer));
    expect(reused).toHaveLength(2);
  });
});
