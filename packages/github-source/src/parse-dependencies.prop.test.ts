import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { parseDependencies } from './parse-dependencies.js';

const REPO = 'acme/shop';
const numbers = fc.uniqueArray(fc.integer({ min: 1, max: 99_999 }), { minLength: 1, maxLength: 6 });
const keyword = fc.constantFrom('Depends on', 'depends-on:', 'Blocked by', 'blocked-by:', 'Requires', 'Needs:', 'After', 'DEPENDS ON');
const separator = fc.constantFrom(', ', ' and ', ' ', ' & ', ',');
const reference = fc.oneof(
  fc.constant((n: number) => `#${n}`),
  fc.constant((n: number) => `${REPO}#${n}`),
  fc.constant((n: number) => `https://github.com/${REPO}/issues/${n}`),
  fc.constant((n: number) => `[#${n}](https://github.com/${REPO}/issues/${n})`),
);
/** Prose without keywords, references or markdown that could start a section. */
const prose = fc.stringMatching(/^[a-z ,.]{0,40}$/).filter((s) => !/depends|blocked|requires|needs|after/.test(s));

describe('parseDependencies properties', () => {
  test.prop([keyword, numbers, separator, reference, prose])('finds exactly the listed references, in order', (kw, ns, sep, ref, tail) => {
    const body = `${kw} ${ns.map(ref).join(sep)}${tail ? `. ${tail}` : ''}`;
    const parsed = parseDependencies(body, { repo: REPO });
    expect(parsed.references.map((r) => r.number)).toEqual(ns);
    expect(parsed.warnings).toEqual([]);
  });

  test.prop([keyword, numbers, prose])('ignores everything inside fenced code and quotes', (kw, ns, text) => {
    const phrase = `${kw} ${ns.map((n) => `#${n}`).join(', ')}`;
    const body = `${text}\n\n\`\`\`\n${phrase}\n\`\`\`\n> ${phrase}\n\`${phrase}\``;
    expect(parseDependencies(body, { repo: REPO })).toEqual({ references: [], warnings: [] });
  });

  test.prop([fc.string({ maxLength: 400 })])('never throws on arbitrary text', (body) => {
    const parsed = parseDependencies(body, { repo: REPO });
    for (const r of parsed.references) expect(Number.isInteger(r.number)).toBe(true);
  });

  test.prop([numbers, prose])('plain mentions and closing keywords are never dependencies', (ns, text) => {
    const body = `${text} see ${ns.map((n) => `#${n}`).join(', ')}. Refs #${ns[0]}. Fixes #${ns[0]}, closes ${REPO}#${ns[0]}.`;
    expect(parseDependencies(body, { repo: REPO }).references).toEqual([]);
  });
});

/** Tokens of the parser's vocabulary: keywords, references, markdown and separators. */
const token = fc.constantFrom(
  'Depends on', 'depends-on:', 'Blocked by', 'blocked', 'Requires', 'needs', 'after', 'until', 'waiting on', 'Prerequisites:', 'not', "doesn't",
  'no longer', 'GH-', 'gh#', '#', '#1', '#2147483648', '#99999999999999999999', 'issue', 'PR', 'acme/shop', 'a/b/issues/', '/pull/', 'https://github.com/',
  '[', ']', '(', ')', '<', '>', '`', '``', '~~', '<!--', '-->', '**', '_', ':', ',', ' and ', ' & ', '/', '|', ' ', '  ', '\t', '\n', '\n- ', '\n- [ ] ',
  '\n## Dependencies\n', '\n> ', '\n```\n', 'none', '12', '0',
);
/** Long bodies from that vocabulary (up to ~6,000 tokens). */
const vocabularyBody = fc.array(token, { minLength: 1, maxLength: 6000 }).map((ts) => ts.join(''));

/** Repetitions that make backtracking patterns blow up (n is the repetition count). */
const ADVERSARIAL: readonly ((n: number) => string)[] = [
  (n) => 'Depends on '.repeat(n),
  (n) => `Depends on ${'('.repeat(n)}#1`,
  (n) => '``x`'.repeat(n),
  (n) => '<!-- '.repeat(n),
  (n) => '~~a'.repeat(n),
  (n) => `Depends on ${'a/'.repeat(n)}#1`,
  (n) => `Depends on a/${'b'.repeat(n)}`,
  (n) => `Dependencies${' '.repeat(n)}x`,
  (n) => `Depends on${' '.repeat(n)}issue${' '.repeat(n)}1`,
  (n) => `${'not '.repeat(n)}blocked by #1`,
  (n) => `Depends on ${'[#1'.repeat(n)}`,
  (n) => `## Dependencies\n${'- none      x\n'.repeat(n / 10)}`,
  (n) => `Depends on ${Array.from({ length: n / 4 }, (_, i) => `#${i + 1}`).join(', ')}`,
];

describe('parseDependencies on long hostile input', () => {
  test.prop([vocabularyBody], { numRuns: 60 })('never throws and only returns issue numbers GitHub can hold', (body) => {
    const parsed = parseDependencies(body, { repo: REPO });
    for (const r of parsed.references) {
      expect(Number.isInteger(r.number)).toBe(true);
      expect(r.number).toBeGreaterThanOrEqual(1);
      expect(r.number).toBeLessThanOrEqual(2 ** 31 - 1);
      expect(r.text.length).toBeLessThanOrEqual(160);
    }
  });

  // Each of these made an earlier version backtrack (quadratic or worse); at this size such a
  // version does not finish within the test's timeout, a linear one takes milliseconds.
  test.prop([fc.constantFrom(...ADVERSARIAL), fc.integer({ min: 20_000, max: 40_000 })], { numRuns: 20 })('reads adversarial repetitions in one pass', (make, n) => {
    expect(() => parseDependencies(make(n), { repo: REPO })).not.toThrow();
  });
});
