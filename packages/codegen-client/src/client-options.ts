import { InvalidOptionsError, systemClock, systemTimers, type Clock, type Timers } from '@pco/contract';
import type { BucketStore, CodegenOperation, RateLimit } from './rate-limiter.js';

/** Retry policy for transient failures (network, timeout, 5xx, 429). */
export interface CodegenRetryOptions {
  /**
   * Retries after the first attempt.
   * @default 4
   */
  readonly retries?: number;
  /**
   * First backoff delay (ms on the client's clock); doubles each attempt, with full jitter.
   * @default 1000
   */
  readonly minDelayMs?: number;
  /**
   * Largest backoff delay (ms on the client's clock).
   * @default 30000
   */
  readonly maxDelayMs?: number;
}

/** Client-side rate limiting; see {@link RateLimiter}. */
export interface ClientLimitsOptions {
  /** Per-endpoint limits merged over the documented ones; `null` removes a bucket. @default DEFAULT_RATE_LIMITS */
  readonly limits?: Partial<Record<CodegenOperation, RateLimit | null>>;
  /** Milliseconds added to each window as a safety margin. @default 5% of the window, at most 500 */
  readonly marginMs?: number;
  /** Where buckets live; share one store to share one budget. @default in memory, per client */
  readonly store?: BucketStore;
}

/** Options of {@link CodegenClient}. */
export interface CodegenClientOptions {
  /** API token from codegen.com/token. Sent as `Authorization: Bearer`; never logged or put in errors. */
  readonly token: string;
  /** Organization id every org-scoped call uses. */
  readonly orgId: number;
  /** @default 'https://api.codegen.com' */
  readonly baseUrl?: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /**
   * Client-side rate limiting with the documented limits, or `false` to send without waiting.
   * @default the documented limits, in memory
   */
  readonly limits?: ClientLimitsOptions | false;
  /** @default { retries: 4, minDelayMs: 1000, maxDelayMs: 30000 } */
  readonly retry?: CodegenRetryOptions;
  /**
   * Per-attempt timeout in real milliseconds, on the global timers whatever `timers` is: it
   * bounds network I/O, which no injected clock speeds up. A timed-out create has an unknown
   * outcome.
   * @default 30000
   */
  readonly requestTimeoutMs?: number;
  /** Aborts every call of this client (e.g. on shutdown). */
  readonly signal?: AbortSignal;
  /** Extra headers on every request (e.g. a user agent). Authorization cannot be overridden. */
  readonly headers?: Readonly<Record<string, string>>;
  /** What rate-limit windows, lookup windows and `Retry-After` dates are measured on. @default systemClock */
  readonly clock?: Clock;
  /** What rate-limit waits and retry backoff run on. @default systemTimers */
  readonly timers?: Timers;
  /** Source of jitter. @default Math.random */
  readonly random?: () => number;
}

/** The options with every default applied (the one place defaults live). */
export interface ResolvedClientOptions {
  readonly token: string;
  readonly orgId: number;
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  readonly retries: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly requestTimeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: () => number;
}

/** Checks `options` and applies the defaults; throws `InvalidOptionsError` naming the field. */
export function resolveClientOptions(options: CodegenClientOptions): ResolvedClientOptions {
  if (typeof options.token !== 'string' || options.token.trim() === '') {
    throw new InvalidOptionsError('CodegenClient', 'token', 'expected a non-blank string', options.token);
  }
  if (!Number.isInteger(options.orgId) || options.orgId < 1) {
    throw new InvalidOptionsError('CodegenClient', 'orgId', 'expected a positive integer', options.orgId);
  }
  return {
    token: options.token.trim(),
    orgId: options.orgId,
    baseUrl: (options.baseUrl ?? 'https://api.codegen.com').replace(/\/+$/, ''),
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    retries: options.retry?.retries ?? 4,
    minDelayMs: options.retry?.minDelayMs ?? 1000,
    maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    signal: options.signal,
    headers: options.headers ?? {},
    clock: options.clock ?? systemClock,
    timers: options.timers ?? systemTimers,
    random: options.random ?? Math.random,
  };
}
