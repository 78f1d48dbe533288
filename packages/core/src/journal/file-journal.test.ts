import { mkdtemp, readdir, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskResult } from '../types.js';
import { configFingerprint } from './config-fingerprint.js';
import { JournalConfigMismatchError, JournalCorruptError, JournalLockedError } from './errors.js';
import { FileJournal, readJournalState } from './file-journal.js';
import { parseJournal } from './journal-reader.js';

let dir: string;
let path: string;
const fingerprint = configFingerprint({ github: { owner: 'octo', repos: ['app'] }, codegen: { orgId: 1 } });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pco-journal-'));
  path = join(dir, 'journal.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function done(id: string, runId: number, attempts = 1): TaskResult {
  return { id, state: 'done', attempts, runId, pullRequests: [{ url: `https://github.com/octo/app/pull/${runId}` }], summary: `did ${id}` };
}

describe('FileJournal', () => {
  it('creates a journal with a header, appends records and reads them back', async () => {
    const journal = await FileJournal.open({ path, fingerprint });
    expect(journal.openReport.created).toBe(true);
    await journal.beginSession('run-1', false);
    await journal.recordTasks([{ id: 'a', title: 'A' }, { id: 'b', title: 'B', dependencies: ['a'] }], 'set');
    const key = await journal.recordIntent('a', 1);
    await journal.recordRun('a', 1, { runId: 7, key, via: 'created', webUrl: 'https://codegen.com/agent/trace/7' });
    await journal.recordStatus('a', 1, { agentStatus: 'ACTIVE' });
    await journal.recordResult(done('a', 7));
    await journal.close();

    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).t)).toEqual(['header', 'session', 'tasks', 'intent', 'run', 'status', 'result']);
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'pco-journal', version: 1, fingerprint });

    const state = await readJournalState(path);
    expect(state.tasks.get('a')).toMatchObject({ state: 'done', attempts: 1, agentStatus: 'ACTIVE' });
    expect(state.tasks.get('b')).toMatchObject({ state: 'pending', attempts: 0 });
    expect(state.unfinishedSession).toBe(true);
  });

  it('gives every attempt a stable key, different per task, attempt and journal', async () => {
    const one = await FileJournal.open({ path, fingerprint });
    const two = await FileJournal.open({ path: join(dir, 'other.jsonl'), fingerprint });
    expect(one.idempotencyKey('a', 1)).toBe(one.idempotencyKey('a', 1));
    expect(one.idempotencyKey('a', 1)).not.toBe(one.idempotencyKey('a', 2));
    expect(one.idempotencyKey('a', 1)).not.toBe(one.idempotencyKey('b', 1));
    expect(one.idempotencyKey('a', 1)).not.toBe(two.idempotencyKey('a', 1));
    const key = one.idempotencyKey('a', 1);
    await one.close();
    await two.close();
    const again = await FileJournal.open({ path, fingerprint });
    expect(again.idempotencyKey('a', 1)).toBe(key);
    await again.close();
  });

  it('refuses a journal written for another configuration, with a typed error naming both', async () => {
    const journal = await FileJournal.open({ path, fingerprint });
    await journal.close();
    const other = configFingerprint({ github: { owner: 'octo', repos: ['other'] }, codegen: { orgId: 1 } });
    const error = await FileJournal.open({ path, fingerprint: other }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JournalConfigMismatchError);
    expect((error as JournalConfigMismatchError).code).toBe('JOURNAL_CONFIG_MISMATCH');
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('another configuration');
    // The refusal released the lock: the right configuration can open it.
    await (await FileJournal.open({ path, fingerprint })).close();
  });

  it('fingerprints ignore secrets and key order', () => {
    expect(configFingerprint({ a: 1, b: { token: 'x', c: 2 } })).toBe(configFingerprint({ b: { c: 2, token: 'y' }, a: 1 }));
    expect(configFingerprint({ a: 1 })).not.toBe(configFingerprint({ a: 2 }));
  });

  it('`fresh` keeps the old journal as a backup and starts a new one', async () => {
    const old = await FileJournal.open({ path, fingerprint });
    await old.recordResult(done('a', 1));
    await old.close();
    const fresh = await FileJournal.open({ path, fingerprint: 'other', mode: 'fresh' });
    expect(fresh.openReport.created).toBe(true);
    expect(fresh.openReport.backupPath).toMatch(/\.bak$/);
    expect(fresh.state.tasks.size).toBe(0);
    await fresh.close();
    const backup = await readJournalState(fresh.openReport.backupPath!);
    expect(backup.tasks.get('a')?.state).toBe('done');
  });

  it('cuts off a torn last line (saved aside first), then appends after the committed records', async () => {
    const journal = await FileJournal.open({ path, fingerprint });
    await journal.recordIntent('a', 1);
    await journal.close();
    await appendFile(path, '{"seq":3,"at":"2025-01-01T00:00:00.000Z","t":"run","task":"a","att');

    const reopened = await FileJournal.open({ path, fingerprint });
    expect(reopened.openReport.warnings.map((warning) => warning.kind)).toEqual(['torn-tail']);
    expect(reopened.openReport.tornTailSavedTo).toBeDefined();
    expect(await readFile(reopened.openReport.tornTailSavedTo!, 'utf8')).toContain('"att');
    await reopened.recordRun('a', 1, { runId: 5 });
    await reopened.close();

    const parsed = parseJournal(await readFile(path));
    expect(parsed.warnings).toEqual([]);
    expect(parsed.records.map((record) => [record.seq, record.t])).toEqual([
      [1, 'header'],
      [2, 'intent'],
      [3, 'run'],
    ]);
  });

  it('completes a last line whose newline was torn off instead of losing it', async () => {
    const journal = await FileJournal.open({ path, fingerprint });
    await journal.recordIntent('a', 1);
    await journal.close();
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.slice(0, -1));
    const reopened = await FileJournal.open({ path, fingerprint });
    expect(reopened.state.tasks.get('a')?.attemptLog.get(1)?.key).toBeDefined();
    await reopened.recordRun('a', 1, { runId: 5 });
    await reopened.close();
    expect(parseJournal(await readFile(path)).records.map((record) => record.t)).toEqual(['header', 'intent', 'run']);
  });

  it('skips a corrupt middle line with a warning and keeps everything else', async () => {
    const journal = await FileJournal.open({ path, fingerprint });
    await journal.recordIntent('a', 1);
    await journal.recordRun('a', 1, { runId: 5 });
    await journal.recordResult(done('a', 5));
    await journal.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[2] = lines[2]!.replace('"runId":5', '"runId":6'); // checksum no longer matches
    await writeFile(path, lines.join('\n'));
    const reopened = await FileJournal.open({ path, fingerprint });
    expect(reopened.openReport.warnings).toEqual([expect.objectContaining({ kind: 'corrupt-line', line: 3 })]);
    expect(reopened.state.tasks.get('a')?.state).toBe('done');
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

  it('refuses a file that is not a journal, and one whose header is gone', async () => {
    await writeFile(path, '{"results":[]}\n{"more":1}\n');
    await expect(FileJournal.open({ path, fingerprint })).rejects.toBeInstanceOf(JournalCorruptError);
    const good = join(dir, 'good.jsonl');
    const journal = await FileJournal.open({ path: good, fingerprint });
    await journal.recordIntent('a', 1);
    await journal.close();
    const lines = (await readFile(good, 'utf8')).split('\n');
    await writeFile(good, ['garbage', ...lines.slice(1)].join('\n'));
    const error = await FileJournal.open({ path: good, fingerprint }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JournalCorruptError);
    expect((error as Error).message).toMatch(/header/);
  });

  it('lets a single writer in: a second open is refused until the first closes', async () => {
    const first = await FileJournal.open({ path, fingerprint });
    const error = await FileJournal.open({ path, fingerprint }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JournalLockedError);
    expect((error as JournalLockedError).pid).toBe(process.pid);
    expect((error as Error).message).toContain(`${path}.lock`);
    await first.close();
    await (await FileJournal.open({ path, fingerprint })).close();
  });

  it('takes over the lock of a dead process', async () => {
    await writeFile(`${path}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, hostname: (await import('node:os')).hostname(), startedAt: 'x' }));
    const journal = await FileJournal.open({ path, fingerprint });
    await journal.close();
    expect(await readdir(dir)).not.toContain('journal.jsonl.lock');
  });

  it('never writes a secret, whatever field it turns up in', async () => {
    const token = 'sk-live-0123456789abcdef';
    const journal = await FileJournal.open({ path, fingerprint, secrets: [token] });
    await journal.recordStatus('a', 1, { state: 'retrying', reason: `401 for Bearer ${token}` });
    await journal.recordResult({
      id: 'a',
      state: 'failed',
      attempts: 1,
      pullRequests: [],
      error: `request with ${token} failed; also ghp_abcdefghijklmnopqrstuvwxyz0123 leaked`,
    });
    await journal.close();
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain(token);
    expect(text).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123');
    expect(text).toContain('[REDACTED]');
    expect(parseJournal(Buffer.from(text)).warnings).toEqual([]);
  });

  it('group-commits concurrent appends in order', async () => {
    const journal = await FileJournal.open({ path, fingerprint });
    await Promise.all(Array.from({ length: 200 }, (_, index) => journal.recordStatus(`t${index % 7}`, 1, { agentStatus: `S${index}` })));
    await journal.close();
    const parsed = parseJournal(await readFile(path));
    expect(parsed.records).toHaveLength(201);
    expect(parsed.records.map((record) => record.seq)).toEqual(Array.from({ length: 201 }, (_, index) => index + 1));
  });

  it('rejects appends after close', async () => {
    const journal = await FileJournal.open({ path, fingerprint });
    await journal.close();
    await expect(journal.recordIntent('a', 1)).rejects.toMatchObject({ code: 'JOURNAL_IO' });
  });
});
