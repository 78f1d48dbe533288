/**
 * The reaction policy: from one pull request snapshot and what the lander already did, what to do
 * next. Pure (time comes in as `now`), so it is tested on its own, property tests included.
 *
 * Order: merged / closed; draft; conflict; failed checks; changes requested; pending checks;
 * mergeability being computed (UNKNOWN is re-read, never "not mergeable"); merge queue; behind
 * the base; review required / blocked; clean → merge.
 */
import type { ReviewStatus } from '@pco/contract';
import type { CiFixOwner, LandingMergeMode, LandingReactionSwitches } from './options.js';
import type { PullRequestSnapshot } from './snapshot.js';

/** Follow-up reasons the lander sends. */
export type LandingFollowUpReason = 'checks-failed' | 'changes-requested' | 'conflict';

/** What the lander did so far for one task (rebuilt from `context.reactions` after a resume). */
export interface LandingMemory {
  /** Follow-ups per reason, for the whole task. */
  readonly followUps: Map<string, number>;
  /** Follow-up keys run (or in flight) → when they ended (undefined: in flight / unknown) and how. */
  readonly followUpKeys: Map<string, { readonly endedAt: number | undefined; readonly outcome: string | undefined }>;
  /** Step keys (`update-branch:…`, `merge:…`, `auto-merge:…`, `enqueue:…`) → attempts and the last one's time. */
  readonly steps: Map<string, { attempts: number; at: number; refusal?: string | undefined }>;
  /** Head commits first seen at (for the pending-checks timeout). */
  readonly headSeenAt: Map<string, number>;
  /** Head commits whose checks failed (Codegen's auto-fixer mode counts them). */
  readonly failedHeads: Set<string>;
}

export function emptyMemory(): LandingMemory {
  return { followUps: new Map(), followUpKeys: new Map(), steps: new Map(), headSeenAt: new Map(), failedHeads: new Set() };
}

/** The policy knobs {@link decide} reads. */
export interface DecidePolicy {
  readonly merge: LandingMergeMode;
  readonly ciFixes: CiFixOwner;
  readonly codegenFixAttempts: number;
  readonly maxFollowUps: Readonly<Record<LandingFollowUpReason, number>>;
  readonly maxFollowUpsPerTask: number;
  readonly reactions: Required<LandingReactionSwitches>;
  readonly ignoredReviewers: ReadonlySet<string>;
  readonly checksTimeoutMs: number;
  /** Also the wait before a step (update, merge, auto-merge, enqueue) is tried again. */
  readonly followUpGraceMs: number;
}

/** Attempts of one step (per key) before a human is asked. */
export const MAX_STEP_ATTEMPTS = 2;

export type Decision =
  | { readonly kind: 'landed' }
  | { readonly kind: 'closed' }
  /** Nothing to do but wait. `human`: only a person can move it (matters once the run is idle). */
  | { readonly kind: 'wait'; readonly status: ReviewStatus; readonly message: string; readonly human: boolean; readonly hurry?: boolean }
  | { readonly kind: 'follow-up'; readonly reason: LandingFollowUpReason; readonly key: string; readonly reviewId?: string }
  | { readonly kind: 'step'; readonly action: 'update-branch' | 'merge' | 'auto-merge' | 'enqueue'; readonly key: string; readonly sha: string };

const short = (sha: string) => sha.slice(0, 7);

const human = (status: ReviewStatus, message: string): Decision => ({ kind: 'wait', status, message, human: true });
const wait = (status: ReviewStatus, message: string, hurry = false): Decision => ({ kind: 'wait', status, message, human: false, ...(hurry ? { hurry } : {}) });

/** Records what a snapshot shows (new head seen, failed head). Call before {@link decide}. */
export function observe(memory: LandingMemory, pr: PullRequestSnapshot, now: number): void {
  if (!memory.headSeenAt.has(pr.headRefOid)) memory.headSeenAt.set(pr.headRefOid, now);
  if (pr.checks.state === 'FAILURE' || pr.checks.state === 'ERROR') memory.failedHeads.add(pr.headRefOid);
}

