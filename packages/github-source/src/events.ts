/**
 * The reporter's events, on eventemitter3. Listeners are wrapped so that one that throws (or
 * rejects) cannot break a report: the write-back goes on and the error is dropped.
 */
import { guardListener, type PullRequestRef } from '@pco/contract';
import { EventEmitter } from 'eventemitter3';
import type { MergeOutcome } from './types.js';

/** What `GitHubReporter` emits, by event name. */
export interface GitHubReporterEvents {
  /** A pull request was merged, queued for auto-merge, or could not be. */
  merge: { readonly taskId: string; readonly pullRequest: PullRequestRef; readonly outcome: MergeOutcome };
  /** A task branch was created (or already existed). */
  branch: { readonly taskId: string; readonly repo: string; readonly branch: string; readonly created: boolean };
  /** Something could not be written, but the report went on (e.g. unmapped board status). */
  warning: { readonly taskId: string; readonly message: string };
}

/** How the reporter's parts emit. */
export type EmitReporterEvent = <K extends keyof GitHubReporterEvents>(event: K, payload: GitHubReporterEvents[K]) => void;

/** The reporter's emitter: `on()` returns the unsubscribe; `emit` never throws. */
export class ReporterEvents {
  // Keyed by name only: on() and emit below carry the payload types.
  readonly #ee = new EventEmitter<keyof GitHubReporterEvents>();

  on<K extends keyof GitHubReporterEvents>(event: K, listener: (payload: GitHubReporterEvents[K]) => unknown): () => void {
    // A listener cannot break the reporter: its failure is dropped.
    const safe = guardListener(listener);
    this.#ee.on(event, safe);
    return () => {
      this.#ee.off(event, safe);
    };
  }

  readonly emit: EmitReporterEvent = (event, payload) => {
    this.#ee.emit(event, payload);
  };
}
