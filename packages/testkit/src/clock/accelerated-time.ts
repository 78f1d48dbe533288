import { InvalidOptionsError, systemClock, systemTimers, type Clock, type Timers } from '@pco/contract';

/** Options of {@link createAcceleratedTime}. */
export interface AcceleratedTimeOptions {
  /** How many times faster than real time the clock runs (and the timers fire). Must be > 0. */
  readonly speed: number;
  /**
   * The instant (epoch ms) at which the accelerated clock reads the same as the real one. Give
   * every process of one test the same origin so their clocks agree.
   * @default the real time at creation
   */
  readonly origin?: number;
  /** The real clock and timers underneath. @default systemClock, systemTimers */
  readonly base?: { readonly clock?: Clock; readonly timers?: Timers };
}

/** A clock and timers that run `speed` times faster than real time. */
export interface AcceleratedTime {
  /** `now()` advances `speed` ms for every real ms, from `origin`. */
  readonly clock: Clock;
  /** `setTimeout(callback, ms)` fires after `ms / speed` real ms. */
  readonly timers: Timers;
  readonly speed: number;
  readonly origin: number;
}

/**
 * Sped-up time for code that takes `clock` and `timers` options: what the Codegen client waits
 * on (rate-limit windows, back-off, poll intervals) passes `speed` times faster, without
 * patching globals. Give the fake Codegen the same clock (`now: time.clock.now`, no
 * `timeScale`) so its run timelines, windows and timestamps agree with the client's.
 *
 * @example
 * const time = createAcceleratedTime({ speed: 1000 });
 * const fake = await startFakeCodegen({ now: time.clock.now });
 * const client = new CodegenClient({ token: fake.token, orgId: fake.orgId, baseUrl: fake.url, clock: time.clock, timers: time.timers });
 */
export function createAcceleratedTime(options: AcceleratedTimeOptions): AcceleratedTime {
  const { speed } = options;
  if (!(Number.isFinite(speed) && speed > 0)) throw new InvalidOptionsError('createAcceleratedTime', 'speed', 'expected a finite number > 0', speed);
  const base = { clock: options.base?.clock ?? systemClock, timers: options.base?.timers ?? systemTimers };
  const origin = options.origin ?? base.clock.now();
  return {
    speed,
    origin,
    clock: { now: () => origin + (base.clock.now() - origin) * speed },
    timers: {
      setTimeout: (callback, ms) => base.timers.setTimeout(callback, Math.max(0, ms) / speed),
      clearTimeout: (handle) => base.timers.clearTimeout(handle),
    },
  };
}
