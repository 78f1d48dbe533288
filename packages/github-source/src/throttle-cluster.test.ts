/**
 * The clustered GitHub client against the real Redis (skipped, with one line, where there is
 * none; required under CI=true) and the fake GitHub.
 */
import { githubClientOptionsForFake, sampleBacklogFixture, startFakeGitHub, type FakeGitHub } from '@pco/testkit/github';
import { catchError, redisForTests, sleep } from '@pco/testkit/helpers';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '@pco/contract';
import { closeGitHubClient, createGitHubClient, type GitHubClient } from './octokit.js';
import { readGitHubBudget } from './shared-budget.js';
import type { GitHubLogger } from './types.js';

const redis = await redisForTests();
const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

describe('createGitHubClient({ cluster }) options', () => {
  it('refuses a cluster without a principal id', () => {
    const error = catchError(() => createGitHubClient({ cluster: { redis: 'redis://127.0.0.1:6379', id: ' ' } }), InvalidOptionsError);
    expect(error.message).toMatch(/cluster\.id/);
  });

  it('refuses a URL that is not redis://, without printing its password', () => {
    const error = catchError(() => createGitHubClient({ cluster: { redis: 'http://u:hunter2-secret@127.0.0.1:6379', id: 'gh:x' } }), InvalidOptionsError);
    expect(error.message).toMatch(/cluster\.redis/);
    expect(JSON.stringify({ message: error.message, value: (error as { value?: unknown }).value })).not.toContain('hunter2-secret');
  });
});

describe.skipIf(!redis.available)('clustered GitHub client (real Redis)', () => {
  let fake: FakeGitHub;
  let shared: Redis;
  const prefix = redis.prefix;
  const open: GitHubClient[] = [];

  beforeAll(async () => {
    fake = await startFakeGitHub(sampleBacklogFixture(), { token: TOKEN });
    shared = await redis.connect();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => closeGitHubClient(c)));
    fake.resetRequests();
    fake.clearFaults();
  });
  afterAll(async () => {
    // Bottleneck's own keys are named after the group ids: `b_<prefix>:octokit-…`.
    const bottleneckKeys = await shared.keys(`b_${prefix}:*`);
    if (bottleneckKeys.length > 0) await shared.del(...bottleneckKeys);
    await redis.cleanup();
    await fake.close();
  });

  const client = (id: string, how: 'url' | 'client', overrides: object = {}, stateTtlMs = 1000) => {
    const c = createGitHubClient(githubClientOptionsForFake(fake.url, { token: TOKEN, cluster: { redis: how === 'url' ? redis.url : shared, id, prefix, stateTtlMs }, ...overrides }));
    open.push(c);
    return c;
  };
  const who = (c: GitHubClient) => c.graphql<{ viewer: { login: string } }>('query Who { viewer { login } }');
  // The processes registered on the cluster's write queue of a principal (Bottleneck's state).
  const writeQueueClients = (id: string) => shared.zcard(`b_${prefix}:octokit-write-${id}_client_last_registered`);

  it('two clients with one id share one budget: the second sees what the first spent', async () => {
    const id = `gh:pco-bot-${Math.random().toString(36).slice(2)}`;
    const first = client(id, 'url');
    const second = client(id, 'client');

    await who(first);
    await who(first);
    const graphql = (await readGitHubBudget(shared, { prefix, id })).find((b) => b.resource === 'graphql');
    expect(graphql).toMatchObject({ resource: 'graphql', limit: 5000 });
    expect(graphql!.used).toBeGreaterThan(0);
    // GraphQL goes through plugin-throttling's write queue: one queue state, both clients on it.
    expect(await writeQueueClients(id)).toBe(1);
    await who(second);
    expect(await writeQueueClients(id)).toBe(2);

    const afterSecond = (await readGitHubBudget(shared, { prefix, id })).find((b) => b.resource === 'graphql');
    // The principal's points went on being spent by the second client, from where the first left them.
    expect(afterSecond!.used).toBeGreaterThan(graphql!.used);
    expect(afterSecond!.remaining).toBeLessThan(graphql!.remaining);
  });

  it('a different principal shares neither the queue nor the budget', async () => {
    const id = `gh:one-${Math.random().toString(36).slice(2)}`;
    const other = `gh:other-${Math.random().toString(36).slice(2)}`;
    await who(client(id, 'url'));
    expect(await writeQueueClients(id)).toBe(1);
    expect(await writeQueueClients(other)).toBe(0);
    expect(await readGitHubBudget(shared, { prefix, id: other })).toEqual([]);
  });

  it('keeps working when Redis loses the limiter state (restart without persistence)', async () => {
    const id = `gh:restart-${Math.random().toString(36).slice(2)}`;
    const c = client(id, 'url');
    await who(c);
    const keys = await shared.keys(`b_${prefix}:octokit-*-${id}*`);
    expect(keys.length).toBeGreaterThan(0);
    await shared.del(...keys);
    // bottleneck 2.19.5 rejects these with "ERR SETTINGS_KEY_NOT_FOUND" on Redis 7.
    expect((await who(c)).viewer.login).toBe('pco-bot');
    expect((await c.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'shop' })).status).toBe(200);
  });

  it('keeps working after idling past the state TTL (keys expired)', async () => {
    const id = `gh:idle-${Math.random().toString(36).slice(2)}`;
    const c = client(id, 'client', {}, 2000);
    await who(c);
    // Idle until Redis expired the state, then call at once: before the Group's own clean-up
    // (every TTL/2) drops the limiter, which is the window bottleneck 2.19.5 fails in.
    const settings = `b_${prefix}:octokit-write-${id}_settings`;
    while ((await shared.exists(settings)) === 1) await sleep(25);
    expect((await who(c)).viewer.login).toBe('pco-bot');
    expect((await c.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'shop' })).status).toBe(200);
  });

  it('a request waits for the reset of a budget another process found spent, instead of spending a 403', async () => {
    const id = `gh:spent-${Math.random().toString(36).slice(2)}`;
    const lines: string[] = [];
    const logger: GitHubLogger = { debug() {}, info() {}, warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const route = { route: 'GET /repos/{owner}/{repo}' };
    fake.failNext({ kind: 'primary', status: 403 }, { match: route });
    const first = client(id, 'url', { maxRateLimitRetries: 0 });
    await expect(first.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'shop' })).rejects.toMatchObject({ status: 403 });
    expect((await readGitHubBudget(shared, { prefix, id })).find((b) => b.resource === 'core')).toMatchObject({ remaining: 0 });

    const second = client(id, 'client', { logger });
    const r = await second.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'shop' });
    expect(r.status).toBe(200);
    expect(lines.some((l) => /primary rate limit \(core\) spent by another process: waiting \d+s/.test(l))).toBe(true);
    // One 403 in all: the first client's. The second went out once, after the reset.
    expect(fake.count(route)).toBe(2);
  });

  it('closing a client leaves the caller’s Redis client open', async () => {
    const c = client(`gh:close-${Math.random().toString(36).slice(2)}`, 'client');
    await who(c);
    await closeGitHubClient(open.splice(open.indexOf(c), 1)[0]!);
    expect(await shared.ping()).toBe('PONG');
  });
});
