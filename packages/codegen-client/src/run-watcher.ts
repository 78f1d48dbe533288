import { systemClock, systemTimers, type Clock, type Timers } from '@pco/contract';
import type { CodegenClient } from './codegen-client.js';
import { CodegenApiError, RunWatchTimeoutError } from './errors.js';
import { LIST_PAGE_SIZE, ListScan } from './list-scan.js';
import { sleepOn, type Sleep } from './sleep.js';
import { isKnownStatus, isTerminal, needsInput } from './statuses.js';
import type { AgentRun } from './types.js';
import { WatcherEvents, type RunWatcherEvents } from './watcher-events.js';

export type { RunWatcherEvents } from './watcher-events.js';

/** Options of {@link RunWatcher}. */
export interface RunWatcherOptions {
  /**
   * Time between two poll ticks while runs are live (ms on `clock`). Each tick sends at most one
   * read, so the default costs 20 reads per 30 s of the 60 the API allows per endpoint (what is
   * left serves the client's other calls), and a run's end is seen within 1.5 s: with the read's
   * round trip, within 2 s at the 95th percentile (bench/backlog measures it).
   * @default 1500
   */
  readonly minIntervalMs?: number;
  /**
   * Longest time between two poll ticks (ms on `clock`): the ceiling of the back-off while the
   * client's read budget is short (a tick's read had to wait for it), and of `intervalFactor`.
   * @default 30000
   */
  readonly maxIntervalMs?: number;
  /**
   * When above 0, the interval is this fraction of the time the youngest watched run has been
   * watched, clamped to [min, max] (slower polls for long runs, later detection). 0 polls every
   * `minIntervalMs` for as long as runs are live.
   * @default 0
   */
  readonly intervalFactor?: number;
  /**
   * From this many live runs on, a tick reads one page of the run list instead of GETting one run.
   * @default 2
   */
  readonly listThreshold?: number;
  /**
   * Pages one scan of the list reads at most (one page per tick) before the runs it did not show
   * are read by GET, one per tick, between list ticks.
   * @default 3
   */
  readonly maxListPages?: number;
  /** Whether PAUSED settles a watch (the run waits for `resumeRun`). @default true */
  readonly settleOnPaused?: boolean;
  /** Stops the watcher: pending watches reject with the signal's reason. */
  readonly signal?: AbortSignal;
  /** What intervals and watch timeouts are measured on. @default systemClock */
  readonly clock?: Clock;
  /** What the poll loop waits on. @default systemTimers */
  readonly timers?: Timers;
  /** Receives errors thrown by event listeners (they never break the watcher). @default ignore */
  readonly onListenerError?: (error: unknown, event: keyof RunWatcherEvents) => void;
}

/** Options of one {@link RunWatcher.watch}. */
export interface WatchOptions {
  /** Milliseconds (on the watcher's clock) after which the watch rejects with {@link RunWatchTimeoutError}. @default none */
  readonly timeoutMs?: number;
  /** Cancels this watch (rejects with the signal's reason); the run itself is not touched. */
  readonly signal?: AbortSignal;
}

interface Waiter {
  readonly resolve: (run: AgentRun) => void;
  readonly reject: (error: unknown) => void;
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly cleanup: () => void;
}

interface Entry {
  readonly runId: number;
  readonly since: number;
  readonly waiters: Set<Waiter>;
  status: string | null;
  observed: boolean;
  createdAt: number | undefined;
  /** When the watcher last read this run (GET mode reads the least recently read first). */
  readAt: number;
}

/**
 * The run watcher's poll cadence by default (ms): what a simulator's time scale multiplies
 * (`pco run --time-scale`, the demo, bench/backlog).
 */
export const DEFAULT_WATCH_INTERVALS = { minIntervalMs: 1500, maxIntervalMs: 30_000 } as const;

