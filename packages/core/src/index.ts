export type {
  PullRequestRef,
  Reporter,
  Task,
  TaskResult,
  TaskSkip,
  TaskSource,
  TaskState,
  TaskUpdate,
  TerminalTaskState,
} from './types.js';
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
  RunCheckpoint,
  RunJournal,
} from './types.js';
export { Orchestrator } from './orchestrator.js';
export { ORCHESTRATOR_DEFAULTS } from './options.js';
export type { OrchestratorOptions, OrchestratorPoolOptions, RetryOptions, RunOptions } from './options.js';
export type { OrchestratorEventName, OrchestratorEvents, RunEventBase, TaskEventBase } from './events.js';
export { OrchestratorError, RunStoppedError, TaskTimeoutError, UpdateSupersededError } from './errors.js';
export type { OrchestratorErrorCode, StopMode } from './errors.js';
export { CSV_COLUMNS, toCSV, toJSON } from './results.js';
export type { CsvOptions, ProgressSnapshot, RunningTask, RunSummary, StateCounts } from './results.js';
export { replayJournal } from './journal-replay.js';
export type { JournalReplay, OpenAttempt, ReplayedTask } from './journal-replay.js';
export { backoffDelay, isTransientError } from './retry-policy.js';
// Types of the options and the summary that come from the pool.
export type { AgentStats, Clock, Timers } from '@pco/pool';
export * from './journal/index.js';
export * from './config/index.js';
export { CodegenExecutor, DEFAULT_PROMPT_TEMPLATE, renderPrompt } from './codegen-executor.js';
export type { CodegenExecutorOptions, PromptContext } from './codegen-executor.js';
