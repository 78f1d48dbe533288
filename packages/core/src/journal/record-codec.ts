import { crc32 } from 'node:zlib';
import * as v from 'valibot';
import { knownRecordSchema, type JournalRecord } from './types.js';

/**
 * One journal line is the record's JSON with a CRC-32 of that JSON appended as its last member:
 * `{"seq":3,"at":"…","t":"intent",…,"crc":"1a2b3c4d"}\n`. The line stays plain JSON (jq, grep
 * and editors read it), and a torn write, a bit flip or a line glued onto garbage fails the check
 * instead of being half-believed.
 */
const CRC_SUFFIX = /,"crc":"([0-9a-f]{8})"\}$/;

function crcHex(text: string): string {
  return crc32(text).toString(16).padStart(8, '0');
}

/** Encodes a record as one journal line, newline included. */
export function encodeRecord(record: JournalRecord): string {
  const json = JSON.stringify(record);
  return `${json.slice(0, -1)},"crc":"${crcHex(json)}"}\n`;
}

/** Why a line was rejected. */
export type DecodeFailure = 'encoding' | 'checksum' | 'json' | 'shape';

export type DecodeResult =
  | { readonly ok: true; readonly record: JournalRecord }
  | { readonly ok: false; readonly reason: DecodeFailure; readonly detail: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const KNOWN_TYPES = new Set<string>(knownRecordSchema.options.map((option) => option.entries.t.literal));

/** A record of a type this version does not know: only the envelope is checked. */
const unknownRecordSchema = v.looseObject({
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  at: v.pipe(v.string(), v.minLength(1)),
  t: v.pipe(v.string(), v.minLength(1)),
});

function typeOf(value: unknown): string {
  const type = typeof value === 'object' && value !== null ? (value as { t?: unknown }).t : undefined;
  return typeof type === 'string' ? type : '';
}

/**
 * Checks a record about to be written against the schema it will be read back with, so an entry
 * the reader would skip is refused at write time instead of being lost on resume. Returns the
 * problem (`path: message`), or undefined when the record is fine.
 */
export function recordProblem(record: JournalRecord): string | undefined {
  if (!KNOWN_TYPES.has(record.t)) return undefined;
  const parsed = v.safeParse(knownRecordSchema, record);
  if (parsed.success) return undefined;
  const issue = parsed.issues[0];
  return `${(issue && v.getDotPath(issue)) ?? 'record'}: ${issue?.message ?? 'invalid'}`;
}

/** Decodes one line (without its newline). Never throws. */
export function decodeLine(bytes: Uint8Array): DecodeResult {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, reason: 'encoding', detail: 'not valid UTF-8' };
  }
  if (text.endsWith('\r')) text = text.slice(0, -1);
  const match = CRC_SUFFIX.exec(text);
  if (!match) return { ok: false, reason: 'checksum', detail: 'no checksum (incomplete or foreign line)' };
  const json = `${text.slice(0, match.index)}}`;
  if (crcHex(json) !== match[1]) return { ok: false, reason: 'checksum', detail: 'checksum mismatch' };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, reason: 'json', detail: error instanceof Error ? error.message : String(error) };
  }
  const parsed = v.safeParse(KNOWN_TYPES.has(typeOf(value)) ? knownRecordSchema : unknownRecordSchema, value);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue ? v.getDotPath(issue) : null;
    return { ok: false, reason: 'shape', detail: `${path ?? 'record'}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, record: parsed.output as JournalRecord };
}
