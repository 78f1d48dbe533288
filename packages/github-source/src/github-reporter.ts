/**
 * `GitHubReporter`: writes task outcomes back to GitHub (implements the contract's `Reporter`).
 *
 * - a status label (`status:running`, ...) that replaces the previous one (status-labels.ts);
 * - one result comment per task, found again by a hidden marker and edited on later attempts
 *   (result-comment.ts);
 * - the board's Status field, with a configurable mapping (board-status.ts);
 * - while a lander watches the task's pull request (`in-review`): the label and board Status of
 *   the review state (`changes-requested`, then `landed`), and the result comment edited in place
 *   with the pull request's progress and each reaction (review-progress.ts);
 * - optionally, auto-merge of the task's pull requests (or merge when clean), with the reason
 *   when it cannot (auto-merge.ts); not for tasks a lander landed;
 * - optionally, a branch per task created from the default branch when the task starts
 *   (task-branches.ts).
 *
 * Every step is idempotent, so the orchestrator may retry a failed `report()`. Updates a newer
 * one makes redundant are dropped, and updates of tasks that have not started (pending, ready)
 * are written one at a time in the background, so they never hold up `running` and final
 * states behind GitHub's write spacing (skip-rules.ts, update-queue.ts).
 */
import type { Reporter, TaskUpdate } from '@pco/contract';
import { mergePullRequests } from './auto-merge.js';
import { BoardStatus } from './board-status.js';
import { GitHubAbortError, GitHubApiError, toGitHubError } from './errors.js';
import { ReporterEvents, type GitHubReporterEvents } from './events.js';
import { resolveReporterOptions, statusKeyOf, type GitHubReporterOptions, type ReporterSettings } from './reporter-options.js';
import { ReviewProgress } from './review-progress.js';
import { ResultComments, type PullRequestMerge } from './result-comment.js';
import { canSkip, isBackground, keepsEarlierDone } from './skip-rules.js';
import { StatusLabels } from './status-labels.js';
import { TaskBranches } from './task-branches.js';
import type { GitHubTask, GitHubTaskSourceRef } from './types.js';
import { UpdateQueue } from './update-queue.js';
import { WrittenStates } from './written-state.js';

/**
 * Writes task state changes back to GitHub: status label, result comment, board Status, optional
 * auto-merge and task branches (see the module comment). Pass it to the orchestrator as a
 * reporter; updates of tasks that have not started are written in the background, behind the
 * urgent ones. Tasks without a GitHub `source` are left alone.
 */
export class GitHubReporter implements Reporter<GitHubTask> {
  readonly #settings: ReporterSettings;
  readonly #events = new ReporterEvents();
  readonly #written = new WrittenStates();
  readonly #labels: StatusLabels;
  readonly #comments: ResultComments;
  readonly #board: BoardStatus;
  readonly #branches: TaskBranches;
  readonly #queue: UpdateQueue;
  /** Tasks that started (running or retrying) since this reporter was made. */
  readonly #started = new Set<string>();
  /** Per task in review, the lander's reports in order (the result comment lists them). */
  readonly #progress = new ReviewProgress();

