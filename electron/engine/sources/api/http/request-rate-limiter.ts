/**
 * Keeps a source under its `requestsPerSecond` by spacing request starts at least 1/rps apart,
 * measured when each request really starts — a timer that fires late never lets the next ones
 * bunch up behind it — so the API's own limiter never has a reason to answer 429. A
 * `Retry-After` from the server pauses every request of the source, not only the refused one.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export class RequestRateLimiter {
  private lastStart = Number.NEGATIVE_INFINITY;
  private pausedUntil = 0;
  private readonly intervalMs: number;

  constructor(requestsPerSecond: number | undefined) {
    this.intervalMs = requestsPerSecond === undefined ? 0 : 1000 / requestsPerSecond;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = performance.now();
      const earliest = Math.max(this.lastStart + this.intervalMs, this.pausedUntil);
      if (now >= earliest) {
        this.lastStart = now;
        return;
      }
      await sleep(earliest - now, undefined, { signal });
    }
  }

  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, performance.now() + ms);
  }
}
