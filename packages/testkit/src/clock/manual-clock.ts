import type { Clock, Timers } from '@pco/contract';

/** What a {@link ManualClock} is: @pco/contract's `Clock` and `Timers` in one object. */
export type ManualClockContract = Clock & Timers;

interface Entry {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/** Options of {@link ManualClock.runUntilSettled}. */
export interface RunUntilSettledOptions {
  /**
   * Timers fired before giving up (guards against a timer that re-arms itself forever).
   * @default 100_000
   */
  readonly maxTimers?: number;
  /**
   * When no timer is set, how long (real ms) to wait for outside work (file or network I/O) to
   * settle the promise or set a timer before calling it a deadlock.
   * @default 2_000
   */
  readonly idleWaitMs?: number;
}

const flushMacrotask: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((resolve) => setImmediate(resolve))
    : () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A deterministic clock and timer set: time moves only when told. Pass it as both `clock` and
 * `timers` to @pco/pool's `AgentPool` or @pco/core's `Orchestrator` to test timeouts, back-off
 * and cool-downs in microseconds of real time, without patching globals.
 *
 * @example
 * const clock = new ManualClock();
 * const summary = await clock.runUntilSettled(orc.run());
 */
export class ManualClock implements ManualClockContract {
  #now: number;
  #seq = 0;
  /** Sorted by (at, id): timers due at the same instant fire in the order they were set. */
  #queue: Entry[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const entry: Entry = { id: ++this.#seq, at: this.#now + Math.max(0, Number.isFinite(ms) ? ms : 0), callback };
    // Binary search for the insertion point after every entry due at or before `entry.at`.
    let lo = 0;
    let hi = this.#queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#queue[mid]!.at <= entry.at) lo = mid + 1;
      else hi = mid;
    }
    this.#queue.splice(lo, 0, entry);
    return entry.id;
  }

  clearTimeout(handle: unknown): void {
    const index = this.#queue.findIndex((entry) => entry.id === handle);
    if (index >= 0) this.#queue.splice(index, 1);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Time of the next timer, if any. */
  get nextAt(): number | undefined {
    return this.#queue[0]?.at;
  }

  /** Moves time to the next timer and fires it (and no other). False when none is set. */
  fireNext(): boolean {
    const entry = this.#queue.shift();
    if (entry === undefined) return false;
    if (entry.at > this.#now) this.#now = entry.at;
    entry.callback();
    return true;
  }

  /** Moves time forward by `ms`, firing every timer due on the way, in order (synchronously). */
  advance(ms: number): void {
    const target = this.#now + ms;
    while (this.#queue.length > 0 && this.#queue[0]!.at <= target) this.fireNext();
    this.#now = target;
  }

  /**
   * Lets pending promise callbacks run (one real macrotask turn), then, while `promise` is not
   * settled, jumps to the next timer and fires it. Resolves or rejects like `promise`. Rejects
   * when the promise can never settle (no timer left) or after `maxTimers` timers.
   */
  async runUntilSettled<T>(promise: Promise<T>, options: RunUntilSettledOptions = {}): Promise<T> {
    const maxTimers = options.maxTimers ?? 100_000;
    let settled = false;
    const observed = promise.then(
      (value) => {
        settled = true;
        return value;
      },
      (error: unknown) => {
        settled = true;
        throw error;
      },
    );
    // Keep an unhandled rejection from surfacing before we return `observed`.
    observed.catch(() => {});
    let fired = 0;
    for (;;) {
      await flushMacrotask();
      if (settled) return observed;
      if (fired >= maxTimers) throw new Error(`ManualClock: still pending after ${maxTimers} timers`);
      if (this.#queue.length === 0) {
        // Nothing scheduled in virtual time: real I/O may still be under way.
        const giveUpAt = Date.now() + (options.idleWaitMs ?? 2_000);
        while (!settled && this.#queue.length === 0 && Date.now() < giveUpAt) {
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        if (settled) return observed;
        if (this.#queue.length === 0) throw new Error('ManualClock: the promise is still pending and no timer is set (deadlock)');
        continue;
      }
      this.fireNext();
      fired++;
    }
  }
}
