/**
 * Keeps a source under its `requestsPerSecond`: a token bucket refilled at that rate, holding
 * at most two requests' worth. The second token only recovers time lost to timers that fire
 * late (on a busy machine every request would otherwise start a little later than allowed);
 * the long-run rate never exceeds the limit, and APIs' own limiters allow bursts this small.
 * A `Retry-After` from the server pauses every request of the source, not only the refused one.
 *
 * Waiting requests queue in order behind one timer, set for the moment the next token is due,
 * so tokens go out at the full rate and in the order asked for (pages fetched ahead arrive in
 * page order instead of racing for each token), and a request that is given up on (its signal
 * aborts) leaves the queue without ever being sent.
 */
const BUCKET_CAPACITY = 2;

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class RequestRateLimiter {
  private tokens = 1;
  private refilledAt = performance.now();
  private pausedUntil = 0;
  private readonly perMs: number;
  private readonly waiting: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(requestsPerSecond: number | undefined) {
    this.perMs =
      requestsPerSecond === undefined ? Number.POSITIVE_INFINITY : requestsPerSecond / 1000;
  }

  /** Resolves when the request may be sent; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.waiting.length === 0 && this.take(performance.now())) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const at = this.waiting.indexOf(waiter);
          if (at !== -1) this.waiting.splice(at, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiting.push(waiter);
      this.schedule();
    });
  }

  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, performance.now() + ms);
    // Nothing saved up before the pause may burst out after it.
    this.refill(performance.now());
    this.tokens = Math.min(this.tokens, 1);
    this.reschedule();
  }

  private refill(now: number): void {
    this.tokens =
      this.perMs === Number.POSITIVE_INFINITY
        ? BUCKET_CAPACITY
        : Math.min(BUCKET_CAPACITY, this.tokens + (now - this.refilledAt) * this.perMs);
    this.refilledAt = now;
  }

  private take(now: number): boolean {
    this.refill(now);
    if (now < this.pausedUntil || this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private grant(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.waiting.length > 0 && this.take(now)) {
      const waiter = this.waiting.shift()!;
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.waiting.length === 0) return;
    const now = performance.now();
    this.refill(now);
    const untilToken = this.perMs === Number.POSITIVE_INFINITY ? 0 : (1 - this.tokens) / this.perMs;
    const wait = Math.max(this.pausedUntil - now, untilToken, 0);
    this.timer = setTimeout(() => this.grant(), Math.ceil(wait));
  }

  private reschedule(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.schedule();
  }
}
