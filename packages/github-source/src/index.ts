export { createGitHubClient, testClientOptions, GitHubOctokit, type GitHubClient, type GitHubClientOptions } from './octokit.js';
export { GitHubIssuesSource, type GitHubIssuesSourceOptions } from './issues-source.js';
export { GitHubProjectSource, type GitHubProjectSourceOptions } from './project-source.js';
export {
  parseDependencies,
  parseDependencyLabels,
  stripIgnoredMarkdown,
  DEFAULT_DEPENDENCY_LABEL_PATTERNS,
  MAX_ISSUE_NUMBER,
  isIssueNumber,
  type ParseDependenciesOptions,
  type ParseDependencyLabelsOptions,
} from './parse-dependencies.js';
export {
  resolveDependencies,
  refKey,
  type ReferenceLookupFailure,
  type ReferenceState,
  type ReferenceStateLookup,
  type ResolveDependenciesOptions,
} from './resolve-dependencies.js';
export { lookupReferenceStates, DEFAULT_LOOKUP_BATCH_SIZE, type LookupReferenceStatesOptions } from './reference-lookup.js';
export { isTrustedAuthor, DEFAULT_TRUSTED_ASSOCIATIONS, type TrustOptions } from './trust.js';
export {
  GitHubReporter,
  renderResultComment,
  resultCommentMarker,
  type GitHubAutoMergeOptions,
  type GitHubBranchOptions,
  type GitHubReporterEvents,
  type GitHubReporterOptions,
  type GitHubStatusLabelOptions,
  type MergeOutcome,
} from './github-reporter.js';
export { GitHubAbortError, GitHubApiError, GitHubNotFoundError, GitHubOptionsError, GitHubResponseError } from './errors.js';
export type {
  DependencyReference,
  GitHubIssueRecord,
  GitHubLogger,
  GitHubPullRequestRef,
  GitHubReportedTask,
  GitHubTask,
  GitHubTaskResult,
  GitHubTaskSkip,
  GitHubTaskSourceRef,
  GitHubTaskState,
  GitHubTaskUpdate,
  IssueLink,
  ParsedDependencies,
} from './types.js';
export { checkGitHubAccess, type GitHubAccessNeeds, type GitHubAccessProblem, type GitHubAccessReport } from './access-check.js';
