import { afterEach, describe, expect, it } from 'vitest';
import { CI_FAIL_THEN_PASS, prStatesQuery, startPullFake, type PullTestFake } from './pulls-test-support.js';

let env: PullTestFake | undefined;
afterEach(async () => {
  await env?.fake.close();
  env = undefined;
});

const reviewScript = { reviews: [{ after: 0, state: 'CHANGES_REQUESTED' as const, body: 'rename x', delayMs: 0, comments: [{ path: 'src/a.ts', line: 3, body: 'call it y' }] }] };

describe('fake GitHub GraphQL: pull requests', () => {
  it('answers the batched query of the fact sheet for 50 PRs in one request of ≈ 17 points (≈ 2 without thread comments)', async () => {
    env = await startPullFake({ rules: { requiredChecks: ['ci'], requiredApprovals: 1 } });
    const { fake, clock, gql } = env;
    const ids = Array.from({ length: 50 }, (_, i) => fake.pulls.open({ repo: 'acme/shop', head: `b${i}`, title: `PR ${i}`, script: { ...CI_FAIL_THEN_PASS, ...reviewScript } }).nodeId);
    clock.advance(300_000);
    fake.resetRequests();
    const full = await gql(prStatesQuery(), { ids });
    expect(full.body.errors).toBeUndefined();
    expect(full.body.data.rateLimit).toMatchObject({ cost: 17, nodeCount: 9000, remaining: 5000 - 17 });
    expect(full.body.data.nodes).toHaveLength(50);
    expect(full.body.data.nodes[0]).toMatchObject({
      state: 'OPEN',
      mergeable: 'MERGEABLE',
      mergeStateStatus: 'BLOCKED',
      reviewDecision: 'CHANGES_REQUESTED',
      statusCheckRollup: { state: 'FAILURE', contexts: { totalCount: 1, checkRunCount: 1, checkRunCountsByState: [{ state: 'FAILURE', count: 1 }], nodes: [{ __typename: 'CheckRun', name: 'ci', status: 'COMPLETED', conclusion: 'FAILURE', summary: '2 tests failed', checkSuite: { app: { slug: 'github-actions' } } }] } },
      latestReviews: { nodes: [{ state: 'CHANGES_REQUESTED', body: 'rename x', author: { login: 'reviewer' } }] },
      reviewThreads: { totalCount: 1, nodes: [{ isResolved: false, isOutdated: false, path: 'src/a.ts', line: 3, comments: { nodes: [{ body: 'call it y' }] } }] },
    });
    const cheap = await gql(prStatesQuery(false), { ids });
    expect(cheap.body.data.rateLimit.cost).toBe(2);
    // What a test of the watcher asserts: one query per tick, its points recorded by the fake.
    expect(fake.requests.filter((r) => r.route === 'POST /graphql').map((r) => r.points)).toEqual([17, 2]);
  });

  it('serves the commits(last: 1) form, repository.pullRequest ids, node(id) and a null entry for an unknown id', async () => {
    env = await startPullFake();
    const { fake, gql } = env;
    const pr = fake.pulls.open({ repo: 'acme/shop', head: 'c', title: 'C', script: CI_FAIL_THEN_PASS });
    const ids = await gql('query { repository(owner: "acme", name: "shop") { p1: pullRequest(number: 1) { id } } }');
    expect(ids.body.data.repository.p1.id).toBe(pr.nodeId);
    const res = await gql(
      'query($ids: [ID!]!) { nodes(ids: $ids) { ... on PullRequest { number commits(last: 1) { nodes { commit { oid statusCheckRollup { state contexts(first: 10) { nodes { ... on CheckRun { name status } } } } } } } } } }',
      { ids: [pr.nodeId, 'PR_nope'] },
    );
    expect(res.body.data.nodes).toEqual([{ number: 1, commits: { nodes: [{ commit: { oid: pr.headSha, statusCheckRollup: { state: 'PENDING', contexts: { nodes: [{ name: 'ci', status: 'IN_PROGRESS' }] } } } }] } }, null]);
    expect(res.body.errors).toEqual([expect.objectContaining({ type: 'NOT_FOUND', path: ['nodes', 1] })]);
    const one = await gql('query($id: ID!) { node(id: $id) { ... on PullRequest { headRefOid } } }', { id: pr.nodeId });
    expect(one.body.data.node.headRefOid).toBe(pr.headSha);
  });

  it('resolves reviews: filtered by state, their inline comments, node(id) of a review', async () => {
    env = await startPullFake();
    const { fake, gql } = env;
    const pr = fake.pulls.open({ repo: 'acme/shop', head: 'r', title: 'R', script: reviewScript });
    fake.pulls.review('acme/shop', pr.number, { state: 'COMMENTED', body: 'nit', author: 'bob' });
    fake.pulls.review('acme/shop', pr.number, { state: 'APPROVED', author: 'carol' });
    const res = await gql('query { repository(owner: "acme", name: "shop") { pullRequest(number: 1) { reviews(last: 5, states: [CHANGES_REQUESTED, COMMENTED]) { nodes { id state body comments(first: 10) { nodes { path line body } } } } latestReviews(first: 10) { nodes { id state commit { oid } author { login } } } } } }');
    const { reviews, latestReviews } = res.body.data.repository.pullRequest;
    expect(reviews.nodes.map((r: { state: string }) => r.state)).toEqual(['CHANGES_REQUESTED', 'COMMENTED']);
    expect(reviews.nodes[0].comments.nodes).toEqual([{ path: 'src/a.ts', line: 3, body: 'call it y' }]);
    expect(latestReviews.nodes.map((r: { author: { login: string } }) => r.author.login)).toEqual(['reviewer', 'bob', 'carol']);
    expect(latestReviews.nodes[0].commit.oid).toBe(pr.headSha);
    const detail = await gql('query($id: ID!) { node(id: $id) { ... on PullRequestReview { body author { login } comments(first: 5) { nodes { path line originalLine body } } } } }', { id: reviews.nodes[0].id });
    expect(detail.body.data.node).toEqual({ body: 'rename x', author: { login: 'reviewer' }, comments: { nodes: [{ path: 'src/a.ts', line: 3, originalLine: 3, body: 'call it y' }] } });
    // A push that changes the file makes the thread outdated.
    fake.pulls.push('acme/shop', pr.number, { files: ['src/a.ts'] });
    const threads = await gql('query { repository(owner: "acme", name: "shop") { pullRequest(number: 1) { reviewThreads(first: 5) { nodes { isOutdated line originalLine } } } } }');
    expect(threads.body.data.repository.pullRequest.reviewThreads.nodes).toEqual([{ isOutdated: true, line: null, originalLine: 3 }]);
  });

  it('refuses schema fields the fake lacks with FAKE_NOT_IMPLEMENTED and unknown ones with GitHub’s validation error', async () => {
    env = await startPullFake();
    env.fake.pulls.open({ repo: 'acme/shop', head: 'x', title: 'X' });
    const lacking = await env.gql('query { repository(owner: "acme", name: "shop") { pullRequest(number: 1) { number timelineItems(first: 5) { totalCount } } } }');
    expect(lacking.body.errors).toEqual([expect.objectContaining({ type: 'FAKE_NOT_IMPLEMENTED', message: expect.stringContaining('PullRequest.timelineItems') })]);
    const unknown = await env.gql('query { repository(owner: "acme", name: "shop") { pullRequest(number: 1) { ciStatus } } }');
    expect(unknown.body.errors).toEqual([expect.objectContaining({ message: "Field 'ciStatus' doesn't exist on type 'PullRequest'" })]);
    const mutation = await env.gql('mutation { rebasePullRequest(input: { pullRequestId: "x" }) { clientMutationId } }');
    expect(mutation.body.errors[0]).toMatchObject({ extensions: { code: 'undefinedField' } });
  });
});

