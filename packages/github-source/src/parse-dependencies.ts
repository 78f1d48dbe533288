/**
 * Finds the dependencies an issue body or its labels declare (shared/research/github-api.md §5).
 *
 * Accepted: a keyword (`depends on`, `depends-on`, `blocked by`, `blocked-by`, `requires`,
 * `needs`, `after`; any case, optional colon) followed by one or more references (`#N`,
 * `owner/repo#N`, `github.com/owner/repo#N`, issue/PR URLs, markdown links to them) separated by
 * commas, `and`, `&`, spaces or brackets; and list items under a `Depends on` / `Dependencies` /
 * `Blocked by` heading (or a line that is only such a keyword). Ignored: fenced and inline code,
 * quoted replies, HTML comments, `Refs` / `Closes` / `Fixes` and plain mentions, negated phrases
 * ("not blocked by #3"), and `- [ ] #N` checklists outside a dependency section (tracking, not
 * blocking). A phrase that names a dependency without a resolvable reference becomes a warning.
 */
import type { DependencyReference, ParsedDependencies } from './types.js';

export interface ParseDependenciesOptions {
  /** `owner/repo` that bare `#N` references resolve against; without it they become warnings. */
  readonly repo?: string;
  /** Hosts whose issue URLs count as references (GitHub Enterprise). @default ['github.com'] */
  readonly hosts?: readonly string[];
}

const STRONG_KEYWORDS = ['depends on', 'depends-on', 'depends upon', 'blocked by', 'blocked-by', 'blocked on'];
const WEAK_KEYWORDS = ['requires', 'needs', 'after'];
const KEYWORD_RE = /(?<![\w-])(depends[ \t]+on|depends-on|depends[ \t]+upon|blocked[ \t]+by|blocked-by|blocked[ \t]+on|requires|needs|after)(?![\w-])/gi;
const NEGATION_RE = /(?:\bnot|\bno longer|n't|\bnever|\bno)\s*$/i;
const HEADING_RE = /^\s{0,3}(?:#{1,6}\s*|\*\*|__)?\s*(depends on|depends-on|dependencies|dependency|blocked by|blocked-by|blockers|prerequisites|requires)\s*:?\s*(?:\*\*|__)?\s*:?\s*$/i;
const NONE_RE = /^\s*[([]?\s*(none|nothing|n\/a|no dependencies|-|—)\s*[)\].!]*\s*$/i;

const OWNER = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})';
const REPO = '[A-Za-z0-9._-]+?';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Lexed {
  readonly ref?: { repo: string | undefined; number: number; kind: 'issue' | 'pull' };
  readonly length: number;
}

/**
 * Builds the reference lexer: at a position, returns the reference starting there (and its length).
 */
