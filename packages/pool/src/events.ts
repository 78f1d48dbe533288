/**
 * The pool's events, on eventemitter3. Listeners are wrapped: one that throws is reported to
 * `onListenerError` and cannot break an acquire, a release or a recovery.
 */
import { guardListener } from '@pco/contract';
import { EventEmitter } from 'eventemitter3';
import type { AgentPoolEvents } from './types.js';

/** Called with what a listener threw, and the event it was listening to. */
export type ListenerErrorHandler = (error: unknown, event: keyof AgentPoolEvents) => void;

/** The pool's emitter: `on()` returns the unsubscribe; `emit` never throws. */
export class PoolEvents {
  // Typed at the edges (`on`, `emit`); inside, the names are enough.
  readonly #ee = new EventEmitter<keyof AgentPoolEvents>();
  readonly #onListenerError: ListenerErrorHandler;

  constructor(onListenerError: ListenerErrorHandler) {
    this.#onListenerError = onListenerError;
  }

  on<K extends keyof AgentPoolEvents>(event: K, listener: (payload: AgentPoolEvents[K]) => void): () => void {
    const safe = guardListener(listener, (error) => this.#onListenerError(error, event));
    this.#ee.on(event, safe);
    return () => {
      this.#ee.off(event, safe);
    };
  }

  emit<K extends keyof AgentPoolEvents>(event: K, payload: AgentPoolEvents[K]): void {
    this.#ee.emit(event, payload);
  }
}
