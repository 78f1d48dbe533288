// The client against GitHub's secondary rate limits (the fake's opt-in `secondaryLimits`): the
// throttling plugin waits out `retry-after` and retries, so the caller sees no error.
import { afterEach, describe, expect, it } from 'vitest';
import { githubClientOptionsForFake, sampleBacklogFixture, startFakeGitHub, type FakeGitHub } from '@pco/testkit/github';
import { createGitHubClient } from './index.js';

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('createGitHubClient under secondary rate limits', () => {
  it('waits out retry-after and retries REST and GraphQL content writes, in order, with no error for the caller', async () => {
    // A minute of API time lasts 600 ms and the client waits 10 ms per second of retry-after, so
    // the window is long next to a request even on a loaded machine (at 60 ms it slid past
    // between two requests on CI and only one refusal came).
    const f = (fake = await startFakeGitHub(sampleBacklogFixture(), {
      tokens: { tok_a: { type: 'classic', login: 'pco-bot', scopes: ['repo'] } },
      timeScale: 0.01,
      secondaryLimits: { contentPerMinute: 2 },
    }));
    const client = createGitHubClient(githubClientOptionsForFake(f.url, { token: 'tok_a', timeScale: 10 }));
    const subjectId = f.issue('acme/shop#3').nodeId;
    const before = f.issue('acme/shop#3').comments.length;
    for (let i = 0; i < 3; i++) {
      await client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: 'acme', repo: 'shop', issue_number: 3, body: `rest ${i}` });
      await client.graphql('mutation($id: ID!, $body: String!) { addComment(input: { subjectId: $id, body: $body }) { clientMutationId } }', { id: subjectId, body: `graphql ${i}` });
    }
    expect(f.issue('acme/shop#3').comments.map((c) => c.body).slice(before)).toEqual(['rest 0', 'graphql 0', 'rest 1', 'graphql 1', 'rest 2', 'graphql 2']);
    const limited = f.requests.flatMap((r) => (r.secondaryLimit ? [r.secondaryLimit] : []));
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(new Set(limited)).toEqual(new Set(['content-per-minute']));
  });
});
