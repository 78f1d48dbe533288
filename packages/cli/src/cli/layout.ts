/**
 * Fitting terminal lines into a width: the caller offers layouts from the richest to the barest,
 * the first that fits is used. Widths ignore escape sequences, so pieces may be styled.
 */

import stringWidth from 'string-width';

// eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** User-perceived characters: a flag, a family emoji or an accented letter is one. */
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** `text` without its escape sequences (colors, cursor moves). */
export function stripStyles(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Columns `text` takes in a terminal: escape sequences take none, East Asian wide characters
 * (CJK) and most emoji two, combining marks none (string-width, as log-update measures).
 */
export function visibleWidth(text: string): number {
  return stringWidth(text);
}

/** `text` on one line, cut to `width` columns with a trailing `…` when it is longer. */
export function fitText(text: string, width: number): string {
  return cut(text.replace(/\s+/g, ' ').trim(), width);
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

/**
 * `text` (plain, one line) cut to `width` columns with a trailing `…`, spacing kept; never
 * splits a character (a wide one that would straddle the edge is left out whole).
 */
export function cut(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = stringWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out.trimEnd()}…`;
}
