/**
 * Small helpers pco's tests share (`@pco/testkit/helpers`): a sleep on any clock, capturing what
 * a call throws or a promise rejects with, a strict CSV reader, and an in-memory run journal. No test-runner dependency:
 * a helper that does not get what it expects throws a plain Error, which fails the test.
 */
import { delay, type JournalEntry, type RunJournal, type Timers } from '@pco/contract';

/** Options of {@link sleep}. */
export interface SleepOptions {
  /**
   * The timers to wait on: a `ManualClock` waits in virtual time.
   * @default the global setTimeout / clearTimeout
   */
  readonly timers?: Timers;
  /** Rejects with the signal's reason when it aborts (at once if it already has), clearing the timer. */
  readonly signal?: AbortSignal;
}

/** Resolves after `ms` on `options.timers` (real time by default), or rejects when `options.signal` aborts. */
export function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  return delay(ms, options);
}

/** A class an error is expected to be an instance of. */
export type ErrorClass<E> = abstract new (...args: never[]) => E;

/**
 * What `fn` throws; throws itself when `fn` returns normally, or when `type` is given and the
 * thrown value is not an instance of it.
 */
export function catchError(fn: () => unknown): unknown;
export function catchError<E>(fn: () => unknown, type: ErrorClass<E>): E;
export function catchError<E>(fn: () => unknown, type?: ErrorClass<E>): unknown {
  try {
    fn();
  } catch (error) {
    return checked(error, type);
  }
  throw new Error('expected the call to throw, it returned');
}

/**
 * What `promise` rejects with; rejects itself when the promise fulfils, or when `type` is given
 * and the reason is not an instance of it.
 */
export function rejectionOf(promise: Promise<unknown>): Promise<unknown>;
export function rejectionOf<E>(promise: Promise<unknown>, type: ErrorClass<E>): Promise<E>;
export async function rejectionOf<E>(promise: Promise<unknown>, type?: ErrorClass<E>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return checked(error, type);
  }
  throw new Error('expected a rejection, the promise fulfilled');
}

function checked<E>(error: unknown, type: ErrorClass<E> | undefined): unknown {
  if (type !== undefined && !(error instanceof type)) {
    const got = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new Error(`expected an instance of ${type.name}, got ${got}`, { cause: error });
  }
  return error;
}

/**
 * A strict RFC 4180 reader, to check that written CSV reads back the same and is well-formed:
 * records end with CRLF, fields are bare or quoted (`""` inside quotes is a quote). A bare `"`
 * or line feed, anything but `,` or CRLF after a closing quote, or an unterminated quote throws.
 * Text after the last CRLF is not a record.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error('parseCsv: unterminated quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
          } else {
            i += 1;
            break;
          }
        } else {
          cell += text[i];
          i += 1;
        }
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`parseCsv: bare ${JSON.stringify(text[i])} at ${i}`);
        cell += text[i];
        i += 1;
      }
    }
    row.push(cell);
    if (text[i] === ',') {
      i += 1;
    } else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < text.length) {
      throw new Error(`parseCsv: unexpected ${JSON.stringify(text[i])} at ${i}`);
    }
  }
  return rows;
}

/** A {@link RunJournal} in memory: `entries` holds what was appended, `load()` returns it. */
export interface MemoryJournal extends RunJournal {
  readonly entries: JournalEntry[];
}

/** An in-memory journal starting with `initial` (e.g. the entries of an earlier run, to resume). */
export function memoryJournal(initial: readonly JournalEntry[] = []): MemoryJournal {
  const entries = [...initial];
  return {
    entries,
    load: async () => [...entries],
    append: async (entry) => void entries.push(entry),
  };
}

export { fakeLandingContext, type FakeLandingContext, type FakeLandingContextOptions } from './landing-context.js';
export { redisForTests, startRedisServer, type TestRedis, type RedisForTestsOptions, type PrivateRedis } from './redis.js';
