/**
 * `GitHubReporter`: writes task outcomes back to GitHub (implements core's `Reporter`).
 *
 * - a status label (`status:running`, ...) that replaces the previous one;
 * - one result comment per task, found again by a hidden marker and edited on later attempts;
 * - the board's Status field (`updateProjectV2ItemFieldValue`), with a configurable mapping;
 * - optionally, auto-merge of the task's pull requests (or merge when clean), with the reason
 *   when it cannot;
 * - optionally, a branch per task created from the default branch when the task starts.
 *
 * Every step is idempotent, so the orchestrator may retry a failed `report()`. Updates of tasks
 * that have not started (pending, ready) are written one at a time in the background, so they
 * never hold up `running` and final states behind GitHub's write spacing.
 */
import { BackgroundLane } from './background-lane.js';
import { GitHubAbortError, GitHubApiError, GitHubOptionsError, redactSecrets, toGitHubError } from './errors.js';
import { TypedEmitter } from './events.js';
import type { GitHubClient } from './octokit.js';
import type { GitHubLogger, GitHubPullRequestRef, GitHubTaskResult, GitHubTaskState, GitHubTaskUpdate } from './types.js';

/** How a pull request of a finished task was (not) merged. */
export type MergeOutcome =
  | { readonly status: 'merged' }
  | { readonly status: 'auto-merge-enabled' }
  | { readonly status: 'already-merged' }
  | { readonly status: 'auto-merge-already-enabled' }
  | { readonly status: 'not-merged'; readonly reason: string };

export interface GitHubReporterEvents {
  /** A pull request was merged, queued for auto-merge, or could not be. */
  merge: { readonly taskId: string; readonly pullRequest: GitHubPullRequestRef; readonly outcome: MergeOutcome };
  /** A task branch was created (or already existed). */
  branch: { readonly taskId: string; readonly repo: string; readonly branch: string; readonly created: boolean };
  /** Something could not be written, but the report went on (e.g. unmapped board status). */
  warning: { readonly taskId: string; readonly message: string };
}

export interface GitHubStatusLabelOptions {
  /** @default 'status:' */
  readonly prefix?: string;
  /**
   * Label name (after the prefix) per state; `null` leaves the labels alone for that state.
   * @default { pending: 'queued', ready: 'queued', running: 'running', retrying: 'running', done: 'done', failed: 'failed', skipped: 'skipped', 'needs-input': 'needs-input', interrupted: null }
   */
  readonly names?: Partial<Record<GitHubTaskState, string | null>>;
}

export interface GitHubAutoMergeOptions {
  /** @default 'squash' */
  readonly method?: 'merge' | 'squash' | 'rebase';
  /**
   * `auto`: merge now when the PR is clean, else enable GitHub's auto-merge.
   * `merge-when-clean`: merge only when clean, never enable auto-merge.
   * @default 'auto'
   */
  readonly mode?: 'auto' | 'merge-when-clean';
}

export interface GitHubBranchOptions {
  /** Branch name prefix; the name is `<prefix><number>-<slug of title>`. @default 'pco/' */
  readonly prefix?: string;
}

export interface GitHubReporterOptions {
  /** A client from `createGitHubClient`. */
  readonly client: GitHubClient;
  /** Status labels; `false` disables them. @default {} (enabled, prefix `status:`) */
  readonly statusLabels?: GitHubStatusLabelOptions | false;
  /** States that write the result comment; `[]` disables comments. @default ['done', 'failed', 'skipped', 'needs-input'] */
  readonly commentStates?: readonly GitHubTaskState[];
  /**
   * Board Status option name per state (matched case-insensitively); unmapped states leave the
   * field alone; `false` disables board updates.
   * @default { running: 'In Progress', retrying: 'In Progress', done: 'Done' }
   */
  readonly projectStatus?: Partial<Record<GitHubTaskState, string | null>> | false;
  /**
   * For issue tasks that did not come from a board: the board whose Status to update
   * (found through the issue's project items).
   */
  readonly project?: { readonly owner: string; readonly number: number; readonly statusField?: string };
  /** Merge the PRs of done tasks. @default false */
  readonly autoMerge?: GitHubAutoMergeOptions | false;
  /** Create a branch per task when it starts running. @default false */
  readonly branches?: GitHubBranchOptions | false;
  /** @default silent */
  readonly logger?: GitHubLogger;
}

