/**
 * The buffers a restore from a remote target downloads its ranges into, reused: each range's
 * buffer goes to a worker with the range and comes back with the outcome. A fresh 2 MiB buffer
 * per range made V8 count hundreds of MiB of short-lived external memory, which it answers
 * with a full collection every few dozen MiB on both threads (measured: 19 on the main thread
 * and 6 on the worker in a 400 MB restore, about a fifth of the restore's CPU beside the
 * download and the writes).
 */
export class RangeBuffers {
  private readonly free: ArrayBuffer[] = [];

  /** Keeps up to `keep` buffers of `size` bytes; a longer range gets a buffer of its own. */
  constructor(
    private readonly size: number,
    private readonly keep: number,
  ) {}

  /** A buffer of `length` bytes, a view of a kept one when it fits. */
  take(length: number): Buffer {
    const kept = length <= this.size ? this.free.pop() : undefined;
    const whole = kept ?? Buffer.allocUnsafeSlow(Math.max(length, this.size)).buffer;
    return Buffer.from(whole, 0, length);
  }

  /** Takes back a buffer nothing uses any more (one of ours, or any of the standard size). */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.size && this.free.length < this.keep) this.free.push(buffer);
  }
}
