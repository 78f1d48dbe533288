/**
 * Per task, what its lander reported while the pull request was in review (`task:review` → the
 * `in-review` updates' `review`): the result comment lists it, so the issue shows every reaction
 * (follow-up asked, branch updated, merge sent, waiting for a human) in order, in one comment
 * edited in place. Kept in memory: a resumed run starts a new list (the comment's earlier text is
 * replaced by the next write).
 */
import type { TaskUpdate } from '@pco/contract';

/** One reported review state. */
export interface ReviewProgressEntry {
  readonly at: number;
  readonly status: string;
  readonly message: string | undefined;
  readonly pullRequest: string | undefined;
}

/** At most this many entries per task are kept (the oldest go first; the comment stays short). */
const MAX_ENTRIES = 50;

export class ReviewProgress {
  readonly #byTask = new Map<string, ReviewProgressEntry[]>();

  /** Adds the update's review report, unless it repeats the last one. */
  record(update: Pick<TaskUpdate, 'task' | 'state' | 'review' | 'at'>): void {
    const review = update.review;
    if (update.state !== 'in-review' || !review) return;
    const list = this.#byTask.get(update.task.id) ?? [];
    const last = list.at(-1);
    const pullRequest = review.pullRequest?.url;
    if (last && last.status === review.status && last.message === review.message && last.pullRequest === pullRequest) return;
    list.push({ at: update.at, status: review.status, message: review.message, pullRequest });
    if (list.length > MAX_ENTRIES) list.splice(0, list.length - MAX_ENTRIES);
    this.#byTask.set(update.task.id, list);
  }

  /** The task's entries, oldest first. */
  of(taskId: string): readonly ReviewProgressEntry[] {
    return this.#byTask.get(taskId) ?? [];
  }
}
