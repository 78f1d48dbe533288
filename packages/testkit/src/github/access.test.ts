import { afterEach, describe, expect, it } from 'vitest';
import { sampleBacklogFixture, startFakeGitHub, type FakeGitHub, type FakeGitHubFixture, type FakeGitHubToken } from './index.js';

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** The sample backlog with acme/platform private. */
function fixture(): FakeGitHubFixture {
  const f = sampleBacklogFixture();
  return { ...f, repos: f.repos.map((r) => (r.name === 'platform' ? { ...r, visibility: 'private' as const } : r)) };
}

async function start(tokens: Record<string, FakeGitHubToken>) {
  fake = await startFakeGitHub(fixture(), { tokens });
  return fake;
}

function call(f: FakeGitHub, token: string, method: string, path: string, body?: unknown) {
  return fetch(`${f.url}${path}`, { method, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

async function gql(f: FakeGitHub, token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await call(f, token, 'POST', '/graphql', { query, variables });
  return { status: res.status, headers: res.headers, body: (await res.json()) as { data?: any; errors?: any[] } };
}

const PROJECT = `query { organization(login: "acme") { projectV2(number: 1) { id viewerCanUpdate field(name: "Status") { ... on ProjectV2SingleSelectField { id options { id name } } } items(first: 1) { nodes { id } } } } }`;
const SET_STATUS = `mutation($p: ID!, $i: ID!, $f: ID!, $o: String!) { updateProjectV2ItemFieldValue(input: { projectId: $p, itemId: $i, fieldId: $f, value: { singleSelectOptionId: $o } }) { projectV2Item { id } } }`;

/** Variables that set acme/shop#1's Status to Done, read with a full-access token. */
async function setDoneVariables(f: FakeGitHub, adminToken: string) {
  const project = (await gql(f, adminToken, PROJECT)).body.data.organization.projectV2;
  const done = project.field.options.find((o: { name: string }) => o.name === 'Done').id as string;
  return { p: project.id, i: project.items.nodes[0].id, f: project.field.id, o: done };
}

describe('fake GitHub credentials', () => {
  it('answers 401 without a token or with an unknown one, and GET /user names the token user', async () => {
    const f = await start({ ghp_alice: { type: 'classic', login: 'alice', scopes: ['repo'] } });
    const none = await fetch(`${f.url}/user`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ message: 'Requires authentication' });
    const bad = await call(f, 'ghp_nope', 'GET', '/user');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ message: 'Bad credentials' });
    const me = await call(f, 'ghp_alice', 'GET', '/user');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ login: 'alice', type: 'User' });
    expect((await gql(f, 'ghp_alice', '{ viewer { login } }')).body.data.viewer.login).toBe('alice');
  });

  it('keeps the single `token` option as full access', async () => {
    fake = await startFakeGitHub(fixture(), { token: 's3cret' });
    const repo = await call(fake, 's3cret', 'GET', '/repos/acme/platform');
    expect(repo.status).toBe(200);
    expect(await repo.json()).toMatchObject({ private: true, permissions: { admin: true, maintain: true, push: true, triage: true, pull: true } });
    expect((await call(fake, 's3cret', 'POST', '/repos/acme/shop/issues/1/labels', { labels: ['x'] })).status).toBe(200);
  });
});

