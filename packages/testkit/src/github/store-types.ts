/**
 * The shapes of the fake's in-memory model of GitHub (see {@link FakeStore}): repositories,
 * issues and pull requests, labels, comments, Projects v2 with their fields and items.
 */
import type { FakeBranchRules, FakeCheckConclusion, FakePullScript, FakeReviewState, FakeStatusState } from './pulls-types.js';
import type { FakeAuthorAssociation, FakeMergeStateStatus } from './types.js';

export interface StoredLabel {
  id: number;
  nodeId: string;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface StoredComment {
  id: number;
  nodeId: string;
  issue: StoredIssue;
  body: string;
  author: string;
  authorAssociation: FakeAuthorAssociation;
  createdAt: string;
  updatedAt: string;
}

/** A check run on one commit; its status follows the clock (in progress until `completesAt`). */
export interface StoredCheckRun {
  /** databaseId; for `github-actions` runs also the job id. */
  id: number;
  nodeId: string;
  /** The workflow run (and check suite) id of the push. */
  runId: number;
  name: string;
  headSha: string;
  appSlug: string;
  startedAt: number;
  completesAt: number;
  conclusion: FakeCheckConclusion;
  title: string | null;
  summary: string | null;
  text: string | null;
  log: string;
  annotations: readonly { path: string; line: number; message: string; level: 'notice' | 'warning' | 'failure' }[];
}

/** A legacy commit status: `pending` from `createdAt`, `state` from `completesAt`. */
export interface StoredStatus {
  id: number;
  nodeId: string;
  sha: string;
  context: string;
  state: Exclude<FakeStatusState, 'pending'>;
  createdAt: number;
  completesAt: number;
  description: string | null;
  targetUrl: string | null;
}

export interface StoredReviewComment {
  id: number;
  nodeId: string;
  review: StoredReview;
  thread: StoredThread;
  path: string;
  line: number;
  body: string;
  author: string;
  commitSha: string;
}

/** A review; it exists from `submittedAt` on (scripted reviews are stored ahead of time). */
export interface StoredReview {
  id: number;
  nodeId: string;
  author: string;
  state: FakeReviewState | 'DISMISSED';
  body: string;
  commitSha: string;
  submittedAt: number;
  comments: StoredReviewComment[];
}

export interface StoredThread {
  nodeId: string;
  path: string;
  line: number;
  isResolved: boolean;
  resolvedBy: string | null;
  commitSha: string;
  comments: StoredReviewComment[];
}

/** One head commit of a pull request. */
export interface StoredCommit {
  sha: string;
  files: readonly string[];
  at: number;
  /** The agent push whose script results apply (branch updates keep the last one). */
  push: number;
  kind: 'push' | 'update';
  /** `fixes` of the push: every check passes (true) or fails (false); undefined = the script decides. */
  verdict?: boolean;
}

/** An entry of a branch's merge queue. */
export interface StoredQueueEntry {
  nodeId: string;
  pull: StoredIssue;
  enqueuedAt: number;
  enqueuer: string;
  jump: boolean;
  /** When the queue's checks (on the merge group) finish, and how. */
  checksDoneAt: number;
  passes: boolean;
}

export interface StoredPull {
  headRef: string;
  headSha: string;
  baseRef: string;
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  /** A fixed state from the fixture or `setMergeState` (older tests); null = computed. */
  mergeStateOverride: FakeMergeStateStatus | null;
  autoMerge: { mergeMethod: string; enabledAt: string; enabledBy: string } | null;
  /** The base branch commit the head contains (BEHIND when the base moved on). */
  baseSha: string;
  files: Set<string>;
  commits: StoredCommit[];
  /** Agent pushes after the opening one. */
  pushes: number;
  checks: StoredCheckRun[];
  statuses: StoredStatus[];
  reviews: StoredReview[];
  threads: StoredThread[];
  script: FakePullScript | null;
  /** mergeable / mergeStateStatus read UNKNOWN until then (ms). */
  unknownUntil: number;
  mergeCommitSha: string | null;
  mergedBy: string | null;
}

/** A commit that landed on a branch by a merge, with the files it changed. */
export interface StoredBaseCommit {
  sha: string;
  files: readonly string[];
  at: number;
}

export interface StoredIssue {
  kind: 'issue' | 'pull';
  id: number;
  nodeId: string;
  repo: StoredRepo;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: string | null;
  author: string;
  authorAssociation: FakeAuthorAssociation;
  labels: StoredLabel[];
  assignees: string[];
  milestone: number | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  blockedBy: StoredIssue[];
  parent: StoredIssue | null;
  subIssues: StoredIssue[];
  comments: StoredComment[];
  pull: StoredPull | null;
}

export interface StoredRepo {
  id: number;
  nodeId: string;
  owner: string;
  ownerType: 'Organization' | 'User';
  name: string;
  fullName: string;
  defaultBranch: string;
  autoMergeAllowed: boolean;
  visibility: 'public' | 'private';
  labels: Map<string, StoredLabel>;
  issues: Map<number, StoredIssue>;
  refs: Map<string, string>;
  /** Protection of the default branch. */
  rules: Required<Omit<FakeBranchRules, 'autoMergeAllowed'>>;
  /** Script of pull requests opened without one. */
  pullScript: FakePullScript | null;
  /** Merges per branch, oldest first (what a PR's base lacks decides BEHIND and conflicts). */
  baseHistory: Map<string, StoredBaseCommit[]>;
  /** Merge queue entries per branch, in queue order. */
  queues: Map<string, StoredQueueEntry[]>;
}

export interface StoredField {
  id: string;
  databaseId: number;
  name: string;
  dataType: 'SINGLE_SELECT' | 'NUMBER' | 'TEXT' | 'DATE';
  options: { id: string; name: string; color: string; description: string }[];
}

export type StoredFieldValue = { optionId: string } | { number: number } | { text: string } | { date: string };

export interface StoredItem {
  id: string;
  databaseId: number;
  project: StoredProject;
  type: 'ISSUE' | 'PULL_REQUEST' | 'DRAFT_ISSUE';
  content: StoredIssue | { draftId: string; title: string; body: string };
  values: Map<string, StoredFieldValue>;
  isArchived: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface StoredProject {
  id: string;
  databaseId: number;
  number: number;
  title: string;
  owner: string;
  ownerType: 'organization' | 'user';
  closed: boolean;
  fields: StoredField[];
  items: StoredItem[];
}

export interface StoredOwner {
  login: string;
  nodeId: string;
  type: 'Organization' | 'User';
}

/** What `store.nodes` holds for the lifecycle's node ids (reviews, threads, comments, check runs). */
export type PullNode =
  | { pullNode: 'review'; issue: StoredIssue; review: StoredReview }
  | { pullNode: 'thread'; issue: StoredIssue; thread: StoredThread }
  | { pullNode: 'comment'; issue: StoredIssue; comment: StoredReviewComment }
  | { pullNode: 'checkRun'; issue: StoredIssue; run: StoredCheckRun };
