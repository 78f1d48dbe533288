/**
 * The options of `GitHubReporter`, their defaults (in one place), their validation, and the
 * state → label / board option mappings every part of the reporter reads.
 */
import { InvalidOptionsError, type TaskState } from '@pco/contract';
import type { GitHubClient } from './octokit.js';
import type { GitHubLogger } from './types.js';

export interface GitHubStatusLabelOptions {
  /** @default 'status:' */
  readonly prefix?: string;
  /**
   * Label name (after the prefix) per state; `null` leaves the labels alone for that state.
   * @default { pending: 'queued', ready: 'queued', running: 'running', retrying: 'running', done: 'done', failed: 'failed', skipped: 'skipped', 'needs-input': 'needs-input', interrupted: null }
   */
  readonly names?: Partial<Record<TaskState, string | null>>;
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
  readonly commentStates?: readonly TaskState[];
  /**
   * Board Status option name per state (matched case-insensitively); unmapped states leave the
   * field alone; `false` disables board updates.
   * @default { running: 'In Progress', retrying: 'In Progress', done: 'Done' }
   */
  readonly projectStatus?: Partial<Record<TaskState, string | null>> | false;
  /**
   * For issue tasks that did not come from a board: the board whose Status to update
   * (found through the project items).
   */
  readonly project?: { readonly owner: string; readonly number: number; readonly statusField?: string };
  /** Merge the PRs of done tasks. @default false */
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
    done: 'done',
    failed: 'failed',
    skipped: 'skipped',
    'needs-input': 'needs-input',
    interrupted: null,
  } satisfies Record<TaskState, string | null>,
  commentStates: ['done', 'failed', 'skipped', 'needs-input'] satisfies readonly TaskState[],
  projectStatus: { running: 'In Progress', retrying: 'In Progress', 'in-review': 'In Progress', done: 'Done' } satisfies Partial<Record<TaskState, string | null>>,
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
  readonly labelNames: Readonly<Record<TaskState, string | null | undefined>>;
  readonly commentStates: readonly TaskState[];
  /** Whether the board Status is written. */
  readonly projectStatus: boolean;
  readonly boardOptions: Readonly<Partial<Record<TaskState, string | null>>>;
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
 * The status label a state maps to, or undefined when it leaves the labels alone. Also with
 * status labels off: an earlier run may have written them (see `keepsEarlierDone`).
 */
export function labelFor(settings: ReporterSettings, state: TaskState): string | undefined {
  const name = settings.labelNames[state];
  return name === null || name === undefined ? undefined : `${settings.labelPrefix}${name}`;
}

/** The board option name a state maps to, or undefined when it leaves the board alone. */
export function boardOptionFor(settings: ReporterSettings, state: TaskState): string | undefined {
  const wanted = settings.boardOptions[state];
  return wanted === null || wanted === undefined ? undefined : wanted;
}
