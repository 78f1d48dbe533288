import { githubClientOptionsForFake, largeBacklogFixture, SAMPLE_BACKLOG_EXPECTED_DEPENDENCIES, sampleBacklogFixture, startFakeGitHub, type FakeGitHub, type FakeGitHubFixture } from '@pco/testkit/github';
import { rejectionOf } from '@pco/testkit/helpers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '@pco/contract';
import { GitHubAbortError, GitHubNotFoundError, GitHubResponseError } from './errors.js';
import { GitHubIssuesSource, type GitHubIssuesSourceOptions } from './issues-source.js';
import { createGitHubClient } from './octokit.js';
import type { GitHubTask } from './types.js';

let sample: FakeGitHub;
beforeAll(async () => {
  sample = await startFakeGitHub(sampleBacklogFixture());
});
afterAll(() => sample.close());

const extra: FakeGitHub[] = [];
afterEach(async () => {
  await Promise.all(extra.splice(0).map((f) => f.close()));
  sample.resetRequests();
});

async function fakeWith(fixture: FakeGitHubFixture) {
  const f = await startFakeGitHub(fixture);
  extra.push(f);
  return f;
}

function load(fake: FakeGitHub, options: Omit<GitHubIssuesSourceOptions, 'client'>, signal?: AbortSignal) {
  return new GitHubIssuesSource({ client: createGitHubClient(githubClientOptionsForFake(fake.url)), ...options }).load(signal);
}

const byId = (tasks: readonly GitHubTask[]) => new Map(tasks.map((t) => [t.id, t]));
const numbers = (tasks: readonly GitHubTask[]) => tasks.map((t) => Number(t.id.split('#')[1])).sort((a, b) => a - b);

