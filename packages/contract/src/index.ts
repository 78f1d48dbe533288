export type {
  DoneOutcome,
  ExecutionContext,
  Executor,
  ExecutorOutcome,
  FailedOutcome,
  JournalEntry,
  NeedsInputOutcome,
  OutcomeBase,
  PreviousAttempt,
  PullRequestRef,
  Reporter,
  RunCheckpoint,
  RunJournal,
  Task,
  TaskResult,
  TaskSkip,
  TaskSource,
  TaskSourceRef,
  TaskState,
  TaskUpdate,
  TerminalTaskState,
} from './types.js';
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
export { systemClock, systemTimers, type Clock, type Timers } from './time.js';
export { REDACTED, createRedactor, type Redactor } from './redact.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { guardListener } from './listeners.js';
