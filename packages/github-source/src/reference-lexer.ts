/**
 * Reads one issue reference at a position of a line: `#N`, `GH-N`, `owner/repo#N`,
 * `owner/repo/issues/N`, issue and pull-request URLs (with or without scheme), `<url>`
 * autolinks and markdown links to them. Numbers are kept as digit strings until checked, so
 * `#99999999999999999999999999` is reported as what it is, not as `1e+26`.
 */

/** A reference as written: `repo` undefined for `#N` (the issue's own repository). */
export interface LexedReference {
  readonly repo: string | undefined;
  readonly digits: string;
  readonly kind: 'issue' | 'pull';
}

export interface Lexed {
  readonly ref: LexedReference;
  readonly length: number;
}

const OWNER = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})';
const REPO = '[A-Za-z0-9._-]{1,100}?';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Builds the lexer for these hosts: `lex(text, pos)` returns the reference starting at `pos`. */
export function referenceLexer(hosts: readonly string[]): (text: string, pos: number) => Lexed | undefined {
  const host = `(?:https?://)?(?:www\\.)?(?:${hosts.map(escapeRe).join('|')})`;
  const path = `(${OWNER})/(${REPO})/(issues|pull|pulls)/(\\d+)`;
  const url = `${host}/${path}(?:[/#?][^\\s)\\]>,;]*)?`;
  const kindOf = (k: string | undefined): 'issue' | 'pull' => (k === 'issues' ? 'issue' : 'pull');
  const patterns: { re: RegExp; map: (m: RegExpExecArray) => LexedReference }[] = [
    // Markdown link whose target is an issue URL: [text](url "title")
    {
      re: new RegExp(`\\[[^\\]\\n]{0,300}\\]\\(<?(?:${url})>?(?:\\s+"[^"\\n]{0,300}")?\\)`, 'y'),
      map: (m) => ({ repo: `${m[1]}/${m[2]}`, digits: m[4]!, kind: kindOf(m[3]) }),
    },
    { re: new RegExp(`<?${url}>?`, 'y'), map: (m) => ({ repo: `${m[1]}/${m[2]}`, digits: m[4]!, kind: kindOf(m[3]) }) },
    { re: new RegExp(`${host}/(${OWNER})/(${REPO})#(\\d+)(?![\\w-])`, 'y'), map: (m) => ({ repo: `${m[1]}/${m[2]}`, digits: m[3]!, kind: 'issue' }) },
    // owner/repo/issues/N without a host (the path part of a URL).
    { re: new RegExp(`${path}(?![\\w-])`, 'y'), map: (m) => ({ repo: `${m[1]}/${m[2]}`, digits: m[4]!, kind: kindOf(m[3]) }) },
    { re: new RegExp(`(${OWNER})/(${REPO})#(\\d+)(?![\\w-])`, 'y'), map: (m) => ({ repo: `${m[1]}/${m[2]}`, digits: m[3]!, kind: 'issue' }) },
    // Markdown link whose text is a reference and whose target is not a URL we know: [#12](...)
    { re: /\[#(\d+)\]\([^)\s]{0,500}\)/y, map: (m) => ({ repo: undefined, digits: m[1]!, kind: 'issue' }) },
    { re: /#(\d+)(?![\w-])/y, map: (m) => ({ repo: undefined, digits: m[1]!, kind: 'issue' }) },
    // GH-45 / GH#45: GitHub's own short form (https://docs.github.com/en/get-started/writing-on-github/working-with-advanced-formatting/autolinked-references-and-urls).
    { re: /GH[-#](\d+)(?![\w-])/iy, map: (m) => ({ repo: undefined, digits: m[1]!, kind: 'issue' }) },
  ];
  return (text, pos) => {
    const c = text.charCodeAt(pos);
    // Every form starts with one of: [ < # letter digit (a cheap filter before eight regexes).
    if (!(c === 91 || c === 60 || c === 35 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return undefined;
    for (const p of patterns) {
      p.re.lastIndex = pos;
      const m = p.re.exec(text);
      if (m) return { ref: p.map(m), length: m[0].length };
    }
    return undefined;
  };
}
