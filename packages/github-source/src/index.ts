export { closeGitHubClient, createGitHubClient, type GitHubClient, type GitHubClientOptions } from './octokit.js';
export type { GitHubClusterOptions } from './throttle-cluster.js';
export { githubBudgetKey, readGitHubBudget, type GitHubBudgetSnapshot } from './shared-budget.js';
export { checkGitHubAccess, type GitHubAccessNeeds, type GitHubAccessProblem, type GitHubAccessReport } from './access-check.js';
export { GitHubIssuesSource, type GitHubIssuesSourceOptions } from './issues-source.js';
export { GitHubProjectSource, type GitHubProjectSourceOptions } from './project-source.js';
export { GitHubReporter } from './github-reporter.js';
export type { GitHubAutoMergeOptions, GitHubBranchOptions, GitHubReporterOptions, GitHubStatusLabelOptions } from './reporter-options.js';
export type { GitHubReporterEvents } from './events.js';
export { GitHubAbortError, GitHubApiError, GitHubNotFoundError, GitHubResponseError } from './errors.js';
export type { DependencyOrigin, DependencyReference, GitHubIssueRecord, GitHubLogger, GitHubTask, GitHubTaskSourceRef, IssueLink, MergeOutcome, ParsedDependencies } from './types.js';
// For other sources: the dependency parser, the resolution rules and the batched state lookup.
export {
  parseDependencies,
  parseDependencyLabels,
  DEFAULT_DEPENDENCY_LABEL_PATTERNS,
  MAX_ISSUE_NUMBER,
  isIssueNumber,
  type ParseDependenciesOptions,
  type ParseDependencyLabelsOptions,
} from './parse-dependencies.js';
export {
  resolveDependencies,
  type ReferenceLookupFailure,
  type ReferenceState,
  type ReferenceStateLookup,
  type ResolveDependenciesOptions,
} from './resolve-dependencies.js';
export { lookupReferenceStates, DEFAULT_LOOKUP_BATCH_SIZE, type LookupReferenceStatesOptions } from './reference-lookup.js';
export { DEFAULT_TRUSTED_ASSOCIATIONS, type TrustOptions } from './trust.js';
// The landing stage: watch the agents' pull requests, react, merge (docs/landing.md).
export { GitHubLander } from './landing/github-lander.js';
export type {
  CiFixOwner,
  GitHubLanderOptions,
  LandingDetailOptions,
  LandingFollowUpLimits,
  LandingMergeMode,
  LandingPollOptions,
  LandingReactionSwitches,
} from './landing/options.js';
export type { GitHubLanderEvents } from './landing/events.js';
