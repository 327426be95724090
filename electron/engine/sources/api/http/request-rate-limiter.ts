/**
 * Keeps a source under its `requestsPerSecond` by spacing request starts evenly, so the API's own
 * limiter (token bucket or sliding window) never has a reason to answer 429. A `Retry-After`
 * from the server pauses every request of the source, not only the one that was refused.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export class RequestRateLimiter {
  private nextStart = 0;
  private readonly intervalMs: number;

  constructor(requestsPerSecond: number | undefined) {
    this.intervalMs = requestsPerSecond === undefined ? 0 : 1000 / requestsPerSecond;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    const now = performance.now();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + this.intervalMs;
    if (start > now) await sleep(start - now, undefined, { signal });
  }

  pauseFor(ms: number): void {
    this.nextStart = Math.max(this.nextStart, performance.now() + ms);
  }
}
