/**
 * Reusable large buffers. A backup touches every byte several times (read, chunk, compress,
 * encrypt); with a fresh buffer for each step the kernel zero-fills new pages for every MiB
 * and the garbage collector frees them again — measured as a third of a worker's CPU time.
 * Buffers handed back here are reused instead. Sizes are rounded up to a power of two so a
 * few classes serve every chunk size; the pool keeps at most `budget` bytes, so it never holds
 * more than the work in flight needs.
 */
const MIN_CLASS = 64 * 1024;

export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private held = 0;

  constructor(private readonly budget = 8 * 1024 * 1024) {}

  /** A buffer of exactly `size` bytes (contents undefined) over pooled memory. */
  take(size: number): Buffer {
    const capacity = classOf(size);
    const spare = this.free.get(capacity)?.pop();
    if (spare) this.held -= capacity;
    // allocUnsafeSlow: never a slice of Node's shared pool, so it may be transferred.
    const memory = spare ?? Buffer.allocUnsafeSlow(capacity).buffer;
    return Buffer.from(memory as ArrayBuffer, 0, size);
  }

  /** Hands a buffer from take() back; it must not be used afterwards. */
  give(buf: Uint8Array): void {
    const memory = buf.buffer as ArrayBuffer;
    const capacity = memory.byteLength;
    // A transferred (detached) buffer has length 0 and is not ours any more.
    if (capacity === 0 || capacity !== classOf(capacity)) return;
    if (this.held + capacity > this.budget) return;
    let list = this.free.get(capacity);
    if (!list) this.free.set(capacity, (list = []));
    if (list.includes(memory)) return;
    list.push(memory);
    this.held += capacity;
  }
}

function classOf(size: number): number {
  let capacity = MIN_CLASS;
  while (capacity < size) capacity *= 2;
  return capacity;
}