describe('classic tokens: scopes and the user role', () => {
  it('sends X-OAuth-Scopes and reports the user role in permissions', async () => {
    const f = await start({ ghp_r: { type: 'classic', login: 'reader', scopes: ['repo', 'read:project'], repoRoles: { 'acme/shop': 'triage', '*': 'read' } } });
    const shop = await call(f, 'ghp_r', 'GET', '/repos/acme/shop');
    expect(shop.headers.get('x-oauth-scopes')).toBe('repo, read:project');
    expect(((await shop.json()) as { permissions: unknown }).permissions).toEqual({ admin: false, maintain: false, push: false, triage: true, pull: true });
    const platform = (await (await call(f, 'ghp_r', 'GET', '/repos/acme/platform')).json()) as { permissions: unknown };
    expect(platform.permissions).toEqual({ admin: false, maintain: false, push: false, triage: false, pull: true });
    const r = await gql(f, 'ghp_r', `{ repository(owner: "acme", name: "shop") { viewerPermission viewerCanAdminister } }`);
    expect(r.body.data.repository).toEqual({ viewerPermission: 'TRIAGE', viewerCanAdminister: false });
  });

  it('hides private repositories and refuses writes without the scope (404, like GitHub), changing nothing', async () => {
    const f = await start({ ghp_none: { type: 'classic', scopes: [] }, ghp_pub: { type: 'classic', scopes: ['public_repo'] } });
    expect((await call(f, 'ghp_none', 'GET', '/repos/acme/shop/issues/1')).status).toBe(200);
    const write = await call(f, 'ghp_none', 'POST', '/repos/acme/shop/issues/1/labels', { labels: ['status:done'] });
    expect(write.status).toBe(404);
    expect(write.headers.get('x-accepted-oauth-scopes')).toBe('public_repo, repo');
    expect((await call(f, 'ghp_none', 'POST', '/repos/acme/shop/issues/1/comments', { body: 'hi' })).status).toBe(404);
    expect(f.issue('acme/shop#1')).toMatchObject({ labels: ['agent', 'backend'], comments: [] });
    expect((await call(f, 'ghp_pub', 'GET', '/repos/acme/platform')).status).toBe(404);
    expect((await call(f, 'ghp_pub', 'POST', '/repos/acme/shop/issues/1/labels', { labels: ['status:done'] })).status).toBe(200);
    const g = await gql(f, 'ghp_pub', `{ repository(owner: "acme", name: "platform") { id } }`);
    expect(g.body.errors?.[0]).toMatchObject({ type: 'NOT_FOUND', message: "Could not resolve to a Repository with the name 'acme/platform'." });
  });

  it('refuses writes above the user role with 403 before validating the request', async () => {
    const f = await start({ ghp_r: { type: 'classic', login: 'reader', scopes: ['repo'], repoRoles: { '*': 'read' } } });
    const label = await call(f, 'ghp_r', 'POST', '/repos/acme/shop/issues/1/labels', {});
    expect(label.status).toBe(403);
    expect(await label.json()).toMatchObject({ message: 'Must have admin rights to Repository.', status: '403' });
    expect((await call(f, 'ghp_r', 'PUT', '/repos/acme/shop/pulls/25/merge', {})).status).toBe(403);
    expect(f.issue('acme/shop#25').merged).toBe(false);
    // Anyone who can read may comment.
    expect((await call(f, 'ghp_r', 'POST', '/repos/acme/shop/issues/1/comments', { body: 'hi' })).status).toBe(201);
    expect(f.issue('acme/shop#1').comments).toEqual([expect.objectContaining({ body: 'hi', author: 'reader' })]);
  });

  it('rejects board fields without read:project and board mutations without project (INSUFFICIENT_SCOPES)', async () => {
    const f = await start({
      admin: { type: 'classic', scopes: ['repo', 'project'] },
      ghp_repo: { type: 'classic', scopes: ['repo'] },
      ghp_read: { type: 'classic', scopes: ['repo', 'read:project'] },
    });
    const v = await setDoneVariables(f, 'admin');
    const noScope = await gql(f, 'ghp_repo', PROJECT);
    expect(noScope.body.data).toBeUndefined();
    expect(noScope.body.errors?.[0]).toMatchObject({ type: 'INSUFFICIENT_SCOPES' });
    expect(noScope.body.errors?.[0].message).toContain("The 'projectV2' field requires one of the following scopes: ['read:project'], but your token has only been granted the: ['repo'] scopes.");
    expect((await gql(f, 'ghp_read', PROJECT)).body.data.organization.projectV2.viewerCanUpdate).toBe(false);
    expect((await gql(f, 'admin', PROJECT)).body.data.organization.projectV2.viewerCanUpdate).toBe(true);
    const m = await gql(f, 'ghp_read', SET_STATUS, v);
    expect(m.body.errors?.[0]).toMatchObject({ type: 'INSUFFICIENT_SCOPES' });
    expect(m.body.errors?.[0].message).toContain("requires one of the following scopes: ['project']");
    expect(f.projectItemFields('acme', 1, 'acme/shop#1').Status).not.toBe('Done');
  });

  it('refuses a board mutation to a user who may only read the board', async () => {
    const f = await start({ admin: { type: 'classic', scopes: ['repo', 'project'] }, ghp_v: { type: 'classic', login: 'viewer1', scopes: ['repo', 'project'], projectRoles: { 'acme/1': 'read' } } });
    const v = await setDoneVariables(f, 'admin');
    expect((await gql(f, 'ghp_v', PROJECT)).body.data.organization.projectV2.viewerCanUpdate).toBe(false);
    const m = await gql(f, 'ghp_v', SET_STATUS, v);
    expect(m.body.data).toEqual({ updateProjectV2ItemFieldValue: null });
    expect(m.body.errors?.[0]).toMatchObject({ type: 'FORBIDDEN', path: ['updateProjectV2ItemFieldValue'], message: 'viewer1 does not have the correct permissions to execute `UpdateProjectV2ItemFieldValue`' });
    expect(f.projectItemFields('acme', 1, 'acme/shop#1').Status).not.toBe('Done');
  });
});

