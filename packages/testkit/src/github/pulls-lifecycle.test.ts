import { afterEach, describe, expect, it } from 'vitest';
import { CI_FAIL_THEN_PASS, startPullFake, type PullTestFake } from './pulls-test-support.js';

let env: PullTestFake | undefined;
afterEach(async () => {
  await env?.fake.close();
  env = undefined;
});

describe('pull-request lifecycle: scripted CI and reviews', () => {
  it('runs the scripted CI per push: results[i] for the i-th push, the last one repeating', async () => {
    env = await startPullFake({ rules: { requiredChecks: ['ci'] } });
    const { fake, clock } = env;
    const pr = fake.pulls.open({ repo: 'acme/shop', head: 'feature', title: 'A', script: { checks: [{ name: 'ci', results: ['failure', 'success'], durationMs: 300_000 }] } });
    expect(fake.pulls.get('acme/shop', pr.number).checks).toEqual([expect.objectContaining({ name: 'ci', status: 'in_progress', conclusion: null })]);
    expect(fake.pulls.get('acme/shop', pr.number).mergeStateStatus).toBe('BLOCKED');
    clock.advance(300_000);
    expect(fake.pulls.get('acme/shop', pr.number).checks[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const second = fake.pulls.push('acme/shop', pr.number, { files: ['src/a.ts'] });
    let snap = fake.pulls.get('acme/shop', pr.number);
    expect(snap.headSha).toBe(second);
    expect(snap.checks[0]).toMatchObject({ status: 'in_progress' });
    clock.advance(300_000);
    snap = fake.pulls.get('acme/shop', pr.number);
    expect(snap.checks[0]).toMatchObject({ conclusion: 'success' });
    expect(snap.mergeStateStatus).toBe('CLEAN');
    fake.pulls.push('acme/shop', pr.number);
    clock.advance(300_000);
    expect(fake.pulls.get('acme/shop', pr.number).checks[0]!.conclusion).toBe('success');
    expect(fake.pulls.get('acme/shop', pr.number).headShas).toHaveLength(3);
  });

  it('fixes: true makes a push green and rebases it, fixes: false makes it red', async () => {
    env = await startPullFake({ rules: { requiredChecks: ['ci'] }, pullScript: { checks: [{ name: 'ci', results: ['failure'], durationMs: 1000 }] } });
    const { fake, clock } = env;
    const pr = fake.pulls.open({ repo: 'acme/shop', head: 'x', title: 'X' });
    fake.pulls.push('acme/shop', pr.number, { fixes: true });
    clock.advance(1000);
    expect(fake.pulls.get('acme/shop', pr.number).checks[0]!.conclusion).toBe('success');
    fake.pulls.push('acme/shop', pr.number, { fixes: false });
    clock.advance(1000);
    expect(fake.pulls.get('acme/shop', pr.number).checks[0]!.conclusion).toBe('failure');
  });

  it('submits scripted reviews after their push and dismisses stale approvals when the rule says so', async () => {
    env = await startPullFake({ rules: { requiredApprovals: 1, dismissStaleReviews: true } });
    const { fake, clock } = env;
    const pr = fake.pulls.open({
      repo: 'acme/shop',
      head: 'r',
      title: 'R',
      script: {
        ...CI_FAIL_THEN_PASS,
        reviews: [
          { after: 0, state: 'CHANGES_REQUESTED', body: 'rename x', comments: [{ path: 'src/a.ts', line: 3, body: 'call it y' }] },
          { after: 1, state: 'APPROVED', author: 'reviewer' },
        ],
      },
    });
    expect(fake.pulls.get('acme/shop', pr.number).reviewDecision).toBe('REVIEW_REQUIRED');
    clock.advance(300_000);
    expect(fake.pulls.get('acme/shop', pr.number)).toMatchObject({ reviewDecision: 'CHANGES_REQUESTED', reviews: [{ state: 'CHANGES_REQUESTED', body: 'rename x' }], mergeStateStatus: 'BLOCKED' });
    fake.pulls.push('acme/shop', pr.number, { files: ['src/a.ts'] });
    clock.advance(300_000);
    expect(fake.pulls.get('acme/shop', pr.number)).toMatchObject({ reviewDecision: 'APPROVED', mergeStateStatus: 'CLEAN' });
    fake.pulls.push('acme/shop', pr.number);
    expect(fake.pulls.get('acme/shop', pr.number).reviews.map((r) => r.state)).toEqual(['CHANGES_REQUESTED', 'DISMISSED']);
    expect(fake.pulls.get('acme/shop', pr.number).reviewDecision).toBe('REVIEW_REQUIRED'); // the dismissal superseded the reviewer's change request
    fake.pulls.review('acme/shop', pr.number, { state: 'APPROVED' });
    expect(fake.pulls.get('acme/shop', pr.number).reviewDecision).toBe('APPROVED');
  });

  it('reads UNKNOWN for the configured window after a push, then the computed state', async () => {
    env = await startPullFake({}, { mergeabilityDelayMs: 2000, timeScale: 0.5 });
    const { fake, clock } = env;
    const pr = fake.pulls.open({ repo: 'acme/shop', head: 'u', title: 'U' });
    expect(fake.pulls.get('acme/shop', pr.number)).toMatchObject({ mergeable: 'UNKNOWN', mergeStateStatus: 'UNKNOWN', settledMergeStateStatus: 'CLEAN' });
    const rest = await env.rest('GET', `/repos/acme/shop/pulls/${pr.number}`);
    expect(rest.body).toMatchObject({ mergeable: null, mergeable_state: 'unknown' });
    clock.advance(1000); // 2000 API ms × timeScale 0.5
    expect(fake.pulls.get('acme/shop', pr.number)).toMatchObject({ mergeable: 'MERGEABLE', mergeStateStatus: 'CLEAN' });
  });
});

describe('pull-request lifecycle: merges, conflicts, BEHIND', () => {
  it('makes a sibling touching the same files CONFLICTING and the others BEHIND when the rule requires up to date', async () => {
    env = await startPullFake({ rules: { strictUpToDate: true } });
    const { fake } = env;
    const a = fake.pulls.open({ repo: 'acme/shop', head: 'a', title: 'A', files: ['src/cart.ts'] });
    const b = fake.pulls.open({ repo: 'acme/shop', head: 'b', title: 'B', files: ['src/cart.ts', 'src/b.ts'] });
    const c = fake.pulls.open({ repo: 'acme/shop', head: 'c', title: 'C', files: ['src/c.ts'] });
    const before = fake.branches('acme/shop').main;
    const sha = fake.pulls.mergeAsHuman('acme/shop', a.number);
    expect(fake.branches('acme/shop').main).toBe(sha);
    expect(sha).not.toBe(before);
    expect(fake.pulls.get('acme/shop', a.number)).toMatchObject({ state: 'MERGED', merged: true, mergeCommitSha: sha });
    expect(fake.pulls.get('acme/shop', b.number)).toMatchObject({ mergeable: 'CONFLICTING', mergeStateStatus: 'DIRTY' });
    expect(fake.pulls.get('acme/shop', c.number)).toMatchObject({ mergeable: 'MERGEABLE', mergeStateStatus: 'BEHIND' });
    // The agent rebases: the conflict is gone.
    fake.pulls.push('acme/shop', b.number, { mergeBase: true });
    expect(fake.pulls.get('acme/shop', b.number).mergeStateStatus).toBe('CLEAN');
    expect(() => fake.pulls.mergeAsHuman('acme/shop', a.number)).toThrow(/not open/);
  });

  it('leaves BEHIND out without the up-to-date rule, and update-branch brings a PR up to date', async () => {
    env = await startPullFake({ rules: { strictUpToDate: true } });
    const { fake, rest } = env;
    const a = fake.pulls.open({ repo: 'acme/shop', head: 'a', title: 'A', files: ['a.ts'] });
    const b = fake.pulls.open({ repo: 'acme/shop', head: 'b', title: 'B', files: ['b.ts'] });
    fake.pulls.mergeAsHuman('acme/shop', a.number);
    const head = fake.pulls.get('acme/shop', b.number).headSha;
    const stale = await rest('PUT', `/repos/acme/shop/pulls/${b.number}/update-branch`, { expected_head_sha: 'f'.repeat(40) });
    expect(stale).toMatchObject({ status: 422, body: { message: "expected head sha didn't match current head ref." } });
    const ok = await rest('PUT', `/repos/acme/shop/pulls/${b.number}/update-branch`, { expected_head_sha: head });
    expect(ok).toMatchObject({ status: 202, body: { message: 'Updating pull request branch.' } });
    expect(fake.pulls.get('acme/shop', b.number)).toMatchObject({ mergeStateStatus: 'CLEAN', pushes: 0 });
    expect(fake.pulls.get('acme/shop', b.number).headSha).not.toBe(head);
    const again = await rest('PUT', `/repos/acme/shop/pulls/${b.number}/update-branch`, {});
    expect(again).toMatchObject({ status: 422, body: { message: 'There are no new commits on the base branch.' } });
    fake.pulls.setRules('acme/shop', {});
    const c = fake.pulls.open({ repo: 'acme/shop', head: 'c', title: 'C', files: ['c.ts'] });
    fake.pulls.mergeAsHuman('acme/shop', b.number);
    expect(fake.pulls.get('acme/shop', c.number).mergeStateStatus).toBe('CLEAN');
  });

  it('auto-merge merges the PR by itself once the required checks pass and the approval is in', async () => {
    env = await startPullFake({ rules: { requiredChecks: ['ci'], requiredApprovals: 1 } });
    const { fake, clock, gql } = env;
    const pr = fake.pulls.open({ repo: 'acme/shop', head: 'auto', title: 'Auto', script: { ...CI_FAIL_THEN_PASS, reviews: [{ after: 1, state: 'APPROVED', delayMs: 600_000 }] } });
    const enabled = await gql('mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: SQUASH }) { pullRequest { autoMergeRequest { mergeMethod enabledBy { login } } } } }', { id: pr.nodeId });
    expect(enabled.body.data.enablePullRequestAutoMerge.pullRequest.autoMergeRequest).toEqual({ mergeMethod: 'SQUASH', enabledBy: { login: 'pco-bot' } });
    clock.advance(300_000);
    fake.pulls.push('acme/shop', pr.number);
    clock.advance(300_000); // checks green, approval still pending
    expect(fake.pulls.get('acme/shop', pr.number)).toMatchObject({ state: 'OPEN', mergeStateStatus: 'BLOCKED' });
    clock.advance(600_000);
    const merged = fake.pulls.get('acme/shop', pr.number);
    expect(merged).toMatchObject({ state: 'MERGED', autoMerge: null });
    // Merged at the moment the approval arrived, not when someone looked.
    expect(merged.mergedAt).toBe(new Date(clock.now() - 300_000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  });

  it('closes without merging, and a closed PR cannot be pushed to', async () => {
    env = await startPullFake();
    const { fake } = env;
    const pr = fake.pulls.open({ repo: 'acme/shop', head: 'z', title: 'Z' });
    fake.pulls.close('acme/shop', pr.number);
    expect(fake.pulls.get('acme/shop', pr.number)).toMatchObject({ state: 'CLOSED', merged: false });
    expect(() => fake.pulls.push('acme/shop', pr.number)).toThrow(/not open/);
    expect(fake.issue(`acme/shop#${pr.number}`).state).toBe('closed');
  });
});
