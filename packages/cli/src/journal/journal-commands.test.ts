import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPcoInProcess } from '../cli/in-process-cli.js';
import type { JournalEntry } from '@pco/contract';
import { FileJournal } from '@pco/core';

let dir: string;

const pco = (cwd: string, ...args: string[]) => runPcoInProcess(args, { cwd });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pco-journal-cli-'));
  const journal = await FileJournal.open({ path: join(dir, '.pco', 'journal.jsonl'), fingerprint: 'fp' });
  const at = Date.parse('2025-03-01T10:00:00.000Z');
  const entries: JournalEntry[] = [
    { type: 'run', runId: 'r1', resumed: false, at },
    { type: 'intent', runId: 'r1', taskId: 'acme/app#1', attempt: 1, idempotencyKey: 'r1:acme/app#1:1', agent: 'agent-1', at },
    { type: 'created', runId: 'r1', taskId: 'acme/app#1', attempt: 1, idempotencyKey: 'r1:acme/app#1:1', agentRunId: 41, at },
    { type: 'result', runId: 'r1', result: { id: 'acme/app#1', state: 'done', attempts: 1, runId: 41, pullRequests: [{ url: 'https://github.com/acme/app/pull/2' }] }, at },
    { type: 'intent', runId: 'r1', taskId: 'acme/app#3', attempt: 1, idempotencyKey: 'r1:acme/app#3:1', agent: 'agent-2', at },
    { type: 'created', runId: 'r1', taskId: 'acme/app#3', attempt: 1, idempotencyKey: 'r1:acme/app#3:1', agentRunId: 42, at },
  ];
  for (const entry of entries) await journal.append(entry);
  await journal.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pco status / pco export', () => {
  it('status prints the default journal of the working folder', async () => {
    const { code, stdout } = await pco(dir, 'status');
    expect(code).toBe(0);
    expect(stdout).toContain(`Journal ${join(dir, '.pco', 'journal.jsonl')}`);
    expect(stdout).toContain('Tasks: 2 (running 1, done 1)');
    expect(stdout).toMatch(/acme\/app#3\s+running\s+attempt 1\s+run 42/);
  });

  it('status --json is the report as data', async () => {
    const { code, stdout } = await pco(dir, 'status', '--json', '--journal', '.pco/journal.jsonl');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ total: 2, resume: { finished: 1, reattach: 1 }, runId: 'r1' });
  });

  it('export writes CSV to stdout and JSON to a file', async () => {
    const csv = await pco(dir, 'export', '--format', 'csv');
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n')[1]).toMatch(/^acme\/app#1,done,1,,41,,https:\/\/github.com\/acme\/app\/pull\/2,/);
    const json = await pco(dir, 'export', '-o', 'out/results.json');
    expect(json.code).toBe(0);
    expect(json.stderr).toContain('Wrote 2 result(s) as JSON');
    expect(JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8')).results).toHaveLength(2);
    // An output that cannot be written is a clear I/O error naming it, not "no journal".
    const blocked = await pco(dir, 'export', '-o', 'out/results.json/x.json');
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('results.json/x.json');
    expect(blocked.stderr).not.toContain('No journal');
  });

  it('a missing or foreign journal is a usage error (exit 2) with a clear message', async () => {
    const missing = await pco(dir, 'status', '--journal', 'nope.jsonl');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No journal at');
    await writeFile(join(dir, 'notes.jsonl'), '{"hello":"world"}\n');
    const foreign = await pco(dir, 'export', '--journal', 'notes.jsonl');
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('not a pco journal');
    const badFormat = await pco(dir, 'export', '--format', 'xml');
    expect(badFormat.code).toBe(2);
  });
});