  constructor(options: GitHubReporterOptions) {
    const settings = resolveReporterOptions(options);
    this.#settings = settings;
    const emit = this.#events.emit;
    this.#labels = new StatusLabels(settings, this.#written);
    this.#comments = new ResultComments(settings.client);
    this.#board = new BoardStatus(settings, this.#written, emit);
    this.#branches = new TaskBranches(settings.client, settings.branchPrefix, emit);
    this.#queue = new UpdateQueue({
      canSkip: (update, newer) => this.canSkip(update, newer),
      isBackground: (update, ref) => isBackground(settings, this.#written, update, ref),
      write: (update, ref, signal) => this.#write(update, ref, signal),
    });
  }
  /**
   * What this reporter writes, as an access check needs to know it: issues (status labels or
   * result comments: triage access), contents (merges or task branches: write access), the
   * board's Status (Projects write).
   */
  get writes(): { readonly issues: boolean; readonly contents: boolean; readonly board: boolean } {
    const s = this.#settings;
    return {
      issues: s.statusLabels || s.commentStates.length > 0,
      contents: s.autoMerge !== false || s.branches,
      board: s.projectStatus && Object.values(s.boardOptions).some((option) => typeof option === 'string'),
    };
  }


  /** Subscribes to an event; returns the unsubscribe. A listener that throws is ignored. */
  on<K extends keyof GitHubReporterEvents>(event: K, listener: (payload: GitHubReporterEvents[K]) => unknown): () => void {
    return this.#events.on(event, listener);
  }

  /** The branch a task gets with `branches` enabled (`pco/12-add-the-order-model`). */
  branchName(task: Pick<GitHubTask, 'id' | 'title' | 'source'>): string {
    return this.#branches.name(task);
  }

  /**
   * Writes one state change back to GitHub. Reports of the same task run one after the other, in
   * call order. Rejects (after trying every step) if a step failed.
   */
  report(update: TaskUpdate<GitHubTask>, signal?: AbortSignal): Promise<void> {
    const ref = update.task.source;
    if (ref?.kind !== 'issue' && ref?.kind !== 'draft') return Promise.resolve(); // not a GitHub task
    const id = update.task.id;
    if (update.state === 'running' || update.state === 'retrying') this.#started.add(id);
    // Logged on arrival, so a report written later (or cut short by a newer one) loses no step.
    this.#progress.record(update);
    if (keepsEarlierDone(this.#settings, update, this.#started.has(id))) return Promise.resolve();
    return this.#queue.add(update, ref, signal);
  }

  /**
   * True when writing `update` is redundant because `newer` (a later update of the same task)
   * will be written after it (see skip-rules.ts). The orchestrator then skips it (the contract's
   * `Reporter.canSkip`), and so does `report()` for overlapping calls.
   */
  canSkip(update: TaskUpdate<GitHubTask>, newer: TaskUpdate<GitHubTask>): boolean {
    return canSkip(this.#settings, update, newer);
  }

  /** Runs every step that applies; a failing step does not stop the others. */
  async #write(update: TaskUpdate<GitHubTask>, ref: GitHubTaskSourceRef, signal?: AbortSignal): Promise<void> {
    const s = this.#settings;
    const taskId = update.task.id;
    const errors: unknown[] = [];
    const step = async (name: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (error) {
        errors.push(toGitHubError(error, `${name} for ${taskId}`));
      }
    };
    const repo = ref.repo || undefined;
    const number = typeof ref.number === 'number' ? ref.number : undefined;
    const isIssue = ref.kind === 'issue' && repo !== undefined && number !== undefined;

    if (isIssue && s.statusLabels) {
      await step('status label', () => this.#labels.write(taskId, repo, number, statusKeyOf(update), signal));
    }
    if (s.branches && (update.state === 'running' || update.state === 'retrying') && repo) {
      await step('task branch', () => this.#branches.ensure(update.task, repo, signal));
    }
    let merges: PullRequestMerge[] = [];
    const result = update.result;
    // With a lander the task's pull requests were merged (or left to a human) by it: its result
    // carries `landing`, and the reporter's auto-merge (for runs without a lander) stays out.
    if (s.autoMerge && update.state === 'done' && result && !result.landing) {
      const autoMerge = s.autoMerge;
      await step('auto-merge', async () => {
        merges = await mergePullRequests(s.client, taskId, result.pullRequests, autoMerge, this.#events.emit, signal);
      });
    }
    if (isIssue && s.commentStates.includes(update.state)) {
      await step('result comment', () => this.#comments.upsert(repo, number, update, merges, this.#progress.of(taskId), signal));
    }
    if (s.projectStatus) await step('board status', () => this.#board.write(update, ref, signal));

    if (errors.length > 0) {
      const aborted = errors.find((e) => e instanceof GitHubAbortError);
      if (aborted) throw aborted;
      const first = errors[0] as Error;
      throw new GitHubApiError(`reporting ${update.state} for ${taskId}: ${errors.map((e) => (e as Error).message).join('; ')}`, {
        cause: errors.length === 1 ? first : new AggregateError(errors, first.message),
        status: (first as { status?: number }).status,
        context: { taskId, state: update.state },
      });
    }
  }
}