const DEFAULT_LABEL_NAMES: Record<GitHubTaskState, string | null> = {
  pending: 'queued',
  ready: 'queued',
  running: 'running',
  retrying: 'running',
  done: 'done',
  failed: 'failed',
  skipped: 'skipped',
  'needs-input': 'needs-input',
  interrupted: null,
};
const DEFAULT_PROJECT_STATUS: Partial<Record<GitHubTaskState, string | null>> = { running: 'In Progress', retrying: 'In Progress', done: 'Done' };
const DEFAULT_COMMENT_STATES: readonly GitHubTaskState[] = ['done', 'failed', 'skipped', 'needs-input'];

const MAX_COMMENT = 60_000;

/** The hidden marker that identifies a task's result comment. */
export const resultCommentMarker = (taskId: string): string => `<!-- pco:result task=${taskId} -->`;

interface TaskRef {
  readonly kind?: unknown;
  readonly repo?: unknown;
  readonly number?: unknown;
  readonly nodeId?: unknown;
  readonly projectId?: unknown;
  readonly projectItemId?: unknown;
  readonly statusFieldId?: unknown;
  readonly statusOptions?: unknown;
}

/** What this reporter last wrote for a task (undefined while a write is not through). */
interface WrittenState {
  label?: string | undefined;
  /** The board option's id, and the mapping's name it was written for. */
  boardOption?: string | undefined;
  boardWanted?: string | undefined;
}

interface BoardTarget {
  readonly projectId: string;
  readonly itemId: string;
  readonly fieldId: string;
  readonly options: Readonly<Record<string, string>>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Writes task state changes back to GitHub: status label, result comment, board Status, optional
 * auto-merge and task branches (see the module comment). Pass it to the orchestrator as a
 * reporter; updates of tasks that have not started are written in the background, behind the
 * urgent ones.
 */
export class GitHubReporter extends TypedEmitter<GitHubReporterEvents> {
  readonly #o: GitHubReporterOptions;
  readonly #commentIds = new Map<string, number>();
  readonly #boards = new Map<string, BoardTarget | null>();
  readonly #defaultBranches = new Map<string, string>();
  readonly #queues = new Map<string, Promise<void>>();
  /**
   * Per task, the latest update passed to report() (an earlier one not yet written may be
   * skipped). For callers that report a task's updates without waiting; the orchestrator waits,
   * and cuts a stale update short through its signal instead.
   */
  readonly #latest = new Map<string, GitHubTaskUpdate>();
  /**
   * Per task, the status label and board option this reporter last wrote. States that map to
   * the same value (pending → ready are both `queued`, running → retrying both `running`) then
   * cost no request: GitHub counts every write against the secondary rate limit.
   */
  readonly #written = new Map<string, WrittenState>();
  /** Writes for tasks that have not started wait here, one at a time (see BackgroundLane). */
  readonly #background = new BackgroundLane();
  /** Per task, how to let its update waiting in the lane through at once. */
  readonly #promoteWaiting = new Map<string, () => void>();
  /** Tasks that started (running or retrying) since this reporter was made. */
  readonly #started = new Set<string>();

  constructor(options: GitHubReporterOptions) {
    super();
    if (!options || typeof options.client?.request !== 'function') {
      throw new GitHubOptionsError('GitHubReporter: client must be a client from createGitHubClient()', { field: 'client' });
    }
    if (options.autoMerge && options.autoMerge.method !== undefined && !['merge', 'squash', 'rebase'].includes(options.autoMerge.method)) {
      throw new GitHubOptionsError(`GitHubReporter: autoMerge.method must be merge, squash or rebase`, { field: 'autoMerge.method' });
    }
    this.#o = options;
  }

