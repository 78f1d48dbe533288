// How one update reaches one reporter: skipped or cut short when a newer update of the same task
// makes it redundant (the reporter's `canSkip`). Used by the Orchestrator; not public API.
import { UpdateSupersededError } from '@pco/contract';
import type { Reporter, TaskUpdate } from '@pco/contract';

/** A reporter's `canSkip`, where a throwing one means no. */
export function skippable(reporter: Reporter, update: TaskUpdate, newer: TaskUpdate): boolean {
  try {
    return reporter.canSkip?.(update, newer) === true;
  } catch {
    return false;
  }
}

/**
 * One update on its way to a reporter that can skip updates. Its signal aborts when the run's
 * reporter signal does, or when a newer update of the task makes it redundant (`supersede`):
 * a rate-limited reporter then stops waiting to write a state that is already stale.
 */
export class Delivery {
  // Linked to the run's signal by hand, not with AbortSignal.any: one Delivery per update, tied
  // to a signal that lives for the whole run, and Node drops `any()` links to such a signal only
  // at garbage collection (https://github.com/nodejs/node/issues/55351); dispose() removes the
  // listener at once.
  readonly #controller = new AbortController();
  readonly #runSignal: AbortSignal | undefined;
  readonly #onRunAbort = (): void => this.#controller.abort(this.#runSignal!.reason);
  superseded = false;
  constructor(
    readonly reporter: Reporter,
    readonly update: TaskUpdate,
    runSignal: AbortSignal | undefined
  ) {
    this.#runSignal = runSignal;
    if (runSignal?.aborted) this.#controller.abort(runSignal.reason);
    else runSignal?.addEventListener('abort', this.#onRunAbort, { once: true });
  }
  get signal(): AbortSignal {
    return this.#controller.signal;
  }
  supersede(newer: TaskUpdate): void {
    if (this.superseded || this.#controller.signal.aborted || !skippable(this.reporter, this.update, newer)) return;
    this.superseded = true;
    this.#controller.abort(new UpdateSupersededError(this.update, newer));
  }
  dispose(): void {
    this.#runSignal?.removeEventListener('abort', this.#onRunAbort);
  }
}

/** Whether `error` is `reason` or wraps it (its `cause` chain), as an aborted call's error does. */
export function causedBy(error: unknown, reason: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (current === reason) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
