/**
 * The documented Codegen rate limits, per API token and endpoint. Numbers come from each
 * operation's description in vendor/codegen-api/openapi3.json ("Rate limit: N requests per M
 * seconds") and the overview docs; see shared/research/codegen-api.md §6. The client in
 * @pco/codegen-client carries the same numbers (a test compares both with the spec).
 */

/** Names of the fake's endpoints (one rate-limit bucket per token and endpoint). */
export type FakeCodegenOperation =
  | 'getCurrentUser'
  | 'listOrganizations'
  | 'listOrgUsers'
  | 'getOrgUser'
  | 'listRepos'
  | 'createRun'
  | 'getRun'
  | 'listRuns'
  | 'resumeRun'
  | 'removeFromPr'
  | 'getRunLogs'
  | 'getCheckSuiteSettings'
  | 'putCheckSuiteSettings';

/** A budget: at most `limit` requests in any window of `windowMs` milliseconds. */
export interface CodegenRateLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * Documented limits per endpoint; endpoints not listed have no stated limit (resume,
 * remove-from-pr, check-suite settings).
 */
export const CODEGEN_RATE_LIMITS: Readonly<Partial<Record<FakeCodegenOperation, CodegenRateLimit>>> = Object.freeze({
  createRun: { limit: 10, windowMs: 60_000 },
  getRun: { limit: 60, windowMs: 30_000 },
  listRuns: { limit: 60, windowMs: 30_000 },
  getCurrentUser: { limit: 60, windowMs: 30_000 },
  listOrganizations: { limit: 60, windowMs: 30_000 },
  listOrgUsers: { limit: 60, windowMs: 30_000 },
  getOrgUser: { limit: 60, windowMs: 30_000 },
  listRepos: { limit: 60, windowMs: 30_000 },
  getRunLogs: { limit: 60, windowMs: 60_000 },
});

/**
 * A sliding-window log: a request is admitted when fewer than `limit` admitted requests fall in
 * the last `windowMs`. This is the strictest of the usual server algorithms (a token bucket or a
 * fixed window with the same numbers admits everything this admits), so a client that never
 * trips this fake will not trip the real API either.
 */
export class SlidingWindow {
  private readonly hits: number[] = [];
  /** The largest number of admitted requests seen in one window. */
  maxInWindow = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts requests admitted in (now - windowMs, now]. */
  private inWindow(now: number): number {
    while (this.hits.length > 0 && (this.hits[0] as number) <= now - this.windowMs) this.hits.shift();
    return this.hits.length;
  }

  /** Admits one request at `now`, or returns the seconds until one would be admitted. */
  take(now: number): { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number } {
    if (this.inWindow(now) >= this.limit) {
      return { ok: false, retryAfterMs: (this.hits[0] as number) + this.windowMs - now };
    }
    this.hits.push(now);
    this.maxInWindow = Math.max(this.maxInWindow, this.hits.length);
    return { ok: true };
  }

  /** Whether a request at `now` would exceed the limit (without admitting it). */
  wouldExceed(now: number): boolean {
    return this.inWindow(now) >= this.limit;
  }

  /** Records a request without enforcing (measurement mode). Returns true when it is over the limit. */
  record(now: number): boolean {
    const over = this.inWindow(now) >= this.limit;
    this.hits.push(now);
    this.maxInWindow = Math.max(this.maxInWindow, this.hits.length);
    return over;
  }
}

/**
 * The fake's rate limiting: one sliding window per (user, endpoint), in API milliseconds scaled
 * by `timeScale`. Enforcing answers 429; measuring (`enforce: false`) admits everything and only
 * counts what would have been over.
 */
export class RateLimiter {
  readonly windows = new Map<string, SlidingWindow>();

  constructor(
    private readonly limits: Partial<Record<FakeCodegenOperation, CodegenRateLimit | null>>,
    private readonly enforce: boolean,
    private readonly timeScale: number,
  ) {}

  /**
   * Admits (or, when enforcing, refuses) a request of `userId` to `operation` at `now`.
   * `overLimit`: the request was over its limit; `retryAfterMs` is set when it was refused.
   */
  admit(userId: number, operation: FakeCodegenOperation, now: number): { readonly overLimit: boolean; readonly retryAfterMs?: number } {
    const limit = this.limits[operation];
    if (!limit) return { overLimit: false };
    const key = `${userId}:${operation}`;
    let window = this.windows.get(key);
    if (!window) {
      window = new SlidingWindow(limit.limit, limit.windowMs * this.timeScale);
      this.windows.set(key, window);
    }
    if (!this.enforce) return { overLimit: window.record(now) };
    const taken = window.take(now);
    return taken.ok ? { overLimit: false } : { overLimit: true, retryAfterMs: taken.retryAfterMs };
  }

  /** Largest number of admitted requests in one window, per bucket (`userId:operation`). */
  maxInWindow(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, window] of this.windows) out[key] = window.maxInWindow;
    return out;
  }
}
