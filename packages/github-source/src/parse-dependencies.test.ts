import { describe, expect, it } from 'vitest';
import { parseDependencies, parseDependencyLabels, stripIgnoredMarkdown } from './parse-dependencies.js';

const REPO = 'acme/shop';

/**
 * Real-world phrasings (shared/research/github-api.md §5, with the repository they come from)
 * and variations, each with the references pco must find (`owner/repo#N`) and whether a warning
 * is expected.
 */
const CASES: readonly { readonly body: string; readonly refs: readonly string[]; readonly warn?: boolean; readonly note?: string }[] = [
  // prose, several refs (github/opensource.guide#3437)
  { body: 'This issue depends on #3430 and #3435', refs: ['acme/shop#3430', 'acme/shop#3435'] },
  // "blocked by", any case, trailing punctuation (intel/device-modeling-language#13)
  { body: 'blocked by #13.', refs: ['acme/shop#13'] },
  { body: 'Blocked by #14', refs: ['acme/shop#14'] },
  { body: 'BLOCKED BY #15!', refs: ['acme/shop#15'] },
  // cross-repo short ref and full URL (Levi-Lesches/blocking-issues#25)
  { body: 'Blocked by Levi-Lesches/blocking-issues-test#40', refs: ['Levi-Lesches/blocking-issues-test#40'] },
  { body: 'Blocked by https://github.com/Levi-Lesches/blocking-issues-test/pull/40', refs: ['Levi-Lesches/blocking-issues-test#40'] },
  { body: 'Blocked by https://github.com/Levi-Lesches/blocking-issues-test/issues/41', refs: ['Levi-Lesches/blocking-issues-test#41'] },
  // repo names containing dots (jms-web/JMS#24)
  { body: 'Depends on jms-web/SRS.H#4, jms-web/SRS.H#5, jms-web/SRS.H#6', refs: ['jms-web/SRS.H#4', 'jms-web/SRS.H#5', 'jms-web/SRS.H#6'] },
  // tasklist block with a heading (tristan-orourke/blocking-issues README)
  { body: '```[tasklist]\n### Blocked By\n- [ ] #1111\n- [x] #2222\n```', refs: ['acme/shop#1111', 'acme/shop#2222'] },
  // Zuul/Gerrit-style trailer (apache/nuttx#19075; depends-on/depends-on-action#15)
  { body: 'Fix the scheduler.\n\nDepends-On: https://github.com/apache/nuttx-apps/pull/1234', refs: ['apache/nuttx-apps#1234'] },
  { body: 'depends-on: [#1, #2]', refs: ['acme/shop#1', 'acme/shop#2'] },
  // trailer without scheme or space (kata-containers/tests#127)
  { body: 'Depends-on:github.com/kata-containers/runtime#999', refs: ['kata-containers/runtime#999'] },
  // section headings (cogni-work/insight-wave#1517; zxkane/autonomous-dev-team#123)
  { body: '## Depends on\n- #12 (must be merged first because it adds the table)\n- #13', refs: ['acme/shop#12', 'acme/shop#13'] },
  { body: '## Dependencies\n\n- #7\n- other/lib#8\n\n## Notes\n- #9 is related', refs: ['acme/shop#7', 'other/lib#8'] },
  { body: '## Dependencies\nNone', refs: [] },
  { body: '### Blocked by\n* [#21](https://github.com/acme/shop/issues/21)\n* https://github.com/acme/api/issues/3', refs: ['acme/shop#21', 'acme/api#3'] },
  { body: '**Depends on:**\n- #30\n- #31', refs: ['acme/shop#30', 'acme/shop#31'] },
  { body: 'Depends on:\n1. #40\n2. #41', refs: ['acme/shop#40', 'acme/shop#41'] },
  { body: '## Prerequisites\n- [ ] #50', refs: ['acme/shop#50'] },
  // explicit "none" (eastasann/space-elysiajs-orpc#48)
  { body: 'Depends on: none', refs: [] },
  { body: 'Depends on: None.', refs: [] },
  { body: 'Blocked by: nothing', refs: [] },
  // label plus prose (3rd-party issue-automation config)
  { body: 'Blocked by: #2, #5, #14', refs: ['acme/shop#2', 'acme/shop#5', 'acme/shop#14'] },
  // gregsdennis/dependencies-action forms
  { body: 'Depends on owner/repo/pull/5', refs: [], warn: true, note: 'owner/repo/pull/5 without a host is not a URL we accept' },
  { body: 'depends on [the API change](https://github.com/acme/api/pull/77)', refs: ['acme/api#77'] },
  { body: 'Depends on <https://github.com/acme/shop/issues/88>', refs: ['acme/shop#88'] },
  { body: 'Depends on https://github.com/acme/shop/issues/89#issuecomment-12345', refs: ['acme/shop#89'] },
  // z0al/dependent-issues / Mergify
  { body: 'Depends-On: #61', refs: ['acme/shop#61'] },
  { body: 'blocked-by: #62 & #63', refs: ['acme/shop#62', 'acme/shop#63'] },
  { body: 'Blocked-By #64 #65 #66', refs: ['acme/shop#64', 'acme/shop#65', 'acme/shop#66'] },
  // the other keywords
  { body: 'Requires #70', refs: ['acme/shop#70'] },
  { body: 'requires: acme/platform#3', refs: ['acme/platform#3'] },
  { body: 'Needs: #10, #11', refs: ['acme/shop#10', 'acme/shop#11'] },
  { body: 'needs #12 and #13 first', refs: ['acme/shop#12', 'acme/shop#13'] },
  { body: 'After #10', refs: ['acme/shop#10'] },
  { body: 'Do this after #16 and acme/web#4 land.', refs: ['acme/shop#16', 'acme/web#4'] },
  { body: 'Depends upon #17', refs: ['acme/shop#17'] },
  { body: 'Blocked on #18', refs: ['acme/shop#18'] },
  // markdown emphasis around references
  { body: 'Depends on **#19**', refs: ['acme/shop#19'] },
  { body: 'Blocked by: [#10](https://github.com/acme/shop/issues/10)', refs: ['acme/shop#10'] },
  // several phrases in one body, duplicates collapsed
  { body: 'Depends on #1.\nAlso blocked by #2 and depends on #1 again.', refs: ['acme/shop#1', 'acme/shop#2'] },
  { body: 'Depends on #100, #101, and #102', refs: ['acme/shop#100', 'acme/shop#101', 'acme/shop#102'] },
  { body: 'Blocked by #5 (waiting on the API)', refs: ['acme/shop#5'] },
  { body: '- Depends on: #7', refs: ['acme/shop#7'] },
  { body: 'DEPENDS ON acme/shop#200', refs: ['acme/shop#200'] },
  { body: 'This is blocked by https://github.com/acme/shop/issues/201 and https://github.com/acme/shop/issues/202', refs: ['acme/shop#201', 'acme/shop#202'] },
  // ---- traps --------------------------------------------------------------------------------
  // title-only references (eastasann/space-elysiajs-orpc#48): a warning, never silence
  { body: 'Depends on **[M1.01] Add the sources table…**', refs: [], warn: true },
  { body: 'Blocked by the design review', refs: [], warn: true },
  { body: '## Dependencies\n- the login page', refs: [], warn: true },
  { body: 'Needs: the new payment SDK', refs: [], warn: true },
  // bare "#123" after other words: do not resolve it against the wrong repo (marcusquinn/aidevops#32011)
  { body: 'Blocked by Repository A #123', refs: [], warn: true },
  // Refs / Closes / Fixes / plain mentions are not dependencies (kurone-kito/idd-skill#2912)
  { body: 'Refs #2657 (not Blocked by #2657)', refs: [] },
  { body: 'Closes #5', refs: [] },
  { body: 'Fixes #6, resolves #7', refs: [] },
  { body: 'See #8 for context; related to acme/web#9.', refs: [] },
  // tracking checklists are children, not blockers (doubledashdeluxe/ddd#20)
  { body: '- [x] #13\n- [x] #19\n- [ ] #20', refs: [] },
  // code and quotes
  { body: '```\nDepends on #99\n```', refs: [] },
  { body: '~~~md\nBlocked by #98\n~~~\nDepends on #3', refs: ['acme/shop#3'] },
  { body: 'Write `depends on #97` in the body.', refs: [] },
  { body: '> Depends on #3\n\nQuoted from the planning thread.', refs: [] },
  { body: '<!-- Depends on #96 -->', refs: [] },
  // ordinary English with weak keywords
  { body: 'This requires care.', refs: [] },
  { body: 'It needs a rewrite after the release.', refs: [] },
  { body: 'This is no longer blocked by #4.', refs: [] },
  { body: 'Issue #12abc is not a reference; depends on #12', refs: ['acme/shop#12'] },
];

