import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { JournalEntry } from '@pco/contract';
import { FileJournal, readJournal } from './file-journal.js';
import { parseJournal } from './journal-reader.js';

let dir: string;
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pco-journal-prop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const text = fc.string({ unit: 'binary', maxLength: 30 });
const entry: fc.Arbitrary<JournalEntry> = fc.oneof(
  fc.record({ type: fc.constant('intent' as const), runId: fc.constant('r'), taskId: fc.string({ minLength: 1, maxLength: 8 }), attempt: fc.integer({ min: 1, max: 4 }), idempotencyKey: fc.string({ minLength: 1, maxLength: 12 }), agent: text, at: fc.integer({ min: 0, max: 2 ** 42 }) }),
  fc.record({ type: fc.constant('status' as const), runId: fc.constant('r'), taskId: fc.string({ minLength: 1, maxLength: 8 }), attempt: fc.integer({ min: 1, max: 4 }), status: text, at: fc.integer({ min: 0, max: 2 ** 42 }) }),
  fc.record({
    type: fc.constant('result' as const),
    runId: fc.constant('r'),
    result: fc.record({ id: fc.string({ minLength: 1, maxLength: 8 }), state: fc.constantFrom('done' as const, 'failed' as const), attempts: fc.integer({ min: 1, max: 4 }), pullRequests: fc.constant([]), summary: text }),
    at: fc.integer({ min: 0, max: 2 ** 42 }),
  }),
);

describe('FileJournal across a torn write', () => {
  test.prop([fc.array(entry, { minLength: 1, maxLength: 15 }), fc.nat(), fc.uint8Array({ maxLength: 80 }), fc.array(entry, { maxLength: 5 })], { numRuns: 60 })(
    'reopening after any cut plus garbage loads exactly the committed entries, and appends after them',
    async (entries, cutSeed, garbage, more) => {
      const path = join(dir, `j${counter++}.jsonl`);
      const journal = await FileJournal.open({ path, fingerprint: 'fp', sync: false });
      for (const item of entries) await journal.append(item);
      await journal.close();
      const bytes = await readFile(path);
      const lineEnds: number[] = [];
      for (let i = 0; i < bytes.length; i += 1) if (bytes[i] === 0x0a) lineEnds.push(i + 1);
      // Cut anywhere after the header, then a crash's garbage (no line break first: a torn line).
      const cut = lineEnds[0]! + (cutSeed % (bytes.length - lineEnds[0]! + 1));
      let skip = 0;
      while (garbage[skip] === 0x0a || garbage[skip] === 0x0d) skip += 1;
      const tail = garbage.subarray(skip);
      await writeFile(path, Buffer.concat([bytes.subarray(0, cut), tail]));
      let committed = lineEnds.filter((end) => end <= cut).length - 1; // minus the header
      if (tail.length === 0 && lineEnds.includes(cut + 1)) committed += 1; // only the newline lost

      const reopened = await FileJournal.open({ path, fingerprint: 'fp', sync: false });
      expect(await reopened.load()).toEqual(entries.slice(0, committed));
      for (const item of more) await reopened.append(item);
      await reopened.close();
      const after = await readJournal(path);
      expect(after.warnings).toEqual([]);
      expect(after.entries).toEqual([...entries.slice(0, committed), ...more]);
      expect(parseJournal(await readFile(path)).validLength).toBe((await readFile(path)).length);
    },
  );
});
