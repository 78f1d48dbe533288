/**
 * The client's shared rate-limit budget: one bucket per endpoint, shared by every caller of one
 * client, so ten concurrent workers queue instead of hitting 429s, the most urgent first.
 *
 * Numbers are the documented per-token, per-endpoint limits (spec operation descriptions,
 * research §6). The server's algorithm is not documented, so each bucket is a sliding window
 * ("at most `limit` requests in any `windowMs`"), the strictest of the usual algorithms: it stays
 * within a token bucket, a fixed window or a sliding window with the same numbers. A slot counts
 * from when it is taken until `windowMs` after its response arrived; the server counted the
 * request in between, so latency and jitter cannot push the server over its limit.
 */
import { systemClock, systemTimers, type Clock, type Timers } from '@pco/contract';
import { bucketOf, type BucketLog } from './bucket-log.js';
import { sleepOn, type Sleep } from './sleep.js';

/** Endpoints of the client (each has its own bucket). */
export type CodegenOperation =
  | 'createRun'
  | 'getRun'
  | 'listRuns'
  | 'resumeRun'
  | 'removeFromPr'
  | 'getRunLogs'
  | 'getCurrentUser'
  | 'listOrganizations'
  | 'listRepos'
  | 'getCheckSuiteSettings'
  | 'putCheckSuiteSettings';

/** At most `limit` requests in any window of `windowMs` milliseconds. */
export interface RateLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * The documented limits. Remove-from-pr and the check-suite settings have no stated limit, so
 * they have no bucket. Resume has no stated limit either, but it takes its slot from the create
 * bucket (see {@link budgetOf}). (The API also documents 30/min for PR edits and 5/min for setup
 * commands; this client has no methods for those endpoints.)
 */
export const DEFAULT_RATE_LIMITS: Readonly<Partial<Record<CodegenOperation, RateLimit>>> = Object.freeze({
  createRun: { limit: 10, windowMs: 60_000 },
  getRun: { limit: 60, windowMs: 30_000 },
  listRuns: { limit: 60, windowMs: 30_000 },
  getCurrentUser: { limit: 60, windowMs: 30_000 },
  listOrganizations: { limit: 60, windowMs: 30_000 },
  listRepos: { limit: 60, windowMs: 30_000 },
  getRunLogs: { limit: 60, windowMs: 60_000 },
});

/**
 * The bucket an endpoint's calls take their slots from. A resume (`POST …/agent/run/resume`)
 * takes a create's: the spec states no limit for it, but it sets an agent to work like a create
 * does (the docs' "Resume with Follow-up", research codegen-api §3.4), a server that meters agent
 * starts would meter it with the creates, and the issue ("Done means landed") has follow-ups
 * share the create budget. Counting it there is the reading that cannot meet a 429 the other
 * reading would avoid, and it puts follow-ups and fresh tasks in one queue ordered by priority.
 */
export function budgetOf(operation: CodegenOperation): CodegenOperation {
  return operation === 'resumeRun' ? 'createRun' : operation;
}

/** What {@link BucketStore.take} returns: a slot, or how long to wait before asking again. */
export type BucketTake = { readonly slot: string } | { readonly waitMs: number };

/**
 * Where buckets live. The in-memory default serves one process; an implementation backed by a
 * shared store (Redis, a database row with a lock) lets several processes share one budget.
 * Methods must be atomic per key.
 *
 * A slot counts against its bucket from `take` until `windowMs` after `release`: the release
 * time is when the response arrived, which is never earlier than when the server counted the
 * request, so network latency and jitter cannot push the server over its limit.
 */
export interface BucketStore {
  /**
   * Takes a slot of `key` at `now` when fewer than `limit` slots are in flight or were released
   * within the last `windowMs`, and the key is not blocked. Otherwise takes nothing and returns
   * the milliseconds to wait before asking again (an upper bound when slots are in flight).
   */
  take(key: string, limit: number, windowMs: number, now: number): BucketTake | Promise<BucketTake>;
  /**
   * Ends a slot's request at `at` (epoch ms); the slot frees at `at + windowMs`. For a request
   * that was never sent, `at` is a window before now: the slot frees at once.
   */
  release(key: string, slot: string, at: number): void | Promise<void>;
  /** Blocks `key` until `until` (epoch ms), e.g. after a 429 with `Retry-After`. */
  block(key: string, until: number): void | Promise<void>;
  /**
   * Optional, read-only, for status displays: what of `key` still counts at `now` (slots as
   * `[takenAt, endedAt]`, `endedAt` null while in flight), or undefined when nothing does.
   */
  inspect?(key: string, now: number): BucketUsage | undefined;
}

/** What {@link BucketStore.inspect} returns. */
export interface BucketUsage {
  /** 0 when not blocked. */
  readonly blockedUntil: number;
  readonly slots: readonly (readonly [number, number | null])[];
}