describe('GitHubIssuesSource on the sample backlog', () => {
  it('derives every dependency kind and applies the resolution rules', async () => {
    const tasks = await load(sample, { repos: 'acme/shop', labels: ['agent'] });
    expect(numbers(tasks)).toEqual(Object.keys(SAMPLE_BACKLOG_EXPECTED_DEPENDENCIES).map(Number));
    for (const t of tasks) {
      const n = Number(t.id.split('#')[1]);
      expect([...(t.dependencies ?? [])].sort(), t.id).toEqual([...SAMPLE_BACKLOG_EXPECTED_DEPENDENCIES[n]!].sort());
    }
    const m = byId(tasks);
    expect(m.get('acme/shop#15')!.skip).toEqual({ reason: 'untrusted', message: expect.stringContaining('mallory (FIRST_TIME_CONTRIBUTOR)') });
    expect(m.get('acme/shop#24')!.skip?.reason).toBe('untrusted');
    expect(m.get('acme/shop#17')!.skip).toEqual({ reason: 'external-blocker', message: 'acme/shop#17 is blocked by acme/platform#4, open and outside the task set' });
    expect(m.get('acme/shop#14')!.warnings).toEqual(['dependency phrase without a resolvable reference: "Depends on **[M1.01] Add the sources table**"']);
    expect(tasks.filter((t) => t.skip).map((t) => t.id).sort()).toEqual(['acme/shop#15', 'acme/shop#17', 'acme/shop#24']);
    expect(tasks.filter((t) => t.warnings).map((t) => t.id)).toEqual(['acme/shop#14']);
    // One page of issues plus one batched lookup for the references outside the set.
    expect(sample.counts()).toEqual({ 'graphql query PcoIssues': 1, 'graphql query PcoReferenceStates': 1 });
  });

  it('returns core-shaped tasks with what the reporter needs, and no pull requests', async () => {
    const tasks = await load(sample, { repos: ['acme/shop'], state: 'all' });
    expect(tasks.some((t) => [25, 26, 27].includes(Number(t.id.split('#')[1])))).toBe(false);
    const t = byId(tasks).get('acme/shop#2')!;
    expect(t).toMatchObject({
      id: 'acme/shop#2',
      title: 'Add the Order model and repository',
      url: 'https://github.com/acme/shop/issues/2',
      labels: ['agent', 'backend'],
      author: 'alice',
      dependencies: ['acme/shop#1'],
      source: { kind: 'issue', repo: 'acme/shop', number: 2, nodeId: sample.issue('acme/shop#2').nodeId, databaseId: sample.issue('acme/shop#2').id },
    });
    // #20 depends on #19, which is closed: done, so no dependency even though it is in the set.
    expect(byId(tasks).get('acme/shop#20')!.dependencies).toEqual([]);
  });

  it('resolves cross-repository references against the right repository', async () => {
    const tasks = await load(sample, { repos: ['acme/shop', 'acme/platform'] });
    const m = byId(tasks);
    expect(m.get('acme/shop#17')!.dependencies).toEqual(['acme/platform#4']);
    expect(m.get('acme/shop#17')!.skip).toBeUndefined();
    expect(m.get('acme/platform#4')).toBeDefined();
    expect(m.get('acme/shop#5')!.dependencies).toEqual([]); // acme/platform#3 is closed
  });

  it('can ignore external blockers (with a warning) and trust an allow-list', async () => {
    const tasks = byId(await load(sample, { repos: 'acme/shop', ignoreExternalBlockers: true, allowedAuthors: ['Mallory'] }));
    expect(tasks.get('acme/shop#17')!.skip).toBeUndefined();
    expect(tasks.get('acme/shop#17')!.warnings).toEqual([
      'dependency acme/platform#4 ("Blocked by acme/platform#4") is open but not in the task set; ignored (ignoreExternalBlockers)',
    ]);
    expect(tasks.get('acme/shop#15')!.skip).toBeUndefined();
    expect(tasks.get('acme/shop#24')!.skip?.reason).toBe('untrusted');
    const everyone = byId(await load(sample, { repos: 'acme/shop', trustEveryone: true }));
    expect(everyone.get('acme/shop#24')!.skip).toBeUndefined();
  });

  it('can switch dependency kinds off', async () => {
    const tasks = byId(await load(sample, { repos: 'acme/shop', parseBodies: false, labelPatterns: [], subIssues: false }));
    expect(tasks.get('acme/shop#8')!.dependencies).toEqual(['acme/shop#2']); // native link only
    expect(tasks.get('acme/shop#2')!.dependencies).toEqual([]);
    expect(tasks.get('acme/shop#12')!.dependencies).toEqual([]);
    expect(tasks.get('acme/shop#21')!.dependencies).toEqual([]);
  });

  it('filters by state and by labels (all of them, any case)', async () => {
    expect(numbers(await load(sample, { repos: 'acme/shop', state: 'closed' }))).toEqual([19]);
    expect(numbers(await load(sample, { repos: 'acme/shop', labels: ['Agent', 'FRONTEND'] }))).toEqual([9, 10, 11, 12, 13, 14, 17, 21]);
  });

  it('rejects a repository that does not exist with a not-found error', async () => {
    await expect(load(sample, { repos: 'acme/nope' })).rejects.toThrow(GitHubNotFoundError);
  });

  it('refuses a response of an unexpected shape with an error naming the field, and passes null nodes over', async () => {
    // A proxy (or a schema change) alters GitHub's answer on the way.
    const altering = (change: (data: { repository: { issues: { nodes: Record<string, unknown>[] } } }) => void): typeof fetch => async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).endsWith('/graphql') || !String(init?.body).includes('PcoIssues')) return res;
      const json = (await res.json()) as { data: Parameters<typeof change>[0] };
      change(json.data);
      return new Response(JSON.stringify(json), { status: res.status, headers: { 'content-type': 'application/json' } });
    };
    const source = (fetchImpl: typeof fetch) =>
      new GitHubIssuesSource({ client: createGitHubClient(githubClientOptionsForFake(sample.url, { fetch: fetchImpl })), repos: 'acme/shop' });
    const error = await rejectionOf(source(altering((d) => void (d.repository.issues.nodes[1]!.title = 42))).load());
    expect(error).toBeInstanceOf(GitHubResponseError);
    expect(error).toMatchObject({
      code: 'GITHUB_RESPONSE_INVALID',
      message: 'loading issues of acme/shop: GitHub returned an unexpected response: repository.issues.nodes.1.title: Invalid type: Expected string but received 42',
    });
    const withNull = await source(altering((d) => void (d.repository.issues.nodes[0] = null as never))).load();
    const all = await source(fetch).load();
    expect(withNull.length).toBe(all.length - 1);
    // A blocker the token cannot see (GitHub answers null) is reported, not silently dropped.
    const hidden = await source(
      altering((d) => void (d.repository.issues.nodes[0]!.blockedBy = { totalCount: 2, nodes: [null, null] })),
    ).load();
    expect(hidden.find((t) => t.id === all[0]!.id)?.warnings).toContain('2 blocked-by links to issues the token cannot see; ignored');
    expect(sample.counts()['graphql query PcoIssueConnection']).toBeUndefined(); // no extra page for the hidden ones
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(load(sample, { repos: 'acme/shop' }, controller.signal)).rejects.toThrow(GitHubAbortError);
  });

  it('validates its options', () => {
    const client = createGitHubClient(githubClientOptionsForFake(sample.url));
    expect(() => new GitHubIssuesSource({ client, repos: [] })).toThrow(InvalidOptionsError);
    expect(() => new GitHubIssuesSource({ client, repos: ['not-a-repo'] })).toThrow(/repos\[0\]: expected "owner\/repo"/);
    expect(() => new GitHubIssuesSource({ client, repos: 'a/b', since: 'yesterday' })).toThrow(/since/);
    expect(() => new GitHubIssuesSource({ client, repos: 'a/b', state: 'merged' as never })).toThrow(/state/);
  });
});

