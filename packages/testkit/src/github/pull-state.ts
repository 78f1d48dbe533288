/**
 * What a pull request looks like at time `t`, computed from the store (no timers): check runs and
 * statuses on the head commit, the status-check rollup, the review decision, conflicts, BEHIND and
 * the merge state. Semantics after research github-pr-lifecycle.md §1.1–§1.2, §3 and §7, and
 * github-api.md §2.5:
 * - required checks are matched by name against check runs and status contexts; a required one
 *   that has not reported, is pending or did not succeed (neutral and skipped count as success)
 *   blocks the merge;
 * - the review decision counts the latest APPROVED / CHANGES_REQUESTED review per author (a
 *   DISMISSED one resets it);
 * - conflicts: the PR's files overlap files a merge brought to the base after the PR's base commit;
 * - BEHIND only when the rule requires branches to be up to date.
 */
import type { FakeMergeStateStatus } from './types.js';
import type { StoredCheckRun, StoredIssue, StoredPull, StoredRepo, StoredReview, StoredStatus } from './store-types.js';

const PASSING = new Set(['success', 'neutral', 'skipped']);

export type CheckStatus = 'in_progress' | 'completed';

export function checkStatus(run: StoredCheckRun, t: number): CheckStatus {
  return t >= run.completesAt ? 'completed' : 'in_progress';
}

export function statusState(s: StoredStatus, t: number): StoredStatus['state'] | 'pending' {
  return t >= s.completesAt ? s.state : 'pending';
}

/** The latest check run per name on `sha` (what REST `filter=latest` and the rollup show). */
export function latestChecks(pull: StoredPull, sha: string, t: number): StoredCheckRun[] {
  const byName = new Map<string, StoredCheckRun>();
  for (const run of pull.checks) if (run.headSha === sha && run.startedAt <= t) byName.set(run.name, run);
  return [...byName.values()];
}

/** The latest status per context on `sha`. */
export function latestStatuses(pull: StoredPull, sha: string, t: number): StoredStatus[] {
  const byContext = new Map<string, StoredStatus>();
  for (const s of pull.statuses) if (s.sha === sha && s.createdAt <= t) byContext.set(s.context, s);
  return [...byContext.values()];
}

/** `StatusCheckRollup.state` of the head, or null when nothing reported (research §7.2). */
export function rollupState(pull: StoredPull, t: number, sha = pull.headSha): 'ERROR' | 'FAILURE' | 'PENDING' | 'SUCCESS' | null {
  const runs = latestChecks(pull, sha, t);
  const statuses = latestStatuses(pull, sha, t);
  if (runs.length === 0 && statuses.length === 0) return null;
  const runStates = runs.map((r) => (checkStatus(r, t) === 'completed' ? r.conclusion : 'pending'));
  const states = statuses.map((s) => statusState(s, t));
  if (runStates.some((s) => s !== 'pending' && !PASSING.has(s)) || states.includes('failure')) return 'FAILURE';
  if (states.includes('error')) return 'ERROR';
  if (runStates.includes('pending') || states.includes('pending')) return 'PENDING';
  return 'SUCCESS';
}

/** 'pass' | 'pending' | 'fail' of everything reporting under `name` on the head. */
function contextOutcome(pull: StoredPull, name: string, t: number): 'pass' | 'pending' | 'fail' | 'missing' {
  const runs = latestChecks(pull, pull.headSha, t).filter((r) => r.name === name);
  const statuses = latestStatuses(pull, pull.headSha, t).filter((s) => s.context === name);
  if (runs.length === 0 && statuses.length === 0) return 'missing';
  const outcomes = [
    ...runs.map((r) => (checkStatus(r, t) !== 'completed' ? 'pending' : PASSING.has(r.conclusion) ? 'pass' : 'fail')),
    ...statuses.map((s) => (statusState(s, t) === 'pending' ? 'pending' : statusState(s, t) === 'success' ? 'pass' : 'fail')),
  ];
  return outcomes.includes('fail') ? 'fail' : outcomes.includes('pending') ? 'pending' : 'pass';
}

/** The repository's rules for a PR into `baseRef` (only the default branch is protected). */
export function rulesFor(repo: StoredRepo, baseRef: string): StoredRepo['rules'] {
  if (baseRef === repo.defaultBranch) return repo.rules;
  return { requiredChecks: [], requiredApprovals: 0, strictUpToDate: false, mergeQueue: false, dismissStaleReviews: false };
}

/** Reviews submitted by `t`, oldest first. */
export function submittedReviews(pull: StoredPull, t: number): StoredReview[] {
  return pull.reviews.filter((r) => r.submittedAt <= t);
}

/** The latest review per author (what `latestReviews` lists). */
export function latestReviews(pull: StoredPull, t: number): StoredReview[] {
  const byAuthor = new Map<string, StoredReview>();
  for (const r of submittedReviews(pull, t)) {
    byAuthor.delete(r.author);
    byAuthor.set(r.author, r);
  }
  return [...byAuthor.values()];
}

export type ReviewDecision = 'APPROVED' | 'CHANGES_REQUESTED' | 'REVIEW_REQUIRED' | null;

