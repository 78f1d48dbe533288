/**
 * The contract of the stage after the agent run: a task whose agent opened a pull request is not
 * done until that change has landed. A {@link Lander} watches the task's pull requests (checks,
 * reviews, mergeability), asks the agent for follow-ups through the orchestrator, and merges;
 * the orchestrator releases the task's dependents at the configured {@link LandingMilestone}.
 */
import type { ExecutorOutcome, PullRequestRef, Task } from './types.js';

/**
 * Points of a task's life past the agent run, in order. The orchestrator's `dependentsStartWhen`
 * names one of them: dependents start once the task reached it.
 * - `run-complete`: the agent run ended with a result (pco's behaviour before landing existed);
 * - `pr-opened`: the agent's pull request exists;
 * - `checks-passed`: the pull request's head commit passed its checks;
 * - `merged`: the change is on the base branch (the only point at which a dependent's agent sees
 *   its prerequisite's code).
 */
export type LandingMilestone = 'run-complete' | 'pr-opened' | 'checks-passed' | 'merged';

/** The milestones in order (index = rank). */
export const LANDING_MILESTONES: readonly LandingMilestone[] = Object.freeze(['run-complete', 'pr-opened', 'checks-passed', 'merged']);

/** Why a follow-up is sent to the agent. */
export type FollowUpReason = 'checks-failed' | 'changes-requested' | 'conflict' | (string & {});

/**
 * A follow-up asked of the agent on the same pull request. The orchestrator runs it as one more
 * attempt of the task (an agent slot, the journal's intent, the executor), passing it on
 * {@link ExecutionContext.followUp}.
 */
export interface FollowUpRequest {
  /**
   * Stable for this reaction (e.g. `checks-failed:<head sha>`): the orchestrator runs a follow-up
   * once per key, also across a crash and resume. A key already run returns its recorded outcome.
   */
  readonly key: string;
  readonly reason: FollowUpReason;
  /** What the agent must do, with the failing checks, review comments or conflict (no secrets). */
  readonly prompt: string;
  /** The pull request to continue (the agent pushes to its branch). */
  readonly pullRequest: PullRequestRef;
}

/** A follow-up as the executor receives it. */
export interface FollowUp extends FollowUpRequest {
  /** The remote run that opened (or last pushed to) the pull request: resume it if it can be. */
  readonly previousRunId?: number | string;
}

/** A state of a pull request in review, as a lander reports it (→ `task:review`, reporters). */
export type ReviewStatus =
  | 'checks-pending'
  | 'checks-failed'
  | 'changes-requested'
  | 'conflict'
  | 'behind'
  | 'approved'
  | 'merging'
  | 'queued'
  | 'needs-human'
  | (string & {});

/** A review status with what it is about. */
export interface ReviewUpdate {
  readonly status: ReviewStatus;
  /** One line for humans (no secrets). */
  readonly message?: string;
  readonly pullRequest?: PullRequestRef;
  /** Failing check names, review authors, conflicting files, … */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** A reaction of the lander, as recorded (journal) and counted (results). */
export interface LandingReaction {
  /** The follow-up key, or the step's key (e.g. `update-branch:<base sha>`, `merge:<head sha>`). */
  readonly key: string;
  readonly kind: 'follow-up' | 'step';
  readonly at: number;
  /** Outcome of a follow-up (`done`, `failed`, `needs-input`), or a step's own data. */
  readonly outcome?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Everything a lander gets besides the task. */
export interface LandingContext {
  /** Aborted on stop (`signal.reason`: a `RunStoppedError`) or the run's signal. */
  readonly signal: AbortSignal;
  /**
   * Aborted when nothing else in the run can move without a human: every unfinished task waits
   * for a person (a lander in `needs-human`) or depends on one. A lander waiting for a human
   * then returns `needs-input`; one that still has work of its own ignores it.
   */
  readonly idle: AbortSignal;
  /** Correlation id of the orchestrator run (stable across resumes). */
  readonly runId: string;
  /** The pull requests the agent run reported (at least one). */
  readonly pullRequests: readonly PullRequestRef[];
  /** Remote run that opened them (resume it for follow-ups). */
  readonly agentRunId?: number | string;
  /** Reactions already made for this task (journaled, including those of earlier processes). */
  readonly reactions: readonly LandingReaction[];
  /** Milestones already reached (journaled, including those of earlier processes). */
  readonly reached: ReadonlySet<LandingMilestone>;
  /** The milestone at which the orchestrator releases dependents. */
  readonly dependentsStartWhen: LandingMilestone;
  /**
   * Records a milestone (durably, before dependents waiting for it start). Reaching `merged`
   * implies the earlier ones. Never rejects: a journal failure is reported as a run error.
   */
  milestone(milestone: LandingMilestone): Promise<void>;
  /** Reports a review status (→ `task:review` event, reporters, progress). Never throws. */
  review(update: ReviewUpdate): void;
  /**
   * Records a step before or after taking it (e.g. a merge request), durably, so that a crash
   * neither repeats nor loses it: after a resume it is in {@link reactions}. Never rejects.
   */
  step(key: string, data?: Readonly<Record<string, unknown>>): Promise<void>;
  /**
   * Asks the agent for a follow-up. Resolves when the follow-up attempt ended, with its outcome;
   * a key already run (this process or an earlier one) resolves with the recorded outcome at
   * once, or re-attaches to the follow-up's live remote run. Rejects with the run's stop reason
   * when the run stops.
   */
  followUp(request: FollowUpRequest): Promise<ExecutorOutcome>;
}

/** How the landing of a task ended. Discriminated by `status`. */
export type LandingOutcome =
  /** Merged: the task is done. */
  | { readonly status: 'landed'; readonly pullRequests: readonly PullRequestRef[]; readonly mergedAt?: number; readonly summary?: string }
  /** Closed without merging, or the lander gave up: the task failed. */
  | { readonly status: 'failed'; readonly reason: string; readonly pullRequests?: readonly PullRequestRef[] }
  /**
   * A human is needed. The task ends `needs-input`; its dependents are NOT skipped: they wait, and
   * a later run (resume) watches the pull request again and releases them once it lands.
   */
  | { readonly status: 'needs-input'; readonly reason: string; readonly pullRequests?: readonly PullRequestRef[] };

/**
 * Drives a task's pull requests until they land. Called by the orchestrator for a task whose
 * agent run ended `done` with pull requests, without an agent slot (follow-ups take one).
 * Resolve with an outcome; a rejection counts as `failed` with its message.
 */
export interface Lander<T extends Task = Task> {
  land(task: T, context: LandingContext): Promise<LandingOutcome>;
}
