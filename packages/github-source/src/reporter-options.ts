/**
 * The options of `GitHubReporter`, their defaults (in one place), their validation, and the
 * state → label / board option mappings every part of the reporter reads.
 */
import { InvalidOptionsError, type TaskState, type TaskUpdate } from '@pco/contract';
import type { GitHubClient } from './octokit.js';
import type { GitHubLogger } from './types.js';

/**
 * What a status label or board Status mirrors: the task's state, refined while a lander works on
 * its pull request: `changes-requested` (in review, a reviewer asked for changes) and `landed`
 * (done because its pull request merged).
 */
export type GitHubStatusKey = TaskState | 'changes-requested' | 'landed';

export interface GitHubStatusLabelOptions {
  /** @default 'status:' */
  readonly prefix?: string;
  /**
   * Label name (after the prefix) per state; `null` leaves the labels alone for that state.
   * @default { pending: 'queued', ready: 'queued', running: 'running', retrying: 'running', 'in-review': 'in-review', 'changes-requested': 'changes-requested', done: 'done', landed: 'landed', failed: 'failed', skipped: 'skipped', 'needs-input': 'needs-input', interrupted: null }
   */
  readonly names?: Partial<Record<GitHubStatusKey, string | null>>;
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
  /**
   * States that write the result comment; `[]` disables comments. With `in-review`, the one
   * comment is edited in place with the pull request's progress and each reaction of the lander.
   * @default ['in-review', 'done', 'failed', 'skipped', 'needs-input']
   */
  readonly commentStates?: readonly TaskState[];
  /**
   * Board Status option name per state (matched case-insensitively); unmapped states leave the
   * field alone; `false` disables board updates. Map `in-review` (and `changes-requested`) to a
   * column such as `In Review` when the board has one. `changes-requested` and `landed`, when
   * not mapped, use the option of `in-review` and `done`.
   * @default { running: 'In Progress', retrying: 'In Progress', 'in-review': 'In Progress', done: 'Done' }
   */
  readonly projectStatus?: Partial<Record<GitHubStatusKey, string | null>> | false;
  /**
   * For issue tasks that did not come from a board: the board whose Status to update
   * (found through the project items).
   */
  readonly project?: { readonly owner: string; readonly number: number; readonly statusField?: string };
  /**
   * Merge the PRs of done tasks. For runs without a lander: with a `GitHubLander` the lander owns
   * merging, and a task that went through it (its result has `landing`) is left alone here.
   * @default false
   */
  readonly autoMerge?: GitHubAutoMergeOptions | false;
  /** Create a branch per task when it starts running. @default false */
  readonly branches?: GitHubBranchOptions | false;
  /** @default silent */
  readonly logger?: GitHubLogger;
}

const DEFAULTS = {
  labelPrefix: 'status:',
  labelNames: {
    pending: 'queued',
    ready: 'queued',
    running: 'running',
    retrying: 'running',
    'in-review': 'in-review',
    'changes-requested': 'changes-requested',
    done: 'done',
    landed: 'landed',
    failed: 'failed',
    skipped: 'skipped',
    'needs-input': 'needs-input',
    interrupted: null,
  } satisfies Record<GitHubStatusKey, string | null>,
  commentStates: ['in-review', 'done', 'failed', 'skipped', 'needs-input'] satisfies readonly TaskState[],
  // changes-requested and landed fall back to in-review's and done's options (see `statusKeyOf`).
  projectStatus: { running: 'In Progress', retrying: 'In Progress', 'in-review': 'In Progress', done: 'Done' } satisfies Partial<Record<GitHubStatusKey, string | null>>,
  statusField: 'Status',
  mergeMethod: 'squash',
  mergeMode: 'auto',
  branchPrefix: 'pco/',
} as const;

