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
  { body: 'Depends on owner/repo/pull/5', refs: ['owner/repo#5'], note: 'the path of a URL, without its host' },
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

/**
 * What a maintainer reads as "this waits for that" (issue 13 §4), and what only looks like it.
 * Each body with the references expected (`owner/repo#N`); `warn` when a warning is expected.
 */
const HUMAN: readonly { readonly body: string; readonly refs: readonly string[]; readonly warn?: boolean }[] = [
  // nesting and short forms
  { body: 'Depends on (Blocked by #2 (Requires #3))', refs: ['acme/shop#2', 'acme/shop#3'] },
  { body: 'Blocked by GH-45', refs: ['acme/shop#45'] },
  { body: 'blocked by gh-46 and GH#47', refs: ['acme/shop#46', 'acme/shop#47'] },
  // lists and separators
  { body: 'depends on: #1, #2 and #3', refs: ['acme/shop#1', 'acme/shop#2', 'acme/shop#3'] },
  { body: 'blocked by #4 & #5', refs: ['acme/shop#4', 'acme/shop#5'] },
  { body: 'blocked by #4 &amp; #5', refs: ['acme/shop#4', 'acme/shop#5'] },
  { body: 'requires #6/#7', refs: ['acme/shop#6', 'acme/shop#7'] },
  { body: 'Depends on #1 | #2', refs: ['acme/shop#1', 'acme/shop#2'] },
  { body: 'Depends on both #1 as well as #2, plus #3', refs: ['acme/shop#1', 'acme/shop#2', 'acme/shop#3'] },
  { body: 'Depends on #1, #2,\n#3 and #4', refs: ['acme/shop#1', 'acme/shop#2', 'acme/shop#3', 'acme/shop#4'] },
  { body: 'This depends on\n#8', refs: ['acme/shop#8'] },
  // more keywords
  { body: 'after #8 is merged', refs: ['acme/shop#8'] },
  { body: 'needs #9 first', refs: ['acme/shop#9'] },
  { body: 'Need #9 before we start', refs: ['acme/shop#9'] },
  { body: 'waiting on #10', refs: ['acme/shop#10'] },
  { body: 'Waiting for #10 to land', refs: ['acme/shop#10'] },
  { body: 'Awaiting #10', refs: ['acme/shop#10'] },
  { body: 'prerequisite: #11', refs: ['acme/shop#11'] },
  { body: 'Prerequisites: #11, #12', refs: ['acme/shop#11', 'acme/shop#12'] },
  { body: 'Pre-requisite #11', refs: ['acme/shop#11'] },
  { body: 'These depend on #13', refs: ['acme/shop#13'] },
  { body: 'This is dependent on #13', refs: ['acme/shop#13'] },
  { body: 'Has a dependency on #13', refs: ['acme/shop#13'] },
  { body: 'depends_on: #13', refs: ['acme/shop#13'] },
  { body: 'Blocked: #14', refs: ['acme/shop#14'] },
  { body: 'Blockers: #14, #15', refs: ['acme/shop#14', 'acme/shop#15'] },
  { body: 'Dependencies: #14, #15', refs: ['acme/shop#14', 'acme/shop#15'] },
  { body: 'Deps: #14', refs: ['acme/shop#14'] },
  { body: 'Once #16 is merged we can switch over.', refs: ['acme/shop#16'] },
  { body: "Can't start until #17 lands.", refs: ['acme/shop#17'] },
  { body: 'Do not merge until #17 is released', refs: ['acme/shop#17'] },
  { body: 'Blocked until #17 ships', refs: ['acme/shop#17'] },
  { body: 'Stacked on #18', refs: ['acme/shop#18'] },
  { body: 'Builds on top of #18', refs: ['acme/shop#18'] },
  { body: 'Pending #19', refs: ['acme/shop#19'] },
  { body: 'Depends on issue 45', refs: ['acme/shop#45'] },
  { body: 'Blocked by PR #46 and issue #47', refs: ['acme/shop#46', 'acme/shop#47'] },
  { body: 'Depends on the PR acme/api#48', refs: ['acme/api#48'] },
  // reference forms
  { body: 'Depends on https://github.com/o/r/issues/3', refs: ['o/r#3'] },
  { body: 'Depends on http://www.github.com/o/r/pull/3/files', refs: ['o/r#3'] },
  { body: 'Depends on owner/repo#3', refs: ['owner/repo#3'] },
  { body: 'Depends on owner/repo/issues/3', refs: ['owner/repo#3'] },
  { body: 'Blocked by [the schema change](https://github.com/o/r/issues/3 "title")', refs: ['o/r#3'] },
  { body: 'Blocked by [o/r#4](https://github.com/o/r/issues/4)', refs: ['o/r#4'] },
  // case, punctuation, emphasis around keywords
  { body: '**Depends on**: #20', refs: ['acme/shop#20'] },
  { body: '**Blocked by:** #21', refs: ['acme/shop#21'] },
  { body: '_Blocked by_ #22', refs: ['acme/shop#22'] },
  { body: '*Requires* #23.', refs: ['acme/shop#23'] },
  { body: '__Needs:__ #24', refs: ['acme/shop#24'] },
  { body: 'DePeNdS oN #25?', refs: ['acme/shop#25'] },
  { body: 'Blocked-By: #26', refs: ['acme/shop#26'] },
  { body: '| Depends on | #27 |', refs: ['acme/shop#27'] },
  // sections
  { body: '## Dependencies\n- [ ] #12\n- [x] #13', refs: ['acme/shop#12', 'acme/shop#13'] },
  { body: '### Blocked by\n\n- [ ] acme/api#5', refs: ['acme/api#5'] },
  { body: '## Prerequisites\n1. https://github.com/acme/shop/issues/7', refs: ['acme/shop#7'] },
  { body: '## 🔗 Dependencies (must be merged first)\n- #30', refs: ['acme/shop#30'] },
  { body: '## Depends on / Blocked by\n- #31', refs: ['acme/shop#31'] },
  { body: 'Blockers:\n* #32\n* #33', refs: ['acme/shop#32', 'acme/shop#33'] },
  { body: 'Blocked by the following issues:\n- #34\n- #35', refs: ['acme/shop#34', 'acme/shop#35'] },
  { body: '## Dependencies\n- Add the sources table (#36)\n- Login page: #37', refs: ['acme/shop#36', 'acme/shop#37'] },
  { body: '## Dependencies\n- #38 (blocked by #39 itself)', refs: ['acme/shop#38'] },
  { body: '### Dependencies\n\n_No response_', refs: [] },
  { body: 'Depends on:\n- #40\n\nSteps:\n- do #41 stuff', refs: ['acme/shop#40'] },
  { body: '## Dependencies\n- #42\n## Tasks\n- [ ] #43', refs: ['acme/shop#42'] },
  // not dependencies
  { body: 'Related to #5', refs: [] },
  { body: 'Relates to #5', refs: [] },
  { body: 'See #6', refs: [] },
  { body: 'Fixes #7', refs: [] },
  { body: 'Closes #8', refs: [] },
  { body: 'Resolves acme/shop#8', refs: [] },
  { body: 'duplicate of #9', refs: [] },
  { body: 'Part of #9', refs: [] },
  { body: 'Blocks #9', refs: [] },
  { body: 'Required by #9', refs: [] },
  { body: 'Needed by #9', refs: [] },
  { body: 'This is a prerequisite for #9', refs: [] },
  { body: 'Unblocks #9', refs: [] },
  { body: 'Write `Depends on #3` to declare one.', refs: [] },
  { body: '```\nBlocked by #3\n```', refs: [] },
  { body: '> blocked by #3', refs: [] },
  { body: '<code>depends on #3</code>', refs: [] },
  { body: 'does not depend on #3', refs: [] },
  { body: "doesn't depend on #3 any more", refs: [] },
  { body: 'no longer blocked by #4', refs: [] },
  { body: 'is not really blocked by #4', refs: [] },
  { body: "It doesn't need to wait for #4.", refs: [] },
  { body: 'Depends on ~~#5~~ #6', refs: ['acme/shop#6'] },
  { body: 'This broke after #5 was merged.', refs: [] },
  { body: 'Started failing right after #5', refs: [] },
  { body: '- [ ] #3 blocked by #5', refs: [] },
  { body: '| #3 | blocked by #5 |', refs: [] },
  { body: 'Note that #3 is blocked by #5 too.', refs: [] },
  // A relative clause is about the reference before it, not about this issue.
  { body: 'Blocked by #24 which needs #25 first.', refs: ['acme/shop#24'] },
  { body: '#5 depends on this one.', refs: [] },
  { body: 'Not only blocked by #5, this also needs #6', refs: ['acme/shop#5', 'acme/shop#6'] },
  { body: 'Blocked by Repository A #123', refs: [], warn: true },
  { body: 'Depends on #99999999999999999999999999', refs: [], warn: true },
  { body: 'Depends on #2147483648 and #2147483647', refs: ['acme/shop#2147483647'], warn: true },
  { body: 'Depends on #0', refs: [], warn: true },
];

