/**
 * The run watcher's events, on eventemitter3. Listeners are wrapped: one that throws is handed to
 * `onListenerError` and cannot break the watcher's poll loop.
 */
import { guardListener } from '@pco/contract';
import { EventEmitter } from 'eventemitter3';
import type { AgentRun } from './types.js';

/** Events of a {@link RunWatcher}. */
export interface RunWatcherEvents {
  /** A watched run was seen with a new status (including its first observation). */
  status: { readonly runId: number; readonly status: string | null; readonly previous: string | null; readonly run: AgentRun };
  /** A watched run reached a terminal status or PAUSED; its watches resolve with `run`. */
  settled: { readonly runId: number; readonly run: AgentRun };
  /** A status this package does not know; reported once per status string. Treated as non-terminal. */
  'unknown-status': { readonly runId: number; readonly status: string };
  /** A poll failed after the client's retries; polling continues on the next tick. */
  'poll-error': { readonly error: unknown; readonly runIds: readonly number[] };
  /**
   * A poll tick ended. It sent one read at most: `mode` says which (`user`: users/me, once,
   * before the first list); `list`/`get` count the list and GET requests it made.
   */
  tick: {
    readonly mode: 'list' | 'get' | 'user';
    readonly runs: number;
    readonly list: number;
    readonly get: number;
    readonly nextInMs: number;
  };
}

/** Called with what a listener threw, and the event it was listening to. */
export type WatcherListenerErrorHandler = (error: unknown, event: keyof RunWatcherEvents) => void;

/** The watcher's emitter: `on()` returns the unsubscribe; `emit` never throws. */
export class WatcherEvents {
  // Typed at the edges (`on`, `emit`); inside, the names are enough.
  readonly #ee = new EventEmitter<keyof RunWatcherEvents>();
  readonly #onListenerError: WatcherListenerErrorHandler;

  constructor(onListenerError: WatcherListenerErrorHandler = () => {}) {
    this.#onListenerError = onListenerError;
  }

  on<K extends keyof RunWatcherEvents>(event: K, listener: (payload: RunWatcherEvents[K]) => void): () => void {
    const safe = guardListener(listener, (error) => this.#onListenerError(error, event));
    this.#ee.on(event, safe);
    return () => {
      this.#ee.off(event, safe);
    };
  }

  emit<K extends keyof RunWatcherEvents>(event: K, payload: RunWatcherEvents[K]): void {
    this.#ee.emit(event, payload);
  }
}