describe('GitHubIssuesSource filters and edge cases', () => {
  const fixture: FakeGitHubFixture = {
    repos: [
      {
        owner: 'o',
        name: 'r',
        issues: [
          { number: 1, title: 'one', assignees: ['ann'], milestone: 1, author: 'ann', updatedAt: '2026-01-01T00:00:00Z', labels: ['estimate:3'] },
          { number: 2, title: 'two', assignees: ['bob'], milestone: 2, author: 'bob', updatedAt: '2026-03-01T00:00:00Z', body: 'Depends on #404 and #2' },
          { number: 3, title: 'three', updatedAt: '2026-05-01T00:00:00Z', labels: Array.from({ length: 55 }, (_, i) => `l${i}`) },
          ...Array.from({ length: 60 }, (_, i) => ({ number: 10 + i, title: `child ${i}`, parent: '#3' })),
        ],
      },
    ],
  };

  it('filters by assignee, milestone, creator and since', async () => {
    const f = await fakeWith(fixture);
    expect(numbers(await load(f, { repos: 'o/r', assignee: 'ann' }))).toEqual([1]);
    expect(numbers(await load(f, { repos: 'o/r', milestone: 2 }))).toEqual([2]);
    expect(numbers(await load(f, { repos: 'o/r', milestone: '*' }))).toEqual([1, 2]);
    expect(numbers(await load(f, { repos: 'o/r', createdBy: 'bob' }))).toEqual([2]);
    expect(numbers(await load(f, { repos: 'o/r', since: new Date('2026-04-01T00:00:00Z') }))).toContain(3);
    expect(numbers(await load(f, { repos: 'o/r', since: '2026-04-01T00:00:00Z' }))).not.toContain(2);
  });

  it('warns about missing references and self-references, and reads estimates from labels', async () => {
    const f = await fakeWith(fixture);
    const tasks = byId(await load(f, { repos: 'o/r' }));
    const warnings = tasks.get('o/r#2')!.warnings ?? [];
    expect([...warnings].sort()).toEqual([
      'dependency o/r#404 ("Depends on #404 and #2") does not exist or is not accessible; ignored',
      'ignored a dependency on itself ("Depends on #404 and #2")',
    ]);
    expect(tasks.get('o/r#2')!.dependencies).toEqual([]);
    expect(tasks.get('o/r#1')!.estimate).toBe(3);
  });

  it('completes nested connections that do not fit in one page', async () => {
    const f = await fakeWith(fixture);
    const tasks = byId(await load(f, { repos: 'o/r' }));
    expect(tasks.get('o/r#3')!.labels).toHaveLength(55);
    expect(tasks.get('o/r#3')!.dependencies).toHaveLength(60);
    expect(f.count({ operation: 'graphql query PcoIssueConnection' })).toBe(2);
  });
});