/** A read-only view of one endpoint's budget ({@link RateLimiter.budget}). */
export interface RateLimiterBudget {
  readonly operation: CodegenOperation;
  readonly limit: number;
  /** The window with its safety margin. */
  readonly windowMs: number;
  /** Slots left now; undefined when the store cannot say (no `inspect`). */
  readonly remaining?: number;
  /** Requests queued for a slot. */
  readonly waiting: number;
  /** Epoch ms the next slot frees, when none is free (or the endpoint is blocked). */
  readonly nextFreeAt?: number;
}

/** Options of {@link MemoryBucketStore}. */
export interface MemoryBucketStoreOptions {
  /**
   * A slot never released (its holder crashed) counts as released this long after it was taken.
   * @default 120000
   */
  readonly staleAfterMs?: number;
}

/** The default {@link BucketStore}: a sliding-window log per key in this process's memory. */
export class MemoryBucketStore implements BucketStore {
  private readonly buckets = new Map<string, BucketLog>();
  private readonly staleAfterMs: number;
  private nextId = 1;

  constructor(options: MemoryBucketStoreOptions = {}) {
    this.staleAfterMs = options.staleAfterMs ?? 120_000;
  }

  private bucket(key: string): BucketLog {
    return bucketOf(this.buckets, key, this.staleAfterMs);
  }

  take(key: string, limit: number, windowMs: number, now: number): BucketTake {
    const taken = this.bucket(key).take(String(this.nextId), limit, windowMs, now);
    if ('slot' in taken) this.nextId += 1;
    return taken;
  }

  release(key: string, slot: string, at: number): void {
    this.buckets.get(key)?.release(slot, at);
  }

  block(key: string, until: number): void {
    this.bucket(key).block(until);
  }

  inspect(key: string, now: number): BucketUsage | undefined {
    return this.buckets.get(key)?.toState(now);
  }
}

/**
 * Ends a request that held a rate-limit slot; call it once the response (or failure) arrived.
 * Pass `sent: false` when the request provably never reached the server (connection refused):
 * the slot goes back to the budget at once instead of counting for a window, so a retry's
 * back-off leaves the budget to others.
 */
export type ReleaseSlot = (sent?: boolean) => void;

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /**
   * Limits per endpoint, merged over {@link DEFAULT_RATE_LIMITS}; `null` removes an endpoint's
   * bucket.
   * @default DEFAULT_RATE_LIMITS
   */
  readonly limits?: Partial<Record<CodegenOperation, RateLimit | null>>;
  /**
   * Milliseconds added to each window, a safety margin on top of counting each slot until its
   * response arrived.
   * @default 5% of the window, at most 500
   */
  readonly marginMs?: number;
  /** @default a new MemoryBucketStore */
  readonly store?: BucketStore;
  /** Prefix of every bucket key (the client uses a hash of the token, never the token). @default '' */
  readonly keyPrefix?: string;
  /** What windows are measured on. @default systemClock */
  readonly clock?: Clock;
  /** What waits for budget run on. @default systemTimers */
  readonly timers?: Timers;
}

interface Waiter {
  readonly resolve: (release: ReleaseSlot) => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  readonly onWait: ((waitMs: number) => void) | undefined;
  readonly priority: number;
}

/**
 * Queues `waiter` behind every waiter of the same or a higher priority: highest first, ties in
 * arrival order. A low priority can wait as long as higher ones keep coming; priorities are
 * fixed per task (its critical path), so that is the intended order, not starvation to guard.
 */
function enqueue(queue: Waiter[], waiter: Waiter): void {
  let index = queue.length;
  while (index > 0 && queue[index - 1]!.priority < waiter.priority) index--;
  queue.splice(index, 0, waiter);
}

/**
 * Hands out request slots per endpoint, highest priority first and in arrival order among equal
 * priorities (FIFO when nobody gives one). `acquire('getRun')` resolves when a GET run may be
 * sent without exceeding the budget.
 */
export class RateLimiter {
  private readonly limits: Partial<Record<CodegenOperation, RateLimit>>;
  private readonly marginMs: number | undefined;
  private readonly store: BucketStore;
  private readonly keyPrefix: string;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly queues = new Map<string, Waiter[]>();
  private readonly pumps = new Map<string, AbortController>();
  private readonly wakers = new Map<string, AbortController>();

  constructor(options: RateLimiterOptions = {}) {
    const merged: Partial<Record<CodegenOperation, RateLimit>> = {};
    const entries = { ...DEFAULT_RATE_LIMITS, ...options.limits } as Record<string, RateLimit | null | undefined>;
    for (const [operation, limit] of Object.entries(entries)) {
      if (limit) merged[operation as CodegenOperation] = limit;
    }
    this.limits = merged;
    this.marginMs = options.marginMs;
    this.store = options.store ?? new MemoryBucketStore();
    this.keyPrefix = options.keyPrefix ?? '';
    this.clock = options.clock ?? systemClock;
    this.sleep = sleepOn(options.timers ?? systemTimers);
  }

  /** The effective window of an endpoint (with margin), or undefined when unlimited. */
  windowOf(operation: CodegenOperation): { readonly limit: number; readonly windowMs: number } | undefined {
    const limit = this.limits[operation];
    if (!limit) return undefined;
    const margin = this.marginMs ?? Math.min(500, limit.windowMs * 0.05);
    return { limit: limit.limit, windowMs: limit.windowMs + margin };
  }

