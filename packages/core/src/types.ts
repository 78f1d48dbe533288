/**
 * The contracts between pco's parts. Task sources (e.g. @pco/github-source) and reporters
 * implement these structurally: they do not import @pco/core, so there is no dependency cycle.
 */

/** Why a loaded task must not run. */
export interface TaskSkip {
  /** Machine-readable reason: `untrusted`, `external-blocker`, or a source's own. */
  readonly reason: 'untrusted' | 'external-blocker' | (string & {});
  /** One sentence for humans, naming the task and what blocks it. */
  readonly message: string;
}

/** One unit of work, as a task source hands it to the orchestrator. */
export interface Task {
  /** Stable unique id, e.g. `octo/repo#12`. */
  readonly id: string;
  readonly title: string;
  readonly body?: string;
  readonly url?: string;
  readonly labels?: readonly string[];
  /** Ids of the tasks that must be done before this one starts. */
  readonly dependencies?: readonly string[];
  /**
   * Duration estimate in any unit, as long as every task of a run uses the same one.
   * @default 1
   */
  readonly estimate?: number;
  /** Login of the author. */
  readonly author?: string;
  /** Problems found while loading (e.g. a dependency phrase with no resolvable reference). */
  readonly warnings?: readonly string[];
  /** When set, the task is not run: it ends `skipped` with this reason, and so do its dependents. */
  readonly skip?: TaskSkip;
  /** Opaque reference the task's source needs to report back (node ids, project item id, ...). */
  readonly source?: Readonly<Record<string, unknown>>;
}

/** Where tasks come from. */
export interface TaskSource {
  /** Loads every task. Rejects on I/O failure; bad data becomes warnings or `skip` on tasks. */
  load(signal?: AbortSignal): Promise<readonly Task[]>;
}

/** Lifecycle state of a task inside one orchestrator run. */
export type TaskState =
  | 'pending'
  | 'ready'
  | 'running'
  | 'retrying'
  | 'done'
  | 'failed'
  | 'skipped'
  | 'needs-input'
  | 'interrupted';

/** The states a task can end a run in. */
export type TerminalTaskState = Extract<TaskState, 'done' | 'failed' | 'skipped' | 'needs-input' | 'interrupted'>;

/** A pull request an agent opened. */
export interface PullRequestRef {
  readonly url: string;
  readonly number?: number;
  readonly title?: string;
  readonly state?: string;
  /** `owner/repo`, when known. */
  readonly repo?: string;
  readonly headBranch?: string;
}

/** What happened to one task. */
export interface TaskResult {
  readonly id: string;
  readonly state: TaskState;
  /** Attempts started (0 when the task never ran). */
  readonly attempts: number;
  /** Agent slot id of the last attempt. */
  readonly agent?: string;
  /** Remote agent run id of the last attempt (Codegen run id). */
  readonly runId?: number | string;
  /** Link to the agent run in its web UI. */
  readonly webUrl?: string;
  readonly pullRequests: readonly PullRequestRef[];
  readonly summary?: string;
  /** Full result text of the agent, when it produced one. */
  readonly result?: string;
  /** Why it failed, was skipped or needs input. Never contains a secret. */
  readonly error?: string;
  /** For `skipped`: id of the failed (or blocked) ancestor. */
  readonly skippedBecause?: string;
  /** ISO-8601 timestamps and duration of the task's run (first start to end). */
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
}

/** A state change of one task, as reporters receive it. */
export interface TaskUpdate {
  /** Correlation id of the orchestrator run. */
  readonly runId: string;
  readonly task: Task;
  readonly state: TaskState;
  readonly attempt: number;
  readonly agent?: string;
  /** Present for terminal states (and filled as far as known for `running`). */
  readonly result?: TaskResult;
  /** Epoch milliseconds. */
  readonly at: number;
}

/**
 * Receives every state change (writes labels, comments, board fields...). A failure is logged
 * and retried by the orchestrator; it never fails the task.
 */
export interface Reporter {
  report(update: TaskUpdate, signal?: AbortSignal): Promise<void>;
}