  /** The branch a task gets with `branches` enabled (`pco/12-add-the-order-model`). */
  branchName(task: { readonly id: string; readonly title: string; readonly source?: Readonly<Record<string, unknown>> }): string {
    const prefix = (this.#o.branches || {}).prefix ?? 'pco/';
    const n = task.source?.number;
    const slug = task.title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '');
    const id = typeof n === 'number' ? String(n) : task.id.replace(/[^A-Za-z0-9]+/g, '-');
    return `${prefix}${id}${slug ? `-${slug}` : ''}`;
  }

  /**
   * Writes one state change back to GitHub. Reports of the same task run one after the other, in
   * call order. Rejects (after trying every step) if a step failed.
   */
  report(update: GitHubTaskUpdate, signal?: AbortSignal): Promise<void> {
    const ref = (update.task.source ?? {}) as TaskRef;
    if (ref.kind !== 'issue' && ref.kind !== 'draft') return Promise.resolve(); // not a GitHub task
    const id = update.task.id;
    if (update.state === 'running' || update.state === 'retrying') this.#started.add(id);
    if (this.#keepsEarlierDone(update)) return Promise.resolve();
    this.#latest.set(id, update);
    // An older update of this task waiting in the background lane goes now: it is either made
    // redundant by this one (skipped after the wait) or must not hold this one up.
    this.#promoteWaiting.get(id)?.();
    const previous = this.#queues.get(id) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => {
      return this.#overtaken(update) ? undefined : this.#report(update, ref, signal);
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

  /**
   * True when writing `update` is redundant because `newer` (a later update of the same task)
   * will be written after it: every output `update` would touch, `newer` touches too — its status
   * label and board Status replace them, and `update` has no comment, auto-merge or task branch
   * to write. The orchestrator then skips it (core's `Reporter.canSkip`), and so does `report()`
   * for overlapping calls. This matters when GitHub's write spacing holds writes up: a run's start
   * reports pending, ready and running for many tasks in one go.
   */
  canSkip(update: GitHubTaskUpdate, newer: GitHubTaskUpdate): boolean {
    const o = this.#o;
    if ((o.commentStates ?? DEFAULT_COMMENT_STATES).includes(update.state)) return false;
    if (o.branches && (update.state === 'running' || update.state === 'retrying')) return false;
    if (o.autoMerge && update.state === 'done') return false;
    if (o.statusLabels !== false && this.#labelFor(update.state) !== undefined && this.#labelFor(newer.state) === undefined) return false;
    if (o.projectStatus !== false && this.#boardOptionFor(update.state) !== undefined && this.#boardOptionFor(newer.state) === undefined) return false;
    return true;
  }

  /**
   * An issue an earlier run finished (it carries the `done` status label) keeps its result:
   * a state that says less than done — pending, ready, skipped, interrupted — is not written
   * over it unless the task really ran again in this run (then its new outcome is written,
   * failed included).
   */
  #keepsEarlierDone(update: GitHubTaskUpdate): boolean {
    if (update.state !== 'pending' && update.state !== 'ready' && update.state !== 'skipped' && update.state !== 'interrupted') return false;
    if (this.#started.has(update.task.id)) return false;
    // With status labels off, the label an earlier run with defaults wrote (`status:done`).
    const done = this.#labelFor('done');
    return done !== undefined && (update.task.labels ?? []).includes(done);
  }

  /** A later `report()` of the same task has come, and its update makes this one redundant. */
  #overtaken(update: GitHubTaskUpdate): boolean {
    const newer = this.#latest.get(update.task.id);
    return newer !== undefined && newer !== update && this.canSkip(update, newer);
  }

  /** The status label a state maps to, or undefined when it leaves the labels alone. */
  #labelFor(state: GitHubTaskState): string | undefined {
    const opts = this.#o.statusLabels || {};
    const name = { ...DEFAULT_LABEL_NAMES, ...opts.names }[state];
    return name === null || name === undefined ? undefined : `${opts.prefix ?? 'status:'}${name}`;
  }

  /** The board option name a state maps to, or undefined when it leaves the board alone. */
  #boardOptionFor(state: GitHubTaskState): string | undefined {
    const wanted = { ...DEFAULT_PROJECT_STATUS, ...(this.#o.projectStatus || {}) }[state];
    return wanted === null || wanted === undefined ? undefined : wanted;
  }

  /**
   * Whether the update is low priority and goes through the background lane: a task that has
   * not started (pending, ready), whose writes the task's `running` update replaces (so it can be
   * dropped once the task starts), and that writes something.
   */
  #isBackground(update: GitHubTaskUpdate, ref: TaskRef): boolean {
    if (update.state !== 'pending' && update.state !== 'ready') return false;
    if (!this.canSkip(update, { ...update, state: 'running' })) return false;
    const o = this.#o;
    const written = this.#written.get(update.task.id);
    const board = o.projectStatus === false ? undefined : this.#boardOptionFor(update.state);
    if (board !== undefined && written?.boardWanted !== board) return true;
    const label = o.statusLabels === false || ref.kind !== 'issue' ? undefined : this.#labelFor(update.state);
    return label !== undefined && written?.label !== label;
  }

  async #report(update: GitHubTaskUpdate, ref: TaskRef, signal?: AbortSignal): Promise<void> {
    const id = update.task.id;
    const aborted = (reason: unknown) => new GitHubAbortError(`reporting ${update.state} for ${id} was aborted`, reason);
    if (signal?.aborted) throw aborted(signal.reason);
    let release: (() => void) | undefined;
    if (this.#isBackground(update, ref)) {
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
      await this.#write(update, ref, signal);
    } finally {
      release?.();
    }
  }

  async #write(update: GitHubTaskUpdate, ref: TaskRef, signal?: AbortSignal): Promise<void> {
    const errors: unknown[] = [];
    const step = async (name: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (error) {
        errors.push(toGitHubError(error, `${name} for ${update.task.id}`));
      }
    };
    const repo = str(ref.repo);
    const number = typeof ref.number === 'number' ? ref.number : undefined;
    const isIssue = ref.kind === 'issue' && repo !== undefined && number !== undefined;

    if (isIssue && this.#o.statusLabels !== false) {
      await step('status label', () => this.#setStatusLabel(update.task.id, repo, number, update.state, signal));
    }
    if (this.#o.branches && (update.state === 'running' || update.state === 'retrying')) {
      const branchRepo = repo ?? undefined;
      if (branchRepo) await step('task branch', () => this.#ensureBranch(update, branchRepo, signal));
    }
    let merges: { pr: GitHubPullRequestRef; outcome: MergeOutcome }[] = [];
    if (this.#o.autoMerge && update.state === 'done' && update.result) {
      const autoMerge = this.#o.autoMerge;
      await step('auto-merge', async () => {
        merges = await this.#mergeAll(update.task.id, update.result!.pullRequests, autoMerge, signal);
      });
    }
    if (isIssue && (this.#o.commentStates ?? DEFAULT_COMMENT_STATES).includes(update.state)) {
      await step('result comment', () => this.#upsertComment(repo, number, update, merges, signal));
    }
    if (this.#o.projectStatus !== false) await step('board status', () => this.#setBoardStatus(update, ref, signal));

    if (errors.length > 0) {
      const aborted = errors.find((e) => e instanceof GitHubAbortError);
      if (aborted) throw aborted;
      const first = errors[0] as Error;
      throw new GitHubApiError(
        `reporting ${update.state} for ${update.task.id}: ${errors.map((e) => (e as Error).message).join('; ')}`,
        { cause: errors.length === 1 ? first : new AggregateError(errors, first.message), status: (first as { status?: number }).status, context: { taskId: update.task.id, state: update.state } },
      );
    }
  }

  // ---------------------------------------------------------------------------------------- labels

  async #setStatusLabel(taskId: string, repo: string, number: number, state: GitHubTaskState, signal?: AbortSignal): Promise<void> {
    const prefix = (this.#o.statusLabels || {}).prefix ?? 'status:';
    const wanted = this.#labelFor(state);
    if (wanted === undefined) return;
    const written = this.#writtenFor(taskId);
    if (written.label === wanted) return;
    // Forget it until the write is through: a failed or aborted step is redone by the next report.
    written.label = undefined;
    const [owner, repoName] = repo.split('/') as [string, string];
    // Adding returns the issue's full label list (and creates a missing label), so the previous
    // status labels are known without another read.
    const added = await this.#o.client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
      owner,
      repo: repoName,
      issue_number: number,
      labels: [wanted],
      request: { signal },
    });
    const stale = (added.data as { name: string }[]).map((l) => l.name).filter((l) => l.toLowerCase().startsWith(prefix.toLowerCase()) && l.toLowerCase() !== wanted.toLowerCase());
    for (const label of stale) {
      try {
        await this.#o.client.request('DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', {
          owner,
          repo: repoName,
          issue_number: number,
          name: label,
          request: { signal },
        });
      } catch (error) {
        // 404 "Label does not exist": someone removed it already (research §1.5).
        if ((error as { status?: number }).status !== 404) throw error;
      }
    }
    written.label = wanted;
  }

  #writtenFor(taskId: string): WrittenState {
    let written = this.#written.get(taskId);
    if (written === undefined) {
      written = {};
      this.#written.set(taskId, written);
    }
    return written;
  }

