import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { createsContent } from './secondary-limits.js';
import { sampleBacklogFixture, startFakeGitHub, type FakeGitHub, type StartFakeGitHubOptions } from './index.js';

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const T0 = Date.UTC(2026, 0, 1);
/** A clock the test moves by hand. */
function manualNow() {
  let t = T0;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

async function start(options: StartFakeGitHubOptions) {
  fake = await startFakeGitHub(sampleBacklogFixture(), { tokens: { tok_a: { type: 'classic', login: 'pco-bot', scopes: ['repo'] }, tok_b: { type: 'classic', login: 'pco-bot', scopes: ['repo'] } }, ...options });
  return fake;
}

function call(f: FakeGitHub, method: string, path: string, body?: unknown, token = 'tok_a') {
  return fetch(`${f.url}${path}`, { method, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}
const comment = (f: FakeGitHub, token = 'tok_a') => call(f, 'POST', '/repos/acme/shop/issues/1/comments', { body: 'progress' }, token);
const limitedKinds = (f: FakeGitHub) => f.requests.flatMap((r) => (r.secondaryLimit ? [r.secondaryLimit] : []));

describe('fake GitHub secondary rate limits', () => {
  it('refuses the content-creating request over the per-minute limit with 403, the message and retry-after, then lets it through once the window moved', async () => {
    const clock = manualNow();
    const f = await start({ now: clock.now, secondaryLimits: { contentPerMinute: 3 } });
    for (let i = 0; i < 3; i++) {
      expect((await comment(f)).status).toBe(201);
      clock.advance(10_000);
    }
    const before = f.issue('acme/shop#1').comments.length;
    const refused = await comment(f);
    expect(refused.status).toBe(403);
    // The first comment (at T0) leaves the minute at T0 + 60 s; it is T0 + 30 s.
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(await refused.json()).toEqual({
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: '403',
    });
    expect(f.issue('acme/shop#1').comments).toHaveLength(before);
    // Reads and edits create no content: still served.
    expect((await call(f, 'GET', '/repos/acme/shop/issues/1')).status).toBe(200);
    const id = f.issue('acme/shop#1').comments.at(-1)!.id;
    expect((await call(f, 'PATCH', `/repos/acme/shop/issues/comments/${id}`, { body: 'edited' })).status).toBe(200);
    expect(limitedKinds(f)).toEqual(['content-per-minute']);
    expect(f.requests.find((r) => r.secondaryLimit)).toMatchObject({ route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments', status: 403 });

    clock.advance(29_000);
    expect((await comment(f)).status).toBe(403);
    clock.advance(1_000);
    expect((await comment(f)).status).toBe(201);
    expect(f.issue('acme/shop#1').comments).toHaveLength(before + 1);
  });

  it('counts labels on issues and GraphQL content mutations against the hourly limit, answering with the configured status', async () => {
    const clock = manualNow();
    const f = await start({ now: clock.now, secondaryLimits: { contentPerHour: 3, status: 429 } });
    const subjectId = f.issue('acme/shop#2').nodeId;
    const addComment = { query: 'mutation($id: ID!) { addComment(input: { subjectId: $id, body: "hi" }) { clientMutationId } }', variables: { id: subjectId } };
    expect((await call(f, 'POST', '/repos/acme/shop/issues/2/labels', { labels: ['agent'] })).status).toBe(200);
    clock.advance(20 * 60_000);
    expect((await call(f, 'POST', '/graphql', addComment)).status).toBe(200);
    // A GraphQL query is not content.
    expect((await call(f, 'POST', '/graphql', { query: '{ viewer { login } }' })).status).toBe(200);
    clock.advance(20 * 60_000);
    expect((await call(f, 'PUT', '/repos/acme/shop/issues/2/labels', { labels: ['agent'] })).status).toBe(200);
    const refused = await call(f, 'POST', '/graphql', addComment);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1200');
    expect(((await refused.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    expect(f.requests.at(-1)).toMatchObject({ operation: 'graphql mutation addComment', status: 429, secondaryLimit: 'content-per-hour' });
    clock.advance(20 * 60_000);
    expect((await call(f, 'POST', '/graphql', addComment)).status).toBe(200);
  });

  it('counts each principal (token) on its own', async () => {
    const f = await start({ now: manualNow().now, secondaryLimits: { contentPerMinute: 2 } });
    expect((await comment(f, 'tok_a')).status).toBe(201);
    expect((await comment(f, 'tok_a')).status).toBe(201);
    expect((await comment(f, 'tok_a')).status).toBe(403);
    expect((await comment(f, 'tok_b')).status).toBe(201);
    expect((await comment(f, 'tok_b')).status).toBe(201);
    expect((await comment(f, 'tok_b')).status).toBe(403);
    expect(limitedKinds(f)).toEqual(['content-per-minute', 'content-per-minute']);
  });

  it('measures the windows in API time (timeScale)', async () => {
    const clock = manualNow();
    const f = await start({ now: clock.now, timeScale: 0.001, secondaryLimits: { contentPerMinute: 1 } });
    expect((await comment(f)).status).toBe(201);
    const refused = await comment(f);
    // retry-after is in API seconds: a minute of API time lasts 60 ms of `now`.
    expect(refused.headers.get('retry-after')).toBe('60');
    clock.advance(60);
    expect((await comment(f)).status).toBe(201);
  });

  it('refuses a request beyond the concurrent limit while the others are in flight', async () => {
    let held = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let bothArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (bothArrived = resolve));
    const f = await start({
      secondaryLimits: { concurrent: 2 },
      onRequest: async () => {
        if (held >= 2) return;
        held += 1;
        if (held === 2) bothArrived();
        await gate;
      },
    });
    const first = [call(f, 'GET', '/repos/acme/shop'), call(f, 'GET', '/repos/acme/shop')];
    await arrived;
    const third = await call(f, 'GET', '/repos/acme/shop');
    expect(third.status).toBe(403);
    expect(third.headers.get('retry-after')).toBe('1');
    release();
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200]);
    expect((await call(f, 'GET', '/repos/acme/shop')).status).toBe(200);
    expect(limitedKinds(f)).toEqual(['concurrent']);
  });

  it('classifies content creation: issues, comments, labels on issues, reviews and merges, REST and GraphQL', () => {
    for (const route of ['POST /repos/{owner}/{repo}/issues', 'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge', 'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews']) {
      expect(createsContent(route)).toBe(true);
    }
    for (const route of ['GET /repos/{owner}/{repo}/issues', 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', 'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}']) {
      expect(createsContent(route)).toBe(false);
    }
    expect(createsContent('POST /graphql', parse('mutation { mergePullRequest(input: { pullRequestId: "x" }) { clientMutationId } }'))).toBe(true);
    expect(createsContent('POST /graphql', parse('mutation { updateProjectV2ItemFieldValue(input: {}) { clientMutationId } }'))).toBe(false);
    expect(createsContent('POST /graphql', parse('{ viewer { login } }'))).toBe(false);
  });

  it('has no secondary limits unless asked', async () => {
    fake = await startFakeGitHub(sampleBacklogFixture());
    const f = fake;
    const statuses = await Promise.all(Array.from({ length: 90 }, () => call(f, 'POST', '/repos/acme/shop/issues/1/comments', { body: 'x' }).then((r) => r.status)));
    expect(new Set(statuses)).toEqual(new Set([201]));
    expect(limitedKinds(f)).toEqual([]);
  });
});
