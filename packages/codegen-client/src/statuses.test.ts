import { describe, expect, it } from 'vitest';
import { KNOWN_STATUSES, isKnownStatus, isSettled, isSuccess, isTerminal, needsInput } from './statuses.js';
import { pullRequestsOf, toPullRequestRef } from './pull-requests.js';

describe('statuses', () => {
  it('classifies every known status', () => {
    const terminal = KNOWN_STATUSES.filter((s) => isTerminal(s));
    expect(terminal).toEqual(['COMPLETE', 'ERROR', 'FAILED', 'CANCELLED', 'STOPPED', 'TIMEOUT', 'MAX_ITERATIONS_REACHED', 'OUT_OF_TOKENS']);
    expect(KNOWN_STATUSES.filter((s) => isSuccess(s))).toEqual(['COMPLETE']);
    expect(KNOWN_STATUSES.filter((s) => needsInput(s))).toEqual(['PAUSED']);
    expect(KNOWN_STATUSES.filter((s) => !isSettled(s))).toEqual(['PENDING', 'ACTIVE', 'RUNNING', 'EVALUATION']);
  });

  it('treats unknown, lowercase and null statuses as live and unknown', () => {
    for (const status of ['completed', 'failed', 'SOMETHING_NEW', null, undefined]) {
      expect(isTerminal(status)).toBe(false);
      expect(isSettled(status)).toBe(false);
      expect(isKnownStatus(status)).toBe(false);
    }
  });
});

describe('pull requests', () => {
  it('parses number and repo from the URL', () => {
    expect(
      toPullRequestRef({ id: 1, title: 'Fix', url: 'https://github.com/octo/app/pull/42', created_at: null, head_branch_name: 'codegen/x' }),
    ).toEqual({ url: 'https://github.com/octo/app/pull/42', repo: 'octo/app', number: 42, title: 'Fix', headBranch: 'codegen/x' });
    expect(toPullRequestRef({ id: 2, title: null, url: null, created_at: null, head_branch_name: null })).toBeUndefined();
    expect(
      pullRequestsOf({
        id: 1,
        organization_id: 1,
        status: 'COMPLETE',
        created_at: null,
        web_url: null,
        result: null,
        summary: null,
        source_type: 'API',
        metadata: null,
        github_pull_requests: null,
      }),
    ).toEqual([]);
  });
});
