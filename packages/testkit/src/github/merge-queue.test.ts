import { afterEach, describe, expect, it } from 'vitest';
import { startPullFake, type PullTestFake } from './pulls-test-support.js';

let env: PullTestFake | undefined;
afterEach(async () => {
  await env?.fake.close();
  env = undefined;
});

const ci = (durationMs: number, results: ('success' | 'failure')[] = ['success']) => ({ checks: [{ name: 'ci', results, durationMs }] });
const enqueue = 'mutation($id: ID!, $head: GitObjectID) { enqueuePullRequest(input: { pullRequestId: $id, expectedHeadOid: $head }) { mergeQueueEntry { id state position pullRequest { number } } } }';
const queueQuery = 'query { repository(owner: "acme", name: "shop") { mergeQueue(branch: "main") { configuration { mergeMethod } entries(first: 10) { nodes { state position pullRequest { number isInMergeQueue mergeQueueEntry { state } } } } } } }';

describe('fake GitHub: merge queue', () => {
  it('enqueue → AWAITING_CHECKS → MERGEABLE → merged, in queue order', async () => {
    env = await startPullFake({ rules: { requiredChecks: ['ci'], mergeQueue: true } });
    const { fake, clock, gql } = env;
    const slow = fake.pulls.open({ repo: 'acme/shop', head: 'slow', title: 'Slow', script: ci(600_000) });
    const fast = fake.pulls.open({ repo: 'acme/shop', head: 'fast', title: 'Fast', script: ci(100_000) });
    clock.advance(600_000); // both PRs green
    const first = await gql(enqueue, { id: slow.nodeId, head: slow.headSha });
    expect(first.body.data.enqueuePullRequest.mergeQueueEntry).toMatchObject({ state: 'AWAITING_CHECKS', position: 1, pullRequest: { number: slow.number } });
    await gql(enqueue, { id: fast.nodeId });
    clock.advance(100_000);
    const queue = await gql(queueQuery);
    expect(queue.body.data.repository.mergeQueue.entries.nodes).toEqual([
      { state: 'AWAITING_CHECKS', position: 1, pullRequest: { number: slow.number, isInMergeQueue: true, mergeQueueEntry: { state: 'AWAITING_CHECKS' } } },
      { state: 'MERGEABLE', position: 2, pullRequest: { number: fast.number, isInMergeQueue: true, mergeQueueEntry: { state: 'MERGEABLE' } } },
    ]);
    expect(fake.pulls.get('acme/shop', slow.number).state).toBe('OPEN'); // queued PRs stay open
    clock.advance(500_000);
    expect(fake.pulls.get('acme/shop', slow.number).state).toBe('MERGED');
    expect(fake.pulls.get('acme/shop', fast.number).state).toBe('MERGED');
    expect((await gql(queueQuery)).body.data.repository.mergeQueue.entries.nodes).toEqual([]);
  });

  it('a push removes the PR from the queue; dequeuePullRequest too; a failing group leaves it', async () => {
    env = await startPullFake({ rules: { mergeQueue: true } });
    const { fake, clock, gql } = env;
    const a = fake.pulls.open({ repo: 'acme/shop', head: 'a', title: 'A', script: ci(1000) });
    const b = fake.pulls.open({ repo: 'acme/shop', head: 'b', title: 'B', script: ci(1000, ['success', 'failure']) });
    clock.advance(1000);
    await gql(enqueue, { id: a.nodeId });
    fake.pulls.push('acme/shop', a.number);
    expect(fake.pulls.get('acme/shop', a.number).mergeQueue).toBeNull();
    await gql(enqueue, { id: b.nodeId });
    expect(fake.pulls.get('acme/shop', b.number).mergeQueue).toEqual({ state: 'AWAITING_CHECKS', position: 1 });
    const out = await gql('mutation($id: ID!) { dequeuePullRequest(input: { id: $id }) { mergeQueueEntry { pullRequest { number } } } }', { id: b.nodeId });
    expect(out.body.data.dequeuePullRequest.mergeQueueEntry.pullRequest.number).toBe(b.number);
    expect((await gql('mutation($id: ID!) { dequeuePullRequest(input: { id: $id }) { clientMutationId } }', { id: b.nodeId })).body.errors[0].type).toBe('UNPROCESSABLE');
    // The agent's next push fails CI: the queue's run on the group fails and drops the PR.
    fake.pulls.push('acme/shop', b.number);
    await gql(enqueue, { id: b.nodeId });
    clock.advance(1000);
    expect(fake.pulls.get('acme/shop', b.number)).toMatchObject({ state: 'OPEN', mergeQueue: null });
  });

  it('auto-merge with a queue: queues the PR once requirements are met, then lands it', async () => {
    env = await startPullFake({ rules: { requiredChecks: ['ci'], mergeQueue: true } });
    const { fake, clock, gql } = env;
    const pr = fake.pulls.open({ repo: 'acme/shop', head: 'am', title: 'Am', script: ci(1000) });
    const res = await gql('mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id }) { pullRequest { autoMergeRequest { mergeMethod } } } }', { id: pr.nodeId });
    expect(res.body.errors).toBeUndefined();
    clock.advance(1000);
    expect(fake.pulls.get('acme/shop', pr.number)).toMatchObject({ state: 'OPEN', mergeQueue: { state: 'AWAITING_CHECKS', position: 1 } });
    clock.advance(1000);
    expect(fake.pulls.get('acme/shop', pr.number).state).toBe('MERGED');
  });

  it('refuses to enqueue without a queue, a stale head or a blocked PR; mergeQueue is null without one', async () => {
    env = await startPullFake({ rules: { requiredChecks: ['ci'] } }, { extraRepos: [{ owner: 'acme', name: 'queued', rules: { requiredChecks: ['ci'], mergeQueue: true } }] });
    const { fake, gql } = env;
    const plain = fake.pulls.open({ repo: 'acme/shop', head: 'p', title: 'P' });
    expect((await gql(enqueue, { id: plain.nodeId })).body.errors[0]).toMatchObject({ type: 'UNPROCESSABLE', message: expect.stringContaining('Merge queue is not enabled') });
    expect((await gql('query { repository(owner: "acme", name: "shop") { mergeQueue { id } } }')).body.data.repository.mergeQueue).toBeNull();
    const blocked = fake.pulls.open({ repo: 'acme/queued', head: 'q', title: 'Q', script: ci(1000) });
    expect((await gql(enqueue, { id: blocked.nodeId })).body.errors[0].message).toBe('Pull Request is not mergeable');
    expect((await gql(enqueue, { id: blocked.nodeId, head: 'b'.repeat(40) })).body.errors[0].message).toBe('Head branch was modified. Review and try the merge again.');
  });
});
