/**
 * A virtual clock for code that takes `now` and `sleep` options (the Codegen client's rate
 * limiter and run watcher): sleeping advances the clock at once, so waits of minutes cost
 * nothing and every wait is recorded.
 */
export interface VirtualClock {
  /** Current virtual time, epoch ms. */
  readonly now: () => number;
  /** Advances the clock by `ms` and resolves; rejects with the reason if `signal` is aborted. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Every sleep requested, in order. */
  readonly slept: readonly number[];
  /** Moves the clock forward without sleeping. */
  advance(ms: number): void;
}

/** Creates a {@link VirtualClock} starting at `start` (epoch ms). */
export function createVirtualClock(start = 1_000_000): VirtualClock {
  let t = start;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      slept.push(ms);
      t += Math.max(0, ms);
      // Let other tasks observe the new time before the sleeper continues.
      await Promise.resolve();
      signal?.throwIfAborted();
    },
    slept,
    advance(ms) {
      t += ms;
    },
  };
}
