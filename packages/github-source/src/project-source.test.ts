import { githubClientOptionsForFake, sampleBacklogFixture, startFakeGitHub, type FakeGitHub } from '@pco/testkit/github';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '@pco/contract';
import { GitHubNotFoundError } from './errors.js';
import { createGitHubClient } from './octokit.js';
import { GitHubProjectSource, type GitHubProjectSourceOptions } from './project-source.js';

let fake: FakeGitHub;
beforeAll(async () => {
  const base = sampleBacklogFixture();
  fake = await startFakeGitHub({
    ...base,
    projects: [
      ...(base.projects ?? []),
      {
        owner: 'carol',
        ownerType: 'user',
        number: 7,
        title: 'Personal board',
        items: [{ content: 'acme/shop#10', fields: { Status: 'Todo' } }, { content: 'acme/shop#11', fields: { Status: 'Todo' }, archived: true }],
      },
    ],
  });
});
afterAll(() => fake.close());
beforeEach(() => fake.resetRequests());

const load = (options: Omit<GitHubProjectSourceOptions, 'client'>) =>
  new GitHubProjectSource({ client: createGitHubClient(githubClientOptionsForFake(fake.url)), ...options }).load();

describe('GitHubProjectSource', () => {
  it('turns issues and drafts into tasks, filtered by Status, with estimates and board references', async () => {
    const tasks = await load({ owner: 'acme', number: 1, statuses: ['ready', 'Todo'] });
    expect(tasks.map((t) => t.id)).toEqual(['acme/shop#1', 'acme/shop#2', 'acme/shop#3', 'acme/shop#4', 'acme/shop#6', 'acme/shop#10', 'acme/shop#11', expect.stringMatching(/^draft:PVTI_/)]);
    const m = new Map(tasks.map((t) => [t.id, t]));
    expect(m.get('acme/shop#1')!.estimate).toBe(2); // Estimate field
    expect(m.get('acme/shop#3')!.estimate).toBe(3); // Size M
    expect(m.get('acme/shop#10')!.estimate).toBe(1); // Size XS
    expect(m.get('acme/shop#11')!.estimate).toBeUndefined();
    const s = m.get('acme/shop#2')!.source!;
    expect(s).toMatchObject({ kind: 'issue', repo: 'acme/shop', number: 2, status: 'Ready', fields: { Status: 'Ready', Estimate: 3 } });
    expect(s.projectId).toMatch(/^PVT_/);
    expect(s.projectItemId).toMatch(/^PVTI_/);
    expect(s.statusFieldId).toMatch(/^PVTSSF_/);
    expect(Object.keys(s.statusOptions!)).toEqual(['Todo', 'Ready', 'In Progress', 'Done', 'Failed']);
    // Dependencies resolve within the board; #6 needs #5, which is open and not on the board.
    expect(m.get('acme/shop#4')!.dependencies).toEqual(['acme/shop#2', 'acme/shop#3']);
    expect(m.get('acme/shop#6')!.skip).toEqual({ reason: 'external-blocker', message: expect.stringContaining('acme/shop#5') });
    const draft = tasks.at(-1)!;
    expect(draft).toMatchObject({ title: 'Write the launch blog post', estimate: 1, dependencies: ['acme/shop#6'], source: { kind: 'draft' } });
    expect(draft.skip).toBeUndefined(); // drafts are written by board members
    expect(draft.id).toBe(`draft:${draft.source!.projectItemId}`);
  });

  it('gives drafts the same id on every load', async () => {
    const a = await load({ owner: 'acme', number: 1 });
    const b = await load({ owner: 'acme', number: 1, ownerType: 'organization' });
    expect(a.filter((t) => t.source?.kind === 'draft').map((t) => t.id)).toEqual(b.filter((t) => t.source?.kind === 'draft').map((t) => t.id));
  });

  it('skips pull requests, closed issues and archived items unless asked', async () => {
    const all = await load({ owner: 'acme', number: 1 });
    expect(all.map((t) => t.id)).not.toContain('acme/shop#25'); // a PR on the board
    expect(all.map((t) => t.id)).not.toContain('acme/shop#19'); // closed
    const withClosed = await load({ owner: 'acme', number: 1, includeClosed: true });
    expect(withClosed.map((t) => t.id)).toContain('acme/shop#19');
    expect((await load({ owner: 'carol', number: 7, ownerType: 'user' })).map((t) => t.id)).toEqual(['acme/shop#10']);
    expect((await load({ owner: 'carol', number: 7, includeArchived: true })).map((t) => t.id)).toEqual(['acme/shop#10', 'acme/shop#11']);
  });

  it('resolves bare references in drafts against draftRepo, else warns', async () => {
    const fixture = sampleBacklogFixture();
    const f = await startFakeGitHub({
      ...fixture,
      projects: [{ owner: 'acme', number: 2, title: 'Drafts', items: [{ draft: { title: 'D', body: 'Depends on #1' } }] }],
    });
    try {
      const client = createGitHubClient(githubClientOptionsForFake(f.url));
      const [plain] = await new GitHubProjectSource({ client, owner: 'acme', number: 2 }).load();
      expect(plain!.warnings).toEqual([expect.stringContaining('#1 cannot be resolved without a repository')]);
      const [scoped] = await new GitHubProjectSource({ client, owner: 'acme', number: 2, draftRepo: 'acme/shop' }).load();
      expect(scoped!.skip).toEqual({ reason: 'external-blocker', message: expect.stringContaining('acme/shop#1') });
    } finally {
      await f.close();
    }
  });

  it('reports a missing board as not found', async () => {
    await expect(load({ owner: 'acme', number: 99 })).rejects.toThrow(GitHubNotFoundError);
    await expect(load({ owner: 'ghost', number: 1 })).rejects.toThrow(/not visible to the token/);
  });

  it('validates its options', () => {
    const client = createGitHubClient(githubClientOptionsForFake(fake.url));
    expect(() => new GitHubProjectSource({ client, owner: 'acme', number: 0 })).toThrow(InvalidOptionsError);
    expect(() => new GitHubProjectSource({ client, owner: 'a b', number: 1 })).toThrow(/owner/);
  });
});

describe('GitHubProjectSource against hostile numbers (issue 13 §3)', () => {
  it('loads a board whose draft names a number no issue can have, with a warning', async () => {
    const f = await startFakeGitHub({
      ...sampleBacklogFixture(),
      projects: [{ owner: 'acme', number: 3, title: 'Hostile', items: [{ draft: { title: 'D', body: 'Depends on #2147483648 and acme/shop#19' } }] }],
    });
    try {
      const client = createGitHubClient(githubClientOptionsForFake(f.url));
      const [draft] = await new GitHubProjectSource({ client, owner: 'acme', number: 3, draftRepo: 'acme/shop' }).load();
      expect(draft!.warnings).toEqual(['#2147483648 is not an issue number (1 to 2147483647); ignored: "Depends on #2147483648 and acme/shop#19"']);
      expect(draft!.skip).toBeUndefined(); // acme/shop#19 is closed
      expect(f.count({ operation: 'graphql query PcoReferenceStates' })).toBe(1);
    } finally {
      await f.close();
    }
  });
});