describe('parseDependencies: what a maintainer reads as a dependency', () => {
  it.each(HUMAN)('$body', ({ body, refs, warn }) => {
    const parsed = parseDependencies(body, { repo: REPO });
    expect(parsed.references.map((r) => `${r.repo}#${r.number}`)).toEqual(refs);
    if (warn) expect(parsed.warnings.length).toBeGreaterThan(0);
    else expect(parsed.warnings).toEqual([]);
  });

  it('names an out-of-range number in its warning, shortened, never as 1e+26', () => {
    const nines = '9'.repeat(400);
    const parsed = parseDependencies(`Depends on #2147483648 and #${nines}`, { repo: REPO });
    expect(parsed.warnings[0]).toBe('#2147483648 is not an issue number (1 to 2147483647); ignored: "Depends on #2147483648 and #' + `${nines.slice(0, 131)}…"`);
    expect(parsed.warnings[1]).toMatch(/^#99999999999999999999… \(400 digits\) is not an issue number/);
  });
});

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

  it('warns about numbers no issue can have, naming the label', () => {
    const nines = '9'.repeat(400);
    const parsed = parseDependencyLabels([`depends:issue-${nines}`, 'depends:2147483648', 'depends:0', 'depends:2147483647'], { repo: REPO });
    expect(parsed.references.map((r) => r.number)).toEqual([2147483647]);
    expect(parsed.warnings).toHaveLength(3);
    expect(parsed.warnings[0]).toMatch(/^dependency label "depends:issue-9{145}…" is not an issue number \(1 to 2147483647\); ignored$/);
    expect(parsed.warnings[1]).toBe('dependency label "depends:2147483648" is not an issue number (1 to 2147483647); ignored');
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
