import type { GraphIssue } from '@pco/graph';
import type { StopMode } from '@pco/contract';
import type { ProgressSnapshot, RunSummary } from './results.js';
import type { LandingMilestone, PullRequestRef, ReviewUpdate, Task, TaskResult } from '@pco/contract';

/** Fields of every event. */
export interface RunEventBase {
  /** Correlation id of the run. */
  readonly runId: string;
  /** Epoch ms (from the injected clock). */
  readonly at: number;
}

/** Fields of every task event. */
export interface TaskEventBase extends RunEventBase {
  readonly taskId: string;
  readonly task: Task;
  /** Attempt number: the one running, failed or next; 0 before the first. */
  readonly attempt: number;
  /** Agent slot of the attempt, when one is involved. */
  readonly agent?: string;
}

/**
 * Everything an {@link Orchestrator} emits, by name (reference: docs/events.md). Per task:
 *
 * ```
 * task:queued → task:ready → task:start → (task:status | task:checkpoint)*
 *             → ( task:retry → task:ready → task:start → (task:status | task:checkpoint)* )*
 *             → exactly one of task:done | task:failed | task:needs-input | task:interrupted
 * ```
 *
 * With a lander (`landing` option), a task whose run opened pull requests goes on instead of
 * `task:done`:
 *
 * ```
 * … → task:review → (task:milestone | task:review | task:step
 *                    | task:start (followUp) → … → task:follow-up)*
 *   → exactly one of task:done | task:failed | task:needs-input | task:interrupted
 * ```
 *
 * and `task:queued → task:skipped` for a task that never starts. `task:status` and
 * `task:checkpoint` come in the order the executor calls them; `task:interrupted` only on stop.
 * Tasks never started when a run is stopped get no terminal event; the summary lists them as
 * `pending` / `ready`. On resume, a task the journal shows done gets only `task:done` (right after
 * `run:start`, without `task:queued`); an attempt an earlier process dispatched goes
 * `task:queued → task:ready → task:start` with `resumed: true`.
 */
export interface OrchestratorEvents {
  'run:start': RunEventBase & {
    readonly tasks: number;
    readonly concurrency: number;
    /** True when continuing a journal. */
    readonly resumed: boolean;
  };
  /** The task is known to the run (loaded, added or discovered). */
  'task:queued': TaskEventBase & {
    readonly dependencies: readonly string[];
    /** Critical-path priority (bottom level). */
    readonly priority: number;
  };
  /** Every dependency is done: the task waits only for a free agent. */
  'task:ready': TaskEventBase;
  'task:start': TaskEventBase & {
    readonly agent: string;
    readonly idempotencyKey: string;
    /** Epoch ms at which the attempt times out. */
    readonly deadline: number;
    /** True when this attempt continues one dispatched by an earlier process. */
    readonly resumed: boolean;
    /** Set when the attempt is a lander's follow-up on the task's pull request. */
    readonly followUp?: { readonly key: string; readonly reason: string };
  };
  /** Agent-side status change, reported by the executor (`context.report`). */
  'task:status': TaskEventBase & {
    readonly agent: string;
    readonly status: string;
    readonly detail?: Readonly<Record<string, unknown>>;
  };
  /** The executor checkpointed the remote run it created. */
  'task:checkpoint': TaskEventBase & { readonly agent: string; readonly agentRunId: number | string; readonly webUrl?: string };
  /** A transient failure; the task runs again after `delayMs`. */
  'task:retry': TaskEventBase & {
    readonly error: string;
    readonly nextAttempt: number;
    readonly delayMs: number;
  };
  /**
   * The task's pull requests are in review: on entering review (`review` absent) and on each
   * review status its lander reports.
   */
  'task:review': TaskEventBase & { readonly pullRequests: readonly PullRequestRef[]; readonly review?: ReviewUpdate };
  /** A task in review reached a landing milestone; `released`: its dependents may start now. */
  'task:milestone': TaskEventBase & { readonly milestone: LandingMilestone; readonly released: boolean };
  /** A lander recorded a step (a branch update, a merge request). */
  'task:step': TaskEventBase & { readonly key: string; readonly data?: Readonly<Record<string, unknown>> };
  /** A follow-up attempt on the task's pull request ended (its start is a `task:start` with `followUp`). */
  'task:follow-up': TaskEventBase & {
    readonly key: string;
    readonly reason: string;
    readonly outcome: 'done' | 'failed' | 'needs-input';
    readonly error?: string;
  };
  'task:done': TaskEventBase & { readonly result: TaskResult; readonly durationMs: number };
  'task:failed': TaskEventBase & { readonly result: TaskResult; readonly error: string };
  /** Not run: an ancestor failed or was skipped (`because` names it), an unknown dependency, or `task.skip`. */
  'task:skipped': TaskEventBase & { readonly result: TaskResult; readonly because?: string; readonly reason: string };
  'task:needs-input': TaskEventBase & { readonly result: TaskResult; readonly reason: string };
  /** A running or retrying task ended by `stop()`. */
  'task:interrupted': TaskEventBase & { readonly result: TaskResult; readonly mode: StopMode };
  /** Tasks joined the running graph via `add()` or an executor's `newTasks`. */
  'tasks:added': RunEventBase & { readonly taskIds: readonly string[]; readonly by?: string };
  /** An `add()` / `newTasks` batch was refused (cycle with its path, unknown dependency, duplicate). */
  'tasks:rejected': RunEventBase & { readonly taskIds: readonly string[]; readonly issues: readonly GraphIssue[]; readonly by?: string };
  /** An agent slot was quarantined after repeated failures. */
  'agent:failed': RunEventBase & { readonly agent: string; readonly consecutiveFailures: number; readonly until: number };
  'agent:recovered': RunEventBase & { readonly agent: string };
  /** Emitted every `progressIntervalMs` while running. */
  progress: ProgressSnapshot;
  'run:end': RunEventBase & { readonly summary: RunSummary };
  /**
   * Something went wrong that does not stop the run: a listener threw, a reporter kept failing,
   * the journal or results file could not be written, an executor ignored its abort signal.
   */
  error: RunEventBase & {
    readonly source: 'listener' | 'reporter' | 'journal' | 'results-file' | 'executor' | 'lander';
    readonly error: unknown;
    readonly message: string;
    readonly event?: string;
    readonly taskId?: string;
  };
}

/** Name of an orchestrator event. */
export type OrchestratorEventName = keyof OrchestratorEvents;
