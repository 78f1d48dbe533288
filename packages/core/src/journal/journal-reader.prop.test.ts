import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { parseJournal } from './journal-reader.js';
import { encodeRecord } from './record-codec.js';
import type { JournalRecord } from './types.js';

const at = fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
// Full unicode, control characters and quotes included: the encoding must survive all of them.
const text = fc.string({ unit: 'binary', maxLength: 40 });
const taskId = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });

const body: fc.Arbitrary<Omit<JournalRecord, 'seq'>> = fc.oneof(
  fc.record({ t: fc.constant('run' as const), at, runId: taskId, resumed: fc.boolean() }),
  fc.record({
    t: fc.constant('intent' as const),
    at,
    runId: taskId,
    taskId,
    attempt: fc.integer({ min: 1, max: 5 }),
    idempotencyKey: fc.string({ minLength: 1 }),
    agent: text,
  }),
  fc.record({
    t: fc.constant('created' as const),
    at,
    runId: taskId,
    taskId,
    attempt: fc.integer({ min: 1, max: 5 }),
    idempotencyKey: fc.string({ minLength: 1 }),
    agentRunId: fc.oneof(fc.integer({ min: 1 }), fc.string({ minLength: 1 })),
  }),
  fc.record({ t: fc.constant('status' as const), at, runId: taskId, taskId, attempt: fc.integer({ min: 1, max: 5 }), status: text }),
  fc.record({
    t: fc.constant('result' as const),
    at,
    runId: taskId,
    result: fc.record({
      id: taskId,
      state: fc.constantFrom('done' as const, 'failed' as const, 'needs-input' as const),
      attempts: fc.integer({ min: 0, max: 5 }),
      pullRequests: fc.array(fc.record({ url: text }), { maxLength: 2 }),
      summary: text,
    }),
  }),
);

const header: JournalRecord = {
  seq: 1,
  at: '2025-01-01T00:00:00.000Z',
  t: 'header',
  format: 'pco-journal',
  version: 1,
  journalId: '00000000-0000-4000-8000-000000000000',
  fingerprint: 'f'.repeat(64),
};

const journal = fc.array(body, { maxLength: 25 }).map((bodies) => [
  header,
  ...bodies.map((item, index) => ({ ...item, seq: index + 2 }) as JournalRecord),
]);

function encode(records: readonly JournalRecord[]): { bytes: Buffer; lineEnds: number[] } {
  const lineEnds: number[] = [];
  const chunks: Buffer[] = [];
  let length = 0;
  for (const record of records) {
    const chunk = Buffer.from(encodeRecord(record), 'utf8');
    chunks.push(chunk);
    length += chunk.length;
    lineEnds.push(length);
  }
  return { bytes: Buffer.concat(chunks), lineEnds };
}

/** Garbage that ends the line before it: a newline, or CR LF (CR before LF is tolerated). */
function startsLine(garbage: Uint8Array): boolean {
  return garbage[0] === 0x0a || (garbage[0] === 0x0d && garbage[1] === 0x0a);
}

describe('parseJournal', () => {
  test.prop([journal])('round-trips every record exactly', (records) => {
    const parsed = parseJournal(encode(records).bytes);
    expect(parsed.records).toEqual(records);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.validLength).toBe(parsed.totalLength);
  });

  test.prop([journal, fc.nat(), fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.string({ minLength: 1 }).map((s) => Buffer.from(s)))], {
    numRuns: 400,
  })(
    'any prefix plus a garbage tail recovers exactly the committed records',
    (records, cutSeed, garbage) => {
      const { bytes, lineEnds } = encode(records);
      const cut = cutSeed % (bytes.length + 1);
      const file = Buffer.concat([bytes.subarray(0, cut), garbage]);
      // Committed = every line whose bytes, newline included, lie inside the prefix. The line the
      // cut falls into counts too when only its newline is missing and the garbage supplies one.
      let committed = lineEnds.filter((end) => end <= cut).length;
      if (committed < records.length && lineEnds[committed]! - 1 === cut && startsLine(garbage)) committed += 1;
      const parsed = parseJournal(file);
      expect(parsed.records).toEqual(records.slice(0, committed));
      const lastEnd = committed === 0 ? 0 : lineEnds[committed - 1]!;
      expect(parsed.validLength).toBe(lastEnd);
      // Nothing after the committed part is mistaken for a corrupt middle line.
      expect(parsed.warnings.every((warning) => warning.kind === 'torn-tail')).toBe(true);
    },
  );

  test.prop([journal, fc.nat()])('a prefix without garbage recovers every complete record', (records, cutSeed) => {
    const { bytes, lineEnds } = encode(records);
    const cut = cutSeed % (bytes.length + 1);
    const parsed = parseJournal(bytes.subarray(0, cut));
    // A line cut just before its newline is complete: it is recovered, and flagged for a newline.
    const complete = lineEnds.filter((end) => end <= cut + 1).length;
    expect(parsed.records).toEqual(records.slice(0, complete));
    expect(parsed.missingNewline).toBe(complete > 0 && lineEnds[complete - 1] === cut + 1);
  });

  test.prop([journal.filter((records) => records.length >= 3), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 })])(
    'a damaged middle line is skipped with a warning; every other record survives',
    (records, lineSeed, byteSeed, xor) => {
      const { bytes, lineEnds } = encode(records);
      const victim = 1 + (lineSeed % (records.length - 2)); // neither the header nor the last line
      const start = lineEnds[victim - 1]!;
      const end = lineEnds[victim]! - 1; // keep its newline
      const position = start + (byteSeed % (end - start));
      const damaged = Buffer.from(bytes);
      damaged[position] = damaged[position]! ^ xor;
      const parsed = parseJournal(damaged);
      expect(parsed.records).toEqual(records.filter((_, index) => index !== victim));
      expect(parsed.warnings.length).toBeGreaterThanOrEqual(1);
      expect(parsed.warnings.every((warning) => warning.kind === 'corrupt-line')).toBe(true);
    },
  );

  test.prop([journal.filter((records) => records.length >= 2), fc.nat()])('a replayed line is skipped', (records, seed) => {
    const { bytes, lineEnds } = encode(records);
    const index = seed % records.length;
    const line = bytes.subarray(index === 0 ? 0 : lineEnds[index - 1]!, lineEnds[index]!);
    const parsed = parseJournal(Buffer.concat([bytes, line]));
    expect(parsed.records).toEqual(records);
    expect(parsed.warnings.map((warning) => warning.kind)).toEqual(['torn-tail']);
  });
});
