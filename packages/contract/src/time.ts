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
