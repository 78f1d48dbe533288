import { describe, expect, it } from 'vitest';
import { GitHubResponseError } from '../errors.js';
import { normalizeContext, parsePoll } from './snapshot.js';

function node(patch: Record<string, unknown> = {}) {
  return {
    __typename: 'PullRequest',
    id: 'PR_1', number: 1, url: 'https://github.com/acme/shop/pull/1', state: 'OPEN', merged: false, mergedAt: null, isDraft: false,
    mergeable: 'MERGEABLE', mergeStateStatus: 'CLEAN', reviewDecision: null,
    headRefName: 'codegen/1', headRefOid: 'a'.repeat(40), baseRefName: 'main', baseRefOid: 'b'.repeat(40),
    isInMergeQueue: false, isMergeQueueEnabled: false, viewerCanUpdateBranch: false, autoMergeRequest: null,
    repository: { nameWithOwner: 'acme/shop', autoMergeAllowed: true },
    statusCheckRollup: null,
    latestReviews: { nodes: [] },
    ...patch,
  };
}

describe('pull request snapshots', () => {
  it('normalises CheckRun and StatusContext into one shape', () => {
    expect(normalizeContext({ __typename: 'CheckRun', name: 'test', status: 'COMPLETED', conclusion: 'TIMED_OUT', databaseId: 9, detailsUrl: 'u', checkSuite: { app: { slug: 'github-actions' } } })).toEqual({
      kind: 'check-run', name: 'test', outcome: 'failure', raw: 'TIMED_OUT', url: 'u', databaseId: 9, app: 'github-actions',
    });
    expect(normalizeContext({ __typename: 'CheckRun', name: 'lint', status: 'COMPLETED', conclusion: 'SKIPPED' }).outcome).toBe('success');
    expect(normalizeContext({ __typename: 'CheckRun', name: 'build', status: 'IN_PROGRESS', conclusion: null }).outcome).toBe('pending');
    expect(normalizeContext({ __typename: 'StatusContext', context: 'ci/jenkins', state: 'ERROR', targetUrl: 't', description: 'boom' })).toEqual({
      kind: 'status', name: 'ci/jenkins', outcome: 'failure', raw: 'ERROR', url: 't', description: 'boom',
    });
    expect(normalizeContext({ __typename: 'StatusContext', context: 'ci/x', state: 'EXPECTED' }).outcome).toBe('pending');
  });

  it('reads a null rollup (or one without contexts) as no CI, and counts failures beyond the nodes read', () => {
    const { snapshots } = parsePoll({ nodes: [node(), node({ id: 'PR_2', statusCheckRollup: { state: 'PENDING', contexts: { totalCount: 0, nodes: [] } } })] }, ['PR_1', 'PR_2']);
    expect(snapshots.map((s) => s?.checks.state)).toEqual([null, null]);
    const failing = parsePoll(
      {
        rateLimit: { cost: 1, remaining: 4999, resetAt: '2026-12-02T04:00:00Z' },
        nodes: [
          node({
            statusCheckRollup: {
              state: 'FAILURE',
              contexts: {
                totalCount: 40,
                checkRunCountsByState: [{ state: 'SUCCESS', count: 30 }, { state: 'FAILURE', count: 4 }],
                statusContextCountsByState: [{ state: 'ERROR', count: 1 }],
                nodes: [{ __typename: 'CheckRun', name: 'unit', status: 'COMPLETED', conclusion: 'FAILURE' }],
              },
            },
          }),
        ],
      },
      ['PR_1'],
    );
    expect(failing.rateLimit?.cost).toBe(1);
    expect(failing.snapshots[0]?.checks).toMatchObject({ state: 'FAILURE', total: 40, failingCount: 5 });
    expect(failing.snapshots[0]?.checks.failing.map((c) => c.name)).toEqual(['unit']);
  });

  it('gives null for ids GitHub could not resolve, and names the field of a malformed answer', () => {
    expect(parsePoll({ nodes: [null, { __typename: 'Issue' }] }, ['x', 'y']).snapshots).toEqual([null, null]);
    expect(() => parsePoll({ nodes: [node({ headRefOid: 7 })] }, ['PR_1'])).toThrow(GitHubResponseError);
  });
});
