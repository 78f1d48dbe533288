/**
 * Fitting terminal lines into a width: the caller offers layouts from the richest to the barest,
 * the first that fits is used. Widths ignore escape sequences, so pieces may be styled.
 */

// eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** `text` without its escape sequences (colors, cursor moves). */
export function stripStyles(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Columns `text` takes: escape sequences count 0, every other code point 1 (the symbols the
 * view uses, ✔ ✖ ↷ ▶ ↻ ◷ ■ █ ▒ ░ …, are one column wide).
 */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

/** `text` on one line, cut to `width` columns with a trailing `…` when it is longer. */
export function fitText(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  if (chars.length <= width) return flat;
  if (width <= 0) return '';
  return `${chars.slice(0, width - 1).join('').trimEnd()}…`;
}

/** Heads shorter than this are dropped rather than cut to a stub. */
const MIN_HEAD = 8;

/**
 * An error message cut to `width` keeping its cause. Messages read `<what failed>: <why>`
 * (`Codegen createAgentRun (POST /v1/…) failed: 429 Too Many Requests`): the part after the first
 * `: ` is what a person needs (the 429), so the part before it is shortened first, then dropped
 * (`…: 429 Too Many…`), and only then is the cause itself cut at its end.
 */
export function shortenCause(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (visibleWidth(flat) <= width) return flat;
  const split = flat.indexOf(': ');
  if (split <= 0 || width < 6) return fitText(flat, width);
  const head = flat.slice(0, split);
  const cause = flat.slice(split + 2);
  const causeWidth = visibleWidth(cause);
  if (causeWidth + 2 + MIN_HEAD <= width) return `${fitText(head, width - causeWidth - 2)}: ${cause}`;
  return `…: ${shortenCause(cause, width - 3)}`;
}

/**
 * The first layout (pieces joined by `separator`) that fits in `width` columns; when none does,
 * the last one without its styles, cut at `width` (a cut must not leave an escape sequence open).
 * Pieces may be styled: escape sequences take no room.
 */
export function firstFitting(layouts: readonly (readonly string[])[], width: number, separator = ''): string {
  for (const layout of layouts) {
    const line = layout.join(separator);
    if (visibleWidth(line) <= width) return line;
  }
  return cut((layouts.at(-1) ?? []).join(separator).replace(ANSI, ''), width);
}

/** `text` (plain, one line) cut to `width` columns with a trailing `…`, spacing kept. */
export function cut(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 0 ? '' : `${chars.slice(0, width - 1).join('').trimEnd()}…`;
}
