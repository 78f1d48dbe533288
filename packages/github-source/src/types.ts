/**
 * Types of @pco/github-source. They mirror @pco/core's contracts (Task, Reporter, TaskUpdate)
 * structurally: this package must not import @pco/core (core depends on it).
 */

/** Why a task must not run (mirrors core's `TaskSkip`). */
export interface GitHubTaskSkip {
  readonly reason: 'untrusted' | 'external-blocker' | 'lookup-failed' | (string & {});
  readonly message: string;
  /** False when nothing was decided (`lookup-failed`): unfinished work, not a policy skip. @default true */
  readonly policy?: boolean;
}

/**
 * What the reporter needs to write back. A type alias (not an interface) so it stays assignable
 * to core's `Readonly<Record<string, unknown>>`.
 */
export type GitHubTaskSourceRef = {
  /** `issue` for repository issues, `draft` for draft issues that live only on a board. */
  readonly kind: 'issue' | 'draft';
  /** `owner/repo` (issues only). */
  readonly repo?: string;
  readonly number?: number;
  /** GraphQL node id of the issue (or of the draft issue). */
  readonly nodeId?: string;
  /** REST id of the issue. */
  readonly databaseId?: number;
  /** Projects v2: the board's node id, the item's node id, and the Status field. */
  readonly projectId?: string;
  readonly projectItemId?: string;
  readonly statusFieldId?: string;
  /** Status option name → option id. */
  readonly statusOptions?: Readonly<Record<string, string>>;
  /** Current Status option name on the board. */
  readonly status?: string;
  /** Custom field values of the board item by field name. */
  readonly fields?: Readonly<Record<string, string | number>>;
};

/** A task loaded from GitHub (structurally a core `Task`). */
export interface GitHubTask {
  /** `owner/repo#N`, or `draft:<project item node id>` for draft issues. */
  readonly id: string;
  readonly title: string;
  readonly body?: string;
  readonly url?: string;
  readonly labels?: readonly string[];
  /** Ids of open tasks in the same task set that must be done first. */
  readonly dependencies?: readonly string[];
  readonly estimate?: number;
  readonly author?: string;
  readonly warnings?: readonly string[];
  readonly skip?: GitHubTaskSkip;
  readonly source: GitHubTaskSourceRef;
}

/** A GitHub issue reference (`owner/repo#N`) with its state when known. */
export interface IssueLink {
  readonly repo: string;
  readonly number: number;
  /** `OPEN` / `CLOSED` (issues), `MERGED` (pull requests). */
  readonly state?: string;
}

/**
 * One issue (or draft) as a source loaded it, before dependency resolution.
 * Sources produce these; {@link resolveDependencies} turns them into tasks.
 */
export interface GitHubIssueRecord {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly url?: string;
  readonly state: 'OPEN' | 'CLOSED';
  readonly author?: string;
  /** `author_association`; drafts have none (board members wrote them). */
  readonly authorAssociation?: string;
  readonly labels: readonly string[];
  /** Native "blocked by" links. */
  readonly blockedBy: readonly IssueLink[];
  /** Native sub-issues (the parent waits for them). */
  readonly subIssues: readonly IssueLink[];
  readonly estimate?: number;
  readonly warnings?: readonly string[];
  readonly source: GitHubTaskSourceRef;
}

/** A dependency reference found in text or labels. */
export interface DependencyReference {
  /** `owner/repo`. */
  readonly repo: string;
  readonly number: number;
  /** `issue` unless the reference was a `/pull/N` URL. */
  readonly kind: 'issue' | 'pull';
  /** Where it was found: a keyword phrase, a heading's list, or a label. */
  readonly via: 'keyword' | 'section' | 'label';
  /** The line it was found in (trimmed, cut to 160 characters). */
  readonly text: string;
}

/** Outcome of parsing one body or label set. */
export interface ParsedDependencies {
  readonly references: readonly DependencyReference[];
  /** Phrases that name a dependency without a resolvable reference. */
  readonly warnings: readonly string[];
}

/** Minimal logger (pino, console and the like fit). */
export interface GitHubLogger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

// ------------------------------------------------------------------------------------------------
// Mirrors of @pco/core's reporting contract.

/** Mirror of core's `TaskState`. */
export type GitHubTaskState =
  | 'pending'
  | 'ready'
  | 'running'
  | 'retrying'
  | 'done'
  | 'failed'
  | 'skipped'
  | 'needs-input'
  | 'interrupted';

/** Mirror of core's `PullRequestRef`. */
export interface GitHubPullRequestRef {
  readonly url: string;
  readonly number?: number;
  readonly title?: string;
  readonly state?: string;
  readonly repo?: string;
  readonly headBranch?: string;
}

/** Mirror of core's `TaskResult` (the fields the reporter reads). */
export interface GitHubTaskResult {
  readonly id: string;
  readonly state: GitHubTaskState;
  readonly attempts: number;
  readonly agent?: string;
  readonly runId?: number | string;
  readonly webUrl?: string;
  readonly pullRequests: readonly GitHubPullRequestRef[];
  readonly summary?: string;
  readonly result?: string;
  readonly error?: string;
  readonly skippedBecause?: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
}

/** The task as the reporter receives it (core's `Task`). */
export interface GitHubReportedTask {
  readonly id: string;
  readonly title: string;
  readonly url?: string;
  readonly labels?: readonly string[];
  readonly source?: Readonly<Record<string, unknown>>;
}

/** Mirror of core's `TaskUpdate`. */
export interface GitHubTaskUpdate {
  readonly runId: string;
  readonly task: GitHubReportedTask;
  readonly state: GitHubTaskState;
  readonly attempt: number;
  readonly agent?: string;
  readonly result?: GitHubTaskResult;
  readonly at: number;
}
