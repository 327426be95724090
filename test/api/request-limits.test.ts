/**
 * The source's limits as the scheduler of its requests: tokens go out at the configured rate, in
 * the order they were asked for, and a request given up on while it waits is never let through.
 */
import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../electron/engine/util/concurrency.js';
import { RequestRateLimiter } from '../../electron/engine/sources/api/http/request-rate-limiter.js';

describe('request rate limiter', () => {
  it('lets requests through at the configured rate, in the order they asked', async () => {
    const limiter = new RequestRateLimiter(100); // one every 10 ms
    const started = performance.now();
    const order: number[] = [];
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        limiter.acquire().then(() => {
          order.push(i);
          times.push(performance.now() - started);
        }),
      ),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // The first goes at once; the other eleven need eleven more tokens: at least 110 ms.
    expect(times.at(-1)!).toBeGreaterThanOrEqual(105);
    expect(times.at(-1)!).toBeLessThan(1000);
  });

  it('drops a waiting request whose signal aborts, without spending a token on it', async () => {
    const limiter = new RequestRateLimiter(4); // one every 250 ms
    await limiter.acquire(); // the bucket's first token
    const giveUp = new AbortController();
    const dropped = limiter.acquire(giveUp.signal);
    const next = limiter.acquire();
    giveUp.abort(new Error('not needed'));
    await expect(dropped).rejects.toThrow('not needed');
    const started = performance.now();
    await next;
    // The aborted request's place went to the next one: one token's wait (250 ms), not two
    // (500 ms). The margin is wide so that a busy machine cannot fail it.
    expect(performance.now() - started).toBeLessThan(450);
  });

  it('holds every request back while the source is paused (Retry-After)', async () => {
    const limiter = new RequestRateLimiter(undefined);
    limiter.pauseFor(120);
    const started = performance.now();
    await Promise.all([limiter.acquire(), limiter.acquire()]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });
});

describe('concurrency limiter', () => {
  it('never runs more than its limit at once, and drops a waiter whose signal aborts', async () => {
    const gate = new Semaphore(2);
    let running = 0;
    let most = 0;
    const releases: Array<() => void> = [];
    const work = () =>
      new Promise<void>((resolve) => {
        running++;
        most = Math.max(most, running);
        releases.push(() => {
          running--;
          resolve();
        });
      });
    const first = gate.use(work);
    const second = gate.use(work);
    const giveUp = new AbortController();
    let abortedRan = false;
    const aborted = gate.use(async () => {
      abortedRan = true;
    }, giveUp.signal);
    const third = gate.use(work);
    giveUp.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    releases.shift()!();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(releases).toHaveLength(2); // the third took the freed slot, the aborted one never ran
    for (const release of releases.splice(0)) release();
    await Promise.all([second, third]);
    expect(abortedRan).toBe(false);
    expect(most).toBe(2);
  });
});
