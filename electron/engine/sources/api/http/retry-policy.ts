/**
 * When to try a request again: network errors, timeouts, 5xx and 429, with exponential backoff
 * and jitter, or exactly as long as the server's `Retry-After` asks (delta-seconds or an
 * HTTP-date), up to a bounded number of attempts.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  maxAttempts: number;
  /** Delay before the second attempt; doubles for each further one (default 500 ms). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the endpoint fails instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 5 * 60_000,
};

/** Equal jitter: half the exponential delay is fixed, half random, so retries spread out. */
export function backoffDelayMs(
  policy: RetryPolicy,
  failedAttempts: number,
  random = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempts - 1));
  return exponential / 2 + random() * (exponential / 2);
}

/** Milliseconds a `Retry-After` value asks for, or undefined when it is absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
