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