/**
 * `reviewDecision`. With approvals required: CHANGES_REQUESTED, APPROVED (enough approvals) or
 * REVIEW_REQUIRED. Without: the fake reports CHANGES_REQUESTED / APPROVED when someone gave one,
 * else null (the schema allows null; that GitHub does so without a review rule is unverified,
 * research §1.1).
 */
export function reviewDecision(repo: StoredRepo, pull: StoredPull, t: number): ReviewDecision {
  const opinion = new Map<string, string>();
  for (const r of submittedReviews(pull, t)) {
    if (r.state === 'APPROVED' || r.state === 'CHANGES_REQUESTED') opinion.set(r.author, r.state);
    else if (r.state === 'DISMISSED') opinion.delete(r.author);
  }
  const states = [...opinion.values()];
  const approvals = states.filter((s) => s === 'APPROVED').length;
  const required = rulesFor(repo, pull.baseRef).requiredApprovals;
  if (states.includes('CHANGES_REQUESTED')) return 'CHANGES_REQUESTED';
  if (required > 0) return approvals >= required ? 'APPROVED' : 'REVIEW_REQUIRED';
  return approvals > 0 ? 'APPROVED' : null;
}

/** Files merged into the PR's base branch after the PR's base commit. */
export function baseFilesSince(repo: StoredRepo, pull: StoredPull): Set<string> {
  const history = repo.baseHistory.get(pull.baseRef) ?? [];
  const from = history.findIndex((c) => c.sha === pull.baseSha);
  return new Set(history.slice(from + 1).flatMap((c) => c.files));
}

export function isConflicting(repo: StoredRepo, pull: StoredPull): boolean {
  const changed = baseFilesSince(repo, pull);
  return [...pull.files].some((f) => changed.has(f));
}

export function isBehind(repo: StoredRepo, pull: StoredPull): boolean {
  const tip = repo.refs.get(pull.baseRef);
  return tip !== undefined && tip !== pull.baseSha;
}

/** Why the rules block a merge right now, or undefined (checks and reviews only). */
export function blockedBy(repo: StoredRepo, pull: StoredPull, t: number): string | undefined {
  const rules = rulesFor(repo, pull.baseRef);
  for (const name of rules.requiredChecks) {
    const outcome = contextOutcome(pull, name, t);
    if (outcome !== 'pass') return `required check ${name} is ${outcome === 'missing' ? 'expected' : outcome === 'pending' ? 'pending' : 'failing'}`;
  }
  const decision = reviewDecision(repo, pull, t);
  if (rules.requiredApprovals > 0 && decision !== 'APPROVED') return decision === 'CHANGES_REQUESTED' ? 'changes requested' : 'review required';
  return undefined;
}

/** The merge state once GitHub has computed it (never UNKNOWN unless fixed so). */
export function settledMergeState(issue: StoredIssue, t: number): FakeMergeStateStatus {
  const pull = issue.pull!;
  if (pull.mergeStateOverride) return pull.mergeStateOverride;
  const repo = issue.repo;
  if (pull.merged || issue.state !== 'open') return 'UNKNOWN';
  if (pull.draft) return 'DRAFT';
  if (isConflicting(repo, pull)) return 'DIRTY';
  if (blockedBy(repo, pull, t)) return 'BLOCKED';
  if (rulesFor(repo, pull.baseRef).strictUpToDate && isBehind(repo, pull)) return 'BEHIND';
  const required = new Set(rulesFor(repo, pull.baseRef).requiredChecks);
  const others = [...latestChecks(pull, pull.headSha, t).map((r) => r.name), ...latestStatuses(pull, pull.headSha, t).map((s) => s.context)].filter((n) => !required.has(n));
  // Mergeable with non-passing (failing or pending) optional checks.
  if (others.some((n) => contextOutcome(pull, n, t) !== 'pass')) return 'UNSTABLE';
  return 'CLEAN';
}

/** `mergeStateStatus` as a client reads it at `t` (UNKNOWN while GitHub computes). */
export function mergeState(issue: StoredIssue, t: number): FakeMergeStateStatus {
  const pull = issue.pull!;
  if (!pull.mergeStateOverride && issue.state === 'open' && t < pull.unknownUntil) return 'UNKNOWN';
  return settledMergeState(issue, t);
}

/** `mergeable` (git conflicts only). */
export function mergeable(issue: StoredIssue, t: number): 'MERGEABLE' | 'CONFLICTING' | 'UNKNOWN' {
  const pull = issue.pull!;
  if (pull.mergeStateOverride) return pull.mergeStateOverride === 'DIRTY' ? 'CONFLICTING' : pull.mergeStateOverride === 'UNKNOWN' ? 'UNKNOWN' : 'MERGEABLE';
  if (pull.merged || issue.state !== 'open' || t < pull.unknownUntil) return 'UNKNOWN';
  return isConflicting(issue.repo, pull) ? 'CONFLICTING' : 'MERGEABLE';
}

/** States in which the merge buttons (and auto-merge) go ahead. */
export const MERGEABLE_STATES: readonly FakeMergeStateStatus[] = ['CLEAN', 'UNSTABLE', 'HAS_HOOKS'];
