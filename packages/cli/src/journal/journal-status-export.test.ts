import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from '@pco/testkit/helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEntry } from '@pco/contract';
import { CSV_COLUMNS, FileJournal, toCSV } from '@pco/core';
import { exportJournal } from './journal-export.js';
import { formatJournalStatus, journalStatus, statusOfEntries } from './journal-status.js';

let dir: string;
let path: string;

const T0 = Date.parse('2025-03-01T10:00:00.000Z');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pco-journal-status-'));
  path = join(dir, 'journal.jsonl');
  const journal = await FileJournal.open({ path, fingerprint: 'fp' });
  const entries: JournalEntry[] = [
    { type: 'run', runId: 'r1', resumed: false, at: T0 },
    { type: 'intent', runId: 'r1', taskId: 'octo/app#1', attempt: 1, idempotencyKey: 'r1:octo/app#1:1', agent: 'agent-1', at: T0 },
    { type: 'created', runId: 'r1', taskId: 'octo/app#1', attempt: 1, idempotencyKey: 'r1:octo/app#1:1', agentRunId: 11, webUrl: 'https://codegen.com/agent/trace/11', at: T0 },
    {
      type: 'result',
      runId: 'r1',
      result: {
        id: 'octo/app#1',
        state: 'done',
        attempts: 1,
        agent: 'agent-1',
        runId: 11,
        pullRequests: [{ url: 'https://github.com/octo/app/pull/5', number: 5 }],
        summary: '=cmd|/c calc',
        durationMs: 1234,
      },
      at: T0,
    },
    { type: 'intent', runId: 'r1', taskId: 'octo/app#3', attempt: 1, idempotencyKey: 'r1:octo/app#3:1', agent: 'agent-2', at: T0 },
    { type: 'created', runId: 'r1', taskId: 'octo/app#3', attempt: 1, idempotencyKey: 'r1:octo/app#3:1', agentRunId: 12, at: T0 },
    { type: 'status', runId: 'r1', taskId: 'octo/app#3', attempt: 1, status: 'ACTIVE', at: T0 },
    { type: 'intent', runId: 'r1', taskId: 'octo/app#2', attempt: 1, idempotencyKey: 'r1:octo/app#2:1', agent: 'agent-3', at: T0 },
    { type: 'intent', runId: 'r1', taskId: 'octo/app#4', attempt: 1, idempotencyKey: 'r1:octo/app#4:1', agent: 'agent-4', at: T0 },
    { type: 'attempt-failed', runId: 'r1', taskId: 'octo/app#4', attempt: 1, error: '502', transient: true, at: T0 },
    {
      type: 'result',
      runId: 'r1',
      result: { id: 'octo/app#5', state: 'failed', attempts: 2, pullRequests: [], error: 'Fix "quotes", commas,\nand newlines' },
      at: T0,
    },
  ];
  for (const entry of entries) await journal.append(entry);
  await journal.close();
  // A crash mid-write left a torn line: status and export still read the journal.
  await appendFile(path, '{"seq":99,"t":"res');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('journalStatus', () => {
  it('reports counts, what a resume would do, and the torn line', async () => {
    const report = await journalStatus(path);
    expect(report).toMatchObject({ runId: 'r1', sessions: 1, total: 5, unfinished: true, lockedBy: undefined });
    expect(report.counts).toMatchObject({ done: 1, failed: 1, running: 2, retrying: 1 });
    expect(report.resume).toEqual({ finished: 1, reattach: 1, lookup: 1, rerun: 2, held: 0 });
    expect(report.warnings).toHaveLength(1);
    expect(report.tasks.find((task) => task.id === 'octo/app#3')).toMatchObject({ agentStatus: 'ACTIVE', agentRunId: 12, resume: 'reattach' });
    expect(report.tasks.find((task) => task.id === 'octo/app#2')).toMatchObject({ state: 'running', resume: 'lookup' });

    const text = formatJournalStatus(report);
    expect(text).toContain('Tasks: 5 (running 2, retrying 1, done 1, failed 1)');
    expect(text).toContain('re-attaches 1 live run(s), looks up 1 by idempotency key before creating, and runs 2 again');
    expect(text).toMatch(/octo\/app#3\s+running\s+attempt 1\s+agent ACTIVE\s+run 12/);
    expect(text).toMatch(/octo\/app#5\s+failed\s+attempt 2\s+error: Fix "quotes", commas, and newlines/);
    expect(text).not.toMatch(/octo\/app#1 /); // done tasks are listed only with tasks: 'all'
    expect(text).toContain('1 journal line(s) skipped');
    expect(formatJournalStatus(report, { tasks: 'all' })).toContain('https://github.com/octo/app/pull/5');
  });

  it('shows who holds the lock while a run is writing', async () => {
    const other = join(dir, 'live.jsonl');
    const journal = await FileJournal.open({ path: other, fingerprint: 'fp' });
    const report = await journalStatus(other);
    expect(report.lockedBy).toMatchObject({ pid: process.pid, process: 'alive' });
    expect(report.total).toBe(0);
    expect(formatJournalStatus(report)).toContain(`locked by pid ${process.pid} on ${hostname()}`);
    expect(formatJournalStatus(report)).toContain('a run is in progress');
    await journal.close();
    // A lock left by a killed process.
    await writeFile(`${other}.lock`, JSON.stringify({ pid: 2 ** 22 + 4321, hostname: hostname(), startedAt: '2025-03-01T10:00:00.000Z' }));
    const stale = await journalStatus(other);
    expect(stale.lockedBy).toMatchObject({ process: 'dead' });
    expect(formatJournalStatus(stale)).toContain('the next `pco run` takes the lock over and resumes');
  });
});

describe('policy skips in pco status', () => {
  const header = { journalId: 'j1', at: '2025-03-01T10:00:00.000Z', fingerprint: 'fp' } as Parameters<typeof statusOfEntries>[1];
  const result = (id: string, extra: Record<string, unknown>): JournalEntry => ({
    type: 'result',
    runId: 'r1',
    result: { id, state: 'skipped', attempts: 0, pullRequests: [], ...extra },
    at: T0,
  });
  const done: JournalEntry = { type: 'result', runId: 'r1', result: { id: 'o/a#1', state: 'done', attempts: 1, pullRequests: [] }, at: T0 };
  const held = [
    result('o/a#2', { error: 'o/a#2 was opened by mallory (NONE), who is not trusted to give agents work', skipReason: 'untrusted', policySkip: true }),
    result('o/a#3', { error: 'Dependency o/a#2 was skipped.', skippedBecause: 'o/a#2', skipReason: 'dependency-skipped', policySkip: true }),
  ];

  it('are not unfinished work: held, not rerun, and said so', () => {
    const report = statusOfEntries('j.jsonl', header, [{ type: 'run', runId: 'r1', resumed: false, at: T0 }, done, ...held]);
    expect(report.unfinished).toBe(false);
    expect(report.resume).toEqual({ finished: 1, reattach: 0, lookup: 0, rerun: 0, held: 2 });
    expect(report.tasks.find((task) => task.id === 'o/a#2')).toMatchObject({ state: 'skipped', resume: 'held', skipReason: 'untrusted' });
    const text = formatJournalStatus(report);
    expect(text).toContain('Every task allowed to run is done; 2 held back by policy (untrusted author or open external blocker): not unfinished work.');
    expect(text).not.toContain('Unfinished');
    expect(text).toMatch(/o\/a#2\s+skipped\s+held back by policy \(untrusted\)/);
  });

  it('a skip behind a failure is still unfinished, and the policy skips are told apart', () => {
    const failed: JournalEntry = { type: 'result', runId: 'r1', result: { id: 'o/a#4', state: 'failed', attempts: 1, pullRequests: [], error: 'boom' }, at: T0 };
    const blocked = result('o/a#5', { error: 'Dependency o/a#4 failed.', skippedBecause: 'o/a#4', skipReason: 'dependency-failed' });
    const report = statusOfEntries('j.jsonl', header, [done, ...held, failed, blocked]);
    expect(report.unfinished).toBe(true);
    expect(report.resume).toMatchObject({ rerun: 2, held: 2 });
    const text = formatJournalStatus(report);
    expect(text).toContain('and runs 2 again.');
    expect(text).toContain('Besides, 2 held back by policy');
  });
});

describe('exportJournal', () => {
  it('writes every task as JSON, final results included', async () => {
    const output = join(dir, 'results.json');
    const { count } = await exportJournal(path, { format: 'json', output, now: () => T0 });
    expect(count).toBe(5);
    const document = JSON.parse(await readFile(output, 'utf8'));
    expect(document).toMatchObject({
      format: 'pco-results',
      version: 1,
      runId: 'r1',
      exportedAt: '2025-03-01T10:00:00.000Z',
      counts: { done: 1, running: 2, retrying: 1, failed: 1 },
    });
    expect(document.results.map((r: { id: string }) => r.id)).toEqual(['octo/app#1', 'octo/app#3', 'octo/app#2', 'octo/app#4', 'octo/app#5']);
    expect(document.results[0]).toMatchObject({ id: 'octo/app#1', state: 'done', runId: 11, pullRequests: [{ url: 'https://github.com/octo/app/pull/5', number: 5 }] });
    expect(document.results[1]).toMatchObject({ id: 'octo/app#3', state: 'running', runId: 12, agent: 'agent-2' });
  });

  it('writes CSV that a strict parser reads back, formulas neutralised', async () => {
    const { text } = await exportJournal(path, { format: 'csv' });
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([
      'id', 'state', 'attempts', 'agent', 'runId', 'webUrl', 'pullRequests', 'summary', 'error', 'skippedBecause', 'startedAt', 'endedAt', 'durationMs',
      // Added last, so readers that go by position keep working.
      'skipReason', 'policySkip', 'landingState', 'landedAt', 'reactions',
    ]);
    expect(rows).toHaveLength(6);
    expect(rows[1]!.slice(0, 5)).toEqual(['octo/app#1', 'done', '1', 'agent-1', '11']);
    expect(rows[1]![6]).toBe('https://github.com/octo/app/pull/5');
    expect(rows[1]![7]).toBe("'=cmd|/c calc");
    expect(rows[1]![12]).toBe('1234');
    expect(rows[5]![8]).toBe('Fix "quotes", commas,\nand newlines');
  });

  it('escapes every field so rows keep their column count', () => {
    const nasty = ['a,b', '"q"', 'line\r\nbreak', '-1+1', '@x', 'plain', 'ünï©ødé 🚀', '\u0000\u0007'];
    const csv = toCSV(nasty.map((text, index) => ({ id: `t${index}`, state: 'failed', attempts: 1, pullRequests: [], error: text })));
    const rows = parseCsv(csv);
    expect(rows.slice(1).map((row) => row.length)).toEqual(nasty.map(() => CSV_COLUMNS.length));
    expect(rows.slice(1).map((row) => row[8])).toEqual(nasty.map((text) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text)));
  });
});