describe('GitHubIssuesSource at scale', () => {
  it('loads 1,000 issues with their dependencies in at most 15 API calls', async () => {
    const f = await fakeWith(largeBacklogFixture({ issues: 1000, closed: 20 }));
    const tasks = await load(f, { repos: 'big/backlog' });
    expect(tasks).toHaveLength(1000);
    const calls = f.requests.length;
    expect(calls).toBeLessThanOrEqual(15);
    expect(f.counts()).toEqual({ 'graphql query PcoIssues': 10, 'graphql query PcoReferenceStates': 1 });
    const m = byId(tasks);
    // Every kind shows up: prose (k % 4 == 0), native (1), label (2), two prose refs (3), sub-issues.
    expect(m.get('big/backlog#4')!.dependencies).toEqual([`big/backlog#${1 + ((4 * 7) % 3)}`]);
    expect(m.get('big/backlog#5')!.dependencies).toContain(`big/backlog#${1 + ((5 * 7) % 4)}`);
    expect(m.get('big/backlog#6')!.dependencies).toEqual([`big/backlog#${1 + ((6 * 7) % 5)}`]);
    expect(m.get('big/backlog#10')!.dependencies).toContain('big/backlog#15'); // parent waits for its sub-issue
    expect(m.get('big/backlog#50')!.dependencies).not.toContain('big/backlog#1001'); // closed: done
    expect(tasks.every((t) => !t.skip && !t.warnings)).toBe(true);
  });
});

