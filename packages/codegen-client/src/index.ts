export { CodegenClient } from './codegen-client.js';
export type {
  CodegenClientOptions,
  ClientLimitsOptions,
  RetryOptions,
  CreateRunOutcome,
  CreateRunOnceOptions,
  CreateRunOnceResult,
  FindRunOptions,
} from './codegen-client.js';
export { CodegenExecutor, DEFAULT_PROMPT_TEMPLATE, renderPrompt } from './codegen-executor.js';
export type { CodegenExecutorOptions, PromptContext } from './codegen-executor.js';
export { RunWatcher, waitForRuns } from './run-watcher.js';
export type { RunWatcherOptions, RunWatcherEvents, WatchOptions, WaitForRunsOptions, RunWaitResult } from './run-watcher.js';
export { RateLimiter, MemoryBucketStore, DEFAULT_RATE_LIMITS } from './rate-limiter.js';
export { FileBucketStore } from './file-bucket-store.js';
export type { FileBucketStoreOptions } from './file-bucket-store.js';
export type {
  BucketStore,
  BucketTake,
  MemoryBucketStoreOptions,
  RateLimit,
  RateLimiterOptions,
  ReleaseSlot,
  CodegenOperation,
  Sleep,
} from './rate-limiter.js';
export { BucketStoreIOError, CodegenApiError, CodegenInputError, RunWatchTimeoutError, isCodegenApiError } from './errors.js';
export type { CodegenErrorKind, CodegenValidationIssue } from './errors.js';
export {
  KNOWN_STATUSES,
  TERMINAL_STATUSES,
  isKnownStatus,
  isTerminal,
  isSuccess,
  needsInput,
  isSettled,
} from './statuses.js';
export type { KnownStatus, RunStatus } from './statuses.js';
export { toPullRequestRef, pullRequestsOf } from './pull-requests.js';
export type * from './types.js';
