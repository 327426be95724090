/**
 * Hands an endpoint's `.ndjson` bytes from the pull to whoever stores them while the endpoint is
 * still being fetched, holding at most `maxBytes` in between: a consumer that falls behind slows
 * the fetch down instead of filling memory.
 *
 * The file may start over. Records are streamed as they arrive while they arrive in id order;
 * when one then arrives out of order, or the endpoint fails, what was streamed is not the file
 * after all. So the consumer reads attempts: each is the file from its first byte, `restart()`
 * ends the current one and begins the next, and only the last attempt is the file.
 */

const RESTART = Symbol('restart');
const END = Symbol('end');
type Item = Buffer | typeof RESTART | typeof END;

export class EndpointFileChannel {
  private readonly queue: Item[] = [];
  private queuedBytes = 0;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private discarding = false;
  private consumerWaiting: (() => void) | undefined;
  private readonly producersWaiting: Array<() => void> = [];

  constructor(private readonly maxBytes: number) {}

  /** Queues the next bytes of the current attempt; waits while the consumer is behind. */
  async write(bytes: Buffer): Promise<void> {
    if (this.discarding || bytes.length === 0) return;
    this.queue.push(bytes);
    this.queuedBytes += bytes.length;
    this.wakeConsumer();
    while (this.queuedBytes > this.maxBytes && !this.discarding) {
      await new Promise<void>((resolve) => this.producersWaiting.push(resolve));
    }
  }

  /** Ends the current attempt: the file starts over with the next write. */
  restart(): void {
    if (this.discarding) return;
    this.queue.push(RESTART);
    this.wakeConsumer();
  }

  /** The current attempt is the file. */
  end(): void {
    this.ended = true;
    this.wakeConsumer();
  }

  /** The pull failed as a whole (e.g. cancelled): the consumer's reading throws `error`. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.wakeConsumer();
  }

  /** The consumer stopped reading: whatever is written from now on is dropped. */
  discard(): void {
    this.discarding = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.wakeProducers();
  }

  /**
   * The attempts, in order. Read each one to its end before asking for the next; an attempt
   * left unread is skipped.
   */
  async *attempts(): AsyncGenerator<AsyncGenerator<Uint8Array>> {
    let more = true;
    while (more) {
      const state = { done: false };
      yield this.attempt(state, (next) => (more = next));
      while (!state.done) {
        const item = await this.take();
        if (typeof item === 'symbol') {
          state.done = true;
          more = item === RESTART;
        }
      }
    }
  }

  private async *attempt(
    state: { done: boolean },
    setMore: (more: boolean) => void,
  ): AsyncGenerator<Uint8Array> {
    while (!state.done) {
      const item = await this.take();
      if (typeof item === 'symbol') {
        state.done = true;
        setMore(item === RESTART);
        return;
      }
      yield item;
    }
  }

  private async take(): Promise<Item> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      const item = this.queue.shift();
      if (item !== undefined) {
        if (typeof item !== 'symbol') {
          this.queuedBytes -= item.length;
          if (this.queuedBytes <= this.maxBytes) this.wakeProducers();
        }
        return item;
      }
      if (this.ended) return END;
      await new Promise<void>((resolve) => (this.consumerWaiting = resolve));
    }
  }

  private wakeConsumer(): void {
    const wake = this.consumerWaiting;
    this.consumerWaiting = undefined;
    wake?.();
  }

  private wakeProducers(): void {
    for (const wake of this.producersWaiting.splice(0)) wake();
  }
}
