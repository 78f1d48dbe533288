import { githubClientOptionsForFake, startFakeGitHub, type FakeGitHub } from '@pco/testkit/github';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from './octokit.js';
import { lookupReferenceStates } from './reference-lookup.js';

const open: FakeGitHub[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});

/** o/r with issues 1..n, the even ones closed. */
async function fake(n: number, options: Parameters<typeof startFakeGitHub>[1] = {}) {
  const issues = Array.from({ length: n }, (_, i) => ({ number: i + 1, title: `i${i + 1}`, state: (i + 1) % 2 === 0 ? ('closed' as const) : ('open' as const) }));
  const f = await startFakeGitHub({ repos: [{ owner: 'o', name: 'r', issues }] }, options);
  open.push(f);
  return f;
}
const refs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ repo: 'o/r', number: from + i }));

describe('lookupReferenceStates', () => {
  it('asks once per reference, in batches, and answers MISSING for what does not exist', async () => {
    const f = await fake(10);
    const client = createGitHubClient(githubClientOptionsForFake(f.url));
    const states = await lookupReferenceStates(client, [...refs(1, 12), ...refs(1, 12)], undefined, { batchSize: 5 });
    expect(f.count({ operation: 'graphql query PcoReferenceStates' })).toBe(3);
    expect(states.get('o/r#1')).toBe('OPEN');
    expect(states.get('o/r#2')).toBe('CLOSED');
    expect(states.get('o/r#12')).toBe('MISSING');
  });

  it('never sends a number GitHub cannot hold: it is UNKNOWN, and the rest is looked up', async () => {
    const f = await fake(3);
    const client = createGitHubClient(githubClientOptionsForFake(f.url));
    const states = await lookupReferenceStates(client, [{ repo: 'o/r', number: 2 ** 31 }, { repo: 'o/r', number: 1 }]);
    expect(states.get('o/r#2147483648')).toEqual({ state: 'UNKNOWN', reason: '2147483648 is not an issue number (1 to 2147483647)' });
    expect(states.get('o/r#1')).toBe('OPEN');
    expect(JSON.stringify(f.requests.map((r) => r.body))).not.toContain('2147483648');
  });

  it('splits a big batch that times out instead of failing it', async () => {
    const f = await fake(600);
    f.failNext({ kind: 'graphql-internal' }, { times: 1, match: { operation: 'graphql query PcoReferenceStates' } });
    const client = createGitHubClient(githubClientOptionsForFake(f.url));
    const states = await lookupReferenceStates(client, refs(1, 600), undefined, { batchSize: 600 });
    expect(f.count({ operation: 'graphql query PcoReferenceStates' })).toBe(3); // the failed one, then two halves
    expect([...states.values()].filter((s) => s === 'OPEN')).toHaveLength(300);
    expect([...states.values()].filter((s) => s === 'CLOSED')).toHaveLength(300);
  });

  it('makes the references of a batch that keeps failing UNKNOWN, naming the failure', async () => {
    const f = await fake(3);
    f.failNext({ kind: 'server-error', status: 503 }, { times: 4, match: { operation: 'graphql query PcoReferenceStates' } });
    const client = createGitHubClient(githubClientOptionsForFake(f.url));
    const states = await lookupReferenceStates(client, refs(1, 2));
    expect(states.get('o/r#1')).toEqual({ state: 'UNKNOWN', reason: expect.stringMatching(/^looking up dependency states failed: /) });
  });

  it('keeps at most `concurrency` queries in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const f = await fake(40, {
      onRequest: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight -= 1;
      },
    });
    const client = createGitHubClient(githubClientOptionsForFake(f.url));
    await lookupReferenceStates(client, refs(1, 40), undefined, { batchSize: 4, concurrency: 2 });
    expect(f.count({ operation: 'graphql query PcoReferenceStates' })).toBe(10);
    expect(most).toBeLessThanOrEqual(2);
  });
});

describe('a reference GitHub refuses to show (SAML SSO, IP allow list)', () => {
  it('is UNKNOWN with GitHub\'s reason, and the rest of the batch keeps its states (the load goes on)', async () => {
    const f = await fake(1);
    // GitHub answers such a query with partial data and a FORBIDDEN error at the repository's
    // alias (https://docs.github.com/graphql/guides/forming-calls-with-graphql): the token is
    // fine, that one organization is not reachable with it.
    const fetch: typeof globalThis.fetch = async (input, init) => {
      if (String(input).endsWith('/graphql')) {
        return new Response(
          JSON.stringify({
            data: { r0: { i1: { issueState: 'OPEN' } }, r1: null },
            errors: [{ type: 'FORBIDDEN', path: ['r1'], message: 'Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.' }],
          }),
          { status: 200, headers: { 'content-type': 'application/json' } },
        );
      }
      return globalThis.fetch(input, init);
    };
    const client = createGitHubClient(githubClientOptionsForFake(f.url, { fetch }));
    const states = await lookupReferenceStates(client, [{ repo: 'o/r', number: 1 }, { repo: 'sso/private', number: 5 }]);
    expect(states.get('o/r#1')).toBe('OPEN');
    expect(states.get('sso/private#5')).toEqual({ state: 'UNKNOWN', reason: expect.stringContaining('SAML enforcement') });
  });
});