describe('fine-grained tokens: selected repositories and permissions', () => {
  const reader: FakeGitHubToken = { type: 'fine-grained', login: 'bot', repositories: ['acme/shop'], permissions: { issues: 'read', pull_requests: 'read', contents: 'read', organization_projects: 'read' } };

  it('404s a private repository it does not select and reads what it may', async () => {
    const f = await start({ github_pat_r: reader });
    expect((await call(f, 'github_pat_r', 'GET', '/repos/acme/platform')).status).toBe(404);
    const shop = await call(f, 'github_pat_r', 'GET', '/repos/acme/shop');
    expect(shop.status).toBe(200);
    expect(shop.headers.get('x-oauth-scopes')).toBeNull();
    expect(shop.headers.get('x-accepted-github-permissions')).toBe('metadata=read');
    expect((await call(f, 'github_pat_r', 'GET', '/repos/acme/shop/issues/1/comments')).status).toBe(200);
  });

  it('answers 403 "Resource not accessible by personal access token" to every refused REST write and changes nothing', async () => {
    const f = await start({ github_pat_r: reader });
    const before = f.issue('acme/shop#2');
    const writes: [string, string, unknown][] = [
      ['POST', '/repos/acme/shop/issues/2/labels', { labels: ['status:done'] }],
      ['PUT', '/repos/acme/shop/issues/2/labels', { labels: [] }],
      ['DELETE', '/repos/acme/shop/issues/2/labels/agent', undefined],
      ['POST', '/repos/acme/shop/issues/2/comments', { body: 'done' }],
      ['POST', '/repos/acme/shop/issues/2/dependencies/blocked_by', { issue_id: before.id - 1 }],
      ['POST', '/repos/acme/shop/labels', { name: 'status:new' }],
      ['PUT', '/repos/acme/shop/pulls/25/merge', {}],
      ['POST', '/repos/acme/shop/git/refs', { ref: 'refs/heads/x', sha: 'a'.repeat(40) }],
    ];
    for (const [method, path, body] of writes) {
      const res = await call(f, 'github_pat_r', method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.json()).toEqual({ message: 'Resource not accessible by personal access token', documentation_url: 'https://docs.github.com/rest', status: '403' });
    }
    const label = await call(f, 'github_pat_r', 'POST', '/repos/acme/shop/issues/2/labels', {});
    expect(label.headers.get('x-accepted-github-permissions')).toBe('issues=write; pull_requests=write');
    expect(f.issue('acme/shop#2')).toEqual(before);
    expect(f.issue('acme/shop#25').merged).toBe(false);
    expect(Object.keys(f.branches('acme/shop'))).not.toContain('x');
  });

  it('needs contents: write to merge, issues or pull_requests: write to label', async () => {
    const f = await start({ github_pat_w: { type: 'fine-grained', repositories: ['acme/shop'], permissions: { pull_requests: 'write' } } });
    expect((await call(f, 'github_pat_w', 'POST', '/repos/acme/shop/issues/1/labels', { labels: ['x'] })).status).toBe(200);
    expect((await call(f, 'github_pat_w', 'PUT', '/repos/acme/shop/pulls/25/merge', {})).status).toBe(403);
  });

  it('answers FORBIDDEN to refused GraphQL mutations with null data and no change', async () => {
    const f = await start({ admin: { type: 'classic', scopes: ['repo', 'project'] }, github_pat_r: reader });
    const v = await setDoneVariables(f, 'admin');
    const board = await gql(f, 'github_pat_r', PROJECT);
    expect(board.body.data.organization.projectV2.viewerCanUpdate).toBe(false);
    const m = await gql(f, 'github_pat_r', SET_STATUS, v);
    expect(m.body.data).toEqual({ updateProjectV2ItemFieldValue: null });
    expect(m.body.errors).toEqual([expect.objectContaining({ type: 'FORBIDDEN', path: ['updateProjectV2ItemFieldValue'], message: 'Resource not accessible by personal access token' })]);
    expect(f.projectItemFields('acme', 1, 'acme/shop#1').Status).not.toBe('Done');

    const ids = (await gql(f, 'admin', `{ repository(owner: "acme", name: "shop") { issue(number: 2) { id } pullRequest(number: 27) { id } } }`)).body.data.repository;
    const comment = await gql(f, 'github_pat_r', `mutation($s: ID!) { addComment(input: { subjectId: $s, body: "x" }) { clientMutationId } }`, { s: ids.issue.id });
    expect(comment.body.errors?.[0]).toMatchObject({ type: 'FORBIDDEN', message: 'Resource not accessible by personal access token' });
    const auto = await gql(f, 'github_pat_r', `mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id }) { clientMutationId } }`, { id: ids.pullRequest.id });
    expect(auto.body.errors?.[0]).toMatchObject({ type: 'FORBIDDEN', message: 'Resource not accessible by personal access token' });
    expect(f.issue('acme/shop#2').comments).toEqual([]);
    expect(f.issue('acme/shop#27').autoMerge).toBeNull();
  });
});
