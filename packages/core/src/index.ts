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
export * from './journal/index.js';
export * from './config/index.js';
