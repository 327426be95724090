/**
 * Keeps a source under its `requestsPerSecond`: a token bucket refilled at that rate, holding
 * at most two requests' worth. The second token only recovers time lost to timers that fire
 * late (on a busy machine every request would otherwise start a little later than allowed);
 * the long-run rate never exceeds the limit, and APIs' own limiters allow bursts this small.
 * A `Retry-After` from the server pauses every request of the source, not only the refused one.
 */
import { setTimeout as sleep } from 'node:timers/promises';

const BUCKET_CAPACITY = 2;

export class RequestRateLimiter {
  private tokens = 1;
  private refilledAt = performance.now();
  private pausedUntil = 0;
  private readonly perMs: number;

  constructor(requestsPerSecond: number | undefined) {
    this.perMs =
      requestsPerSecond === undefined ? Number.POSITIVE_INFINITY : requestsPerSecond / 1000;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    if (this.perMs === Number.POSITIVE_INFINITY && this.pausedUntil === 0) return;
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(BUCKET_CAPACITY, this.tokens + (now - this.refilledAt) * this.perMs);
      this.refilledAt = now;
      if (now >= this.pausedUntil && this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const wait = Math.max(this.pausedUntil - now, (1 - this.tokens) / this.perMs);
      await sleep(Math.max(1, wait), undefined, { signal });
    }
  }

  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, performance.now() + ms);
    // Nothing saved up before the pause may burst out after it.
    this.tokens = Math.min(this.tokens, 1);
  }
}