function referenceLexer(hosts: readonly string[]) {
  const host = `(?:https?://)?(?:www\\.)?(?:${hosts.map(escapeRe).join('|')})`;
  const url = `${host}/(${OWNER})/(${REPO})/(issues|pull|pulls)/(\\d+)(?:[/#?][^\\s)\\]>,;]*)?`;
  const hostShort = `${host}/(${OWNER})/(${REPO})#(\\d+)`;
  const patterns: { re: RegExp; map: (m: RegExpExecArray) => Lexed['ref'] }[] = [
    // Markdown link whose target is an issue URL: [text](url)
    {
      re: new RegExp(`\\[[^\\]\\n]*\\]\\(<?(?:${url})>?(?:\\s+"[^"]*")?\\)`, 'y'),
      map: (m) => ({ repo: `${m[1]}/${m[2]}`, number: Number(m[4]), kind: m[3] === 'issues' ? 'issue' : 'pull' }),
    },
    { re: new RegExp(`<?${url}>?`, 'y'), map: (m) => ({ repo: `${m[1]}/${m[2]}`, number: Number(m[4]), kind: m[3] === 'issues' ? 'issue' : 'pull' }) },
    { re: new RegExp(`${hostShort}(?!\\w)`, 'y'), map: (m) => ({ repo: `${m[1]}/${m[2]}`, number: Number(m[3]), kind: 'issue' }) },
    { re: new RegExp(`(${OWNER})/(${REPO})#(\\d+)(?!\\w)`, 'y'), map: (m) => ({ repo: `${m[1]}/${m[2]}`, number: Number(m[3]), kind: 'issue' }) },
    // Markdown link whose text is a reference and whose target is not a URL we know: [#12](...)
    { re: /\[#(\d+)\]\([^)\s]*\)/y, map: (m) => ({ repo: undefined, number: Number(m[1]), kind: 'issue' }) },
    { re: /#(\d+)(?!\w)/y, map: (m) => ({ repo: undefined, number: Number(m[1]), kind: 'issue' }) },
  ];
  return (text: string, pos: number): Lexed | undefined => {
    for (const p of patterns) {
      p.re.lastIndex = pos;
      const m = p.re.exec(text);
      if (m) return { ref: p.map(m), length: m[0].length };
    }
    return undefined;
  };
}

/** Separators allowed between references of one list. */
const SEPARATOR_RE = /[\s,;&*_[\]()+]|\band\b|\bor\b/y;

/** Removes code, quoted replies and HTML comments; keeps `[tasklist]` blocks (they are markdown). */
export function stripIgnoredMarkdown(body: string): string {
  const lines = body.replace(/\r\n?/g, '\n').replace(/<!--[\s\S]*?-->/g, '').split('\n');
  const out: string[] = [];
  let fence: { marker: string; keep: boolean } | undefined;
  for (const line of lines) {
    const f = /^\s{0,3}(`{3,}|~{3,})\s*([^`]*)$/.exec(line);
    if (fence) {
      if (f && f[1]!.startsWith(fence.marker) && (f[2] ?? '').trim() === '') {
        fence = undefined;
        out.push('');
      } else out.push(fence.keep ? line : '');
      continue;
    }
    if (f) {
      fence = { marker: f[1]!, keep: /^\[tasklist\]/i.test((f[2] ?? '').trim()) };
      out.push('');
      continue;
    }
    if (/^\s{0,3}>/.test(line)) {
      out.push('');
      continue;
    }
    // Inline code spans (one or more backticks, matched in pairs).
    out.push(line.replace(/(`+)[\s\S]*?\1/g, ' '));
  }
  return out.join('\n');
}

/** Longest quote of a body line kept in a reference's `text` and in warnings. */
const MAX_QUOTE = 160;

/**
 * One line as quoted in warnings: trimmed and cut to {@link MAX_QUOTE} characters, so a line with
 * thousands of references does not turn every warning about it into a copy of the whole line.
 */
function quote(line: string): string {
  const trimmed = line.trim();
  return trimmed.length <= MAX_QUOTE ? trimmed : `${trimmed.slice(0, MAX_QUOTE - 1)}…`;
}

/** Parses one body. Never throws; unresolvable phrases become warnings. */
export function parseDependencies(body: string | null | undefined, options: ParseDependenciesOptions = {}): ParsedDependencies {
  const references: DependencyReference[] = [];
  const warnings: string[] = [];
  if (!body) return { references, warnings };
  const lex = referenceLexer(options.hosts ?? ['github.com']);
  const seen = new Set<string>();
  const add = (ref: NonNullable<Lexed['ref']>, via: DependencyReference['via'], line: string) => {
    const repo = ref.repo ?? options.repo;
    if (repo === undefined) {
      warnings.push(`bare reference #${ref.number} cannot be resolved without a repository: "${quote(line)}"`);
      return;
    }
    const key = `${repo.toLowerCase()}#${ref.number}`;
    if (seen.has(key)) return;
    seen.add(key);
    references.push({ repo, number: ref.number, kind: ref.kind, via, text: quote(line) });
  };
  /** Reads a reference list starting at `pos`; returns the references found. */
  const readList = (text: string, pos: number) => {
    const refs: NonNullable<Lexed['ref']>[] = [];
    let p = pos;
    for (;;) {
      // Try a reference before each separator token, so `[#3](url)` is read as one link.
      const lexed = lex(text, p);
      if (lexed?.ref) {
        refs.push(lexed.ref);
        p += lexed.length;
        continue;
      }
      SEPARATOR_RE.lastIndex = p;
      const sep = SEPARATOR_RE.exec(text);
      if (!sep || sep[0].length === 0) break;
      p += sep[0].length;
    }
    return refs;
  };

  let inSection = false;
  for (const line of stripIgnoredMarkdown(body).split('\n')) {
    if (HEADING_RE.test(line)) {
      inSection = true;
      continue;
    }
    if (/^\s{0,3}#{1,6}\s/.test(line) || /^\s{0,3}(\*\*|__)[^*_]+(\*\*|__)\s*:?\s*$/.test(line)) {
      inSection = false; // another heading ends the section
    }
    if (inSection) {
      const item = /^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(.*)$/.exec(line);
      const content = item ? item[1]! : line;
      if (content.trim() === '' || NONE_RE.test(content)) continue;
      const refs = readList(content, 0);
      if (refs.length > 0) {
        for (const r of refs) add(r, 'section', line);
        // Further references later in the same item ("#3 (needs #2's API)") are explanations.
        continue;
      }
      if (item) {
        warnings.push(`dependency listed without a resolvable reference: "${quote(line)}"`);
        continue;
      }
      // Plain prose inside the section: fall through to keyword parsing.
    }
    KEYWORD_RE.lastIndex = 0;
    for (let m = KEYWORD_RE.exec(line); m; m = KEYWORD_RE.exec(line)) {
      const keyword = m[1]!.toLowerCase().replace(/\s+/g, ' ');
      const before = line.slice(0, m.index);
      if (NEGATION_RE.test(before)) continue;
      let pos = m.index + m[0].length;
      const colon = /^\s*(\*\*|__)?\s*:\s*(\*\*|__)?/.exec(line.slice(pos));
      if (colon) pos += colon[0].length;
      const refs = readList(line, pos);
      if (refs.length > 0) {
        for (const r of refs) add(r, 'keyword', line);
        continue;
      }
      const rest = line.slice(pos);
      if (NONE_RE.test(rest) || /^\s*(none|nothing|n\/a)\b/i.test(rest)) continue;
      const strong = STRONG_KEYWORDS.includes(keyword);
      const weak = WEAK_KEYWORDS.includes(keyword);
      const atLineStart = /^\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*$/.test(before);
      if (rest.trim() === '' && atLineStart) {
        // "Depends on:" alone on a line introduces a list.
        inSection = true;
        continue;
      }
      if (strong || (weak && colon !== null && atLineStart)) {
        warnings.push(`dependency phrase without a resolvable reference: "${quote(line)}"`);
      }
    }
  }
  return { references, warnings };
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
      if (!ref) {
        warnings.push(`dependency label "${label}" does not name an issue number`);
      } else {
        const repo = ref[1] ?? options.repo;
        if (repo === undefined) warnings.push(`dependency label "${label}" cannot be resolved without a repository`);
        else references.push({ repo, number: Number(ref[2]), kind: 'issue', via: 'label', text: label });
      }
      break;
    }
  }
  return { references, warnings };
}
