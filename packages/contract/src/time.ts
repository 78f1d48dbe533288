/** Reads the current time. Injected so tests and simulations control time. */
export interface Clock {
  /** Milliseconds since the epoch (or any fixed origin, as long as it never goes backwards). */
  now(): number;
}

/** The two timer functions pco needs. Injected so tests never patch globals. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The wall clock (`Date.now`). */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/** The global `setTimeout` / `clearTimeout`. */
export const systemTimers: Timers = Object.freeze({
  setTimeout: (callback: () => void, ms: number): unknown => setTimeout(callback, ms),
  clearTimeout: (handle: unknown): void => clearTimeout(handle as ReturnType<typeof setTimeout>),
});

/** Options of {@link delay}. */
export interface DelayOptions {
  /** @default systemTimers */
  readonly timers?: Timers;
  /** Rejects the wait with its reason (and clears the timer) when it aborts. */
  readonly signal?: AbortSignal;
}

/** Resolves after `ms` on `options.timers`, or rejects with the signal's reason when it aborts. */
export function delay(ms: number, options: DelayOptions = {}): Promise<void> {
  const { timers = systemTimers, signal } = options;
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      timers.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = timers.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
