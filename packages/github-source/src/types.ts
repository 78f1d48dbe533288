/**
 * Types of @pco/github-source. Tasks, updates and results are @pco/contract's, typed with the
 * GitHub reference the reporter writes back through ({@link GitHubTaskSourceRef}).
 */
import type { Task } from '@pco/contract';

/**
 * What the reporter needs to write back. A type alias (not an interface) so it stays assignable
 * to the contract's `TaskSourceRef` (`Readonly<Record<string, unknown>>`).
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
  /** Where each dependency (by task id) was found; the first place wins (e.g. for the web view's edges). */
  readonly dependencyOrigins?: Readonly<Record<string, DependencyOrigin>>;
};

/** Where a dependency was found: a reference's `via`, a native blocked-by link, or a sub-issue. */
export type DependencyOrigin = DependencyReference['via'] | 'blocked-by' | 'sub-issue';

/**
 * A task of this package. `id` is `owner/repo#N`, or `draft:<project item node id>` for draft
 * issues. The sources always set `source`; the reporter leaves tasks without one alone (tasks
 * that came from elsewhere, e.g. added by an executor).
 */
export type GitHubTask = Task<GitHubTaskSourceRef>;

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

/** How a pull request of a finished task was (not) merged. */
export type MergeOutcome =
  | { readonly status: 'merged' }
  | { readonly status: 'auto-merge-enabled' }
  | { readonly status: 'already-merged' }
  | { readonly status: 'auto-merge-already-enabled' }
  | { readonly status: 'not-merged'; readonly reason: string };
