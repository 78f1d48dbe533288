export { CodegenClient } from './codegen-client.js';
export type { CodegenClientOptions, ClientLimitsOptions, CodegenRetryOptions } from './client-options.js';
export type { CreateRunOutcome, CreateRunOnceOptions, CreateRunOnceResult, FindRunOptions } from './create-once.js';
export type { ResumeRunOutcome, ResumeRunOnceOptions, ResumeRunOnceResult } from './resume-once.js';
export { isResumeRefused } from './resume-once.js';
export { configureCiFixes } from './ci-fixes.js';
export type { CiFixMode, CiFixOwnership, ConfigureCiFixesOptions } from './ci-fixes.js';
export { CodegenExecutor } from './codegen-executor.js';
export type { CodegenExecutorOptions } from './codegen-executor.js';
export { defaultFollowUpPrompt, type FollowUpPromptContext } from './follow-up.js';
export { DEFAULT_PROMPT_TEMPLATE, renderPrompt, type PromptContext } from './prompt.js';
export { RunWatcher, DEFAULT_WATCH_INTERVALS } from './run-watcher.js';
export type { RunWatcherOptions, WatchOptions } from './run-watcher.js';
export type { RunWatcherEvents } from './watcher-events.js';
export { waitForRuns, type WaitForRunsOptions, type RunWaitResult } from './wait-for-runs.js';
export { RateLimiter, MemoryBucketStore, DEFAULT_RATE_LIMITS, budgetOf } from './rate-limiter.js';
export { FileBucketStore } from './file-bucket-store.js';
export type { FileBucketStoreOptions } from './file-bucket-store.js';
export type {
  BucketStore,
  BucketTake,
  BucketUsage,
  RateLimiterBudget,
  MemoryBucketStoreOptions,
  RateLimit,
  RateLimiterOptions,
  ReleaseSlot,
  CodegenOperation,
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