describe('fake GitHub GraphQL: merge and branch mutations', () => {
  const merge = 'mutation($id: ID!, $head: GitObjectID) { mergePullRequest(input: { pullRequestId: $id, expectedHeadOid: $head }) { pullRequest { merged mergedAt mergeCommit { oid } } } }';

  it('mergePullRequest: not mergeable, head modified, then merged with its merge commit', async () => {
    env = await startPullFake({ rules: { requiredChecks: ['ci'] } });
    const { fake, clock, gql } = env;
    const pr = fake.pulls.open({ repo: 'acme/shop', head: 'm', title: 'M', script: CI_FAIL_THEN_PASS });
    const blocked = await gql(merge, { id: pr.nodeId });
    expect(blocked.body).toMatchObject({ data: { mergePullRequest: null }, errors: [{ type: 'UNPROCESSABLE', message: 'Pull Request is not mergeable', path: ['mergePullRequest'] }] });
    fake.pulls.push('acme/shop', pr.number);
    clock.advance(300_000);
    expect((await gql(merge, { id: pr.nodeId, head: pr.headSha })).body.errors[0].message).toBe('Head branch was modified. Review and try the merge again.');
    const head = fake.pulls.get('acme/shop', pr.number).headSha;
    const ok = await gql(merge, { id: pr.nodeId, head });
    expect(ok.body.data.mergePullRequest.pullRequest).toMatchObject({ merged: true, mergeCommit: { oid: fake.branches('acme/shop').main } });
  });

  it('updatePullRequestBranch: brings a BEHIND PR up to date; stale expectedHeadOid and up-to-date heads are refused', async () => {
    env = await startPullFake({ rules: { strictUpToDate: true } });
    const { fake, gql } = env;
    const a = fake.pulls.open({ repo: 'acme/shop', head: 'a', title: 'A', files: ['a.ts'] });
    const b = fake.pulls.open({ repo: 'acme/shop', head: 'b', title: 'B', files: ['b.ts'] });
    fake.pulls.mergeAsHuman('acme/shop', a.number);
    const update = 'mutation($id: ID!, $head: GitObjectID) { updatePullRequestBranch(input: { pullRequestId: $id, expectedHeadOid: $head }) { pullRequest { headRefOid mergeStateStatus viewerCanUpdateBranch } } }';
    const before = await gql('query($id: ID!) { node(id: $id) { ... on PullRequest { mergeStateStatus viewerCanUpdateBranch } } }', { id: b.nodeId });
    expect(before.body.data.node).toEqual({ mergeStateStatus: 'BEHIND', viewerCanUpdateBranch: true });
    expect((await gql(update, { id: b.nodeId, head: 'a'.repeat(40) })).body.errors[0]).toMatchObject({ type: 'UNPROCESSABLE', message: "expected head sha didn't match current head ref." });
    const ok = await gql(update, { id: b.nodeId, head: b.headSha });
    expect(ok.body.data.updatePullRequestBranch.pullRequest).toMatchObject({ mergeStateStatus: 'CLEAN', viewerCanUpdateBranch: false });
    expect(ok.body.data.updatePullRequestBranch.pullRequest.headRefOid).not.toBe(b.headSha);
    expect((await gql(update, { id: b.nodeId })).body.errors[0].message).toBe('There are no new commits on the base branch.');
  });

  it('enablePullRequestAutoMerge: "Auto merge is not allowed for this repository"', async () => {
    env = await startPullFake({ rules: { autoMergeAllowed: false, requiredApprovals: 1 } });
    const pr = env.fake.pulls.open({ repo: 'acme/shop', head: 'n', title: 'N' });
    const res = await env.gql('mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id }) { clientMutationId } }', { id: pr.nodeId });
    expect(res.body.errors[0]).toMatchObject({ type: 'UNPROCESSABLE', message: 'Auto merge is not allowed for this repository' });
  });
});

