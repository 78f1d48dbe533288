// The orchestrator's typed events (eventemitter3), emitted so that a listener cannot break the
// run, and the error reports every run module sends through them. Not public API.
import { EventEmitter } from 'eventemitter3';
import { guardListener, type Clock, type Redactor } from '@pco/contract';
import type { OrchestratorEventName, OrchestratorEvents } from '../events.js';

type ErrorSource = OrchestratorEvents['error']['source'];

/** One per Orchestrator: listeners outlive runs. */
export class RunEvents {
  readonly #ee = new EventEmitter();
  readonly #clock: Clock;
  /** Scrubs secrets from every message the orchestrator records or emits. */
  readonly redact: Redactor;
  /** The run error events name: the current (or last) one. */
  runId = '';

  constructor(redact: Redactor, clock: Clock) {
    this.redact = redact;
    this.#clock = clock;
  }

  /** A listener that throws (or rejects) is reported as an `error` event instead. */
  on<E extends OrchestratorEventName>(event: E, listener: (payload: OrchestratorEvents[E]) => unknown): () => void {
    const wrapped = guardListener(listener, (error) => this.#listenerFailed(event, error));
    this.#ee.on(event, wrapped);
    return () => {
      this.#ee.off(event, wrapped);
    };
  }

  once<E extends OrchestratorEventName>(event: E, listener: (payload: OrchestratorEvents[E]) => unknown): () => void {
    const off = this.on(event, (payload) => {
      off();
      return listener(payload);
    });
    return off;
  }

  /** Whether anyone listens: callers skip building a payload nobody reads. */
  wants(event: OrchestratorEventName): boolean {
    return this.#ee.listenerCount(event) > 0;
  }

  emit<E extends OrchestratorEventName>(event: E, payload: OrchestratorEvents[E]): void {
    this.#ee.emit(event, payload);
  }

  /** A non-fatal failure: an `error` event, or a process warning when nobody listens. */
  reportError(source: ErrorSource, error: unknown, extra: { readonly event?: string; readonly taskId?: string }): void {
    const message = this.message(error);
    if (!this.wants('error')) {
      emitWarning(`${source}${extra.taskId ? ` (task ${extra.taskId})` : ''}${extra.event ? ` (event ${extra.event})` : ''}: ${message}`);
      return;
    }
    // The error object itself may carry a secret in its message: hand out a redacted copy then.
    const safe = error instanceof Error && this.#carriesSecret(error) ? Object.assign(new Error(message), { name: error.name }) : error;
    this.emit('error', { runId: this.runId, at: this.#clock.now(), source, error: safe, message, ...extra });
  }

  /** The redacted text of anything thrown or reported. */
  message(error: unknown): string {
    let text: string;
    if (error instanceof Error) text = error.message;
    else if (typeof error === 'string') text = error;
    else {
      try {
        text = JSON.stringify(error) ?? String(error);
      } catch {
        text = String(error);
      }
    }
    return this.redact(text);
  }

  #carriesSecret(error: Error): boolean {
    return this.redact(error.message) !== error.message || (error.stack !== undefined && this.redact(error.stack) !== error.stack);
  }

  #listenerFailed(event: OrchestratorEventName, error: unknown): void {
    if (event === 'error') {
      // A failing error listener has nobody left to tell but the process.
      emitWarning(`an 'error' listener threw: ${this.message(error)}`);
      return;
    }
    this.reportError('listener', error, { event });
  }
}

function emitWarning(message: string): void {
  process.emitWarning(`pco orchestrator: ${message}`, { code: 'PCO_ORCHESTRATOR' });
}