/** The options with every default applied: what the reporter's parts read. */
export interface ReporterSettings {
  readonly client: GitHubClient;
  /** Whether status labels are written. The mapping below applies either way (see `labelFor`). */
  readonly statusLabels: boolean;
  readonly labelPrefix: string;
  readonly labelNames: Readonly<Record<GitHubStatusKey, string | null | undefined>>;
  readonly commentStates: readonly TaskState[];
  /** Whether the board Status is written. */
  readonly projectStatus: boolean;
  readonly boardOptions: Readonly<Partial<Record<GitHubStatusKey, string | null>>>;
  readonly project: { readonly owner: string; readonly number: number; readonly statusField: string } | undefined;
  readonly autoMerge: Required<GitHubAutoMergeOptions> | false;
  readonly branches: boolean;
  readonly branchPrefix: string;
}

/** Validates `options` and applies the defaults; throws `InvalidOptionsError` naming the field. */
export function resolveReporterOptions(options: GitHubReporterOptions): ReporterSettings {
  if (!options || typeof options.client?.request !== 'function') {
    throw new InvalidOptionsError('GitHubReporter', 'client', 'expected a client from createGitHubClient()', options?.client);
  }
  const { autoMerge, branches, project } = options;
  if (autoMerge && autoMerge.method !== undefined && !['merge', 'squash', 'rebase'].includes(autoMerge.method)) {
    throw new InvalidOptionsError('GitHubReporter', 'autoMerge.method', 'expected merge, squash or rebase', autoMerge.method);
  }
  const labels = options.statusLabels || {};
  return {
    client: options.client,
    statusLabels: options.statusLabels !== false,
    labelPrefix: labels.prefix ?? DEFAULTS.labelPrefix,
    labelNames: { ...DEFAULTS.labelNames, ...labels.names },
    commentStates: options.commentStates ?? DEFAULTS.commentStates,
    projectStatus: options.projectStatus !== false,
    boardOptions: { ...DEFAULTS.projectStatus, ...(options.projectStatus || {}) },
    project: project ? { owner: project.owner, number: project.number, statusField: project.statusField ?? DEFAULTS.statusField } : undefined,
    autoMerge: autoMerge ? { method: autoMerge.method ?? DEFAULTS.mergeMethod, mode: autoMerge.mode ?? DEFAULTS.mergeMode } : false,
    branches: Boolean(branches),
    branchPrefix: (branches || {}).prefix ?? DEFAULTS.branchPrefix,
  };
}

/**
 * What an update's label and board Status mirror: `changes-requested` for a task in review whose
 * lander reported a change request, `landed` for a task done through its lander's merge, else
 * the state. A refined key with no mapping falls back to the state's (`in-review`, `done`).
 */
export function statusKeyOf(update: Pick<TaskUpdate, 'state' | 'review' | 'result'>): GitHubStatusKey {
  if (update.state === 'in-review' && update.review?.status === 'changes-requested') return 'changes-requested';
  if (update.state === 'done' && update.result?.landing?.state === 'landed') return 'landed';
  return update.state;
}

/** The state a refined key falls back to. */
const FALLBACK: Partial<Record<GitHubStatusKey, TaskState>> = { 'changes-requested': 'in-review', landed: 'done' };

function mapped(map: Readonly<Partial<Record<GitHubStatusKey, string | null | undefined>>>, key: GitHubStatusKey): string | null | undefined {
  const value = map[key];
  const fallback = FALLBACK[key];
  return value === undefined && fallback !== undefined ? map[fallback] : value;
}

/**
 * The status label a state (or refined key) maps to, or undefined when it leaves the labels
 * alone. Also with status labels off: an earlier run may have written them (see
 * `keepsEarlierDone`).
 */
export function labelFor(settings: ReporterSettings, key: GitHubStatusKey): string | undefined {
  const name = mapped(settings.labelNames, key);
  return name === null || name === undefined ? undefined : `${settings.labelPrefix}${name}`;
}

/** The board option name a state (or refined key) maps to, or undefined when it leaves the board alone. */
export function boardOptionFor(settings: ReporterSettings, key: GitHubStatusKey): string | undefined {
  const wanted = mapped(settings.boardOptions, key);
  return wanted === null || wanted === undefined ? undefined : wanted;
}