  // -------------------------------------------------------------------------------------- comments

  async #upsertComment(
    repo: string,
    number: number,
    update: GitHubTaskUpdate,
    merges: readonly { pr: GitHubPullRequestRef; outcome: MergeOutcome }[],
    signal?: AbortSignal,
  ): Promise<void> {
    const [owner, repoName] = repo.split('/') as [string, string];
    const body = renderResultComment(update, merges);
    const marker = resultCommentMarker(update.task.id);
    const client = this.#o.client;
    let id = this.#commentIds.get(update.task.id);
    if (id === undefined) {
      const comments = await client.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner,
        repo: repoName,
        issue_number: number,
        per_page: 100,
        // plugin-paginate-rest 14 types its `request` against an older @octokit/types.
        request: { signal },
      } as { owner: string; repo: string; issue_number: number; per_page: number });
      id = (comments as { id: number; body?: string }[]).find((c) => c.body?.includes(marker))?.id;
    }
    if (id !== undefined) {
      try {
        await client.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner, repo: repoName, comment_id: id, body, request: { signal } });
        this.#commentIds.set(update.task.id, id);
        return;
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
        this.#commentIds.delete(update.task.id); // deleted meanwhile: write a new one
      }
    }
    const created = await client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner,
      repo: repoName,
      issue_number: number,
      body,
      request: { signal },
    });
    this.#commentIds.set(update.task.id, Number(created.data.id));
  }

  // ----------------------------------------------------------------------------------------- board

  async #setBoardStatus(update: GitHubTaskUpdate, ref: TaskRef, signal?: AbortSignal): Promise<void> {
    const wanted = this.#boardOptionFor(update.state);
    if (wanted === undefined) return;
    const target = await this.#boardTarget(update.task.id, ref, signal);
    if (!target) return;
    const optionName = Object.keys(target.options).find((n) => n.toLowerCase() === wanted.toLowerCase());
    if (optionName === undefined) {
      this.emit('warning', { taskId: update.task.id, message: `the board's Status field has no option "${wanted}" (has: ${Object.keys(target.options).join(', ')})` });
      return;
    }
    const optionId = target.options[optionName];
    const written = this.#writtenFor(update.task.id);
    if (written.boardOption === optionId) return;
    written.boardOption = undefined;
    written.boardWanted = undefined;
    await this.#o.client.graphql(
      `mutation PcoSetStatus($projectId: ID!, $itemId: ID!, $fieldId: ID!, $optionId: String!) {
        updateProjectV2ItemFieldValue(input: { projectId: $projectId, itemId: $itemId, fieldId: $fieldId, value: { singleSelectOptionId: $optionId } }) { projectV2Item { id } }
      }`,
      { projectId: target.projectId, itemId: target.itemId, fieldId: target.fieldId, optionId, request: { signal } },
    );
    written.boardOption = optionId;
    written.boardWanted = wanted;
  }

  async #boardTarget(taskId: string, ref: TaskRef, signal?: AbortSignal): Promise<BoardTarget | null> {
    const projectId = str(ref.projectId);
    const itemId = str(ref.projectItemId);
    const fieldId = str(ref.statusFieldId);
    if (projectId && itemId && fieldId && ref.statusOptions && typeof ref.statusOptions === 'object') {
      return { projectId, itemId, fieldId, options: ref.statusOptions as Record<string, string> };
    }
    const board = this.#o.project;
    const nodeId = str(ref.nodeId);
    if (!board || !nodeId || ref.kind !== 'issue') return null;
    if (this.#boards.has(taskId)) return this.#boards.get(taskId) ?? null;
    const data = await this.#o.client.graphql<{
      node: { projectItems?: { nodes: { id: string; project: { id: string; number: number; owner: { login?: string }; field: { id: string; options: { id: string; name: string }[] } | null } }[] } } | null;
    }>(
      `query PcoIssueBoardItem($id: ID!, $statusField: String!) {
        node(id: $id) { ... on Issue { projectItems(first: 50) { nodes { id project {
          id number owner { ... on Organization { login } ... on User { login } }
          field(name: $statusField) { ... on ProjectV2SingleSelectField { id options { id name } } }
        } } } } }
      }`,
      { id: nodeId, statusField: board.statusField ?? 'Status', request: { signal } },
    );
    const item = data.node?.projectItems?.nodes.find((n) => n.project.number === board.number && n.project.owner.login?.toLowerCase() === board.owner.toLowerCase());
    let target: BoardTarget | null = null;
    if (!item) {
      this.emit('warning', { taskId, message: `${taskId} is not on project ${board.owner}/${board.number}; board status not updated` });
    } else if (!item.project.field?.id) {
      this.emit('warning', { taskId, message: `project ${board.owner}/${board.number} has no single-select field "${board.statusField ?? 'Status'}"` });
    } else {
      target = { projectId: item.project.id, itemId: item.id, fieldId: item.project.field.id, options: Object.fromEntries(item.project.field.options.map((o) => [o.name, o.id])) };
    }
    this.#boards.set(taskId, target);
    return target;
  }

  // ----------------------------------------------------------------------------------------- merge

  async #mergeAll(taskId: string, prs: readonly GitHubPullRequestRef[], options: GitHubAutoMergeOptions, signal?: AbortSignal) {
    const out: { pr: GitHubPullRequestRef; outcome: MergeOutcome }[] = [];
    for (const pr of prs) {
      const outcome = await this.#merge(pr, options, signal);
      out.push({ pr, outcome });
      this.emit('merge', { taskId, pullRequest: pr, outcome });
    }
    return out;
  }

  async #merge(pr: GitHubPullRequestRef, options: GitHubAutoMergeOptions, signal?: AbortSignal): Promise<MergeOutcome> {
    const located = locatePullRequest(pr);
    if (!located) return { status: 'not-merged', reason: `cannot tell the repository and number of ${pr.url}` };
    const [owner, name, number] = located;
    const mergeMethod = (options.method ?? 'squash').toUpperCase();
    const client = this.#o.client;
    let data: {
      repository: {
        autoMergeAllowed: boolean;
        pullRequest: { id: string; state: string; isDraft: boolean; merged: boolean; mergeStateStatus: string; headRefOid: string; autoMergeRequest: { enabledAt: string } | null };
      };
    };
    try {
      data = await client.graphql(
        `query PcoPullRequestState($owner: String!, $name: String!, $number: Int!) {
          repository(owner: $owner, name: $name) { autoMergeAllowed pullRequest(number: $number) {
            id state isDraft merged mergeStateStatus headRefOid autoMergeRequest { enabledAt } } }
        }`,
        { owner, name, number, request: { signal } },
      );
    } catch (error) {
      const e = toGitHubError(error, `reading ${owner}/${name}#${number}`);
      if (e.code === 'GITHUB_NOT_FOUND') return { status: 'not-merged', reason: `${owner}/${name}#${number} does not exist or is not accessible` };
      throw e;
    }
    const p = data.repository.pullRequest;
    if (p.merged) return { status: 'already-merged' };
    if (p.state !== 'OPEN') return { status: 'not-merged', reason: 'the pull request is closed' };
    if (p.isDraft) return { status: 'not-merged', reason: 'the pull request is a draft' };
    if (p.autoMergeRequest) return { status: 'auto-merge-already-enabled' };
    const mergeNow = async (): Promise<MergeOutcome> => {
      try {
        await client.graphql(
          `mutation PcoMerge($id: ID!, $mergeMethod: PullRequestMergeMethod!, $head: GitObjectID!) {
            mergePullRequest(input: { pullRequestId: $id, mergeMethod: $mergeMethod, expectedHeadOid: $head }) { pullRequest { merged } }
          }`,
          { id: p.id, mergeMethod, head: p.headRefOid, request: { signal } },
        );
        return { status: 'merged' };
      } catch (error) {
        return { status: 'not-merged', reason: mergeFailureReason(error) };
      }
    };
    if (p.mergeStateStatus === 'CLEAN' || p.mergeStateStatus === 'HAS_HOOKS') return mergeNow();
    const blocked = STATE_REASONS[p.mergeStateStatus];
    if ((options.mode ?? 'auto') === 'merge-when-clean') return { status: 'not-merged', reason: blocked ?? `merge state is ${p.mergeStateStatus}` };
    if (p.mergeStateStatus === 'DIRTY' || p.mergeStateStatus === 'UNSTABLE' || p.mergeStateStatus === 'DRAFT') {
      return { status: 'not-merged', reason: blocked ?? p.mergeStateStatus };
    }
    if (!data.repository.autoMergeAllowed) return { status: 'not-merged', reason: `auto-merge is not allowed in ${owner}/${name}, and ${blocked ?? 'the PR is not mergeable yet'}` };
    try {
      await client.graphql(
        `mutation PcoEnableAutoMerge($id: ID!, $mergeMethod: PullRequestMergeMethod!, $head: GitObjectID!) {
          enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: $mergeMethod, expectedHeadOid: $head }) { pullRequest { autoMergeRequest { enabledAt } } }
        }`,
        { id: p.id, mergeMethod, head: p.headRefOid, request: { signal } },
      );
      return { status: 'auto-merge-enabled' };
    } catch (error) {
      // Became mergeable meanwhile: GitHub refuses auto-merge on a clean PR (research §2.5).
      if (/clean status/i.test(String((error as Error).message))) return mergeNow();
      return { status: 'not-merged', reason: mergeFailureReason(error) };
    }
  }

  // ---------------------------------------------------------------------------------------- branch

  async #ensureBranch(update: GitHubTaskUpdate, repo: string, signal?: AbortSignal): Promise<void> {
    const [owner, name] = repo.split('/') as [string, string];
    const client = this.#o.client;
    const branch = this.branchName(update.task);
    let base = this.#defaultBranches.get(repo.toLowerCase());
    if (base === undefined) {
      const r = await client.request('GET /repos/{owner}/{repo}', { owner, repo: name, request: { signal } });
      base = r.data.default_branch;
      this.#defaultBranches.set(repo.toLowerCase(), base);
    }
    const head = await client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { owner, repo: name, ref: `heads/${base}`, request: { signal } });
    try {
      await client.request('POST /repos/{owner}/{repo}/git/refs', { owner, repo: name, ref: `refs/heads/${branch}`, sha: head.data.object.sha, request: { signal } });
      this.emit('branch', { taskId: update.task.id, repo, branch, created: true });
    } catch (error) {
      const e = error as { status?: number; message?: string };
      if (e.status === 422 && /already exists/i.test(String(e.message))) {
        this.emit('branch', { taskId: update.task.id, repo, branch, created: false });
        return;
      }
      throw error;
    }
  }
}

