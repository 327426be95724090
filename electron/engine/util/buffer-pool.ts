/**
 * Reusable large buffers for one thread. A backup touches every byte several times (read,
 * chunk, compress, encrypt); with a fresh buffer for each step the kernel zero-fills new pages
 * for every MiB, and the freed blocks stay with the C allocator, interleaved with the small
 * short-lived buffers Node's ciphers return: each worker's malloc arena grew to about twice
 * what it held (measured with malloc_stats).
 *
 * So the pool allocates one region once, never initialised (the kernel backs its pages as they
 * are first written), and hands out blocks of it with a buddy allocator: sizes round up to a
 * power of two (at least 64 KiB), a freed block merges with its free twin, and the lowest free
 * block of the smallest fitting size is taken first, which keeps the written — resident — part
 * of the region near the most ever in use at once. When the region is full, take() falls back
 * to an ordinary buffer, which give() leaves to the garbage collector.
 */
const UNIT = 64 * 1024;

export class BufferPool {
  private readonly memory: ArrayBuffer;
  /** Free block starts (in units) per order; a block of order k is 2^k units. */
  private readonly free: number[][] = [];
  /** For every unit: the order of the allocated block starting there, or -1. */
  private readonly allocated: Int8Array;
  /** For every unit: the first unit of the allocated block covering it, or -1. */
  private readonly owner: Int32Array;

  /** `capacity` is rounded down to a power of two times 64 KiB. */
  constructor(capacity = 16 * 1024 * 1024) {
    let units = 1;
    while (units * 2 * UNIT <= capacity) units *= 2;
    this.memory = Buffer.allocUnsafeSlow(units * UNIT).buffer as ArrayBuffer;
    const top = Math.log2(units);
    for (let k = 0; k <= top; k++) this.free.push([]);
    this.free[top]!.push(0);
    this.allocated = new Int8Array(units).fill(-1);
    this.owner = new Int32Array(units).fill(-1);
  }

  /** A buffer of exactly `size` bytes (contents undefined). */
  take(size: number): Buffer {
    if (size === 0) return Buffer.alloc(0);
    const order = orderOf(Math.ceil(size / UNIT));
    const start = this.allocate(order);
    // Outside the region: allocUnsafeSlow is never a slice of Node's shared pool.
    if (start < 0) return Buffer.allocUnsafeSlow(size);
    return Buffer.from(this.memory, start * UNIT, size);
  }

  /**
   * Hands back the block `buf` lies in (a view anywhere inside it will do). It must not be used
   * afterwards. Giving a block again is harmless until it is taken anew: then a stale view
   * would free the new owner's block, so give every view of a block before taking more.
   */
  give(buf: Uint8Array): void {
    if (buf.buffer !== this.memory || buf.length === 0) return;
    const start = this.owner[Math.floor(buf.byteOffset / UNIT)]!;
    if (start < 0) return;
    let order = this.allocated[start]!;
    this.allocated[start] = -1;
    this.owner.fill(-1, start, start + (1 << order));
    let block = start;
    // Merge with the twin block while it is free too.
    while (order < this.free.length - 1) {
      const twin = block ^ (1 << order);
      const list = this.free[order]!;
      const at = list.indexOf(twin);
      if (at < 0) break;
      list.splice(at, 1);
      block = Math.min(block, twin);
      order++;
    }
    this.free[order]!.push(block);
  }

  /** Bytes of the region in use now (for tests and diagnostics). */
  inUse(): number {
    let units = 0;
    this.allocated.forEach((order) => (units += order >= 0 ? 1 << order : 0));
    return units * UNIT;
  }

  private allocate(order: number): number {
    let k = order;
    while (k < this.free.length && this.free[k]!.length === 0) k++;
    if (k >= this.free.length) return -1;
    const list = this.free[k]!;
    // Lowest first: keeps the touched (resident) part of the region small.
    let at = 0;
    for (let i = 1; i < list.length; i++) if (list[i]! < list[at]!) at = i;
    const block = list.splice(at, 1)[0]!;
    // Split down to the size asked for; the upper halves become free blocks.
    while (k > order) {
      k--;
      this.free[k]!.push(block + (1 << k));
    }
    this.allocated[block] = order;
    this.owner.fill(block, block, block + (1 << order));
    return block;
  }
}

/** The smallest k with 2^k ≥ units. */
function orderOf(units: number): number {
  let k = 0;
  while (1 << k < units) k++;
  return k;
}
