/** Options of the web view's parts (defaults in one place, below each interface). */
import type { Clock, Redactor, Timers } from '@pco/contract';
import type { ApiBudget, RunPhase } from './api-types.js';
import type { RunViewModel } from './view-model.js';

/** Options of {@link RunViewModel}. */
export interface RunViewModelOptions {
  /** Where `now`, elapsed times and quarantine ends are read. @default systemClock */
  readonly clock?: Clock;
  /** Log events kept (older ones drop out of `/api/v1/events`). @default 5000 */
  readonly eventLogSize?: number;
  /** Agent slots shown before the run says (`run:start`). @default 1 */
  readonly concurrency?: number;
  /** Phase before the run starts. @default 'loading' */
  readonly phase?: RunPhase;
  /** Run id before the run says. @default '' */
  readonly runId?: string;
  /** The rate-limit budgets to show, read at each status. @default none */
  readonly budgets?: () => readonly ApiBudget[];
}

export const VIEW_MODEL_DEFAULTS = {
  eventLogSize: 5000,
  concurrency: 1,
  phase: 'loading',
} as const satisfies Partial<RunViewModelOptions>;

/** Options of {@link startUiServer}. */
export interface UiServerOptions {
  readonly model: RunViewModel;
  /** Scrubs every string of every response (the run's secrets, token shapes). */
  readonly redact: Redactor;
  /** Interface to bind. Anything but a loopback address requires `token`. @default '127.0.0.1' */
  readonly host?: string;
  /** Port; 0 picks a free one. @default 4545 */
  readonly port?: number;
  /**
   * Access token: requests must carry it (`Authorization: Bearer`, `?token=`, then the cookie the
   * server sets). Required for a non-loopback host. @default none (loopback only)
   */
  readonly token?: string;
  /** Folder of the built page (`index.html`, assets). @default packages/cli/dist/web beside the built module */
  readonly assetsDir?: string;
  /** Longest wait between SSE batches. @default 250 */
  readonly batchMs?: number;
  /** A keep-alive comment after this long without a batch. @default 15000 */
  readonly keepAliveMs?: number;
  /** Stops the server when aborted. @default none */
  readonly signal?: AbortSignal;
  /** Timers of the SSE batches. @default systemTimers */
  readonly timers?: Timers;
}

export const UI_SERVER_DEFAULTS = {
  host: '127.0.0.1',
  port: 4545,
  batchMs: 250,
  keepAliveMs: 15_000,
} as const satisfies Partial<UiServerOptions>;