/** Whether the head's checks passed (SUCCESS, or no CI at all: a null rollup is not a failure). */
export function checksPassed(pr: PullRequestSnapshot): boolean {
  return pr.checks.state === null || pr.checks.state === 'SUCCESS';
}

/** A follow-up for `reason` under `key`, unless it ran already or the budget is spent. */
function followUp(memory: LandingMemory, policy: DecidePolicy, now: number, reason: LandingFollowUpReason, key: string, what: string, extra: { reviewId?: string } = {}): Decision {
  const ran = memory.followUpKeys.get(key);
  if (ran) {
    if (ran.endedAt === undefined) return { kind: 'follow-up', reason, key, ...extra }; // in flight before a crash: re-attach
    if (ran.outcome === 'needs-input') return human('needs-human', `the agent asked for help with ${what}`);
    if (ran.outcome === 'done' && now - ran.endedAt < policy.followUpGraceMs) return wait(reason, `${what}: waiting for the agent's push`, true);
    return human('needs-human', `${what}: the agent's follow-up (${ran.outcome ?? 'ended'}) did not fix it`);
  }
  const used = memory.followUps.get(reason) ?? 0;
  if (used >= policy.maxFollowUps[reason]) return human('needs-human', `${what}: ${reason} follow-ups used up (${used} of ${policy.maxFollowUps[reason]})`);
  let total = 0;
  for (const n of memory.followUps.values()) total += n;
  if (total >= policy.maxFollowUpsPerTask) return human('needs-human', `${what}: the task's follow-ups are used up (${total} of ${policy.maxFollowUpsPerTask})`);
  return { kind: 'follow-up', reason, key, ...extra };
}

/** A step under `key`, unless it was tried recently or too often. */
function step(memory: LandingMemory, policy: DecidePolicy, now: number, action: 'update-branch' | 'merge' | 'auto-merge' | 'enqueue', key: string, sha: string, what: string): Decision {
  const done = memory.steps.get(key);
  if (done) {
    if (now - done.at < policy.followUpGraceMs) return wait(action === 'update-branch' ? 'behind' : 'merging', `${what}: sent, waiting for GitHub`, true);
    if (done.attempts >= MAX_STEP_ATTEMPTS) return human('needs-human', `${what} did not take effect after ${done.attempts} attempts${done.refusal ? `: ${done.refusal}` : ''}`);
  }
  return { kind: 'step', action, key, sha };
}

/** The newest change request that is not from an ignored reviewer. */
function changeRequest(pr: PullRequestSnapshot, ignored: ReadonlySet<string>) {
  return pr.reviews
    .filter((r) => r.state === 'CHANGES_REQUESTED' && !(r.author && ignored.has(r.author.toLowerCase())))
    .sort((a, b) => (b.submittedAt ?? '').localeCompare(a.submittedAt ?? ''))[0];
}

