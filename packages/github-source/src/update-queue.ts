/**
 * The order of a reporter's writes: updates of one task are written one after the other, in
 * call order; an update a later one of the same task makes redundant is dropped (overtaken);
 * low-priority updates wait in the background lane, and go at once when a newer update of their
 * task arrives.
 */
import type { TaskUpdate } from '@pco/contract';
import { BackgroundLane } from './background-lane.js';
import { GitHubAbortError } from './errors.js';
import type { GitHubTask, GitHubTaskSourceRef } from './types.js';

type Update = TaskUpdate<GitHubTask>;

/** What the queue asks of the reporter. */
export interface UpdateQueueHandlers {
  /** `newer` makes `update` redundant (the reporter's `canSkip`). */
  canSkip(update: Update, newer: Update): boolean;
  /** `update` is low priority: it waits in the background lane. */
  isBackground(update: Update, ref: GitHubTaskSourceRef): boolean;
  /** Writes `update`. */
  write(update: Update, ref: GitHubTaskSourceRef, signal?: AbortSignal): Promise<void>;
}

export class UpdateQueue {
  readonly #handlers: UpdateQueueHandlers;
  /** Per task, the tail of its chain of writes. */
  readonly #queues = new Map<string, Promise<void>>();
  /**
   * Per task, the latest update passed to add() (an earlier one not yet written may be
   * skipped). For callers that report a task's updates without waiting; the orchestrator waits,
   * and cuts a stale update short through its signal instead.
   */
  readonly #latest = new Map<string, Update>();
  /** Writes for tasks that have not started wait here, one at a time (see BackgroundLane). */
  readonly #background = new BackgroundLane();
  /** Per task, how to let its update waiting in the lane through at once. */
  readonly #promoteWaiting = new Map<string, () => void>();

  constructor(handlers: UpdateQueueHandlers) {
    this.#handlers = handlers;
  }

  /** Queues `update` behind the task's earlier ones; settles when it is written (or dropped). */
  add(update: Update, ref: GitHubTaskSourceRef, signal?: AbortSignal): Promise<void> {
    const id = update.task.id;
    this.#latest.set(id, update);
    // An older update of this task waiting in the background lane goes now: it is either made
    // redundant by this one (skipped after the wait) or must not hold this one up.
    this.#promoteWaiting.get(id)?.();
    const previous = this.#queues.get(id) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => {
      return this.#overtaken(update) ? undefined : this.#run(update, ref, signal);
    });
    const tail = next.catch(() => {});
    this.#queues.set(id, tail);
    void tail.then(() => {
      if (this.#queues.get(id) === tail) {
        this.#queues.delete(id);
        this.#latest.delete(id);
      }
    });
    return next;
  }

  /** A later add() of the same task has come, and its update makes this one redundant. */
  #overtaken(update: Update): boolean {
    const newer = this.#latest.get(update.task.id);
    return newer !== undefined && newer !== update && this.#handlers.canSkip(update, newer);
  }

  async #run(update: Update, ref: GitHubTaskSourceRef, signal?: AbortSignal): Promise<void> {
    const id = update.task.id;
    const aborted = (reason: unknown) => new GitHubAbortError(`reporting ${update.state} for ${id} was aborted`, reason);
    if (signal?.aborted) throw aborted(signal.reason);
    let release: (() => void) | undefined;
    if (this.#handlers.isBackground(update, ref)) {
      try {
        release = await this.#background.acquire(signal, (promote) => this.#promoteWaiting.set(id, promote));
      } catch (reason) {
        throw aborted(reason);
      } finally {
        this.#promoteWaiting.delete(id);
      }
      // A newer update of the task came meanwhile and replaces this one.
      if (this.#overtaken(update)) {
        release();
        return;
      }
    }
    try {
      await this.#handlers.write(update, ref, signal);
    } finally {
      release?.();
    }
  }
}
