import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../electron/engine/util/buffer-pool.js';

const MiB = 1024 * 1024;

function overlaps(a: Buffer, b: Buffer): boolean {
  if (a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.length && b.byteOffset < a.byteOffset + a.length;
}

describe('BufferPool', () => {
  it('hands out buffers of the asked size that never overlap while held', () => {
    const pool = new BufferPool(16 * MiB);
    const sizes = [1, 1000, 64 * 1024, 64 * 1024 + 1, MiB, 1.5 * MiB, 3 * MiB, 300 * 1024];
    const held = sizes.map((n) => pool.take(n));
    held.forEach((b, i) => expect(b.length).toBe(sizes[i]));
    // Writing every byte of each buffer must leave the others' contents alone.
    held.forEach((b, i) => b.fill(i + 1));
    held.forEach((b, i) => expect(b.every((x) => x === i + 1)).toBe(true));
    for (let i = 0; i < held.length; i++)
      for (let j = i + 1; j < held.length; j++) expect(overlaps(held[i]!, held[j]!)).toBe(false);
  });

  it('merges given-back blocks, so the whole region can be taken again', () => {
    const pool = new BufferPool(16 * MiB);
    const quarters = [0, 1, 2, 3].map(() => pool.take(4 * MiB));
    const region = quarters[0]!.buffer;
    quarters.forEach((q) => expect(q.buffer).toBe(region));
    expect(pool.inUse()).toBe(16 * MiB);
    // Full: the next one comes from outside the region.
    const outside = pool.take(MiB);
    expect(outside.buffer).not.toBe(region);
    pool.give(outside);
    [2, 0, 3, 1].forEach((i) => pool.give(quarters[i]!));
    expect(pool.inUse()).toBe(0);
    const whole = pool.take(16 * MiB);
    expect(whole.buffer).toBe(region);
    expect(whole.byteOffset).toBe(0);
  });

  it('takes the lowest free block first, so the touched part stays small', () => {
    const pool = new BufferPool(16 * MiB);
    const a = pool.take(MiB);
    const b = pool.take(MiB);
    pool.give(a);
    const c = pool.take(MiB);
    expect(c.byteOffset).toBe(a.byteOffset);
    expect(b.byteOffset).toBeGreaterThan(c.byteOffset);
  });

  it('frees a block from a view inside it, once', () => {
    const pool = new BufferPool(16 * MiB);
    const slab = pool.take(MiB);
    const other = pool.take(64 * 1024);
    const inside = slab.subarray(300_000, 400_000);
    pool.give(inside);
    pool.give(slab.subarray(0, 10));
    pool.give(slab);
    expect(pool.inUse()).toBe(64 * 1024);
    pool.give(other);
    expect(pool.inUse()).toBe(0);
  });
});
