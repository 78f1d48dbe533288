/** How a retry waits: exponential back-off with jitter. */
export interface BackoffOptions {
  /** Delay before the second attempt; doubles with each failure. */
  readonly baseDelayMs: number;
  /** Upper bound of the exponential part. */
  readonly maxDelayMs: number;
  /** Share of the delay (0..1) drawn at random, so many retries do not move in step. */
  readonly jitter: number;
}

/**
 * Back-off before attempt `failedAttempt + 1`: baseDelayMs × 2^(failedAttempt − 1), capped at
 * maxDelayMs, minus up to `jitter` of it at random; at least `retryAfterMs` when the server
 * said so (`Retry-After`).
 */
export function backoffDelay(failedAttempt: number, options: BackoffOptions, random: () => number = Math.random, retryAfterMs?: number): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, failedAttempt - 1));
  const delay = exponential * (1 - options.jitter * random());
  return Math.max(Math.round(delay), retryAfterMs !== undefined && retryAfterMs > 0 ? Math.round(retryAfterMs) : 0);
}
