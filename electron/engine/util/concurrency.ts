/**
 * Bounded concurrency, in one place: a Semaphore (a gate that work passes through, at most N at
 * a time) and forEachConcurrently (a loop over items with at most N at work).
 */

/**
 * At most `free` holders at once; others wait their turn in order. One that waits with a
 * signal leaves the queue when the signal aborts (it rejects with the signal's reason).
 */
export class Semaphore {
  private readonly waiting: (() => void)[] = [];
  constructor(private free: number) {}

  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.free > 0) {
      this.free--;
      return;
    }
    await this.turn(signal);
  }

  /** Hands the slot to the next in line, or frees it. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }

  async use<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** Waits until a release hands over its slot (`free` stays as it is). */
  private turn(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const at = this.waiting.indexOf(granted);
        if (at !== -1) this.waiting.splice(at, 1);
        reject(signal!.reason);
      };
      const granted = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(granted);
    });
  }
}

/**
 * Runs `work` for each item with at most `limit` at a time. An async sequence is read only as
 * fast as work finishes (so a million parent records are never all in memory). The first
 * failure stops new work; work already started is awaited before the failure is thrown.
 */
export async function forEachConcurrently<T>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  const workers = Array.isArray(items) ? Math.min(limit, items.length) : Math.max(1, limit);
  let failure: { error: unknown } | undefined;
  let done = false;
  const worker = async (): Promise<void> => {
    while (!failure && !done) {
      let next: IteratorResult<T>;
      try {
        next = await iterator.next();
      } catch (error) {
        failure ??= { error };
        return;
      }
      if (next.done) {
        done = true;
        return;
      }
      try {
        await work(next.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure) {
    // Stopped early: let the sequence clean up (close a file it reads, say).
    await iterator.return?.();
    throw failure.error;
  }
}
