/**
 * Public types of the fake GitHub's pull-request lifecycle: branch rules, scripted CI and reviews
 * (fixture and control API alike, plain data), the control API on `fake.pulls` and the snapshot it
 * returns. Durations are API milliseconds, multiplied by the fake's `timeScale`.
 */
import type { FakeMergeStateStatus } from './types.js';

/** A check run's conclusion, REST spelling (research: github-pr-lifecycle.md §1.2). */
export type FakeCheckConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

/** A legacy commit status's state. */
export type FakeStatusState = 'error' | 'failure' | 'pending' | 'success';

/** A review a reviewer submits. */
export type FakeReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';

/** An inline review comment (creates a review thread). */
export interface FakeReviewCommentInput {
  readonly path: string;
  readonly line: number;
  readonly body: string;
}

/** One check run per push of the pull request's author (the agent). */
export interface FakeCheckScript {
  /** The check run's name (`CheckRun.name`, what `requiredChecks` lists). */
  readonly name: string;
  /** Conclusion for the i-th agent push (0 = the push that opened the PR); the last one repeats. @default ['success'] */
  readonly results?: readonly FakeCheckConclusion[];
  /** How long the run takes, API ms. @default 60_000 */
  readonly durationMs?: number;
  /** `output.title` of a run that did not succeed. @default `<name> failed` */
  readonly title?: string;
  /** `output.summary` of a run that did not succeed. @default `The <name> job failed.` */
  readonly summary?: string;
  /** `output.text` of a run that did not succeed. @default null */
  readonly text?: string;
  /** The job's plain-text log when it did not succeed (`GET …/actions/jobs/{id}/logs`). @default a short generic log */
  readonly log?: string;
  /** Annotations of a run that did not succeed. @default none */
  readonly annotations?: readonly { readonly path: string; readonly line: number; readonly message: string; readonly level?: 'notice' | 'warning' | 'failure' }[];
  /** Slug of the app that owns the run; only `github-actions` runs have jobs and logs. @default 'github-actions' */
  readonly app?: string;
}

/** A legacy commit status per agent push. */
export interface FakeStatusScript {
  readonly context: string;
  /** Final state for the i-th agent push; the last one repeats. `pending` until `durationMs`. @default ['success'] */
  readonly results?: readonly Exclude<FakeStatusState, 'pending'>[];
  /** @default 60_000 */
  readonly durationMs?: number;
  readonly description?: string;
  readonly targetUrl?: string;
}

/** A review submitted after an agent push. */
export interface FakeReviewScript {
  /** The agent push (0 = the opening push) after which the review comes. */
  readonly after: number;
  readonly state: FakeReviewState;
  /** @default '' */
  readonly body?: string;
  /** @default 'reviewer' */
  readonly author?: string;
  readonly comments?: readonly FakeReviewCommentInput[];
  /** API ms after that push. @default the push's longest check duration (reviews come once CI is done) */
  readonly delayMs?: number;
}

/** What happens on a pull request: CI per push, reviews, files. Plain data. */
export interface FakePullScript {
  readonly checks?: readonly FakeCheckScript[];
  readonly statuses?: readonly FakeStatusScript[];
  readonly reviews?: readonly FakeReviewScript[];
  /** Files the opening push changes (conflicts are computed from files). @default [] */
  readonly files?: readonly string[];
}

/**
 * Protection of a repository's default branch (the union of what rulesets and classic branch
 * protection can require, research github-pr-lifecycle.md §3.4). Pull requests into other
 * branches are unprotected.
 */
export interface FakeBranchRules {
  /** Check run names / status contexts that must succeed on the head commit. @default [] */
  readonly requiredChecks?: readonly string[];
  /** @default 0 */
  readonly requiredApprovals?: number;
  /** "Require branches to be up to date": a PR whose base moved is BEHIND. @default false */
  readonly strictUpToDate?: boolean;
  /** "Require merge queue": merges go through `enqueuePullRequest` / auto-merge. @default false */
  readonly mergeQueue?: boolean;
  /** Dismiss approvals when the author pushes. @default false */
  readonly dismissStaleReviews?: boolean;
  /** Overrides the repository's `autoMergeAllowed`. */
  readonly autoMergeAllowed?: boolean;
}