/**
 * One poller for every live run of a client, sending at most one read per tick whatever the
 * number of runs. With two or more runs live a tick reads one page of the run list (`user_id` of
 * the token's user, `source_type=API`, newest first); runs the list does not show are read by GET
 * on ticks of their own, between list ticks. With one run it GETs that run. Ticks come every
 * `minIntervalMs` (1.5 s: 20 of the 60 reads per 30 s the API allows) while runs are live, and
 * less often only while the client's read budget is short; every call goes through that budget.
 *
 * @example
 * const watcher = new RunWatcher(client);
 * const off = watcher.on('status', ({ runId, status }) => console.log(runId, status));
 * const run = await watcher.watch(run.id, { timeoutMs: 60 * 60_000 });
 * off();
 */
export class RunWatcher {
  private readonly client: CodegenClient;
  private readonly events: WatcherEvents;
  private readonly entries = new Map<number, Entry>();
  private readonly reportedUnknown = new Set<string>();
  private readonly minIntervalMs: number;
  private readonly maxIntervalMs: number;
  private readonly intervalFactor: number;
  private readonly listThreshold: number;
  private readonly scan: ListScan;
  private readonly settleOnPaused: boolean;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly stop = new AbortController();
  private running = false;
  private listUnavailable = false;
  private userId: number | undefined;
  private lastRead: 'list' | 'get' | 'user' | undefined;
  /** Consecutive ticks whose read had to wait for the client's read budget. */
  private budgetShort = 0;
  private wake: AbortController | undefined;
  private lastTickAt: number | undefined;
  private nextTickAt = 0;

