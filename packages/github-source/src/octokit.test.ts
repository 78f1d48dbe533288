import { githubClientOptionsForFake, sampleBacklogFixture, startFakeGitHub, type FakeGitHub } from '@pco/testkit/github';
import { rejectionOf } from '@pco/testkit/helpers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '@pco/contract';
import { GitHubApiError, toGitHubError } from './errors.js';
import { createGitHubClient } from './octokit.js';
import type { GitHubLogger } from './types.js';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub(sampleBacklogFixture(), { token: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.resetRequests();
  fake.clearFaults();
});

const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

function recordingLogger() {
  const lines: string[] = [];
  const logger: GitHubLogger = {
    debug: () => {},
    info: () => {},
    warn: (m) => lines.push(m),
    error: (m) => lines.push(m),
  };
  return { logger, lines };
}

const client = (overrides = {}) => createGitHubClient(githubClientOptionsForFake(fake.url, { token: TOKEN, ...overrides }));
const getRepo = (c: ReturnType<typeof client>) => c.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'shop' });
const REPO_ROUTE = { route: 'GET /repos/{owner}/{repo}' };

describe('createGitHubClient', () => {
  it('talks to the configured base URL with the injected fetch', async () => {
    let calls = 0;
    const c = client({ fetch: (...args: Parameters<typeof fetch>) => (calls++, fetch(...args)) });
    const r = await getRepo(c);
    expect(r.data.default_branch).toBe('main');
    expect(calls).toBe(1);
  });

  it.each([
    ['REST primary 403', { kind: 'primary', status: 403 } as const],
    ['REST primary 429', { kind: 'primary', status: 429 } as const],
    ['secondary with retry-after', { kind: 'secondary', retryAfter: 2 } as const],
    ['secondary 429 without retry-after', { kind: 'secondary', status: 429, retryAfter: null } as const],
  ])('recovers from a %s through plugin-throttling', async (_name, fault) => {
    const { logger, lines } = recordingLogger();
    fake.failNext(fault, { match: REPO_ROUTE });
    const r = await getRepo(client({ logger }));
    expect(r.status).toBe(200);
    expect(fake.count(REPO_ROUTE)).toBe(2);
    expect(lines.some((l) => /rate limit: retrying/.test(l))).toBe(true);
  });

  it('recovers from GraphQL RATE_LIMITED', async () => {
    const { logger, lines } = recordingLogger();
    fake.failNext({ kind: 'primary' }, { match: { route: 'POST /graphql' } });
    const data = await client({ logger }).graphql<{ viewer: { login: string } }>('query Who { viewer { login } }');
    expect(data.viewer.login).toBe('pco-bot');
    expect(fake.count({ operation: 'graphql query Who' })).toBe(2);
    expect(lines.some((l) => /primary rate limit: retrying/.test(l))).toBe(true);
  });

  it.each([200, 403] as const)('recovers from a GraphQL secondary limit answered with HTTP %i', async (graphqlStatus) => {
    const { logger, lines } = recordingLogger();
    fake.failNext({ kind: 'secondary', graphqlStatus, retryAfter: 1 }, { match: { route: 'POST /graphql' } });
    const data = await client({ logger }).graphql<{ viewer: { login: string } }>('query Who { viewer { login } }');
    expect(data.viewer.login).toBe('pco-bot');
    expect(fake.count({ operation: 'graphql query Who' })).toBe(2);
    expect(lines.some((l) => /secondary rate limit: retrying in 1s/.test(l))).toBe(true);
  });

  it('retries 5xx and GraphQL "Something went wrong" through plugin-retry', async () => {
    fake.failNext({ kind: 'server-error', status: 502 }, { times: 2, match: REPO_ROUTE });
    expect((await getRepo(client())).status).toBe(200);
    expect(fake.count(REPO_ROUTE)).toBe(3);
    fake.failNext({ kind: 'graphql-internal' });
    const data = await client().graphql<{ viewer: { login: string } }>('query Who { viewer { login } }');
    expect(data.viewer.login).toBe('pco-bot');
    expect(fake.count({ operation: 'graphql query Who' })).toBe(2);
  });

  it('gives up after maxRateLimitRetries and after `retries` server errors', async () => {
    const { logger, lines } = recordingLogger();
    fake.failNext({ kind: 'primary' }, { times: 10, match: REPO_ROUTE });
    await expect(getRepo(client({ logger, maxRateLimitRetries: 2 }))).rejects.toMatchObject({ status: 403 });
    expect(fake.count(REPO_ROUTE)).toBe(3);
    expect(lines.at(-1)).toMatch(/giving up after 2 retries/);
    fake.resetRequests();
    fake.clearFaults();
    fake.failNext({ kind: 'server-error' }, { times: 10, match: REPO_ROUTE });
    await expect(getRepo(client({ retries: 1 }))).rejects.toMatchObject({ status: 502 });
    expect(fake.count(REPO_ROUTE)).toBe(2);
  });

  it('does not wait for a reset beyond the budget', async () => {
    const { logger, lines } = recordingLogger();
    fake.failNext({ kind: 'secondary', retryAfter: 3600 }, { match: REPO_ROUTE });
    await expect(getRepo(client({ logger, maxRateLimitWaitSeconds: 60 }))).rejects.toMatchObject({ status: 403 });
    expect(lines.at(-1)).toMatch(/exceeds the 60s budget/);
  });

  it('ends a request aborted in flight with the abort reason, without retrying it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    let arrivals = 0;
    const slow = await startFakeGitHub(sampleBacklogFixture(), {
      onRequest: () => {
        arrivals++;
        arrived();
        return held;
      },
    });
    try {
      // Real retry waits (timeScale 1000): were the abort retried, this would take 14 s and end in a 500.
      const c = createGitHubClient({ baseUrl: slow.url, token: TOKEN, timeScale: 1000 });
      const controller = new AbortController();
      const reason = new Error('received SIGINT');
      const answer = c.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'shop', request: { signal: controller.signal } });
      await inFlight;
      controller.abort(reason);
      release();
      await expect(answer).rejects.toBe(reason);
      expect(arrivals).toBe(1);
    } finally {
      await slow.close();
    }
  });

  it('does not retry permission errors', async () => {
    const bad = createGitHubClient(githubClientOptionsForFake(fake.url, { token: 'wrong-token' }));
    await expect(getRepo(bad)).rejects.toMatchObject({ status: 401 });
    expect(fake.count(REPO_ROUTE)).toBe(1);
  });

  it('never puts the token into wrapped errors', async () => {
    fake.failNext({ kind: 'server-error' }, { times: 10, match: REPO_ROUTE });
    const error = await rejectionOf(getRepo(client({ retries: 0 })));
    const wrapped = toGitHubError(error, 'reading acme/shop');
    expect(wrapped).toBeInstanceOf(GitHubApiError);
    expect(wrapped.message).toMatch(/^reading acme\/shop failed/);
    expect(JSON.stringify({ message: wrapped.message, context: wrapped.context })).not.toContain(TOKEN);
    expect(JSON.stringify((wrapped.cause as { request?: unknown }).request)).not.toContain(TOKEN);
  });

  it('rejects invalid options naming the field', () => {
    expect(() => createGitHubClient({ baseUrl: 'not a url' })).toThrow(InvalidOptionsError);
    expect(() => createGitHubClient({ timeScale: -1 })).toThrow(/timeScale/);
  });
});
