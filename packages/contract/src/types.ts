/**
 * The contract between pco's parts: what a task source hands the orchestrator, what an executor
 * and a reporter receive and return (journal.ts: what a journal stores). Every package builds on these
 * types and none re-declares them.
 */
import type { FollowUp, LandingMilestone, ReviewUpdate } from './landing.js';

/** Why a loaded task must not run. */
export interface TaskSkip {
  /** Machine-readable reason: `untrusted`, `external-blocker`, or a source's own. */
  readonly reason: 'untrusted' | 'external-blocker' | (string & {});
  /** One sentence for humans, naming the task and what blocks it. */
  readonly message: string;
  /**
   * Whether the source's rules decided this (an untrusted author, an open blocker): such a skip
   * is not unfinished work, and by default does not fail the CLI's run. False when nothing was
   * decided (e.g. a blocker's state could not be looked up): the task still has to run.
   * @default true
   */
  readonly policy?: boolean;
}

/** What a task's source keeps on it to report back (node ids, project item id, ...). */
export type TaskSourceRef = Readonly<Record<string, unknown>>;

/**
 * One unit of work, as a task source hands it to the orchestrator. `S` types `source` for the
 * source's own reporter (e.g. `Task<GitHubTaskSourceRef>`): it never has to cast it back.
 */
export interface Task<S extends TaskSourceRef = TaskSourceRef> {
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
   * @default the median of the run's estimates (a typical task), 1 when no task has one
   */
  readonly estimate?: number;
  /** Login of the author. */
  readonly author?: string;
  /** Problems found while loading (e.g. a dependency phrase with no resolvable reference). */
  readonly warnings?: readonly string[];
  /** When set, the task is not run: it ends `skipped` with this reason, and so do its dependents. */
  readonly skip?: TaskSkip;
  /** Opaque reference the task's source needs to report back (node ids, project item id, ...). */
  readonly source?: S;
}

/** Where tasks come from. */
export interface TaskSource<T extends Task = Task> {
  /** Loads every task. Rejects on I/O failure; bad data becomes warnings or `skip` on tasks. */
  load(signal?: AbortSignal): Promise<readonly T[]>;
}

/** Lifecycle state of a task inside one orchestrator run. */
export type TaskState =
  | 'pending'
  | 'ready'
  | 'running'
  | 'retrying'
  /** The agent's pull request is open: checks, reviews and merge are watched (see `Lander`). */
  | 'in-review'
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
  /**
   * For `skipped`: why, as the `task:skipped` event's `reason`: the source's own `task.skip.reason`
   * (`untrusted`, `external-blocker`, …), or `dependency-failed`, `dependency-needs-input`,
   * `dependency-skipped`, `unknown-dependency`.
   */
  readonly skipReason?: string;
  /**
   * For `skipped`: true when the source's policy held the task back (its own `task.skip`, or a
   * dependency so held back, named by `skippedBecause`). Such a task is not unfinished work: the
   * CLI exits 0 when every other task is done. Absent for every other skip.
   */
  readonly policySkip?: boolean;
  /** Past the agent run: the pull request's way to the base branch (absent without a lander). */
  readonly landing?: TaskLanding;
  /** ISO-8601 timestamps and duration of the task's run (first start to end). */
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
}

/** Where a task's pull request stands, as results and reporters carry it. */
export interface TaskLanding {
  /** `in-review` while watched; `landed` once merged; `closed` unmerged; `needs-human`. */
  readonly state: 'in-review' | 'landed' | 'closed' | 'needs-human';
  /** The latest review status (`checks-failed`, `changes-requested`, `conflict`, …). */
  readonly review?: string;
  /** One line on the latest review status or outcome. */
  readonly message?: string;
  /** ISO-8601 time of the merge. */
  readonly landedAt?: string;
  /** Follow-ups and steps (branch updates, merges) made for the task. */
  readonly reactions: number;
  /** Milestones reached so far, in order. */
  readonly reached: readonly LandingMilestone[];
}