  /**
   * Resolves when one request to `operation` may be sent, with the function to call when its
   * response (or failure) arrived; rejects when `signal` aborts. `onWait` hears the expected
   * wait each time the queue has to sleep for budget (its place in the queue counted).
   * `priority` orders the endpoint's waiters: a larger one is served first (e.g. a task's
   * remaining critical path, `ExecutionContext.priority`); equal ones in arrival order. A waiter
   * already queued is not overtaken by later ones of its own priority. Default 0.
   */
  acquire(
    operation: CodegenOperation,
    signal?: AbortSignal,
    onWait?: (waitMs: number) => void,
    priority?: number,
  ): Promise<ReleaseSlot> {
    if (!this.limits[operation]) return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve(() => {});
    const key = this.keyPrefix + operation;
    return new Promise<ReleaseSlot>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const queue = this.queues.get(key) ?? [];
      this.queues.set(key, queue);
      const waiter: Waiter = {
        resolve: (release) => {
          signal?.removeEventListener('abort', waiter.onAbort);
          resolve(release);
        },
        reject,
        signal,
        onWait,
        // NaN would break the order (every comparison false): treat it as no priority.
        priority: typeof priority === 'number' && !Number.isNaN(priority) ? priority : 0,
        onAbort: () => {
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          if (queue.length === 0) this.pumps.get(key)?.abort();
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      enqueue(queue, waiter);
      this.pump(key, operation);
    });
  }

  /**
   * The budget of `operation` as it stands (for status displays; takes nothing), or undefined
   * when the endpoint is unlimited.
   */
  budget(operation: CodegenOperation): RateLimiterBudget | undefined {
    const window = this.windowOf(operation);
    if (!window) return undefined;
    const key = this.keyPrefix + operation;
    const now = this.clock.now();
    const waiting = this.queues.get(key)?.length ?? 0;
    if (!this.store.inspect) return { operation, ...window, waiting };
    const usage = this.store.inspect(key, now);
    const remaining = Math.max(0, window.limit - (usage?.slots.length ?? 0));
    let nextFreeAt: number | undefined;
    if (usage && usage.blockedUntil > now) nextFreeAt = usage.blockedUntil;
    else if (usage && remaining === 0) {
      const ends = usage.slots.flatMap(([, ended]) => (ended === null ? [] : [ended + window.windowMs]));
      if (ends.length > 0) nextFreeAt = Math.min(...ends);
    }
    return { operation, ...window, remaining, waiting, ...(nextFreeAt !== undefined ? { nextFreeAt } : {}) };
  }

  /** Blocks an endpoint for `ms`, e.g. after a 429. */
  async penalize(operation: CodegenOperation, ms: number): Promise<void> {
    if (!this.limits[operation]) return;
    await this.store.block(this.keyPrefix + operation, this.clock.now() + ms);
  }

  private release(key: string, slot: string, windowMs: number, sent: boolean): void {
    let done = false;
    const now = this.clock.now();
    const released = this.store.release(key, slot, sent ? now : now - windowMs);
    const wake = () => {
      if (done) return;
      done = true;
      // A waiter may be sleeping on an in-flight slot: let it ask again.
      this.wakers.get(key)?.abort();
    };
    if (released instanceof Promise) released.then(wake, wake);
    else wake();
  }

  private pump(key: string, operation: CodegenOperation): void {
    if (this.pumps.has(key)) return;
    const controller = new AbortController();
    this.pumps.set(key, controller);
    const queue = this.queues.get(key) as Waiter[];
    const window = this.windowOf(operation) as { limit: number; windowMs: number };
    void (async () => {
      try {
        while (queue.length > 0) {
          const taken = await this.store.take(key, window.limit, window.windowMs, this.clock.now());
          if ('slot' in taken) {
            const waiter = queue.shift();
            let released = false;
            // A waiter aborted while `take` was pending gives its slot back at once (unsent).
            const release: ReleaseSlot = (sent = true) => {
              if (released) return;
              released = true;
              this.release(key, taken.slot, window.windowMs, sent);
            };
            if (waiter) waiter.resolve(release);
            else release(false);
            continue;
          }
          // The i-th waiter gets a slot once the head's frees and i more have come after it.
          for (let i = 0; i < queue.length; i++) {
            try {
              queue[i]!.onWait?.(taken.waitMs + Math.floor(i / window.limit) * window.windowMs);
            } catch {
              // A listener's failure is not the limiter's.
            }
          }
          const waker = new AbortController();
          this.wakers.set(key, waker);
          try {
            await this.sleep(taken.waitMs, AbortSignal.any([controller.signal, waker.signal]));
          } catch {
            if (controller.signal.aborted) break; // every waiter left
          } finally {
            this.wakers.delete(key);
          }
        }
      } catch (error) {
        // The store failed: fail the waiters rather than hang them.
        for (const waiter of queue.splice(0)) waiter.reject(error);
      } finally {
        this.pumps.delete(key);
        if (queue.length > 0) this.pump(key, operation);
      }
    })();
  }
}