const STATE_REASONS: Record<string, string> = {
  DIRTY: 'merge conflicts with the base branch',
  UNSTABLE: 'checks are failing',
  BLOCKED: 'blocked by required checks or reviews',
  BEHIND: 'the head branch is behind the base branch',
  DRAFT: 'the pull request is a draft',
  UNKNOWN: 'GitHub has not computed mergeability yet',
};

/** GitHub's refusal (a GraphQL error) as a reason; anything else (network, misuse) is rethrown. */
function mergeFailureReason(error: unknown): string {
  if ((error as { name?: string }).name !== 'GraphqlResponseError') throw error;
  const message = String((error as { errors?: { message?: string }[] }).errors?.[0]?.message ?? (error as Error).message ?? error);
  if (/head branch was modified/i.test(message)) return 'the head branch moved since the task finished';
  if (/not mergeable/i.test(message)) return 'the pull request is not mergeable';
  if (/unstable status/i.test(message)) return 'checks are failing';
  return redactSecrets(message);
}

function locatePullRequest(pr: GitHubPullRequestRef): [string, string, number] | undefined {
  const m = /\/([^/\s]+)\/([^/\s]+)\/pulls?\/(\d+)/.exec(pr.url);
  const repo = pr.repo ?? (m ? `${m[1]}/${m[2]}` : undefined);
  const number = pr.number ?? (m ? Number(m[3]) : undefined);
  if (!repo || number === undefined) return undefined;
  const [owner, name] = repo.split('/');
  return owner && name ? [owner, name, number] : undefined;
}

