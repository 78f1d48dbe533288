/**
 * Pull request snapshots for this package's tests of the reaction policy (not exported).
 */
import type { DecidePolicy } from './decide.js';
import type { PullRequestSnapshot } from './snapshot.js';

/** An open, clean, green pull request with no review required, changed by `patch`. */
export function snapshot(patch: Partial<PullRequestSnapshot> = {}): PullRequestSnapshot {
  return {
    id: 'PR_1',
    number: 1,
    url: 'https://github.com/acme/shop/pull/1',
    repo: 'acme/shop',
    state: 'OPEN',
    merged: false,
    mergedAt: undefined,
    isDraft: false,
    mergeable: 'MERGEABLE',
    mergeStateStatus: 'CLEAN',
    reviewDecision: null,
    headRefName: 'codegen/1',
    headRefOid: 'a'.repeat(40),
    baseRefName: 'main',
    baseRefOid: 'b'.repeat(40),
    isInMergeQueue: false,
    isMergeQueueEnabled: false,
    viewerCanUpdateBranch: true,
    autoMergeEnabled: false,
    autoMergeAllowed: false,
    checks: { state: 'SUCCESS', total: 1, failing: [], failingCount: 0 },
    reviews: [],
    ...patch,
  };
}

/** The policy at the lander's defaults. */
export function defaultPolicy(patch: Partial<DecidePolicy> = {}): DecidePolicy {
  return {
    merge: 'auto',
    ciFixes: 'pco',
    codegenFixAttempts: 3,
    maxFollowUps: { 'checks-failed': 3, 'changes-requested': 3, conflict: 2 },
    maxFollowUpsPerTask: 6,
    reactions: { checksFailed: true, changesRequested: true, conflict: true, updateBranch: true },
    ignoredReviewers: new Set(),
    checksTimeoutMs: 3_600_000,
    followUpGraceMs: 120_000,
    ...patch,
  };
}

export const FAILED_CHECKS: PullRequestSnapshot['checks'] = {
  state: 'FAILURE',
  total: 2,
  failing: [{ kind: 'check-run', name: 'test', outcome: 'failure', raw: 'FAILURE', url: 'https://github.com/acme/shop/actions/runs/1/job/7', databaseId: 7, app: 'github-actions' }],
  failingCount: 1,
};
