import { describe, expect, it } from 'vitest';
import { refKey, resolveDependencies, type ReferenceState } from './resolve-dependencies.js';
import { isTrustedAuthor } from './trust.js';
import type { GitHubIssueRecord, IssueLink } from './types.js';

function record(repo: string, number: number, extra: Partial<GitHubIssueRecord> = {}): GitHubIssueRecord {
  return {
    id: `${repo}#${number}`,
    title: `Issue ${number}`,
    body: '',
    state: 'OPEN',
    author: 'alice',
    authorAssociation: 'MEMBER',
    labels: [],
    blockedBy: [],
    subIssues: [],
    source: { kind: 'issue', repo, number },
    ...extra,
  };
}

/** A lookup over a fixed table that records what it was asked. */
function table(states: Record<string, ReferenceState>) {
  const asked: IssueLink[][] = [];
  const lookup = async (refs: readonly IssueLink[]) => {
    asked.push([...refs]);
    return new Map(refs.map((r) => [refKey(r.repo, r.number), states[`${r.repo}#${r.number}`] ?? 'MISSING'] as const));
  };
  return { lookup, asked };
}

describe('resolveDependencies', () => {
  it('records where each dependency was found, the first place winning', async () => {
    const { lookup } = table({});
    const tasks = await resolveDependencies(
      [
        record('o/r', 1),
        record('o/r', 2),
        record('o/r', 3),
        record('o/r', 4),
        record('o/r', 5, {
          body: 'Depends on #1.\n\n## Dependencies\n- #2\n- #1',
          labels: ['depends-on:#3'],
          blockedBy: [{ repo: 'o/r', number: 4 }],
          subIssues: [{ repo: 'o/r', number: 3 }],
        }),
      ],
      lookup,
    );
    expect(tasks[4]!.source?.dependencyOrigins).toEqual({ 'o/r#1': 'keyword', 'o/r#2': 'section', 'o/r#3': 'label', 'o/r#4': 'blocked-by' });
    expect(tasks[0]!.source).toEqual({ kind: 'issue', repo: 'o/r', number: 1 });
  });

  it('keeps in-set dependencies, drops closed and merged ones, blocks on open external ones', async () => {
    const { lookup, asked } = table({ 'o/r#9': 'CLOSED', 'o/other#1': 'OPEN', 'o/r#8': 'MERGED' });
    const tasks = await resolveDependencies(
      [
        record('o/r', 1),
        record('o/r', 2, { body: 'Depends on #1, #9 and https://github.com/o/r/pull/8' }),
        record('o/r', 3, { body: 'Blocked by o/other#1', labels: ['depends:2'] }),
      ],
      lookup,
    );
    expect(tasks.map((t) => [t.id, t.dependencies, t.skip?.reason])).toEqual([
      ['o/r#1', [], undefined],
      ['o/r#2', ['o/r#1'], undefined],
      ['o/r#3', ['o/r#2'], 'external-blocker'],
    ]);
    // One batched lookup, only for references outside the set.
    expect(asked).toHaveLength(1);
    expect(asked[0]!.map((r) => `${r.repo}#${r.number}`).sort()).toEqual(['o/other#1', 'o/r#8', 'o/r#9']);
  });

  it('uses states carried by native links without a lookup, and matches repositories case-insensitively', async () => {
    const { lookup, asked } = table({});
    const tasks = await resolveDependencies(
      [
        record('Acme/Shop', 1),
        record('Acme/Shop', 2, { blockedBy: [{ repo: 'acme/shop', number: 1, state: 'OPEN' }, { repo: 'x/y', number: 5, state: 'CLOSED' }] }),
        record('Acme/Shop', 3, { subIssues: [{ repo: 'x/y', number: 6, state: 'OPEN' }] }),
      ],
      lookup,
    );
    expect(asked).toHaveLength(0);
    expect(tasks[1]!.dependencies).toEqual(['Acme/Shop#1']);
    expect(tasks[2]!.skip).toEqual({ reason: 'external-blocker', message: 'Acme/Shop#3 is blocked by x/y#6, open and outside the task set' });
  });

  it('treats closed tasks in the set as done', async () => {
    const tasks = await resolveDependencies([record('o/r', 1, { state: 'CLOSED' }), record('o/r', 2, { body: 'After #1' })], table({}).lookup);
    expect(tasks[1]!.dependencies).toEqual([]);
  });

  it('marks untrusted authors and keeps their warnings', async () => {
    const tasks = await resolveDependencies(
      [record('o/r', 1, { author: 'eve', authorAssociation: 'NONE', body: 'Depends on the thing' })],
      table({}).lookup,
    );
    expect(tasks[0]!.skip).toEqual({ reason: 'untrusted', message: 'o/r#1 was opened by eve (NONE), who is not trusted to give agents work' });
    expect(tasks[0]!.warnings).toEqual(['dependency phrase without a resolvable reference: "Depends on the thing"']);
  });

  it('never looks up what an untrusted issue names', async () => {
    const { lookup, asked } = table({ 'x/y#1': 'OPEN' });
    const tasks = await resolveDependencies(
      [record('o/r', 1, { author: 'eve', authorAssociation: 'NONE', body: 'Depends on evil/repo#5', blockedBy: [{ repo: 'x/y', number: 9 }] }), record('o/r', 2, { body: 'Depends on x/y#1' })],
      lookup,
    );
    expect(asked.flat().map((r) => `${r.repo}#${r.number}`)).toEqual(['x/y#1']);
    expect(tasks[0]!.skip?.reason).toBe('untrusted');
    expect(tasks[0]!.warnings).toBeUndefined();
  });

  it('blocks on a reference whose state could not be looked up, with a warning (or drops it with ignoreExternalBlockers)', async () => {
    const failing = async (refs: readonly IssueLink[]) => new Map(refs.map((r) => [refKey(r.repo, r.number), { state: 'UNKNOWN' as const, reason: 'GitHub answered 502' }]));
    const [blocked] = await resolveDependencies([record('o/r', 1, { body: 'Blocked by x/y#3' })], failing);
    expect(blocked!.skip).toEqual({ reason: 'lookup-failed', policy: false, message: 'o/r#1 waits for x/y#3, whose state could not be looked up' });
    expect(blocked!.warnings).toEqual(['dependency x/y#3 ("Blocked by x/y#3") could not be looked up (GitHub answered 502); the task waits as for an open blocker']);
    const [dropped] = await resolveDependencies([record('o/r', 1, { body: 'Blocked by x/y#3' })], failing, { ignoreExternalBlockers: true });
    expect(dropped!.skip).toBeUndefined();
    expect(dropped!.warnings).toEqual(['dependency x/y#3 ("Blocked by x/y#3") could not be looked up (GitHub answered 502); ignored (ignoreExternalBlockers)']);
  });

  it('passes the abort signal to the lookup', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    await resolveDependencies([record('o/r', 1, { body: 'Depends on #5' })], async (refs, signal) => {
      seen = signal;
      return new Map(refs.map((r) => [refKey(r.repo, r.number), 'CLOSED' as const]));
    }, {}, controller.signal);
    expect(seen).toBe(controller.signal);
  });
});

describe('isTrustedAuthor', () => {
  it.each([
    ['OWNER', true],
    ['MEMBER', true],
    ['COLLABORATOR', true],
    ['CONTRIBUTOR', false],
    ['FIRST_TIME_CONTRIBUTOR', false],
    ['FIRST_TIMER', false],
    ['MANNEQUIN', false],
    ['NONE', false],
  ])('%s → %s', (association, trusted) => {
    expect(isTrustedAuthor('someone', association)).toBe(trusted);
  });

  it('honours the allow-list, custom associations and trustEveryone', () => {
    expect(isTrustedAuthor('Bob', 'NONE', { allowedAuthors: ['bob'] })).toBe(true);
    expect(isTrustedAuthor('bob', 'CONTRIBUTOR', { trustedAssociations: ['CONTRIBUTOR'] })).toBe(true);
    expect(isTrustedAuthor('bob', 'MEMBER', { trustedAssociations: ['OWNER'] })).toBe(false);
    expect(isTrustedAuthor(undefined, undefined, { trustEveryone: true })).toBe(true);
    expect(isTrustedAuthor(undefined, undefined)).toBe(false);
  });
});
