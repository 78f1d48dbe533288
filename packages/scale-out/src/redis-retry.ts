/** Retrying Redis calls through an outage (internal). */
import { backoffDelay, delay, type Timers } from '@pco/contract';

/** The back-off between tries. */
export interface RetryTiming {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly timers: Timers;
  readonly onError: (error: Error) => void;
}

/** Resolves after `ms`, or rejects with the signal's reason. */
export function pause(ms: number, timers: Timers, signal?: AbortSignal): Promise<void> {
  return delay(ms, signal === undefined ? { timers } : { timers, signal });
}

/** `promise`, or the signal's reason as soon as it aborts (the promise is left to settle). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Runs `fn` until it succeeds, waiting with exponential back-off and jitter after each failure
 * (Redis unreachable, a script error after a restart): a Redis outage pauses the caller instead of
 * failing its task. Stops with the signal's reason.
 */
export async function withRedisRetry<T>(fn: () => Promise<T>, timing: RetryTiming, signal?: AbortSignal): Promise<T> {
  for (let failures = 1; ; failures++) {
    try {
      return await untilAborted(fn(), signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      timing.onError(error instanceof Error ? error : new Error(String(error)));
      await pause(backoffDelay(failures, { baseDelayMs: timing.baseDelayMs, maxDelayMs: timing.maxDelayMs, jitter: 0.5 }), timing.timers, signal);
    }
  }
}
