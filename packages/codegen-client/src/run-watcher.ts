import { systemClock, systemTimers, type Clock, type Timers } from '@pco/contract';
import type { CodegenClient } from './codegen-client.js';
import { CodegenApiError, RunWatchTimeoutError } from './errors.js';
import { sleepOn, type Sleep } from './sleep.js';
import { isKnownStatus, isTerminal, needsInput } from './statuses.js';
import type { AgentRun } from './types.js';
import { WatcherEvents, type RunWatcherEvents } from './watcher-events.js';

export type { RunWatcherEvents } from './watcher-events.js';

/** Options of {@link RunWatcher}. */
export interface RunWatcherOptions {
  /**
   * Shortest time between two poll ticks (ms on `clock`).
   * @default 2000
   */
  readonly minIntervalMs?: number;
  /**
   * Longest time between two poll ticks (ms on `clock`).
   * @default 30000
   */
  readonly maxIntervalMs?: number;
  /**
   * The interval is this fraction of the time the youngest watched run has been watched,
   * clamped to [min, max]: fast at first, slower for long runs.
   * @default 0.1
   */
  readonly intervalFactor?: number;
  /**
   * From this many live runs on, a tick reads the run list (one call per 100 runs) instead of
   * one GET per run.
   * @default 2
   */
  readonly listThreshold?: number;
  /** Pages a list tick reads at most before falling back to GETs for runs not seen. @default 3 */
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
}

/**
 * One poller for every live run of a client. With two or more runs live it reads the run list
 * (`user_id` of the token's user, `source_type=API`, newest first, stopping once every watched
 * run was seen), so the request rate does not grow with the number of runs; with one run it
 * GETs that run. The interval adapts (fast for young runs, slower for long ones) and every call
 * goes through the client's rate-limit budget.
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
  private readonly maxListPages: number;
  private readonly settleOnPaused: boolean;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly stop = new AbortController();
  private running = false;
  private listUnavailable = false;
  private wake: AbortController | undefined;
  private lastTickAt: number | undefined;
  private nextTickAt = 0;

  constructor(client: CodegenClient, options: RunWatcherOptions = {}) {
    this.client = client;
    this.minIntervalMs = options.minIntervalMs ?? 2000;
    this.maxIntervalMs = Math.max(this.minIntervalMs, options.maxIntervalMs ?? 30_000);
    this.intervalFactor = options.intervalFactor ?? 0.1;
    this.listThreshold = Math.max(1, options.listThreshold ?? 2);
    this.maxListPages = Math.max(1, options.maxListPages ?? 3);
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
        entry = { runId, since: this.clock.now(), waiters: new Set(), status: null, observed: false, createdAt: undefined };
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

  private interval(): number {
    let youngest = Number.POSITIVE_INFINITY;
    for (const entry of this.entries.values()) youngest = Math.min(youngest, this.clock.now() - entry.since);
    if (!Number.isFinite(youngest)) return this.maxIntervalMs;
    return Math.min(this.maxIntervalMs, Math.max(this.minIntervalMs, youngest * this.intervalFactor));
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
      await this.tick();
      this.lastTickAt = this.clock.now();
      this.nextTickAt = this.lastTickAt + this.interval();
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

  private async tick(): Promise<void> {
    const signal = this.stop.signal;
    const ids = [...this.entries.keys()];
    let list = 0;
    let get = 0;
    let unseen = ids;
    const mode = ids.length >= this.listThreshold && !this.listUnavailable ? 'list' : 'get';
    if (mode === 'list') {
      try {
        const me = await this.client.getCurrentUser({ cached: true, signal });
        const pending = new Set(ids);
        let oldest = Number.POSITIVE_INFINITY;
        for (const id of ids) oldest = Math.min(oldest, this.entries.get(id)?.createdAt ?? Number.NEGATIVE_INFINITY);
        for (let skip = 0, pages = 0; pending.size > 0 && pages < this.maxListPages; pages++) {
          const page = await this.client.listRuns({ user_id: me.id, source_type: 'API', skip, limit: 100 }, { signal });
          list += 1;
          for (const run of page.items) {
            if (pending.delete(run.id)) this.observe(run);
          }
          skip += page.items.length;
          if (page.items.length < 100 || skip >= page.total) break;
          // Newest first: once the page is older than every watched run, the rest are elsewhere.
          const last = page.items.at(-1)?.created_at;
          if (last && Date.parse(last) < oldest) break;
        }
        unseen = [...pending].filter((id) => this.entries.has(id));
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof CodegenApiError && !error.transient) {
          // users/me or the list is not available to this token: poll run by run from now on.
          this.listUnavailable = true;
          this.events.emit('poll-error', { error, runIds: ids });
          unseen = ids;
        } else {
          this.handleError(error, ids);
          unseen = [];
        }
      }
    }
    // Runs the list did not show (other user or source, or deeper than maxListPages), or the
    // single live run: one GET each.
    for (const id of unseen) {
      if (signal.aborted) return;
      try {
        get += 1;
        this.observe(await this.client.getRun(id, { signal }));
      } catch (error) {
        if (signal.aborted) return;
        this.handleError(error, [id]);
      }
    }
    this.events.emit('tick', { mode, runs: ids.length, list, get, nextInMs: this.interval() });
  }
}
