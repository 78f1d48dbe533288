import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../test-helpers.js';
import { FakeFixtureError, largeBacklogFixture, sampleBacklogFixture, startFakeGitHub, type FakeGitHub } from './index.js';

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(token?: string) {
  fake = await startFakeGitHub(sampleBacklogFixture(), token ? { token } : {});
  return fake;
}

const json = async (res: Response) => (await res.json()) as unknown;

async function gql(f: FakeGitHub, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${f.url}/graphql`, { method: 'POST', body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: any[] } };
}

describe('fake GitHub REST', () => {
  it('lists issues with PRs mixed in, absolute link headers and rate-limit headers', async () => {
    const f = await start();
    const res = await fetch(`${f.url}/repos/acme/shop/issues?state=all&per_page=10`);
    expect(res.status).toBe(200);
    const page1 = (await res.json()) as { number: number; pull_request?: unknown }[];
    expect(page1).toHaveLength(10);
    const link = res.headers.get('link')!;
    expect(link).toContain(`<${f.url}/repos/acme/shop/issues?state=all&per_page=10&page=2>; rel="next"`);
    expect(link).toContain('page=3>; rel="last"');
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeLessThan(Date.now() / 1000 + 3601);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('4999');
    expect(res.headers.get('x-ratelimit-resource')).toBe('core');
    const all: { number: number; pull_request?: unknown }[] = [...page1];
    let next = /<([^>]+)>; rel="next"/.exec(link)?.[1];
    while (next) {
      const r = await fetch(next);
      all.push(...((await r.json()) as typeof all));
      next = /<([^>]+)>; rel="next"/.exec(r.headers.get('link') ?? '')?.[1];
    }
    expect(all).toHaveLength(27); // 24 issues + 3 pull requests
    expect(all.filter((i) => i.pull_request !== undefined).map((i) => i.number).sort()).toEqual([25, 26, 27]);
  });

  it('filters like GitHub: labels means all of them, state defaults to open', async () => {
    const f = await start();
    const both = (await json(await fetch(`${f.url}/repos/acme/shop/issues?labels=agent,frontend&per_page=100`))) as { number: number }[];
    expect(both.map((i) => i.number).sort((a, b) => a - b)).toEqual([9, 10, 11, 12, 13, 14, 17, 21]);
    const open = (await json(await fetch(`${f.url}/repos/acme/shop/issues?per_page=100`))) as { number: number }[];
    expect(open.some((i) => i.number === 19)).toBe(false);
  });

  it('auto-creates labels on add, 404s when removing an absent label, 422s on duplicates', async () => {
    const f = await start();
    const added = await fetch(`${f.url}/repos/acme/shop/issues/1/labels`, { method: 'POST', body: JSON.stringify({ labels: ['status:new'] }) });
    expect(added.status).toBe(200);
    const labels = (await added.json()) as { name: string; color: string }[];
    expect(labels.find((l) => l.name === 'status:new')?.color).toBe('ededed');
    const gone = await fetch(`${f.url}/repos/acme/shop/issues/1/labels/nope`, { method: 'DELETE' });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ message: 'Label does not exist' });
    const removed = await fetch(`${f.url}/repos/acme/shop/issues/1/labels/${encodeURIComponent('status:new')}`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect(f.issue('acme/shop#1').labels).toEqual(['agent', 'backend']);
    const dup = await fetch(`${f.url}/repos/acme/shop/labels`, { method: 'POST', body: JSON.stringify({ name: 'AGENT' }) });
    expect(dup.status).toBe(422);
    expect(await dup.json()).toMatchObject({ message: 'Validation Failed', errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }] });
    const badColor = await fetch(`${f.url}/repos/acme/shop/labels`, { method: 'POST', body: JSON.stringify({ name: 'x', color: '#zzz' }) });
    expect(badColor.status).toBe(422);
  });

  it('creates and edits comments, and answers 404 for unknown routes and repos', async () => {
    const f = await start();
    const created = await fetch(`${f.url}/repos/acme/shop/issues/2/comments`, { method: 'POST', body: JSON.stringify({ body: 'hello' }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const edited = await fetch(`${f.url}/repos/acme/shop/issues/comments/${id}`, { method: 'PATCH', body: JSON.stringify({ body: 'edited' }) });
    expect(edited.status).toBe(200);
    expect(f.issue('acme/shop#2').comments).toEqual([{ id, body: 'edited', author: 'pco-bot' }]);
    expect((await fetch(`${f.url}/repos/acme/nope/issues`)).status).toBe(404);
    expect((await fetch(`${f.url}/nothing/here`)).status).toBe(404);
    const empty = await fetch(`${f.url}/repos/acme/shop/issues/2/comments`, { method: 'POST', body: JSON.stringify({}) });
    expect(empty.status).toBe(422);
  });

  it('requires the token when configured', async () => {
    const f = await start('s3cret');
    expect((await fetch(`${f.url}/repos/acme/shop`)).status).toBe(401);
    expect((await fetch(`${f.url}/repos/acme/shop`, { headers: { authorization: 'token s3cret' } })).status).toBe(200);
    expect((await fetch(`${f.url}/repos/acme/shop`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
  });

  it('merges pull requests over REST with 405 / 409 like GitHub', async () => {
    const f = await start();
    const blocked = await fetch(`${f.url}/repos/acme/shop/pulls/27/merge`, { method: 'PUT', body: '{}' });
    expect(blocked.status).toBe(405);
    const moved = await fetch(`${f.url}/repos/acme/shop/pulls/25/merge`, { method: 'PUT', body: JSON.stringify({ sha: '0'.repeat(40) }) });
    expect(moved.status).toBe(409);
    const ok = await fetch(`${f.url}/repos/acme/shop/pulls/25/merge`, { method: 'PUT', body: '{}' });
    expect(ok.status).toBe(200);
    expect(f.issue('acme/shop#25').merged).toBe(true);
  });

  it('creates branches from a sha and refuses duplicates', async () => {
    const f = await start();
    const main = (await json(await fetch(`${f.url}/repos/acme/shop/git/ref/heads/main`))) as { object: { sha: string } };
    const body = JSON.stringify({ ref: 'refs/heads/feature', sha: main.object.sha });
    expect((await fetch(`${f.url}/repos/acme/shop/git/refs`, { method: 'POST', body })).status).toBe(201);
    const again = await fetch(`${f.url}/repos/acme/shop/git/refs`, { method: 'POST', body });
    expect(again.status).toBe(422);
    expect(await again.json()).toMatchObject({ message: 'Reference already exists' });
    expect(f.branches('acme/shop').feature).toBe(main.object.sha);
  });
});

describe('fake GitHub GraphQL', () => {
  it('validates documents against the patched schema (dependency fields exist, unknown fields do not)', async () => {
    const f = await start();
    const ok = await gql(f, `query { repository(owner: "acme", name: "shop") { issue(number: 8) { blockedBy(first: 5) { nodes { number } } issueDependenciesSummary { blockedBy totalBlockedBy } parent { number } } } }`);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.repository.issue).toEqual({ blockedBy: { nodes: [{ number: 2 }] }, issueDependenciesSummary: { blockedBy: 1, totalBlockedBy: 1 }, parent: null });
    const bad = await gql(f, `query { repository(owner: "acme", name: "shop") { issue(number: 8) { nope } } }`);
    expect(bad.status).toBe(200);
    expect(bad.body.errors).toEqual([
      {
        path: ['query', 'repository', 'issue', 'nope'],
        extensions: { code: 'undefinedField', typeName: 'Issue', fieldName: 'nope' },
        locations: [{ line: 1, column: 70 }],
        message: "Field 'nope' doesn't exist on type 'Issue'",
      },
    ]);
    expect(bad.body.data).toBeUndefined();
  });

  it('answers an unknown mutation with GitHub validation errors, not data: { x: null }', async () => {
    const f = await start();
    const r = await gql(f, `mutation { x }`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      errors: [{ path: ['mutation', 'x'], extensions: { code: 'undefinedField', typeName: 'Mutation', fieldName: 'x' }, locations: [{ line: 1, column: 12 }], message: "Field 'x' doesn't exist on type 'Mutation'" }],
    });
    const named = await gql(f, `mutation Named($id: ID!) { addComment(input: { subjectId: $id, body: "x", nope: 1 }) { clientMutationId } }`, { id: 'I_1' });
    expect(named.body.data).toBeUndefined();
    expect(named.body.errors?.[0]).toMatchObject({
      path: ['mutation Named', 'addComment', 'input', 'nope'],
      extensions: { code: 'argumentNotAccepted', typeName: 'InputObject', name: 'AddCommentInput', argumentName: 'nope' },
      message: "InputObject 'AddCommentInput' doesn't accept argument 'nope'",
    });
    const missing = await gql(f, `query { repository(owner: "acme") { id } }`);
    expect(missing.body.errors?.[0]).toMatchObject({ message: "Field 'repository' is missing required arguments: name", extensions: { code: 'missingRequiredArguments' } });
  });

  it('fails loudly on schema-valid fields the fake does not implement instead of answering null', async () => {
    const f = await start();
    const m = await gql(f, `mutation { addLabelsToLabelable(input: { labelableId: "I_1", labelIds: ["L_1"] }) { clientMutationId } }`);
    expect(m.body.data).toBeUndefined();
    expect(m.body.errors).toEqual([expect.objectContaining({ type: 'FAKE_NOT_IMPLEMENTED', path: ['mutation', 'addLabelsToLabelable'] })]);
    expect(m.body.errors?.[0].message).toContain('Mutation.addLabelsToLabelable');
    const q = await gql(f, `query { search(query: "x", type: ISSUE, first: 1) { issueCount } }`);
    expect(q.body.errors?.[0]).toMatchObject({ type: 'FAKE_NOT_IMPLEMENTED', message: expect.stringContaining('Query.search') });
  });

  it('returns NOT_FOUND with partial data and enforces pagination boundaries', async () => {
    const f = await start();
    const nf = await gql(f, `query { a: repository(owner: "acme", name: "shop") { id } b: repository(owner: "acme", name: "nope") { id } }`);
    expect(nf.body.data.a.id).toMatch(/^R_/);
    expect(nf.body.data.b).toBeNull();
    expect(nf.body.errors).toEqual([expect.objectContaining({ type: 'NOT_FOUND', path: ['b'], message: "Could not resolve to a Repository with the name 'acme/nope'." })]);
    const unbounded = await gql(f, `query { repository(owner: "acme", name: "shop") { issues { totalCount } } }`);
    expect(unbounded.body.errors?.[0]).toMatchObject({ type: 'MISSING_PAGINATION_BOUNDARIES' });
    const excessive = await gql(f, `query { repository(owner: "acme", name: "shop") { issues(first: 101) { totalCount } } }`);
    expect(excessive.body.errors?.[0]).toMatchObject({ type: 'EXCESSIVE_PAGINATION' });
  });

  it('pages issues with cursors and never returns pull requests', async () => {
    const f = await start();
    const numbers: number[] = [];
    let cursor: string | null = null;
    for (;;) {
      const r: { body: { data?: any } } = await gql(f, `query P($cursor: String) { repository(owner: "acme", name: "shop") { issues(first: 10, after: $cursor, states: [OPEN, CLOSED]) { pageInfo { hasNextPage endCursor } nodes { number } } } }`, { cursor });
      const issues = r.body.data.repository.issues;
      numbers.push(...issues.nodes.map((n: { number: number }) => n.number));
      if (!issues.pageInfo.hasNextPage) break;
      cursor = issues.pageInfo.endCursor;
    }
    expect(numbers).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  });

  it('updates a project item status and rejects options of another field', async () => {
    const f = await start();
    const p = await gql(f, `query { organization(login: "acme") { projectV2(number: 1) { id field(name: "Status") { ... on ProjectV2SingleSelectField { id options { id name } } } items(first: 1) { nodes { id } } } } }`);
    const project = p.body.data.organization.projectV2;
    const done = project.field.options.find((o: { name: string }) => o.name === 'Done').id;
    const m = `mutation($p: ID!, $i: ID!, $f: ID!, $o: String!) { updateProjectV2ItemFieldValue(input: { projectId: $p, itemId: $i, fieldId: $f, value: { singleSelectOptionId: $o } }) { projectV2Item { id } } }`;
    const ok = await gql(f, m, { p: project.id, i: project.items.nodes[0].id, f: project.field.id, o: done });
    expect(ok.body.errors).toBeUndefined();
    expect(f.projectItemFields('acme', 1, 'acme/shop#1').Status).toBe('Done');
    const bad = await gql(f, m, { p: project.id, i: project.items.nodes[0].id, f: project.field.id, o: 'nope' });
    expect(bad.body.errors?.[0].message).toMatch(/does not belong/);
    expect(f.counts()['graphql mutation updateProjectV2ItemFieldValue']).toBe(2);
  });

  it('reports the GraphQL budget in rateLimit', async () => {
    const f = await start();
    await gql(f, `{ viewer { login } }`);
    const r = await gql(f, `{ rateLimit { limit remaining used resetAt } }`);
    expect(r.body.data.rateLimit).toMatchObject({ limit: 5000, remaining: 4998, used: 2 });
    expect(Date.parse(r.body.data.rateLimit.resetAt)).toBeGreaterThan(Date.now());
  });

  it('refuses to enable auto-merge on a clean pull request', async () => {
    const f = await start();
    const pr = await gql(f, `query { repository(owner: "acme", name: "shop") { pullRequest(number: 25) { id mergeStateStatus } } }`);
    const r = await gql(f, `mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id }) { clientMutationId } }`, { id: pr.body.data.repository.pullRequest.id });
    expect(r.body.errors?.[0].message).toBe('Pull request is in clean status');
  });
});

describe('fake GitHub scripting', () => {
  it('holds each request in onRequest before answering it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const arrived: string[] = [];
    fake = await startFakeGitHub(sampleBacklogFixture(), {
      onRequest: (request) => {
        arrived.push(`${request.method} ${request.path}`);
        return held;
      },
    });
    const answer = fetch(`${fake.url}/repos/acme/shop/issues/1`);
    while (arrived.length === 0) await sleep(5);
    expect(arrived).toEqual(['GET /repos/acme/shop/issues/1']);
    expect(fake.requests).toHaveLength(0);
    release();
    expect((await answer).status).toBe(200);
    expect(fake.requests).toHaveLength(1);
  });

  it('records requests and counts them by route and operation', async () => {
    const f = await start();
    await fetch(`${f.url}/repos/acme/shop/issues`);
    await gql(f, `query Named { viewer { login } }`);
    expect(f.counts()).toEqual({ 'GET /repos/{owner}/{repo}/issues': 1, 'graphql query Named': 1 });
    expect(f.requests[1]).toMatchObject({ method: 'POST', route: 'POST /graphql', operation: 'graphql query Named', status: 200 });
    f.resetRequests();
    expect(f.count()).toBe(0);
  });

  it('serves scripted primary, secondary and 5xx faults', async () => {
    const f = await start();
    f.failNext({ kind: 'primary', status: 429 }, { match: { route: 'GET /repos/{owner}/{repo}' } });
    const p = await fetch(`${f.url}/repos/acme/shop`);
    expect(p.status).toBe(429);
    expect(p.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(p.headers.get('x-ratelimit-reset'))).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 1);
    f.failNext({ kind: 'secondary', retryAfter: 7 });
    const s = await fetch(`${f.url}/repos/acme/shop`);
    expect(s.status).toBe(403);
    expect(s.headers.get('retry-after')).toBe('7');
    expect(((await s.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    f.failNext({ kind: 'secondary', retryAfter: null });
    expect((await fetch(`${f.url}/repos/acme/shop`)).headers.get('retry-after')).toBeNull();
    f.failNext({ kind: 'primary' });
    const g = await gql(f, `{ viewer { login } }`);
    expect(g.status).toBe(200);
    expect(g.body.errors?.[0]).toMatchObject({ type: 'RATE_LIMITED' });
    f.failNext({ kind: 'server-error', status: 503 }, { times: 2 });
    expect((await fetch(`${f.url}/repos/acme/shop`)).status).toBe(503);
    expect((await fetch(`${f.url}/repos/acme/shop`)).status).toBe(503);
    expect((await fetch(`${f.url}/repos/acme/shop`)).status).toBe(200);
    f.failNext({ kind: 'graphql-internal' });
    expect((await gql(f, `{ viewer { login } }`)).body.errors?.[0].message).toMatch(/Something went wrong while executing your query/);
  });

  it('answers GET /rate_limit in the documented shape, with the budgets its headers report, without spending them', async () => {
    let now = 1_800_000_000_000;
    fake = await startFakeGitHub(sampleBacklogFixture(), { rateLimit: 3, rateLimitWindowMs: 60_000, now: () => now });
    await fetch(`${fake.url}/repos/acme/shop`);
    const last = await fetch(`${fake.url}/repos/acme/shop`);
    await gql(fake, `{ viewer { login } }`);
    now += 1_000;
    const res = await fetch(`${fake.url}/rate_limit`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { resources: Record<string, unknown>; rate: unknown };
    const reset = Number(last.headers.get('x-ratelimit-reset'));
    expect(body.resources.core).toEqual({ limit: 3, used: 2, remaining: 1, reset });
    expect(body.resources.graphql).toEqual({ limit: 3, used: 1, remaining: 2, reset });
    expect(body.resources.search).toEqual({ limit: 30, used: 0, remaining: 30, reset: 1_800_000_061 });
    expect(body.rate).toEqual(body.resources.core);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('1');
    // Spending the last request leaves /rate_limit answering, and reporting 0.
    expect((await fetch(`${fake.url}/repos/acme/shop`)).headers.get('x-ratelimit-remaining')).toBe('0');
    const spent = await fetch(`${fake.url}/rate_limit`);
    expect(spent.status).toBe(200);
    expect(((await spent.json()) as { resources: { core: unknown } }).resources.core).toEqual({ limit: 3, used: 3, remaining: 0, reset });
  });

  it('enforces the primary budget until the window resets (injected clock)', async () => {
    let now = 1_800_000_000_000;
    fake = await startFakeGitHub(sampleBacklogFixture(), { rateLimit: 2, rateLimitWindowMs: 60_000, now: () => now });
    expect((await fetch(`${fake.url}/repos/acme/shop`)).status).toBe(200);
    expect((await fetch(`${fake.url}/repos/acme/shop`)).status).toBe(200);
    const limited = await fetch(`${fake.url}/repos/acme/shop`);
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-reset')).toBe(String((now + 60_000) / 1000));
    now += 60_000;
    expect((await fetch(`${fake.url}/repos/acme/shop`)).status).toBe(200);
  });

  it('answers a share of requests with 502 when a 5xx rate is set', async () => {
    fake = await startFakeGitHub(sampleBacklogFixture(), { serverErrorRate: 0.5, seed: 42 });
    const statuses = await Promise.all(Array.from({ length: 40 }, () => fetch(`${fake!.url}/repos/acme/shop`).then((r) => r.status)));
    const failed = statuses.filter((s) => s === 502).length;
    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(35);
  });

  it('rejects inconsistent fixtures with a clear error', async () => {
    await expect(startFakeGitHub({ repos: [{ owner: 'a', name: 'b', issues: [{ number: 1, title: 'x', blockedBy: ['#9'] }] }] })).rejects.toThrow(FakeFixtureError);
    await expect(startFakeGitHub({ repos: [{ owner: 'a', name: 'b', issues: [{ number: 1, title: 'x' }], pulls: [{ number: 1, title: 'y' }] }] })).rejects.toThrow(/defined twice/);
  });

  it('builds large backlogs', () => {
    const fixture = largeBacklogFixture({ issues: 200, closed: 5 });
    expect(fixture.repos[0]!.issues).toHaveLength(205);
    expect(fixture.repos[0]!.pulls).toHaveLength(10);
  });
});