/** `fake.pulls.open(...)`. */
export interface FakePullOpenOptions {
  /** `owner/name`. */
  readonly repo: string;
  /** Head branch (created when absent). */
  readonly head: string;
  /** @default the repository's default branch */
  readonly base?: string;
  readonly title: string;
  readonly body?: string;
  /** Files the opening push changes. @default script.files ?? [] */
  readonly files?: readonly string[];
  /** @default the repository's `pullScript`, else no checks and no reviews */
  readonly script?: FakePullScript;
  /** @default 'pco-agent' */
  readonly author?: string;
  /** @default false */
  readonly draft?: boolean;
}

export interface FakeOpenedPull {
  readonly number: number;
  readonly nodeId: string;
  /** `https://github.com/owner/name/pull/N`, as Codegen reports it. */
  readonly url: string;
  readonly headSha: string;
}

/** `fake.pulls.push(...)`: a push by the PR's author (the agent). */
export interface FakePushOptions {
  /** Files this push changes (added to the PR's files). @default [] */
  readonly files?: readonly string[];
  /**
   * Whether this push fixes the pull request: `true` makes every check of the push succeed and
   * merges the current base in (a rebase: conflicts and BEHIND clear); `false` makes every check
   * fail. @default the script decides the checks, the base stays where it was
   */
  readonly fixes?: boolean;
  /** Merge the current base into the head with this push (resolves conflicts). @default fixes === true */
  readonly mergeBase?: boolean;
}

/** `fake.pulls.review(...)`: a review submitted now. */
export interface FakeReviewInput {
  readonly state: FakeReviewState;
  readonly body?: string;
  /** @default 'reviewer' */
  readonly author?: string;
  readonly comments?: readonly FakeReviewCommentInput[];
}

/** What a test reads back about a pull request (`fake.pulls.get`). */
export interface FakePullSnapshot {
  readonly number: number;
  readonly nodeId: string;
  readonly url: string;
  readonly state: 'OPEN' | 'CLOSED' | 'MERGED';
  readonly merged: boolean;
  readonly mergedAt: string | null;
  readonly mergeCommitSha: string | null;
  readonly headRef: string;
  readonly baseRef: string;
  readonly headSha: string;
  /** Every head sha, oldest first (pushes and branch updates). */
  readonly headShas: readonly string[];
  /** Agent pushes after the opening one. */
  readonly pushes: number;
  readonly files: readonly string[];
  /** As a client would read it now (UNKNOWN during the window after a push or a base change). */
  readonly mergeable: 'MERGEABLE' | 'CONFLICTING' | 'UNKNOWN';
  readonly mergeStateStatus: FakeMergeStateStatus;
  /** The state once computed (never UNKNOWN). */
  readonly settledMergeStateStatus: FakeMergeStateStatus;
  readonly reviewDecision: 'APPROVED' | 'CHANGES_REQUESTED' | 'REVIEW_REQUIRED' | null;
  /** Check runs on the head commit. */
  readonly checks: readonly { readonly id: number; readonly name: string; readonly status: 'in_progress' | 'completed'; readonly conclusion: FakeCheckConclusion | null }[];
  /** Submitted reviews, oldest first. */
  readonly reviews: readonly { readonly author: string; readonly state: FakeReviewState | 'DISMISSED'; readonly body: string }[];
  readonly autoMerge: { readonly mergeMethod: string } | null;
  readonly mergeQueue: { readonly state: string; readonly position: number } | null;
}

/** The pull-request control API of the fake (`fake.pulls`); every call acts at the fake's `now`. */
export interface FakePullControl {
  /** Opens a pull request (push 0: CI starts per script). */
  open(options: FakePullOpenOptions): FakeOpenedPull;
  /** A push by the agent: new head sha, CI restarts, stale approvals dismissed per rule, merge-queue entry dropped. */
  push(repo: string, number: number, options?: FakePushOptions): string;
  get(repo: string, number: number): FakePullSnapshot;
  /** A human lands the PR (bypassing required checks and reviews, as an admin may). Throws on conflicts or when not open. Returns the merge commit sha. */
  mergeAsHuman(repo: string, number: number, options?: { readonly login?: string; readonly method?: 'MERGE' | 'SQUASH' | 'REBASE' }): string;
  /** Closes the PR without merging. */
  close(repo: string, number: number): void;
  /** Submits a review now. */
  review(repo: string, number: number, review: FakeReviewInput): void;
  /** Resolves every open review thread (a human clicking "Resolve conversation"). */
  resolveThreads(repo: string, number: number): void;
  /** Replaces a PR's script from the next push on. */
  setScript(repo: string, number: number, script: FakePullScript): void;
  /** Replaces the default branch's rules of a repository. */
  setRules(repo: string, rules: FakeBranchRules): void;
}
