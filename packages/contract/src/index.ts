export type {
  DoneOutcome,
  ExecutionContext,
  Executor,
  ExecutorOutcome,
  FailedOutcome,
  NeedsInputOutcome,
  OutcomeBase,
  PreviousAttempt,
  PullRequestRef,
  Reporter,
  RunCheckpoint,
  Task,
  TaskResult,
  TaskSkip,
  TaskSource,
  TaskSourceRef,
  TaskLanding,
  TaskState,
  TaskUpdate,
  TerminalTaskState,
} from './types.js';
export type { JournalEntry, LandingJournalEntry, RunJournal } from './journal.js';
export {
  CredentialsRejectedError,
  InvalidOptionsError,
  PcoError,
  RunStoppedError,
  TaskTimeoutError,
  UpdateSupersededError,
  findCredentialsRejected,
  isPcoError,
  type CredentialService,
  type StopMode,
} from './errors.js';
export { delay, systemClock, systemTimers, type Clock, type DelayOptions, type Timers } from './time.js';
export { REDACTED, createRedactor, type Redactor } from './redact.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { guardListener } from './listeners.js';
export {
  LANDING_MILESTONES,
  type FollowUp,
  type FollowUpReason,
  type FollowUpRequest,
  type Lander,
  type LandingContext,
  type LandingMilestone,
  type LandingOutcome,
  type LandingReaction,
  type ReviewStatus,
  type ReviewUpdate,
} from './landing.js';
