import { decodeLine } from './record-codec.js';
import type { JournalRecord, JournalWarning } from './types.js';

/** What {@link parseJournal} recovered from a journal's bytes. */
export interface ParsedJournal {
  /** Every valid record, in order (strictly increasing `seq`). */
  readonly records: readonly JournalRecord[];
  /** Skipped lines, in order. */
  readonly warnings: readonly JournalWarning[];
  /**
   * Length in bytes of the committed part: everything up to and including the last valid line.
   * Bytes after it are a torn tail (a crash mid-write) that a writer cuts off before appending.
   */
  readonly validLength: number;
  /** Total length of the input. */
  readonly totalLength: number;
  /** True when the last valid line has no newline yet (written, but the newline was torn off). */
  readonly missingNewline: boolean;
}

const NEWLINE = 0x0a;

/**
 * Recovers the records of a journal. Never throws on bad content: corrupt lines in the middle are
 * skipped with a `corrupt-line` warning, invalid lines after the last valid record are a
 * `torn-tail`, and a record whose `seq` does not increase (a replayed line) is skipped.
 */
export function parseJournal(bytes: Uint8Array): ParsedJournal {
  const records: JournalRecord[] = [];
  const warnings: JournalWarning[] = [];
  // Rejected lines are held until we know whether a valid record follows them (corrupt middle)
  // or not (torn tail).
  let pending: JournalWarning[] = [];
  let validLength = 0;
  let missingNewline = false;
  let lastSeq = 0;
  let offset = 0;
  let line = 0;
  while (offset < bytes.length) {
    line += 1;
    const end = bytes.indexOf(NEWLINE, offset);
    const lineEnd = end === -1 ? bytes.length : end;
    const next = end === -1 ? bytes.length : end + 1;
    const content = bytes.subarray(offset, lineEnd);
    if (content.length === 0 || isBlank(content)) {
      // Blank lines are harmless (an editor, or a newline written after a torn line); trailing
      // ones are cut off with the tail.
      offset = next;
      continue;
    }
    const decoded = decodeLine(content);
    if (!decoded.ok) {
      pending.push({
        kind: 'corrupt-line',
        line,
        offset,
        message: `line ${line}: skipped (${decoded.detail})`,
      });
    } else if (decoded.record.seq <= lastSeq) {
      pending.push({
        kind: 'out-of-order',
        line,
        offset,
        message: `line ${line}: skipped (record #${decoded.record.seq} after #${lastSeq}: replayed or reordered)`,
      });
    } else {
      warnings.push(...pending);
      pending = [];
      records.push(decoded.record);
      lastSeq = decoded.record.seq;
      validLength = next;
      missingNewline = end === -1;
    }
    offset = next;
  }
  for (const warning of pending) {
    warnings.push({
      ...warning,
      kind: 'torn-tail',
      message: `${warning.message.replace(/^line \d+: skipped/, `line ${warning.line}: incomplete last write skipped`)}`,
    });
  }
  return { records, warnings, validLength, totalLength: bytes.length, missingNewline };
}

function isBlank(content: Uint8Array): boolean {
  for (const byte of content) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return true;
}
