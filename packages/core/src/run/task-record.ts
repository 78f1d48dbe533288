// What one run knows about each task and its current attempt. Not public API.
import type { GraphNode } from '@pco/graph';
import type { AgentLease, ReleaseOutcome } from '@pco/pool';
import type {
  PreviousAttempt,
  PullRequestRef,
  RunStoppedError,
  Task,
  TaskResult,
  TaskState,
  TaskTimeoutError,
  TaskUpdate,
} from '@pco/contract';
import type { OpenAttempt, ReplayedLanding } from '../journal-replay.js';
import type { PendingFollowUp } from './follow-ups.js';
import type { Landing } from './landing.js';
import type { Delivery } from './report-delivery.js';

/** One attempt of one task. */
export interface Attempt {
  readonly record: TaskRecord;
  readonly number: number;
  /** Idempotency key; built on first use (see Run.key). */
  key: string | undefined;
  readonly lease: AgentLease;
  readonly startedAt: number;
  readonly deadline: number;
  readonly previous: PreviousAttempt | undefined;
  controller: AbortController | undefined;
  abortReason: TaskTimeoutError | RunStoppedError | undefined;
  /** The orchestrator has decided the attempt's outcome. */
  settled: boolean;
  /** The executor's promise has settled (the agent slot is free only then). */
  executorSettled: boolean;
  /** Release outcome waiting for the executor to settle (after a forced settle). */
  pendingRelease: ReleaseOutcome | undefined;
  graceTimer: unknown;
  /** Set when the attempt is a lander's follow-up. */
  readonly followUp: PendingFollowUp | undefined;
}

/** What only some tasks need (kept apart so 100,000 plain tasks stay small). */
export class RecordExtras {
  agentRunId: number | string | undefined = undefined;
  webUrl: string | undefined = undefined;
  agentStatus: string | undefined = undefined;
  /** What the current attempt waits for before its remote work starts (ExecutionContext.waiting). */
  waitingFor: string | undefined = undefined;
  result: string | undefined = undefined;
  summary: string | undefined = undefined;
  pullRequests: readonly PullRequestRef[] | undefined = undefined;
  error: string | undefined = undefined;
  skippedBecause: string | undefined = undefined;
  skipReason: string | undefined = undefined;
  /** Held back by the source's policy (its own task.skip, or a dependency's): see TaskResult.policySkip. */
  policySkip = false;
  /** From the journal on resume: the attempt to continue. */
  open: OpenAttempt | undefined = undefined;
  /** From the journal on resume: the landing to continue (the task is past its agent run). */
  landingBefore: ReplayedLanding | undefined = undefined;
  /** While (and after) the task is in review: see landing.ts. */
  landing: Landing | undefined = undefined;
  /** On resume: the dependencies the queue waits for (those the journal has done are met). */
  dependencies: readonly string[] | undefined = undefined;
  /** On resume: attempts of earlier processes (retries are counted per run). */
  attemptsBefore = 0;
  retryTimer: unknown = undefined;
  reportTail: Promise<void> | undefined = undefined;
  /** The latest update queued for the reporters (a delivery that is not it may be skipped). */
  reportLatest: TaskUpdate | undefined = undefined;
  /** Deliveries in progress to reporters that can skip (a newer update may cut them short). */
  delivering: Set<Delivery> | undefined = undefined;
  written = false;
}

/**
 * Everything known about one task in the current run (a class: one hidden shape for all). It is
 * also the task's node in the ReadyQueue (id, dependencies, estimate), so `nextNode()` hands the
 * record back without an id lookup.
 */
export class TaskRecord implements GraphNode {
  state: TaskState = 'pending';
  /** Attempt number of the latest attempt (continues across resumes). */
  attempts = 0;
  agent: string | undefined = undefined;
  firstStartedAt: number | undefined = undefined;
  endedAt: number | undefined = undefined;
  current: Attempt | undefined = undefined;
  /** The TaskResult, built on first need once the task is terminal (or the run ended). */
  final: TaskResult | undefined = undefined;
  _x: RecordExtras | undefined = undefined;
  readonly task: Task;
  /**
   * The queue's estimate: the task's own, else the run's typical one (a task without an estimate
   * next to others with one is a typical task, not a unit of their scale).
   */
  readonly estimate: number;
  // Few fields: 100,000 records must stay small. The other node fields read through to the task.
  constructor(task: Task, defaultEstimate: number) {
    this.task = task;
    this.estimate = task.estimate ?? defaultEstimate;
  }
  get id(): string {
    return this.task.id;
  }
  /** As the queue gets them: without the dependencies a resumed journal has done. */
  get dependencies(): readonly string[] | undefined {
    return this._x?.dependencies ?? this.task.dependencies;
  }
  get attemptsThisRun(): number {
    return this.attempts - (this._x?.attemptsBefore ?? 0);
  }
  /** The extras, created on first write. */
  get x(): RecordExtras {
    return (this._x ??= new RecordExtras());
  }
}

export const TERMINAL: ReadonlySet<TaskState> = new Set<TaskState>(['done', 'failed', 'skipped', 'needs-input', 'interrupted']);
export const NO_TASKS: readonly never[] = Object.freeze([]);
