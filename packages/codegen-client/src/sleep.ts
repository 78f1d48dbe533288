import { delay, type Timers } from '@pco/contract';

/** Waits `ms`, or rejects with the signal's reason when it aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A {@link Sleep} on `timers`: one timer per wait, cleared when the signal aborts. */
export function sleepOn(timers: Timers): Sleep {
  return (ms, signal) => delay(ms, signal === undefined ? { timers } : { timers, signal });
}
