/**
 * Finds the dependencies an issue body or its labels declare (shared/research/github-api.md §5):
 * what a maintainer reading the issue takes as "this waits for that".
 *
 * Read: a keyword (`depends on`, `blocked by`, `requires`, `needs`, `after`, `waiting on`,
 * `prerequisite`, `once`, `until`, `stacked on`, …; any case, hyphen or underscore, emphasis,
 * optional colon) followed by references (`#N`, `GH-N`, `owner/repo#N`, `owner/repo/issues/N`,
 * issue/PR URLs, markdown links to them, `issue 45`) separated by commas, `and`, `or`, `&`, `/`,
 * brackets or further keywords (`Depends on (Blocked by #2 (Requires #3))`); list items under a
 * dependency heading (`## Dependencies`, `**Blocked by:**`, a line `Depends on:`), tasks lists
 * included. Ignored: code, quotes, HTML comments, struck-through text, `Related to` / `See` /
 * `Fixes` / `Closes` / `Duplicate of` and plain mentions, negated phrases ("does not depend on
 * #3", "no longer blocked by #4"), regressions ("broke after #5"), a phrase that describes another
 * item of a list ("- [ ] #3 blocked by #5"), and `- [ ] #N` checklists outside a dependency
 * section (tracking, not blocking). A phrase that names a dependency without a resolvable
 * reference, or with a number no issue can have, becomes a warning. Linear in the body.
 */
import { referenceLexer, type LexedReference } from './reference-lexer.js';
import { stripIgnoredMarkdown } from './strip-markdown.js';
import type { DependencyReference, ParsedDependencies } from './types.js';

export { stripIgnoredMarkdown } from './strip-markdown.js';

/**
 * Largest issue number GitHub can be asked for: `number` arguments are GraphQL `Int`, a signed
 * 32-bit integer (https://spec.graphql.org/October2021/#sec-Int); GitHub rejects a whole query
 * when one literal is out of range.
 */
export const MAX_ISSUE_NUMBER = 2 ** 31 - 1;

/** Whether `n` can be an issue or pull-request number (1 … 2³¹ − 1). */
export function isIssueNumber(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= MAX_ISSUE_NUMBER;
}

export interface ParseDependenciesOptions {
  /** `owner/repo` that bare `#N` references resolve against; without it they become warnings. */
  readonly repo?: string;
  /** Hosts whose issue URLs count as references (GitHub Enterprise). @default ['github.com'] */
  readonly hosts?: readonly string[];
}

/**
 * Keywords. `strong` ones name a dependency whatever follows (no reference: a warning); `weak`
 * ones are ordinary words that count only when a reference follows; `colon` ones count only
 * with a colon (`Blocked: #5`, `Dependencies: #5`).
 */
const KEYWORD_RE =
  /(?<![A-Za-z0-9-])(depends?[ \t_-]+(?:on|upon)|dependen(?:t|ce|cy|cies)[ \t]+(?:on|upon)|dependant[ \t]+on|blocked[ \t_-]+(?:by|on|until|behind)|waiting[ \t_-]+(?:on|for)|waits?[ \t]+(?:on|for)|awaiting|pending(?:[ \t]+on)?|requires?|needs?|after|once|until|pre-?requisites?|prereqs?|stacked[ \t]+on(?:[ \t]+top[ \t]+of)?|buil(?:ds|t)[ \t]+on(?:[ \t]+top[ \t]+of)?|blocked|blockers?|dependencies|dependency|deps|depends)(?![A-Za-z0-9-])/gi;
const STRONG = /^(?:depend|blocked (?:by|on)|waiting)/;
const KEYWORD_AT = new RegExp(KEYWORD_RE.source, 'iy');
const COLON_ONLY = /^(?:blocked|blockers?|dependencies|dependency|deps|depends)$/;