  constructor(client: CodegenClient, options: RunWatcherOptions = {}) {
    this.client = client;
    this.minIntervalMs = options.minIntervalMs ?? DEFAULT_WATCH_INTERVALS.minIntervalMs;
    this.maxIntervalMs = Math.max(this.minIntervalMs, options.maxIntervalMs ?? DEFAULT_WATCH_INTERVALS.maxIntervalMs);
    this.intervalFactor = Math.max(0, options.intervalFactor ?? 0);
    this.listThreshold = Math.max(1, options.listThreshold ?? 2);
    this.scan = new ListScan(Math.max(1, options.maxListPages ?? 3));
    this.settleOnPaused = options.settleOnPaused ?? true;
    this.clock = options.clock ?? systemClock;
    this.sleep = sleepOn(options.timers ?? systemTimers);
    this.events = new WatcherEvents(options.onListenerError);
    const external = options.signal;
    if (external) {
      if (external.aborted) this.close(external.reason);
      else external.addEventListener('abort', () => this.close(external.reason), { once: true });
    }
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof RunWatcherEvents>(event: K, listener: (payload: RunWatcherEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Ids of the runs being watched. */
  get watching(): readonly number[] {
    return [...this.entries.keys()];
  }

  /**
   * Resolves with the run once it is terminal (COMPLETE, ERROR, FAILED, CANCELLED, ...) or
   * PAUSED (see `settleOnPaused`). Rejects on timeout ({@link RunWatchTimeoutError}), abort (the
   * signal's reason), or a permanent API error for this run (e.g. 404). Transient poll failures
   * are retried on the next tick.
   */
  watch(runId: number, options: WatchOptions = {}): Promise<AgentRun> {
    return new Promise<AgentRun>((resolve, reject) => {
      if (this.stop.signal.aborted) {
        reject(this.stop.signal.reason);
        return;
      }
      const signal = options.signal;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      let entry = this.entries.get(runId);
      const isNew = !entry;
      if (!entry) {
        entry = { runId, since: this.clock.now(), waiters: new Set(), status: null, observed: false, createdAt: undefined, readAt: Number.NEGATIVE_INFINITY };
        this.entries.set(runId, entry);
      }
      const target = entry;
      const onAbort = () => {
        this.removeWaiter(target, waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve,
        reject,
        deadline: options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : this.clock.now() + options.timeoutMs,
        timeoutMs: options.timeoutMs ?? Number.POSITIVE_INFINITY,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      target.waiters.add(waiter);
      if (isNew) {
        // A new run is polled soon, but never sooner than the minimum interval after a tick.
        this.nextTickAt = Math.min(this.nextTickAt, (this.lastTickAt ?? -Infinity) + this.minIntervalMs);
      }
      this.kick();
    });
  }

  /** Stops polling; pending watches reject with `reason`. */
  close(reason: unknown = new DOMException('RunWatcher closed', 'AbortError')): void {
    if (!this.stop.signal.aborted) this.stop.abort(reason);
    this.wake?.abort();
    for (const entry of this.entries.values()) {
      for (const waiter of entry.waiters) {
        waiter.cleanup();
        waiter.reject(reason);
      }
    }
    this.entries.clear();
  }

  private removeWaiter(entry: Entry, waiter: Waiter): void {
    waiter.cleanup();
    entry.waiters.delete(waiter);
    if (entry.waiters.size === 0 && this.entries.get(entry.runId) === entry) this.entries.delete(entry.runId);
    if (this.entries.size === 0) this.wake?.abort();
  }

  /** Starts the loop, or wakes it to recompute its next tick. */
  private kick(): void {
    if (this.running) {
      this.wake?.abort();
      return;
    }
    this.running = true;
    void this.loop().finally(() => {
      this.running = false;
      if (this.entries.size > 0 && !this.stop.signal.aborted) this.kick();
    });
  }

  /**
   * `minIntervalMs` while runs are live (or the age-scaled interval when `intervalFactor` > 0);
   * doubled for each tick in a row whose read waited for budget, up to `maxIntervalMs`.
   */
  private interval(): number {
    let interval = this.minIntervalMs;
    if (this.intervalFactor > 0) {
      let youngest = Number.POSITIVE_INFINITY;
      for (const entry of this.entries.values()) youngest = Math.min(youngest, this.clock.now() - entry.since);
      if (Number.isFinite(youngest)) interval = Math.max(interval, youngest * this.intervalFactor);
    }
    if (this.budgetShort > 0) interval = Math.max(interval, this.minIntervalMs * 2 ** Math.min(this.budgetShort, 16));
    return Math.min(this.maxIntervalMs, interval);
  }

  private expire(): void {
    const now = this.clock.now();
    for (const entry of [...this.entries.values()]) {
      for (const waiter of [...entry.waiters]) {
        if (waiter.deadline <= now) {
          this.removeWaiter(entry, waiter);
          waiter.reject(new RunWatchTimeoutError(entry.runId, waiter.timeoutMs, entry.status));
        }
      }
    }
  }

  private nearestDeadline(): number {
    let nearest = Number.POSITIVE_INFINITY;
    for (const entry of this.entries.values()) for (const waiter of entry.waiters) nearest = Math.min(nearest, waiter.deadline);
    return nearest;
  }

  private async loop(): Promise<void> {
    while (this.entries.size > 0 && !this.stop.signal.aborted) {
      const now = this.clock.now();
      const until = Math.min(this.nextTickAt, this.nearestDeadline());
      if (until > now) {
        this.wake = new AbortController();
        try {
          await this.sleep(until - now, AbortSignal.any([this.wake.signal, this.stop.signal]));
        } catch {
          // Woken early (new run, abort): recompute.
        }
        this.wake = undefined;
        continue;
      }
      this.expire();
      if (this.entries.size === 0 || this.nextTickAt > this.clock.now()) continue;
      // The cadence counts from the tick's start, so the response time does not stretch it.
      const startedAt = this.clock.now();
      await this.tick();
      this.lastTickAt = startedAt;
      this.nextTickAt = startedAt + this.interval();
    }
  }

  private observe(run: AgentRun): void {
    const entry = this.entries.get(run.id);
    if (!entry) return;
    const firstSight = !entry.observed;
    entry.observed = true;
    if (run.created_at) entry.createdAt = Date.parse(run.created_at);
    const status = run.status ?? null;
    if (status !== null && !isKnownStatus(status) && !this.reportedUnknown.has(status)) {
      this.reportedUnknown.add(status);
      this.events.emit('unknown-status', { runId: run.id, status });
    }
    if (status !== entry.status || firstSight) {
      const previous = entry.status;
      entry.status = status;
      this.events.emit('status', { runId: run.id, status, previous, run });
    }
    if (isTerminal(status) || (this.settleOnPaused && needsInput(status))) {
      this.entries.delete(run.id);
      this.events.emit('settled', { runId: run.id, run });
      for (const waiter of entry.waiters) {
        waiter.cleanup();
        waiter.resolve(run);
      }
    }
  }

  private failRuns(runIds: readonly number[], error: unknown): void {
    for (const runId of runIds) {
      const entry = this.entries.get(runId);
      if (!entry) continue;
      this.entries.delete(runId);
      for (const waiter of entry.waiters) {
        waiter.cleanup();
        waiter.reject(error);
      }
    }
  }

  /** Permanent errors end the affected watches; transient ones are reported and retried next tick. */
  private handleError(error: unknown, runIds: readonly number[]): void {
    if (this.stop.signal.aborted) return;
    if (error instanceof CodegenApiError && !error.transient) this.failRuns(runIds, error);
    else this.events.emit('poll-error', { error, runIds });
  }

  /**
   * One tick, one read: users/me once (the list needs the user id), else a page of the run list
   * when enough runs are live, alternating with a GET of a run the last scan did not show; with
   * fewer runs (or no list for this token), a GET of the run read least recently.
   */
  private async tick(): Promise<void> {
    const signal = this.stop.signal;
    const ids = [...this.entries.keys()];
    let waited = false;
    const read = { signal, onRateLimitWait: () => void (waited = true) };
    const useList = ids.length >= this.listThreshold && !this.listUnavailable;
    let mode: 'list' | 'get' | 'user' = 'get';
    let getId: number | undefined;
    if (useList && this.userId === undefined) mode = 'user';
    else if (useList) {
      getId = this.lastRead === 'list' ? this.scan.takeMissing((id) => this.entries.has(id)) : undefined;
      if (getId === undefined) mode = 'list';
    } else {
      let stalest: Entry | undefined;
      for (const entry of this.entries.values()) if (!stalest || entry.readAt < stalest.readAt) stalest = entry;
      getId = stalest?.runId;
    }
    this.lastRead = mode;
    try {
      if (mode === 'user') {
        this.userId = (await this.client.getCurrentUser({ ...read, cached: true })).id;
      } else if (mode === 'list') {
        const page = await this.client.listRuns(
          { user_id: this.userId, source_type: 'API', skip: this.scan.skip, limit: LIST_PAGE_SIZE },
          read,
        );
        let oldest = Number.POSITIVE_INFINITY;
        for (const entry of this.entries.values()) oldest = Math.min(oldest, entry.createdAt ?? Number.NEGATIVE_INFINITY);
        const now = this.clock.now();
        for (const run of this.scan.accept(page, [...this.entries.keys()], oldest)) {
          const entry = this.entries.get(run.id);
          if (entry) entry.readAt = now;
          this.observe(run);
        }
      } else if (getId !== undefined) {
        const entry = this.entries.get(getId);
        if (entry) entry.readAt = this.clock.now();
        this.observe(await this.client.getRun(getId, read));
      }
    } catch (error) {
      if (signal.aborted) return;
      if (mode !== 'get' && error instanceof CodegenApiError && !error.transient) {
        // users/me or the list is not available to this token: poll run by run from now on.
        this.listUnavailable = true;
        this.events.emit('poll-error', { error, runIds: ids });
      } else {
        if (mode === 'list') this.scan.reset();
        this.handleError(error, mode === 'get' && getId !== undefined ? [getId] : ids);
      }
    }
    // A read that waited for budget means the client's reads are short: poll less often until
    // one gets its slot at once.
    this.budgetShort = waited ? this.budgetShort + 1 : 0;
    const calls = { list: mode === 'list' ? 1 : 0, get: mode === 'get' && getId !== undefined ? 1 : 0 };
    this.events.emit('tick', { mode, runs: ids.length, ...calls, nextInMs: this.interval() });
  }
}
