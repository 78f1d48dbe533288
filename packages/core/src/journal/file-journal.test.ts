import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejectionOf } from '@pco/testkit/helpers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalEntry, TaskResult } from '@pco/contract';
import { JournalConfigMismatchError, JournalCorruptError, JournalLockedError } from './errors.js';
import { FileJournalWithFaultHook } from './fault-injection.js';
import { FileJournal, readJournal } from './file-journal.js';
import { parseJournal } from './journal-reader.js';

let dir: string;
let path: string;
const fingerprint = 'fingerprint-of-octo-app';
const T0 = Date.parse('2025-03-01T10:00:00.000Z');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pco-journal-'));
  path = join(dir, 'journal.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (resumed = false): JournalEntry => ({ type: 'run', runId: 'run-1', resumed, at: T0 });
const intent = (taskId: string, attempt = 1): JournalEntry => ({
  type: 'intent',
  runId: 'run-1',
  taskId,
  attempt,
  idempotencyKey: `run-1:${taskId}:${attempt}`,
  agent: 'agent-1',
  at: T0 + 1,
});
const created = (taskId: string, agentRunId: number, attempt = 1): JournalEntry => ({
  type: 'created',
  runId: 'run-1',
  taskId,
  attempt,
  idempotencyKey: `run-1:${taskId}:${attempt}`,
  agentRunId,
  webUrl: `https://codegen.com/agent/trace/${agentRunId}`,
  at: T0 + 2,
});
const done = (id: string, runId: number): TaskResult => ({
  id,
  state: 'done',
  attempts: 1,
  runId,
  pullRequests: [{ url: `https://github.com/octo/app/pull/${runId}`, number: runId }],
  summary: `did ${id}`,
  durationMs: 5,
});
const result = (value: TaskResult, detached?: boolean): JournalEntry => ({
  type: 'result',
  runId: 'run-1',
  result: value,
  ...(detached === undefined ? {} : { detached }),
  at: T0 + 3,
});

describe('FileJournal', () => {
  it('stores entries as checksummed JSONL after a header and loads them back exactly', async () => {
    const entries: JournalEntry[] = [
      run(),
      intent('a'),
      created('a', 7),
      { type: 'status', runId: 'run-1', taskId: 'a', attempt: 1, status: 'ACTIVE', at: T0 + 2 },
      { type: 'attempt-failed', runId: 'run-1', taskId: 'b', attempt: 1, error: '502 Bad Gateway', transient: true, at: T0 + 2 },
      result(done('a', 7)),
      result({ id: 'c', state: 'interrupted', attempts: 1, runId: 9, pullRequests: [] }, true),
    ];
    const journal = await FileJournal.open({ path, fingerprint });
    expect(journal.openReport.created).toBe(true);
    expect(await journal.load()).toEqual([]);
    for (const entry of entries) await journal.append(entry);
    await journal.close();

    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).t)).toEqual(['header', 'run', 'intent', 'created', 'status', 'attempt-failed', 'result', 'result']);
    expect(JSON.parse(lines[0]!)).toMatchObject({ seq: 1, format: 'pco-journal', version: 1, fingerprint });
    expect(JSON.parse(lines[2]!)).toMatchObject({ seq: 3, at: '2025-03-01T10:00:00.001Z', taskId: 'a', crc: expect.stringMatching(/^[0-9a-f]{8}$/) });

    const reopened = await FileJournal.open({ path, fingerprint });
    expect(reopened.openReport).toMatchObject({ created: false, warnings: [] });
    expect(await reopened.load()).toEqual(entries);
    await reopened.close();
    expect((await readJournal(path)).entries).toEqual(entries);
  });

  it('refuses a journal written for another configuration, with a typed error naming the file', async () => {
    await (await FileJournal.open({ path, fingerprint })).close();
    const other = 'fingerprint-of-octo-other';
    const error = await rejectionOf(FileJournal.open({ path, fingerprint: other }));
    expect(error).toBeInstanceOf(JournalConfigMismatchError);
    expect(error).toMatchObject({ code: 'JOURNAL_CONFIG_MISMATCH', path, expected: other, found: fingerprint });
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('another configuration');
    // The refusal released the lock: the right configuration can still open it.
    await (await FileJournal.open({ path, fingerprint })).close();
  });

  it('`fresh` keeps the old journal as a backup and starts a new one', async () => {
    const old = await FileJournal.open({ path, fingerprint });
    await old.append(run());
    await old.close();
    const fresh = await FileJournal.open({ path, fingerprint: 'other', mode: 'fresh' });
    expect(fresh.openReport.created).toBe(true);
    expect(fresh.openReport.backupPath).toMatch(/\.bak$/);
    expect(await fresh.load()).toEqual([]);
    await fresh.close();
    expect((await readJournal(fresh.openReport.backupPath!)).entries).toEqual([run()]);
  });

  it('cuts off a torn last line (saved aside first), then appends after the committed entries', async () => {
    const journal = await FileJournal.open({ path, fingerprint });
    await journal.append(intent('a'));
    await journal.close();
    await appendFile(path, '{"seq":3,"at":"2025-01-01T00:00:00.000Z","t":"created","taskId":"a","att');

    const reopened = await FileJournal.open({ path, fingerprint });
    expect(reopened.openReport.warnings.map((warning) => warning.kind)).toEqual(['torn-tail']);
    expect(await readFile(reopened.openReport.tornTailSavedTo!, 'utf8')).toContain('"att');
    expect(await reopened.load()).toEqual([intent('a')]);
    await reopened.append(created('a', 5));
    await reopened.close();

    const parsed = parseJournal(await readFile(path));
    expect(parsed.warnings).toEqual([]);
    expect(parsed.records.map((record) => [record.seq, record.t])).toEqual([
      [1, 'header'],
      [2, 'intent'],
      [3, 'created'],
    ]);
  });

  it('keeps a last line whose newline was torn off, and completes it', async () => {
    const journal = await FileJournal.open({ path, fingerprint });
    await journal.append(intent('a'));
    await journal.close();
    await writeFile(path, (await readFile(path, 'utf8')).slice(0, -1));
    const reopened = await FileJournal.open({ path, fingerprint });
    expect(await reopened.load()).toEqual([intent('a')]);
    await reopened.append(created('a', 5));
    await reopened.close();
    expect(parseJournal(await readFile(path)).records.map((record) => record.t)).toEqual(['header', 'intent', 'created']);
  });

  it('skips a corrupt middle line with a warning and keeps everything else', async () => {
    const journal = await FileJournal.open({ path, fingerprint });
    for (const entry of [intent('a'), created('a', 5), result(done('a', 5))]) await journal.append(entry);
    await journal.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[2] = lines[2]!.replace('"agentRunId":5', '"agentRunId":6'); // the checksum no longer matches
    await writeFile(path, lines.join('\n'));
    const reopened = await FileJournal.open({ path, fingerprint });
    expect(reopened.openReport.warnings).toEqual([expect.objectContaining({ kind: 'corrupt-line', line: 3 })]);
    expect(await reopened.load()).toEqual([intent('a'), result(done('a', 5))]);
    await reopened.close();
  });

  it('loads lines of an unknown (newer) entry type as they are, for the replay to ignore', async () => {
    const journal = await FileJournal.open({ path, fingerprint });
    await journal.append({ type: 'future-thing', detail: 1, at: T0 } as unknown as JournalEntry);
    await journal.close();
    const reopened = await FileJournal.open({ path, fingerprint });
    expect(await reopened.load()).toEqual([{ type: 'future-thing', detail: 1, at: T0 }]);
    await reopened.close();
  });

  it('starts over when only a torn header is there (crash while creating)', async () => {
    await writeFile(path, '{"seq":1,"at":"2025-01-01T00:00:00.000Z","t":"hea');
    const journal = await FileJournal.open({ path, fingerprint });
    expect(journal.openReport.created).toBe(true);
    expect(journal.openReport.tornTailSavedTo).toBeDefined();
    await journal.close();
    expect(parseJournal(await readFile(path)).records).toHaveLength(1);
  });

  it('refuses a file that is not a journal, and one whose header is gone, naming the problem', async () => {
    await writeFile(path, '{"results":[]}\n{"more":1}\n');
    const notJournal = await rejectionOf(FileJournal.open({ path, fingerprint }));
    expect(notJournal).toBeInstanceOf(JournalCorruptError);
    expect((notJournal as Error).message).toContain('not a pco journal');
    expect(await readFile(path, 'utf8')).toBe('{"results":[]}\n{"more":1}\n'); // untouched
    const good = join(dir, 'good.jsonl');
    const journal = await FileJournal.open({ path: good, fingerprint });
    await journal.append(intent('a'));
    await journal.close();
    const lines = (await readFile(good, 'utf8')).split('\n');
    await writeFile(good, ['garbage', ...lines.slice(1)].join('\n'));
    const error = await rejectionOf(FileJournal.open({ path: good, fingerprint }));
    expect(error).toBeInstanceOf(JournalCorruptError);
    expect((error as Error).message).toMatch(/header/);
  });

  it('lets a single writer in: a second open is refused until the first closes', async () => {
    const first = await FileJournal.open({ path, fingerprint });
    const error = await rejectionOf(FileJournal.open({ path, fingerprint }));
    expect(error).toBeInstanceOf(JournalLockedError);
    expect(error).toMatchObject({ code: 'JOURNAL_LOCKED', pid: process.pid });
    expect((error as Error).message).toContain(`${path}.lock`);
    await first.close();
    await (await FileJournal.open({ path, fingerprint })).close();
  });

  it('takes over the lock of a dead process, refuses one from another host', async () => {
    await writeFile(`${path}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, hostname: hostname(), startedAt: 'x' }));
    await (await FileJournal.open({ path, fingerprint })).close();
    expect(await readdir(dir)).not.toContain('journal.jsonl.lock');
    await writeFile(`${path}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, hostname: 'elsewhere', startedAt: 'x' }));
    const error = await rejectionOf(FileJournal.open({ path, fingerprint }));
    expect(error).toBeInstanceOf(JournalLockedError);
    expect((error as Error).message).toContain('on elsewhere');
  });

  it('never writes a secret, whatever field it turns up in', async () => {
    const token = 'sk-live-0123456789abcdef';
    const journal = await FileJournal.open({ path, fingerprint, secrets: [token] });
    await journal.append({ type: 'attempt-failed', runId: 'run-1', taskId: 'a', attempt: 1, error: `401 for Bearer ${token}`, transient: true, at: T0 });
    await journal.append(
      result({ id: 'a', state: 'failed', attempts: 1, pullRequests: [], error: `request with ${token} failed; ghp_abcdefghijklmnopqrstuvwxyz0123 too` }),
    );
    await journal.close();
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain(token);
    expect(text).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123');
    expect(text.match(/\[REDACTED\]/g)).toHaveLength(3);
    expect(parseJournal(Buffer.from(text)).warnings).toEqual([]);
  });

  it('group-commits concurrent appends in call order', async () => {
    const journal = await FileJournal.open({ path, fingerprint });
    const entries = Array.from({ length: 300 }, (_, index): JournalEntry => ({
      type: 'status',
      runId: 'run-1',
      taskId: `t${index % 7}`,
      attempt: 1,
      status: `S${index}`,
      at: T0 + index,
    }));
    await Promise.all(entries.map((entry) => journal.append(entry)));
    await journal.close();
    expect((await readJournal(path)).entries).toEqual(entries);
  });

  it('calls the fault hook around the commit points', async () => {
    const points: string[] = [];
    const journal = await FileJournalWithFaultHook.open({ path, fingerprint, faultHook: (point, entry) => points.push(`${point}:${entry?.type}`) });
    for (const entry of [run(), intent('a'), created('a', 1), result(done('a', 1))]) await journal.append(entry);
    await journal.close();
    expect(points).toEqual([
      'mid-write:undefined',
      'after-run:run',
      'mid-write:undefined',
      'after-intent:intent',
      'before-created:created',
      'mid-write:undefined',
      'after-created:created',
      'before-result:result',
      'mid-write:undefined',
      'after-result:result',
    ]);
    // Split writes still produce whole lines.
    expect((await readJournal(path)).entries).toHaveLength(4);
  });

  it('creates the journal folder when missing', async () => {
    const nested = join(dir, '.pco', 'deeper', 'journal.jsonl');
    await (await FileJournal.open({ path: nested, fingerprint })).close();
    expect((await readJournal(nested)).header.fingerprint).toBe(fingerprint);
  });

  it('refuses an entry it could not read back, instead of losing it on resume', async () => {
    const journal = await FileJournal.open({ path, fingerprint });
    const bad = { type: 'created', runId: 'run-1', taskId: 'a', attempt: 0, idempotencyKey: '', agentRunId: 1, at: T0 } as unknown as JournalEntry;
    await expect(journal.append(bad)).rejects.toMatchObject({ code: 'JOURNAL_INVALID_ENTRY', message: expect.stringContaining('attempt') });
    // Lenient where the replay does not care: unknown and null extras in a result are kept.
    const loose = result({ ...done('a', 1), summary: undefined, durationMs: Number.NaN, extra: { nested: true } } as unknown as TaskResult);
    await journal.append(loose);
    await journal.append(intent('b'));
    await journal.close();
    const { entries, warnings } = await readJournal(path);
    expect(warnings).toEqual([]);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ type: 'result', result: { id: 'a', durationMs: null, extra: { nested: true } } });
    expect(parseJournal(await readFile(path)).records.map((record) => record.seq)).toEqual([1, 2, 3]);
  });

  it('rejects appends after close', async () => {
    const journal = await FileJournal.open({ path, fingerprint });
    await journal.close();
    await expect(journal.append(run())).rejects.toMatchObject({ code: 'JOURNAL_IO' });
  });
});