/** A heading (or bold line, or a line of just a keyword) that opens a list of dependencies. */
const HEADING_RE =
  /^\s{0,3}(?:#{1,6}\s+|[*_]{1,3}\s*)?[^\w#\s]{0,4}\s*(?:depends[ _-]on|dependencies|dependency|depend(?:s|ent)? upon|blocked[ _-](?:by|on)|blockers?|pre-?requisites?|prereqs?|requires|waiting (?:on|for)|upstream dependencies)\s*[*_]{0,3}\s*:?\s*[*_]{0,3}(?:\s*(?:\/|&|and|or|,)\s*[A-Za-z][A-Za-z -]{0,30}|\s*\([^)#]{0,60}\))?\s*:?\s*[^\w#\s]{0,4}\s*$/i;
/** Any other heading or `Label:` line ends a section. */
const OTHER_HEADING_RE = /^\s{0,3}(?:#{1,6}\s|(?:\*\*|__)[^*_]{1,80}(?:\*\*|__)\s*:?\s*$|[A-Z][A-Za-z /-]{0,40}:\s*$)/;
const NONE_RE = /^\s*[([]?\s*(?:none|nothing|n\/a|na|no dependencies|no blockers|nope|_?no response_?|-|—|–)\s*(?:yet|so far|for now)?\s*[)\].!]*\s*$/i;
const ITEM_RE = /^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?/;

/** Separators and filler words allowed between references of one list. */
const SEPARATOR_RE = /&amp;|[\s,;&*_[\]()+/|–—•·]|\b(?:and|or|as well as|plus|both|either|also|the|issues?|PRs?|pull requests?|tickets?|tasks?)\b/iy;
/** `issue 45`, `PR 45`, `pull request no. 45`: a bare number after such a word. */
const BARE_NUMBER_RE = /(?=\d)(?<=\b(?:issues?|PRs?|pull requests?|tickets?)[ \t]{1,3}(?:no\.?[ \t]?|number[ \t])?)(\d+)(?![\w-])/iy;

/** Negation in the last words of the clause before a keyword. */
const NEGATION_RE = /(?:\b(?:not|no|never|cannot|without|nor|no longer|none)\b|n't)(?!\s+only\b)(?:\s+[\w']+){0,3}\s*[*_]*\s*$/i;
/** "broke after #5", "regressed since … after #5": a regression report, not a dependency. */
const REGRESSION_RE = /\b(?:broke|broken|breaks|breaking|fail\w*|regress\w*|crash\w*|started|began|stopped|introduced|changed|happen\w*|occur\w*|appear\w*)\b(?:\s+[\w']+){0,3}\s*$/i;
/** "#5 is blocked by #6", "#5, which needs #6": in this issue's body, about #5. */
const ABOUT_REF_RE = /(?:#\d+|GH-\d+|\/(?:issues|pull)\/\d+)[)\]*_]*(?:\s+(?:(?:is|are|also|still|now|itself|too|was)\s+){0,2}|,?\s+(?:which|that|who)\s+(?:(?:is|are|also|still|now|too|was)\s+)?)$/i;
/** "#5 depends on this": the other direction, nothing to warn about. */
const PRONOUN_RE = /^\s*(?:this|it|that|us|them|me|these|those)\b/i;

/**
 * A line with its whitespace runs collapsed, or undefined when it is too long to be a heading or a
 * "none": the patterns that read those have adjacent optional parts, which must only ever see
 * short input.
 */
function compact(line: string): string | undefined {
  if (line.length > 600) return undefined;
  const c = line.replace(/\s+/g, ' ');
  return c.length <= 160 ? c : undefined;
}

function isNone(text: string): boolean {
  const c = compact(text);
  return c !== undefined && NONE_RE.test(c);
}

/** Longest quote of a body line kept in a reference's `text` and in warnings. */
const MAX_QUOTE = 160;

/**
 * One line as quoted in warnings: trimmed and cut to {@link MAX_QUOTE} characters, so a line with
 * thousands of references does not turn every warning about it into a copy of the whole line.
 */
function quote(line: string): string {
  const trimmed = line.length > 4 * MAX_QUOTE ? line.slice(0, 4 * MAX_QUOTE).trim() : line.trim();
  return trimmed.length <= MAX_QUOTE ? trimmed : `${trimmed.slice(0, MAX_QUOTE - 1)}…`;
}

/** The clause before a keyword: the last 80 characters, from the last punctuation on. */
function clauseBefore(line: string, index: number): string {
  const tail = line.slice(Math.max(0, index - 80), index);
  const cut = Math.max(tail.lastIndexOf('.'), tail.lastIndexOf(';'), tail.lastIndexOf(','), tail.lastIndexOf('!'), tail.lastIndexOf('?'), tail.lastIndexOf(':'));
  return cut >= 0 ? tail.slice(cut + 1) : tail;
}

/** Parses one body. Never throws; unresolvable phrases become warnings. */
export function parseDependencies(body: string | null | undefined, options: ParseDependenciesOptions = {}): ParsedDependencies {
  const references: DependencyReference[] = [];
  const warnings: string[] = [];
  if (!body) return { references, warnings };
  const lex = referenceLexer(options.hosts ?? ['github.com']);
  const seen = new Set<string>();
  const add = (ref: LexedReference, via: DependencyReference['via'], text: string) => {
    const number = ref.digits.length > 10 ? Number.NaN : Number(ref.digits);
    if (!isIssueNumber(number)) {
      warnings.push(`${ref.repo ?? ''}#${ref.digits.length > 24 ? `${ref.digits.slice(0, 20)}… (${ref.digits.length} digits)` : ref.digits} is not an issue number (1 to ${MAX_ISSUE_NUMBER}); ignored: "${text}"`);
      return;
    }
    const repo = ref.repo ?? options.repo;
    if (repo === undefined) {
      warnings.push(`bare reference #${number} cannot be resolved without a repository: "${text}"`);
      return;
    }
    const key = `${repo.toLowerCase()}#${number}`;
    if (seen.has(key)) return;
    seen.add(key);
    references.push({ repo, number, kind: ref.kind, via, text });
  };

  /**
   * Reads a reference list from `pos`: references, separators, filler words and nested keywords
   * (`(Blocked by #2 (Requires #3))`). Returns the references and where the list ends.
   */
  const readList = (text: string, pos: number, nested = true) => {
    const refs: LexedReference[] = [];
    let p = pos;
    let lastRefEnd = pos;
    while (p < text.length) {
      const lexed = lex(text, p);
      if (lexed) {
        refs.push(lexed.ref);
        p += lexed.length;
        lastRefEnd = p;
        continue;
      }
      BARE_NUMBER_RE.lastIndex = p;
      const bare = BARE_NUMBER_RE.exec(text);
      if (bare) {
        refs.push({ repo: undefined, digits: bare[1]!, kind: 'issue' });
        p += bare[0].length;
        lastRefEnd = p;
        continue;
      }
      SEPARATOR_RE.lastIndex = p;
      const sep = SEPARATOR_RE.exec(text);
      if (sep && sep[0].length > 0) {
        p += sep[0].length;
        continue;
      }
      if (!nested) break;
      KEYWORD_AT.lastIndex = p;
      const kw = KEYWORD_AT.exec(text);
      if (kw) {
        p += kw[0].length;
        if (text[p] === ':') p += 1;
        continue;
      }
      break;
    }
    // A list that ends in a separator (`#1, #2,`) continues on the next line.
    const trailing = text.slice(lastRefEnd, p);
    return { refs, end: p, open: refs.length > 0 && p >= text.length && /(?:,|\band|&|\bor)\s*$/i.test(trailing) };
  };

  type Section = 'heading' | 'keyword' | undefined;
  let section: Section;
  let itemsSeen = false;
  let continueList = false;
  for (const rawLine of stripIgnoredMarkdown(body).split('\n')) {
    const line = rawLine;
    const text = () => quote(line);
    if (continueList) {
      continueList = false;
      const list = readList(line, 0);
      if (list.refs.length > 0) {
        for (const r of list.refs) add(r, 'keyword', text());
        continueList = list.open;
        continue;
      }
    }
    const short = compact(line);
    if (short !== undefined && HEADING_RE.test(short)) {
      section = 'heading';
      itemsSeen = false;
      continue;
    }
    const item = ITEM_RE.exec(line);
    if (section !== undefined) {
      const blank = line.trim() === '';
      if (section === 'keyword' && ((blank && itemsSeen) || (!blank && !item && itemsSeen))) section = undefined;
      else if (!blank && !item && short !== undefined && OTHER_HEADING_RE.test(short)) section = undefined;
    }
    if (section !== undefined) {
      const content = item ? line.slice(item[0].length) : line;
      if (content.trim() === '') continue;
      itemsSeen = true;
      if (isNone(content)) continue;
      const list = readList(content, 0, false);
      if (list.refs.length > 0) {
        // Further references in the same item ("#3 (needs #2's API)") are explanations.
        for (const r of list.refs) add(r, 'section', text());
        continue;
      }
      if (item) {
        // "- Add the sources table (#12)": the reference after the title.
        const first = firstReference(content, lex, readList);
        if (first.length > 0) for (const r of first) add(r, 'section', text());
        else warnings.push(`dependency listed without a resolvable reference: "${text()}"`);
        continue;
      }
      // Plain prose inside the section: fall through to keyword parsing.
    }
    // "- [ ] #3 blocked by #5" or "| #3 | blocked by #5 |": the phrase is about #3, not this issue.
    const aboutOther = (item !== null && lex(line, item[0].length) !== undefined) || /^\s*\|\s*(?:\[[ xX]\]\s*)?[<[]?(?:#|https?:|[\w.-]+\/[\w.-]+#)/.test(line);
    let consumed = 0;
    KEYWORD_RE.lastIndex = 0;
    for (let m = KEYWORD_RE.exec(line); m; m = KEYWORD_RE.exec(line)) {
      if (m.index < consumed) continue;
      const keyword = m[1]!.toLowerCase().replace(/[\s_-]+/g, ' ');
      const before = clauseBefore(line, m.index);
      // "cannot start until #5 is merged" waits for #5 all the same.
      if (keyword !== 'until' && NEGATION_RE.test(before)) continue;
      if (keyword === 'after' && REGRESSION_RE.test(before)) continue;
      if (ABOUT_REF_RE.test(before)) continue;
      let pos = m.index + m[0].length;
      const colon = /[ \t]*(?:(?:\*\*|__|\*|_)[ \t]*)?:[ \t]*(?:\*\*|__|\*|_)?/y;
      colon.lastIndex = pos;
      const hasColon = colon.exec(line) !== null;
      if (hasColon) pos = colon.lastIndex;
      else if (COLON_ONLY.test(keyword)) continue;
      if (aboutOther) continue;
      const list = readList(line, pos);
      consumed = list.end;
      KEYWORD_RE.lastIndex = Math.max(m.index + m[0].length, list.end);
      if (list.refs.length > 0) {
        for (const r of list.refs) add(r, 'keyword', text());
        continueList = list.open;
        continue;
      }
      const rest = line.slice(pos, pos + 200);
      if (isNone(rest) || /^\s*(?:none|nothing|n\/a)\b/i.test(rest) || PRONOUN_RE.test(rest)) continue;
      const atLineStart = m.index < 16 && /^\s*(?:(?:[-*+]|\d{1,9}[.)])\s+)?[*_]{0,3}\s*$/.test(line.slice(0, m.index));
      // "Depends on:" / "Blocked by the following issues:" introduces a list.
      if (rest.trim() === '' || (rest.length < 80 && /^[^#]*:\s*[*_]{0,3}\s*$/.test(rest) && line.length - pos === rest.length)) {
        if (STRONG.test(keyword) || hasColon || COLON_ONLY.test(keyword) || atLineStart) {
          section = 'keyword';
          itemsSeen = false;
        }
        continue;
      }
      if (STRONG.test(keyword) || (hasColon && atLineStart)) {
        warnings.push(`dependency phrase without a resolvable reference: "${text()}"`);
      }
    }
  }
  return { references, warnings };
}

/** The first reference list anywhere in a section item. */
function firstReference(
  content: string,
  lex: ReturnType<typeof referenceLexer>,
  readList: (text: string, pos: number, nested: boolean) => { refs: LexedReference[] },
): LexedReference[] {
  for (let i = 0; i < content.length; i += 1) {
    const prev = i > 0 ? content.charCodeAt(i - 1) : 32;
    // Only at a word start, so "abc#1" and the middle of a URL are not read.
    if ((prev >= 48 && prev <= 57) || (prev >= 65 && prev <= 90) || (prev >= 97 && prev <= 122) || prev === 47) continue;
    if (lex(content, i)) return readList(content, i, false).refs;
  }
  return [];
}

/** Default label patterns: `depends:issue-12`, `depends:12`, `depends:#12`, `blocked-by:12`, and `owner/repo#12` forms. */
export const DEFAULT_DEPENDENCY_LABEL_PATTERNS: readonly RegExp[] = [
  /^depends:(?:issue-)?(.+)$/i,
  /^depends-on:(?:issue-)?(.+)$/i,
  /^blocked-by:(?:issue-)?(.+)$/i,
];

export interface ParseDependencyLabelsOptions {
  readonly repo?: string;
  /**
   * Patterns whose first capture group is the reference (`12`, `#12` or `owner/repo#12`).
   * @default DEFAULT_DEPENDENCY_LABEL_PATTERNS
   */
  readonly patterns?: readonly RegExp[];
}

/** Dependencies declared by labels. A label matching a pattern with a bad reference is a warning. */
export function parseDependencyLabels(labels: readonly string[], options: ParseDependencyLabelsOptions = {}): ParsedDependencies {
  const references: DependencyReference[] = [];
  const warnings: string[] = [];
  for (const label of labels) {
    for (const pattern of options.patterns ?? DEFAULT_DEPENDENCY_LABEL_PATTERNS) {
      const m = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(label);
      if (!m) continue;
      const ref = /^(?:([A-Za-z0-9][\w-]*\/[\w.-]+))?#?(\d+)$/.exec((m[1] ?? '').trim());
      const number = ref && ref[2]!.length <= 10 ? Number(ref[2]) : Number.NaN;
      if (!ref) {
        warnings.push(`dependency label "${quote(label)}" does not name an issue number`);
      } else if (!isIssueNumber(number)) {
        warnings.push(`dependency label "${quote(label)}" is not an issue number (1 to ${MAX_ISSUE_NUMBER}); ignored`);
      } else {
        const repo = ref[1] ?? options.repo;
        if (repo === undefined) warnings.push(`dependency label "${quote(label)}" cannot be resolved without a repository`);
        else references.push({ repo, number, kind: 'issue', via: 'label', text: label });
      }
      break;
    }
  }
  return { references, warnings };
}
