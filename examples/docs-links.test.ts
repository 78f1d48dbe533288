/**
 * The docs hold together: every relative Markdown link in README.md and docs/*.md points at a
 * file (or folder) that exists, and every docs/*.md is linked from the README or another doc.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const docsDir = path.join(root, 'docs');
const docs = readdirSync(docsDir)
  .filter((name) => name.endsWith('.md'))
  .map((name) => path.join(docsDir, name));
const files = [path.join(root, 'README.md'), ...docs];

interface Link {
  readonly from: string;
  readonly line: number;
  readonly target: string;
  /** Absolute path the link resolves to (without `#anchor` or `?query`). */
  readonly resolved: string;
}

/** Fenced code blocks and inline code spans are not links. */
function stripCode(text: string): string {
  return text
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ' '))
    .replace(/`[^`\n]*`/g, (span) => ' '.repeat(span.length));
}

/** Relative links of one Markdown file: inline `[text](target)` / `![alt](target)` and `[ref]: target` definitions. */
function relativeLinks(file: string, markdown = readFileSync(file, 'utf8')): Link[] {
  const text = stripCode(markdown);
  const links: Link[] = [];
  const patterns = [/!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, /^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const target = match[1]!;
      // Absolute URLs (http:, mailto:, …), protocol-relative links and same-page anchors are not files.
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//') || target.startsWith('#')) continue;
      const pathPart = decodeURIComponent(target.replace(/[#?].*$/, ''));
      const resolved = pathPart.startsWith('/') ? path.join(root, pathPart) : path.resolve(path.dirname(file), pathPart);
      const line = text.slice(0, match.index).split('\n').length;
      links.push({ from: path.relative(root, file), line, target, resolved });
    }
  }
  return links;
}

const links = files.flatMap((file) => relativeLinks(file));

describe('docs links', () => {
  it('finds the README, the docs and their links', () => {
    expect(existsSync(path.join(root, 'README.md'))).toBe(true);
    expect(docs.length).toBeGreaterThan(0);
    expect(links.length).toBeGreaterThan(docs.length);
  });

  it('every relative link in README.md and docs/*.md points at an existing file', () => {
    const broken = links.filter((link) => !existsSync(link.resolved)).map((link) => `${link.from}:${link.line}: ${link.target}`);
    expect(broken).toEqual([]);
  });

  it('every docs/*.md is linked from README.md or another doc', () => {
    const orphans = docs.filter((doc) => !links.some((link) => link.resolved === doc && path.join(root, link.from) !== doc));
    expect(orphans.map((doc) => path.relative(root, doc))).toEqual([]);
  });

  it('the link scanner skips code and external links, and resolves against the linking file', () => {
    const sample = [
      '[a](cli.md#pco-run) `[b](not-a-link.md)` ![img](../img/x.png "t")',
      '```md',
      '[c](also-not.md)',
      '```',
      '[d](https://example.com) [e](#top) [g](mailto:x@example.com)',
      '[f]: ./ref.md "title"',
    ].join('\n');
    const found = relativeLinks(path.join(docsDir, 'sample.md'), sample);
    expect(found.map((link) => [link.target, path.relative(root, link.resolved), link.line])).toEqual([
      ['cli.md#pco-run', path.join('docs', 'cli.md'), 1],
      ['../img/x.png', path.join('img', 'x.png'), 1],
      ['./ref.md', path.join('docs', 'ref.md'), 6],
    ]);
  });
});