/** A state change of one task, as reporters receive it. */
export interface TaskUpdate<T extends Task = Task> {
  /** Correlation id of the orchestrator run. */
  readonly runId: string;
  readonly task: T;
  readonly state: TaskState;
  readonly attempt: number;
  readonly agent?: string;
  /** Present for terminal states (and filled as far as known for `running` and `in-review`). */
  readonly result?: TaskResult;
  /** For `in-review`: the latest review status the lander reported (absent on entering review). */
  readonly review?: ReviewUpdate;
  /** Epoch milliseconds. */
  readonly at: number;
}

/**
 * Receives every state change (writes labels, comments, board fields...). A failure is logged
 * and retried by the orchestrator; it never fails the task.
 */
export interface Reporter<T extends Task = Task> {
  report(update: TaskUpdate<T>, signal?: AbortSignal): Promise<void>;
  /**
   * Whether `update`, not delivered yet, may be skipped because `newer` (the latest update of the
   * same task, delivered after it) makes it redundant: for reporters that mirror the latest state
   * (a status label, a board column), so a slow or rate-limited reporter does not write states
   * that are already stale. Say true only when delivering `newer` leaves the same outcome as
   * delivering both. Without it (or when it returns false or throws) every update is delivered.
   * Updates of one task are always delivered in order. An update already being delivered when a
   * newer one arrives is cut short the same way: its `report()` signal aborts with an
   * `UpdateSupersededError` (the orchestrator then waits for that `report()` to settle, and
   * neither retries nor reports it), so a reporter held up by rate limits can drop a write that
   * has not gone out yet.
   */
  canSkip?(update: TaskUpdate<T>, newer: TaskUpdate<T>): boolean;
}

// ---- Executors ------------------------------------------------------------------------------

/** What an executor says about one attempt. Discriminated by `status`. */
export type ExecutorOutcome = DoneOutcome | FailedOutcome | NeedsInputOutcome;

/** Fields every outcome may carry. */
export interface OutcomeBase {
  /** Remote run id (e.g. the Codegen agent run id), when one was created. */
  readonly agentRunId?: number | string;
  /** Link to the remote run's web UI. */
  readonly webUrl?: string;
  readonly summary?: string;
  /**
   * Tasks discovered while working. They join the running graph like `orc.add()` (cycle-checked;
   * a rejected batch is reported with a `tasks:rejected` event and does not fail this task).
   */
  readonly newTasks?: readonly Task[];
}

/** The task is done. */
export interface DoneOutcome extends OutcomeBase {
  readonly status: 'done';
  /** Full result text. */
  readonly result?: string;
  readonly pullRequests?: readonly PullRequestRef[];
}

/** The attempt failed. */
export interface FailedOutcome extends OutcomeBase {
  readonly status: 'failed';
  /** Why (an Error or a sentence). Secrets listed in `OrchestratorOptions.secrets` are redacted. */
  readonly error: unknown;
  /**
   * True for a temporary condition (network, 5xx, 429, a timeout worth repeating): the
   * orchestrator retries with back-off while attempts remain. False or absent: fails at once.
   */
  readonly transient?: boolean;
  /** Minimum wait before the retry (e.g. from a `Retry-After` header). */
  readonly retryAfterMs?: number;
  readonly result?: string;
}

/** The agent waits for a human (Codegen `PAUSED`). Reported, never retried; dependents are skipped. */
export interface NeedsInputOutcome extends OutcomeBase {
  readonly status: 'needs-input';
  /** What the agent is waiting for. */
  readonly reason: string;
}

