/**
 * A token bucket for `--limit-upload` / `--limit-download`: bytes per second on average, with
 * a quarter of a second's worth as the burst. Every transfer takes its bytes and waits for
 * its turn; concurrent transfers share the rate, each waiting out the debt before it.
 */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();
  /** Bytes that may go at once after a pause. */
  readonly burst: number;

  constructor(readonly bytesPerSecond: number) {
    this.burst = Math.max(1, bytesPerSecond / 4);
    this.tokens = this.burst;
  }

  /** Resolves once `bytes` may go (at once for a transfer within the burst). */
  async take(bytes: number): Promise<void> {
    const now = Date.now();
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((now - this.last) / 1000) * this.bytesPerSecond,
    );
    this.last = now;
    this.tokens -= bytes;
    if (this.tokens >= 0) return;
    const waitMs = (-this.tokens / this.bytesPerSecond) * 1000;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}