describe('parseDependencies: real-world phrasings and traps', () => {
  it('has at least 40 real-world phrasings', () => {
    expect(CASES.filter((c) => c.refs.length > 0).length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('$body', ({ body, refs, warn }) => {
    const parsed = parseDependencies(body, { repo: REPO });
    expect(parsed.references.map((r) => `${r.repo}#${r.number}`)).toEqual(refs);
    if (warn) expect(parsed.warnings.length).toBeGreaterThan(0);
    else expect(parsed.warnings).toEqual([]);
  });
});

describe('parseDependencies: details', () => {
  it('records how each reference was found and whether it names a pull request', () => {
    const parsed = parseDependencies('Depends on https://github.com/a/b/pull/3\n\n## Dependencies\n- #4', { repo: REPO });
    expect(parsed.references).toEqual([
      { repo: 'a/b', number: 3, kind: 'pull', via: 'keyword', text: 'Depends on https://github.com/a/b/pull/3' },
      { repo: REPO, number: 4, kind: 'issue', via: 'section', text: '- #4' },
    ]);
  });

  it('warns about bare references when there is no repository (draft issues)', () => {
    const parsed = parseDependencies('Depends on #3 and acme/shop#4');
    expect(parsed.references.map((r) => `${r.repo}#${r.number}`)).toEqual(['acme/shop#4']);
    expect(parsed.warnings).toEqual([expect.stringContaining('#3 cannot be resolved without a repository')]);
  });

  it('accepts Enterprise hosts when configured', () => {
    const body = 'Depends on https://ghe.example.com/team/app/issues/5';
    expect(parseDependencies(body, { repo: REPO }).warnings).toHaveLength(1);
    expect(parseDependencies(body, { repo: REPO, hosts: ['ghe.example.com'] }).references[0]).toMatchObject({ repo: 'team/app', number: 5 });
  });

  it('handles empty bodies and CRLF line endings', () => {
    expect(parseDependencies(null)).toEqual({ references: [], warnings: [] });
    expect(parseDependencies('## Dependencies\r\n- #1\r\n- #2\r\n', { repo: REPO }).references).toHaveLength(2);
  });

  it('strips code, quotes and comments but keeps tasklist blocks', () => {
    const out = stripIgnoredMarkdown('a `b` c\n> q\n```js\nx\n```\n```[tasklist]\n- [ ] #1\n```');
    expect(out).toBe('a   c\n\n\n\n\n\n- [ ] #1\n');
  });
});

describe('parseDependencyLabels', () => {
  it('reads depends:issue-N, depends:N, blocked-by:N and cross-repo labels', () => {
    const parsed = parseDependencyLabels(['agent', 'depends:issue-4', 'depends:5', 'blocked-by:9', 'depends:acme/web#2', 'blocked-by:#7'], { repo: REPO });
    expect(parsed.references.map((r) => `${r.repo}#${r.number}`)).toEqual(['acme/shop#4', 'acme/shop#5', 'acme/shop#9', 'acme/web#2', 'acme/shop#7']);
    expect(parsed.references.every((r) => r.via === 'label')).toBe(true);
    expect(parsed.warnings).toEqual([]);
  });

  it('warns about dependency labels without a number', () => {
    expect(parseDependencyLabels(['depends:login-page'], { repo: REPO }).warnings).toEqual(['dependency label "depends:login-page" does not name an issue number']);
  });

  it('takes custom patterns', () => {
    const parsed = parseDependencyLabels(['after-12', 'depends:3'], { repo: REPO, patterns: [/^after-(\d+)$/] });
    expect(parsed.references.map((r) => r.number)).toEqual([12]);
  });
});

describe('parseDependencies quoting', () => {
  it('quotes at most 160 characters of a long line in references and warnings', () => {
    const long = `Depends on ${Array.from({ length: 2000 }, (_, i) => `#${i + 1}`).join(', ')}`;
    const parsed = parseDependencies(long, { repo: 'o/r' });
    expect(parsed.references).toHaveLength(2000);
    for (const ref of parsed.references) expect(ref.text.length).toBeLessThanOrEqual(160);
    expect(parsed.references[0]!.text.endsWith('…')).toBe(true);
    const unresolved = parseDependencies(`Blocked by the thing ${'x'.repeat(500)}`, { repo: 'o/r' });
    expect(unresolved.warnings).toHaveLength(1);
    expect(unresolved.warnings[0]!.length).toBeLessThan(230);
  });
});