const ICONS: Partial<Record<GitHubTaskState, string>> = { done: '✅', failed: '❌', skipped: '⏭️', 'needs-input': '❓', interrupted: '⏸️', running: '🏃', retrying: '🔁' };

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s % 60}s` : `${s}s`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function describeMerge(o: MergeOutcome): string {
  switch (o.status) {
    case 'merged':
      return 'merged';
    case 'auto-merge-enabled':
      return 'auto-merge enabled';
    case 'already-merged':
      return 'already merged';
    case 'auto-merge-already-enabled':
      return 'auto-merge already enabled';
    case 'not-merged':
      return `not merged: ${o.reason}`;
  }
}

/** The result comment for a task update (marker first, so it can be found again). */
export function renderResultComment(update: GitHubTaskUpdate, merges: readonly { pr: GitHubPullRequestRef; outcome: MergeOutcome }[] = []): string {
  const r: Partial<GitHubTaskResult> = update.result ?? {};
  const rows: [string, string][] = [
    ['Outcome', `**${update.state}**`],
    ['Attempts', String(r.attempts ?? update.attempt)],
  ];
  if (r.durationMs !== undefined) rows.push(['Duration', formatDuration(r.durationMs)]);
  if (r.webUrl) rows.push(['Agent run', `[${r.runId ?? 'open'}](${r.webUrl})`]);
  else if (r.runId !== undefined) rows.push(['Agent run', String(r.runId)]);
  const prs = r.pullRequests ?? [];
  if (prs.length > 0) {
    rows.push([
      'Pull requests',
      prs
        .map((pr) => {
          const merge = merges.find((m) => m.pr === pr);
          const label = pr.number !== undefined ? `${pr.repo ?? ''}#${pr.number}` : pr.url;
          return `[${cell(label)}](${pr.url})${merge ? ` (${describeMerge(merge.outcome)})` : ''}`;
        })
        .join('<br>'),
    ]);
  }
  if (r.skippedBecause) rows.push(['Skipped because of', r.skippedBecause]);
  const parts = [
    resultCommentMarker(update.task.id),
    `### ${ICONS[update.state] ?? '•'} pco: ${update.task.title ? cell(update.task.title) : update.task.id}`,
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`),
  ];
  if (r.error) parts.push('', '**Error**', '', '```text', redactSecrets(r.error).replace(/```/g, "'''"), '```');
  if (r.summary) parts.push('', '**Summary**', '', redactSecrets(r.summary));
  parts.push('', `<sub>pco run \`${cell(update.runId)}\` · ${new Date(update.at).toISOString()}</sub>`);
  let body = parts.join('\n');
  if (body.length > MAX_COMMENT) body = `${body.slice(0, MAX_COMMENT)}\n\n… (truncated)`;
  return body;
}