/** A remote run created for an attempt, as the executor checkpoints it. */
export interface RunCheckpoint {
  readonly agentRunId: number | string;
  readonly webUrl?: string;
  /**
   * What the executor needs to know after a crash about this remote run, beyond its id (small,
   * plain values; journaled with it, handed back as {@link PreviousAttempt.note}). E.g. a
   * follow-up that resumes a finished run records where the run's log ended before the resume,
   * so a resume that reached the remote before the crash is not sent twice.
   */
  readonly note?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * Set on {@link ExecutionContext.previous} when a journal shows that this attempt was already
 * dispatched by an earlier process (crash or detach, then resume).
 */
export interface PreviousAttempt {
  /**
   * The remote run recorded for this attempt. When set, the executor MUST re-attach to it (wait
   * for it) and MUST NOT create a new one. When absent, the intent was recorded but not the
   * creation: the run may or may not exist, so look it up by {@link ExecutionContext.idempotencyKey}
   * (e.g. in run metadata) before creating anything.
   */
  readonly agentRunId?: number | string;
  readonly webUrl?: string;
  /** Last agent-side status recorded. */
  readonly status?: string;
  /** The `note` of the latest checkpoint of this attempt (see {@link RunCheckpoint.note}). */
  readonly note?: Readonly<Record<string, string | number | boolean>>;
}

/** Everything an executor gets besides the task. */
export interface ExecutionContext {
  /**
   * Aborted on timeout, `stop()` or the run's signal. `signal.reason` tells which: a
   * `TaskTimeoutError` (code `TASK_TIMEOUT`) or a `RunStoppedError` (code `RUN_STOPPED`,
   * `.mode` `'cancel'`: cancel remote work; `'detach'`: leave it running, return promptly).
   */
  readonly signal: AbortSignal;
  /** 1-based attempt number (continues across resumes). */
  readonly attempt: number;
  /** Agent slot id, e.g. `agent-3`. */
  readonly agent: string;
  /** Correlation id of the orchestrator run (stable across resumes of the same journal). */
  readonly runId: string;
  /**
   * Stable per task and attempt (`${runId}:${taskId}:${attempt}`), also after a crash and resume.
   * Put it in the remote run's metadata so a lost create can be found instead of repeated.
   */
  readonly idempotencyKey: string;
  /** Epoch ms at which the orchestrator's per-task timeout aborts `signal`. */
  readonly deadline: number;
  /** Results of the task's direct dependencies (all `done`), by task id. */
  readonly dependencyResults: ReadonlyMap<string, TaskResult>;
  /** Set on resume when this attempt was already dispatched (see {@link PreviousAttempt}). */
  readonly previous?: PreviousAttempt;
  /**
   * Set when this attempt is a follow-up a lander asked for on the task's pull request: continue
   * that pull request (resume `followUp.previousRunId` where the remote allows it, else a new run
   * told to push to the same branch) instead of starting the task afresh.
   */
  readonly followUp?: FollowUp;
  /**
   * How urgent this attempt is: the task's remaining critical path when it was dispatched (its
   * estimate plus the longest chain of estimates still waiting on it, in estimate units; the
   * orchestrator's ready-queue priority). Larger is more urgent. Order the attempt's own waits
   * by it, e.g. for a shared rate-limit budget, so the budget goes to the longest path first.
   * Optional: a hand-made context (a test's) need not have it.
   */
  readonly priority?: number;
  /**
   * Says what the attempt waits for before its remote work can start (e.g. `Codegen create
   * budget: next start in 23 s`), or clears it (`undefined`). Shown in the progress
   * (`RunningTask.waitingFor`); not journaled and not an agent status. Never throws. Optional
   * so that a hand-made context (a test's) need not have it: call it as `ctx.waiting?.(...)`.
   */
  waiting?(reason: string | undefined): void;
  /** Reports an agent-side status change (→ `task:status` event, journal, progress). Never throws. */
  report(status: string, detail?: Readonly<Record<string, unknown>>): void;
  /**
   * Records the remote run just created. The executor MUST await it right after the create call
   * returns and before anything else, so the journal holds the run id durably (no duplicate run
   * after a crash). Rejects only if the journal cannot write; the run exists then, so keep going.
   */
  checkpoint(data: RunCheckpoint): Promise<void>;
}

/**
 * Runs one task attempt. Resolve with an outcome for expected results, including failures;
 * a rejection counts as a failure too (transient when the error says so: `transient: true`,
 * HTTP 429/5xx, network error codes). Honour `context.signal`.
 */
export interface Executor<T extends Task = Task> {
  execute(task: T, context: ExecutionContext): Promise<ExecutorOutcome>;
}