describe('GitHubIssuesSource against hostile numbers and failing lookups (issue 13 §3)', () => {
  const nines = '9'.repeat(400);
  const hostile: FakeGitHubFixture = {
    repos: [
      {
        owner: 'o',
        name: 'r',
        issues: [
          { number: 1, title: 'int overflow', body: 'Depends on #2147483648' },
          { number: 2, title: 'huge', body: 'Blocked by #99999999999999999999999999 and x/y#7' },
          { number: 3, title: 'label', labels: [`depends:issue-${nines}`] },
          { number: 4, title: 'stranger', author: 'eve', authorAssociation: 'NONE', body: `Depends on #${nines}, evil/repo#1 and #2147483648` },
          { number: 5, title: 'fine', body: 'Depends on #1 and x/y#8' },
        ],
      },
      { owner: 'x', name: 'y', issues: [{ number: 7, title: 'open blocker' }, { number: 8, title: 'closed', state: 'closed' }] },
    ],
  };

  it('turns out-of-range numbers into warnings naming the text, and still loads every task', async () => {
    const f = await fakeWith(hostile);
    const tasks = byId(await load(f, { repos: 'o/r' }));
    expect(tasks.size).toBe(5);
    expect(tasks.get('o/r#1')!.warnings).toEqual(['#2147483648 is not an issue number (1 to 2147483647); ignored: "Depends on #2147483648"']);
    expect(tasks.get('o/r#2')!.warnings).toEqual([
      '#99999999999999999999… (26 digits) is not an issue number (1 to 2147483647); ignored: "Blocked by #99999999999999999999999999 and x/y#7"',
    ]);
    expect(tasks.get('o/r#2')!.skip?.message).toBe('o/r#2 is blocked by x/y#7, open and outside the task set');
    expect(tasks.get('o/r#3')!.warnings).toEqual([expect.stringMatching(/^dependency label "depends:issue-9+…" is not an issue number \(1 to 2147483647\); ignored$/)]);
    expect(tasks.get('o/r#5')).toMatchObject({ dependencies: ['o/r#1'] });
    expect(tasks.get('o/r#5')!.skip).toBeUndefined(); // x/y#8 is closed
    // The untrusted issue is skipped, and nothing it names is ever looked up.
    expect(tasks.get('o/r#4')!.skip?.reason).toBe('untrusted');
    const lookups = f.requests.filter((r) => r.operation === 'graphql query PcoReferenceStates');
    expect(lookups).toHaveLength(1);
    const query = (lookups[0]!.body as { query: string }).query;
    expect(query).not.toContain('evil');
    expect(query).toContain('issueOrPullRequest(number: 7)');
  });

  it('lets an untrusted author with a huge number block nothing', async () => {
    const f = await fakeWith({
      repos: [{ owner: 'o', name: 'r', issues: [
        { number: 1, title: 'stranger', author: 'eve', authorAssociation: 'NONE', body: `Depends on #99999999999999999999999999 and other/repo#${nines}`, labels: [`depends:issue-${nines}`] },
        { number: 2, title: 'work', body: 'Depends on ext/lib#3' },
      ] }, { owner: 'ext', name: 'lib', issues: [{ number: 3, title: 'done', state: 'closed' }] }],
    });
    const tasks = byId(await load(f, { repos: 'o/r' }));
    expect(tasks.get('o/r#2')).toMatchObject({ dependencies: [] });
    expect(tasks.get('o/r#2')!.skip).toBeUndefined();
    expect(tasks.get('o/r#1')!.skip?.reason).toBe('untrusted');
  });

  it('turns a lookup batch that fails into warnings naming the issue and the reference, not a failed load', async () => {
    const f = await fakeWith(hostile);
    // Every attempt of the lookup (the first and plugin-retry's three) answers 502.
    f.failNext({ kind: 'server-error', status: 502 }, { times: 4, match: { operation: 'graphql query PcoReferenceStates' } });
    const tasks = byId(await load(f, { repos: 'o/r' }));
    expect(tasks.get('o/r#5')!.warnings).toEqual([
      expect.stringMatching(/^dependency x\/y#8 \("Depends on #1 and x\/y#8"\) could not be looked up \(looking up dependency states failed: .*\); the task waits as for an open blocker$/),
    ]);
    expect(tasks.get('o/r#5')!.skip).toEqual({ reason: 'lookup-failed', policy: false, message: 'o/r#5 waits for x/y#8, whose state could not be looked up' });
    expect(tasks.get('o/r#2')!.warnings).toContainEqual(expect.stringContaining('dependency x/y#7 ("Blocked by #99999999999999999999999999 and x/y#7") could not be looked up'));
    expect(tasks.get('o/r#1')!.skip).toBeUndefined();
    expect(f.count({ operation: 'graphql query PcoReferenceStates' })).toBe(4);
  });

  it('still fails the load on bad credentials during the lookup', async () => {
    const f = await fakeWith(hostile);
    const refusing = (status: number): typeof fetch => async (input, init) =>
      String(init?.body).includes('PcoReferenceStates')
        ? new Response(JSON.stringify({ message: status === 401 ? 'Bad credentials' : 'Resource not accessible by integration' }), { status, headers: { 'content-type': 'application/json' } })
        : fetch(input, init);
    for (const status of [401, 403]) {
      const source = new GitHubIssuesSource({ client: createGitHubClient(githubClientOptionsForFake(f.url, { fetch: refusing(status) })), repos: 'o/r' });
      await expect(source.load()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED', status });
    }
  });

  it('looks 10,000 references of one issue up in a handful of batched queries', async () => {
    const refs = Array.from({ length: 10_000 }, (_, i) => `#${i + 100}`);
    const f = await fakeWith({
      repos: [{ owner: 'o', name: 'r', issues: [
        { number: 1, title: 'many', body: `Depends on ${refs.join(', ')}, ${refs.slice(0, 500).join(' ')}` },
        { number: 2, title: 'same refs', body: `Depends on ${refs.slice(0, 1000).join(', ')}` },
      ] }],
    });
    const tasks = byId(await load(f, { repos: 'o/r' }));
    // One page of issues and 4 lookups of 2,500 references (was 100 lookups of 100); duplicates asked once.
    expect(f.counts()).toEqual({ 'graphql query PcoIssues': 1, 'graphql query PcoReferenceStates': 4 });
    expect(tasks.get('o/r#1')!.warnings).toHaveLength(10_000); // none of them exists in the fake
    expect(tasks.get('o/r#1')!.warnings![0]).toMatch(/^dependency o\/r#100 \("Depends on #100, #101, [^"]{100,150}…"\) does not exist or is not accessible; ignored$/);
  });
});
