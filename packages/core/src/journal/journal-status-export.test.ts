import { mkdtemp, readFile, rm, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileJournal } from './file-journal.js';
import { exportJournal, resultsToCsv } from './journal-export.js';
import { formatJournalStatus, journalStatus } from './journal-status.js';

let dir: string;
let path: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pco-journal-status-'));
  path = join(dir, 'journal.jsonl');
  const journal = await FileJournal.open({ path, fingerprint: 'fp' });
  await journal.beginSession('run-1', false);
  await journal.recordTasks(
    [
      { id: 'octo/app#1', title: 'Add login' },
      { id: 'octo/app#2', title: '=HYPERLINK("http://evil")', dependencies: ['octo/app#1'] },
      { id: 'octo/app#3', title: 'Fix "quotes", commas\nand newlines' },
      { id: 'octo/app#4', title: 'Later' },
    ],
    'set',
  );
  await journal.recordIntent('octo/app#1', 1);
  await journal.recordRun('octo/app#1', 1, { runId: 11, webUrl: 'https://codegen.com/agent/trace/11' });
  await journal.recordResult({
    id: 'octo/app#1',
    state: 'done',
    attempts: 1,
    runId: 11,
    pullRequests: [{ url: 'https://github.com/octo/app/pull/5', number: 5 }],
    summary: 'Added login',
    durationMs: 1234,
  });
  await journal.recordIntent('octo/app#3', 1);
  await journal.recordRun('octo/app#3', 1, { runId: 12 });
  await journal.recordStatus('octo/app#3', 1, { agentStatus: 'ACTIVE' });
  await journal.recordIntent('octo/app#2', 1);
  await journal.close();
  // A crash mid-write left a torn line: status and export still read the journal.
  await appendFile(path, '{"seq":99,"t":"res');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('journalStatus', () => {
  it('reports counts, what resume would do, and the torn line', async () => {
    const report = await journalStatus(path);
    expect(report.total).toBe(4);
    expect(report.counts).toMatchObject({ done: 1, running: 2, pending: 1 });
    expect(report.resume).toEqual({ completed: 1, reattach: 1, lookup: 1, start: 1 });
    expect(report.lastSession).toMatchObject({ session: 'run-1', outcome: 'running', pid: process.pid });
    expect(report.warnings).toHaveLength(1);
    expect(report.tasks.find((task) => task.id === 'octo/app#3')).toMatchObject({ agentStatus: 'ACTIVE', runId: 12, resume: 'reattach' });

    const text = formatJournalStatus(report);
    expect(text).toContain('Tasks: 4 (pending 1, running 2, done 1)');
    expect(text).toContain('re-attach 1 live run(s), look up 1 by idempotency key, start 1 task(s)');
    expect(text).toMatch(/octo\/app#3\s+running\s+attempt 1\s+agent ACTIVE\s+run 12/);
    expect(text).not.toMatch(/octo\/app#1 /); // finished tasks are not listed by default
    expect(text).toContain('1 journal line(s) skipped');
    expect(formatJournalStatus(report, { tasks: 'all' })).toContain('https://github.com/octo/app/pull/5');
  });
});

describe('exportJournal', () => {
  it('writes every task as JSON, final results included', async () => {
    const output = join(dir, 'results.json');
    const { count } = await exportJournal(path, { format: 'json', output });
    expect(count).toBe(4);
    const document = JSON.parse(await readFile(output, 'utf8'));
    expect(document).toMatchObject({ format: 'pco-results', version: 1, counts: { done: 1, running: 2, pending: 1 } });
    expect(document.results[0]).toMatchObject({
      id: 'octo/app#1',
      title: 'Add login',
      state: 'done',
      runId: 11,
      summary: 'Added login',
      pullRequests: [{ url: 'https://github.com/octo/app/pull/5', number: 5 }],
    });
    expect(document.results[2]).toMatchObject({ id: 'octo/app#3', state: 'running', runId: 12 });
  });

  it('writes CSV that a strict parser reads back, formulas neutralised', async () => {
    const { text } = await exportJournal(path, { format: 'csv' });
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([
      'id', 'title', 'state', 'attempts', 'agent', 'runId', 'webUrl', 'pullRequests', 'summary', 'error', 'skippedBecause', 'startedAt', 'endedAt', 'durationMs',
    ]);
    expect(rows).toHaveLength(5);
    expect(rows[1]!.slice(0, 4)).toEqual(['octo/app#1', 'Add login', 'done', '1']);
    expect(rows[1]![7]).toBe('https://github.com/octo/app/pull/5');
    expect(rows[1]![13]).toBe('1234');
    expect(rows[2]![1]).toBe(`'=HYPERLINK("http://evil")`);
    expect(rows[3]![1]).toBe('Fix "quotes", commas\nand newlines');
  });

  it('escapes every field so rows keep their column count', () => {
    const nasty = ['a,b', '"q"', 'line\r\nbreak', '-1+1', '@x', 'plain', 'ünï©ødé 🚀', '\u0000\u0007'];
    const csv = resultsToCsv(nasty.map((text, index) => ({ id: `t${index}`, state: 'failed', attempts: 1, pullRequests: [], error: text })));
    const rows = parseCsv(csv);
    expect(rows.slice(1).map((row) => row.length)).toEqual(nasty.map(() => 14));
    expect(rows.slice(1).map((row) => row[9])).toEqual(nasty.map((text) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text)));
  });
});

/** A strict RFC 4180 parser (quoted fields, doubled quotes, CRLF records). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
          } else {
            i += 1;
            break;
          }
        } else {
          cell += text[i];
          i += 1;
        }
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`);
        cell += text[i];
        i += 1;
      }
    }
    row.push(cell);
    if (text[i] === ',') {
      i += 1;
    } else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < text.length) {
      throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
    }
  }
  return rows;
}
