/**
 * Removes the parts of an issue body that a reader does not take as the author's own statements:
 * fenced code, inline code (`<code>` too), quoted replies, HTML comments and struck-through text
 * (`~~#5~~` is a dependency the author crossed out). `[tasklist]` blocks are kept: they are
 * markdown. Every step is a linear scan (no backtracking regular expression over the whole body):
 * issue text is written by strangers.
 */

/** Removes code, quoted replies, HTML comments and struck-through text; keeps `[tasklist]` blocks. */
export function stripIgnoredMarkdown(body: string): string {
  const lines = removeHtmlComments(body.replace(/\r\n?/g, '\n')).split('\n');
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
    out.push(removeStrikethrough(removeCodeSpans(line).replace(/<code>[^<]*<\/code>/gi, ' ')));
  }
  return out.join('\n');
}

/** `<!-- … -->`; an unclosed comment hides the rest of the body, as GitHub renders it. */
function removeHtmlComments(text: string): string {
  let out = '';
  let pos = 0;
  for (;;) {
    const open = text.indexOf('<!--', pos);
    if (open < 0) return out + text.slice(pos);
    out += text.slice(pos, open);
    const close = text.indexOf('-->', open + 4);
    if (close < 0) return out;
    // Keep the line structure, so quoted lines still name the right line.
    out += text.slice(open, close + 3).replace(/[^\n]/g, '');
    pos = close + 3;
  }
}

/**
 * Inline code spans: a run of N backticks opens a span closed by the next run of exactly N
 * (CommonMark §6.1). One pass collects the runs, a second pairs them: linear in the line.
 */
function removeCodeSpans(line: string): string {
  if (!line.includes('`')) return line;
  const runs: { start: number; end: number }[] = [];
  for (let i = 0; i < line.length; ) {
    if (line[i] !== '`') {
      i += 1;
      continue;
    }
    let j = i;
    while (j < line.length && line[j] === '`') j += 1;
    runs.push({ start: i, end: j });
    i = j;
  }
  // For each run, the index of the next run of the same length.
  const nextSame = new Array<number>(runs.length).fill(-1);
  const lastByLength = new Map<number, number>();
  for (let k = runs.length - 1; k >= 0; k -= 1) {
    const len = runs[k]!.end - runs[k]!.start;
    nextSame[k] = lastByLength.get(len) ?? -1;
    lastByLength.set(len, k);
  }
  let out = '';
  let pos = 0;
  for (let k = 0; k < runs.length; k += 1) {
    const run = runs[k]!;
    if (run.start < pos) continue;
    const close = nextSame[k]!;
    if (close < 0) continue; // unmatched: literal backticks
    out += `${line.slice(pos, run.start)} `;
    pos = runs[close]!.end;
  }
  return out + line.slice(pos);
}

/** `~~struck through~~` (GitHub Flavored Markdown). */
function removeStrikethrough(line: string): string {
  if (!line.includes('~~')) return line;
  let out = '';
  let pos = 0;
  for (;;) {
    const open = line.indexOf('~~', pos);
    if (open < 0) return out + line.slice(pos);
    const close = line.indexOf('~~', open + 2);
    if (close < 0) return out + line.slice(pos);
    out += `${line.slice(pos, open)} `;
    pos = close + 2;
  }
}