describe('fake GitHub GraphQL: points', () => {
  it('charges points per user against the budget; a query that does not fit gets RATE_LIMITED', async () => {
    env = await startPullFake({}, { rateLimit: 20, tokens: { t1: { type: 'classic', scopes: ['repo'], login: 'alice' }, t2: { type: 'classic', scopes: ['repo'], login: 'bob' } } });
    const { fake, gql } = env;
    const ids = Array.from({ length: 50 }, (_, i) => fake.pulls.open({ repo: 'acme/shop', head: `h${i}`, title: `P${i}` }).nodeId);
    const first = await gql(prStatesQuery(), { ids }, 't1');
    expect(first.body.data.rateLimit).toMatchObject({ cost: 17, remaining: 3 });
    const over = await gql(prStatesQuery(), { ids }, 't1');
    expect(over.status).toBe(200);
    expect(over.body.errors).toEqual([expect.objectContaining({ type: 'RATE_LIMITED' })]);
    const small = await gql('query { rateLimit { cost remaining } viewer { login } }', {}, 't1');
    expect(small.body.data).toEqual({ rateLimit: { cost: 1, remaining: 2 }, viewer: { login: 'alice' } });
    const other = await gql(prStatesQuery(false), { ids }, 't2');
    expect(other.body.data.rateLimit).toMatchObject({ cost: 2, remaining: 18 });
  });
});