/** What to do about `pr` now. `ciFixes` is the owner for this repository. */
export function decide(pr: PullRequestSnapshot, memory: LandingMemory, policy: DecidePolicy, now: number): Decision {
  if (pr.merged || pr.state === 'MERGED') return { kind: 'landed' };
  if (pr.state === 'CLOSED') return { kind: 'closed' };
  const head = pr.headRefOid;
  if (pr.isDraft) return human('draft', 'the pull request is a draft');

  if (pr.mergeable === 'CONFLICTING' || pr.mergeStateStatus === 'DIRTY') {
    if (!policy.reactions.conflict) return human('conflict', `conflicts with ${pr.baseRefName}`);
    return followUp(memory, policy, now, 'conflict', `conflict:${head}:${pr.baseRefOid}`, `conflicts with ${pr.baseRefName}`);
  }

  if (pr.checks.state === 'FAILURE' || pr.checks.state === 'ERROR') {
    const names = pr.checks.failing.map((c) => c.name).join(', ') || `${pr.checks.failingCount} check(s)`;
    const what = `checks failed on ${short(head)} (${names})`;
    if (policy.ciFixes === 'codegen' && memory.failedHeads.size < policy.codegenFixAttempts) {
      return wait('checks-failed', `${what}: Codegen's auto-fixer is on it (${memory.failedHeads.size} of ${policy.codegenFixAttempts} failed heads)`);
    }
    if (!policy.reactions.checksFailed) return human('checks-failed', what);
    return followUp(memory, policy, now, 'checks-failed', `checks-failed:${head}`, what);
  }

  if (pr.reviewDecision === 'CHANGES_REQUESTED') {
    const review = changeRequest(pr, policy.ignoredReviewers);
    if (!review) return human('changes-requested', 'changes requested');
    const by = review.author ? ` by ${review.author}` : '';
    const key = `changes-requested:${review.id}`;
    if (memory.followUpKeys.get(key)?.outcome === 'done') return human('changes-requested', `changes requested${by}: addressed, waiting for a new review`);
    if (!policy.reactions.changesRequested) return human('changes-requested', `changes requested${by}`);
    return followUp(memory, policy, now, 'changes-requested', key, `changes requested${by}`, { reviewId: review.id });
  }

  if (!checksPassed(pr)) {
    const seen = memory.headSeenAt.get(head) ?? now;
    if (now - seen >= policy.checksTimeoutMs) return human('needs-human', `checks on ${short(head)} still ${pr.checks.state?.toLowerCase()} after ${Math.round((now - seen) / 60_000)} min (a required check that never reports?)`);
    return wait('checks-pending', `checks running on ${short(head)}`);
  }

  if (pr.mergeable === 'UNKNOWN' || pr.mergeStateStatus === 'UNKNOWN') return wait('checks-pending', 'GitHub is computing mergeability', true);
  if (pr.isInMergeQueue) return wait('queued', 'in the merge queue');
  if (pr.autoMergeEnabled && (pr.mergeStateStatus === 'CLEAN' || pr.mergeStateStatus === 'HAS_HOOKS')) return wait('merging', 'auto-merge is enabled', true);

  const reviewRequired = pr.reviewDecision === 'REVIEW_REQUIRED';
  if (pr.isMergeQueueEnabled && policy.merge !== 'none') {
    if (reviewRequired) return human('awaiting-review', 'waiting for an approving review');
    return step(memory, policy, now, 'enqueue', `enqueue:${head}`, head, 'adding to the merge queue');
  }

  if (pr.mergeStateStatus === 'BEHIND') {
    if (!policy.reactions.updateBranch) return human('behind', `behind ${pr.baseRefName}`);
    return step(memory, policy, now, 'update-branch', `update-branch:${pr.baseRefOid}`, head, `updating the branch with ${pr.baseRefName}`);
  }

  const useAutoMerge = policy.merge === 'auto' && pr.autoMergeAllowed;
  if (reviewRequired || pr.mergeStateStatus === 'BLOCKED') {
    const why = reviewRequired ? 'waiting for an approving review' : 'blocked by the branch rules (a required check or review, unresolved conversations)';
    if (useAutoMerge && !pr.autoMergeEnabled) return step(memory, policy, now, 'auto-merge', `auto-merge:${head}`, head, 'enabling auto-merge');
    return human(reviewRequired ? 'awaiting-review' : 'blocked', why);
  }

  if (pr.mergeStateStatus === 'CLEAN' || pr.mergeStateStatus === 'HAS_HOOKS' || pr.mergeStateStatus === 'UNSTABLE') {
    if (policy.merge === 'none') return human('approved', 'ready to merge; merging is left to a human');
    return step(memory, policy, now, 'merge', `merge:${head}`, head, `merging ${short(head)}`);
  }
  return wait('checks-pending', `merge state ${pr.mergeStateStatus}`, true);
}
