/**
 * What the pull-request lifecycle tests share: a fake GitHub on a ManualClock (time moves only
 * when a test says so) and plain HTTP helpers for REST and GraphQL.
 */
import { ManualClock } from '../clock/index.js';
import { startFakeGitHub, type FakeGitHub } from './server.js';
import type { FakeGitHubFixture, FakeRepoFixture, StartFakeGitHubOptions } from './types.js';

/** Parsed JSON as the tests read it (loosely typed on purpose: tests assert its shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test support: bodies are asserted, not typed
type Json = any;

export interface PullTestFake {
  readonly fake: FakeGitHub;
  readonly clock: ManualClock;
  gql(query: string, variables?: Record<string, unknown>, token?: string): Promise<{ status: number; body: { data?: Json; errors?: Json } }>;
  rest(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json; headers: Headers }>;
}

/** One repository `acme/shop` (or `repos`) on a manual clock; remember `fake.close()`. */
export async function startPullFake(repo: Partial<FakeRepoFixture> = {}, options: StartFakeGitHubOptions & { readonly extraRepos?: FakeGitHubFixture['repos'] } = {}): Promise<PullTestFake> {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9));
  const fake = await startFakeGitHub({ repos: [{ owner: 'acme', name: 'shop', ...repo }, ...(options.extraRepos ?? [])] }, { now: () => clock.now(), mergeabilityDelayMs: 0, ...options });
  return {
    fake,
    clock,
    async gql(query, variables = {}, token) {
      const res = await fetch(`${fake.url}/graphql`, { method: 'POST', body: JSON.stringify({ query, variables }), headers: token ? { authorization: `token ${token}` } : {} });
      return { status: res.status, body: (await res.json()) as { data?: Json; errors?: Json } };
    },
    async rest(method, path, body) {
      const res = await fetch(`${fake.url}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), redirect: 'manual' });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // plain text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
  };
}

/** The batched query of research github-pr-lifecycle.md §1.3, verbatim (optionally without thread comments). */
export function prStatesQuery(threadComments = true): string {
  return `query PrStates($ids: [ID!]!) {
  rateLimit { cost remaining resetAt nodeCount }
  nodes(ids: $ids) {
    ... on PullRequest {
      id number url state merged mergedAt closed isDraft
      mergeable mergeStateStatus reviewDecision
      headRefName headRefOid baseRefName baseRefOid
      isInMergeQueue isMergeQueueEnabled viewerCanUpdateBranch
      autoMergeRequest { enabledAt mergeMethod enabledBy { login } }
      mergeQueueEntry { id state position estimatedTimeToMerge enqueuedAt }
      statusCheckRollup {
        state
        contexts(first: 50) {
          totalCount checkRunCount statusContextCount
          checkRunCountsByState { state count }
          statusContextCountsByState { state count }
          pageInfo { hasNextPage endCursor }
          nodes { __typename
            ... on CheckRun { databaseId name status conclusion detailsUrl title summary startedAt completedAt
                              checkSuite { app { slug } workflowRun { databaseId } } }
            ... on StatusContext { context state targetUrl description } } } }
      latestReviews(first: 10) { nodes { state body submittedAt author { login } authorAssociation } }
      reviewThreads(first: 30) { totalCount nodes { id isResolved isOutdated path line${threadComments ? `
        comments(first: 3) { nodes { body author { login } createdAt } }` : ''} } }
    }
  }
}`;
}

export const CI_FAIL_THEN_PASS = { checks: [{ name: 'ci', results: ['failure', 'success'] as const, durationMs: 300_000, summary: '2 tests failed', log: 'FAIL src/a.test.ts\n##[error]Process completed with exit code 1.\n' }] } as const;
