import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { OrchestratorEvents } from '../events.js';
import type { ProgressSnapshot, RunSummary } from '../results.js';
import { eventFields } from './event-log.js';
import { formatDuration, renderProgress } from './live-view.js';
import { renderSummary } from './summary.js';

const plain = pc.createColors(false);
const counts = (over: Partial<Record<string, number>>) =>
  ({ total: 0, pending: 0, ready: 0, running: 0, retrying: 0, done: 0, failed: 0, skipped: 0, 'needs-input': 0, interrupted: 0, ...over }) as RunSummary['counts'];

describe('live view rendering', () => {
  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
  });

  it('shows the bar with counts and ETA, then one line per running task, oldest first', () => {
    const snapshot: ProgressSnapshot = {
      runId: 'r1',
      at: 100_000,
      elapsedMs: 42_000,
      counts: counts({ total: 10, done: 4, failed: 1, skipped: 1, running: 2, retrying: 1, pending: 1 }),
      finished: 6,
      throughputPerMinute: 5,
      etaMs: 61_000,
      utilisation: 0.5,
      busyAgents: 3,
      running: [
        { taskId: 'acme/app#7', title: 'Second', agent: 'agent-2', attempt: 1, agentStatus: 'ACTIVE', state: 'running', startedAt: 95_000 },
        { taskId: 'acme/app#3', title: 'First', agent: 'agent-1', attempt: 2, agentStatus: 'EVALUATION', state: 'running', startedAt: 40_000 },
        { taskId: 'acme/app#9', title: 'Third', agent: 'agent-3', attempt: 1, state: 'retrying', startedAt: 99_000 },
      ],
    };
    const lines = renderProgress(snapshot, plain, 160, 'pco');
    expect(lines[0]).toMatch(/^pco [█▒░]+ 6\/10 {2}✔ 4 done {2}✖ 1 failed {2}↷ 1 skipped {2}▶ 2 running {2}↻ 1 retrying {2}◷ 1 waiting {2}elapsed 0:42 {2}ETA 1:01$/);
    expect(lines.slice(1).map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
      '▶ acme/app#3 First agent-1 EVALUATION 1:00 attempt 2',
      '▶ acme/app#7 Second agent-2 ACTIVE 0:05 attempt 1',
      '↻ acme/app#9 Third agent-3 retrying 0:01 attempt 1',
    ]);
    expect(renderProgress({ ...snapshot, running: snapshot.running }, plain, 160, 'pco', 1).at(-1)).toBe('  … and 2 more running');
  });
});

describe('JSON event fields', () => {
  it('carries the correlation fields and the event details, never the task body', () => {
    const task = { id: 'acme/app#3', title: 'T', body: 'secret plans' };
    const done: OrchestratorEvents['task:done'] = {
      runId: 'r1',
      at: 1,
      taskId: task.id,
      task,
      attempt: 2,
      agent: 'agent-4',
      durationMs: 1234,
      result: { id: task.id, state: 'done', attempts: 2, runId: 77, pullRequests: [{ url: 'https://github.com/acme/app/pull/9' }] },
    };
    expect(eventFields('task:done', done)).toEqual({
      event: 'task:done',
      runId: 'r1',
      taskId: 'acme/app#3',
      agentId: 'agent-4',
      attempt: 2,
      durationMs: 1234,
      agentRunId: 77,
      pullRequests: ['https://github.com/acme/app/pull/9'],
    });
    expect(JSON.stringify(eventFields('task:done', done))).not.toContain('secret plans');
  });
});

describe('summary', () => {
  it('lists every task, worst first, and the result paths', () => {
    const summary: RunSummary = {
      runId: 'r1',
      startedAt: '2025-01-01T00:00:00.000Z',
      endedAt: '2025-01-01T00:01:00.000Z',
      makespanMs: 60_000,
      counts: counts({ total: 3, done: 1, failed: 1, skipped: 1 }),
      ok: false,
      concurrency: 2,
      attempts: 3,
      retries: 1,
      utilisation: 0.5,
      agents: [],
      results: [
        { id: 'a#1', state: 'done', attempts: 2, agent: 'agent-1', durationMs: 30_000, pullRequests: [{ url: 'https://github.com/a/pull/5' }] },
        { id: 'a#3', state: 'skipped', attempts: 0, pullRequests: [], error: 'Skipped: dependency a#2 failed.', skippedBecause: 'a#2' },
        { id: 'a#2', state: 'failed', attempts: 1, agent: 'agent-2', durationMs: 5_000, pullRequests: [], error: 'Agent run 9 ended in an error (ERROR)' },
      ],
    };
    const text = renderSummary(summary, { json: '/out/results.json', csv: '/out/results.csv' }, plain);
    expect(text).toContain('Finished with problems  run r1  makespan 1:00  agents 2  utilisation 50%  attempts 3 (1 retry)');
    expect(text).toContain('  done 1 · failed 1 · skipped 1 · total 3');
    const rows = text.split('\n').filter((l) => /^ {2}a#\d/.test(l)).map((l) => l.replace(/\s+/g, ' ').trim());
    expect(rows).toEqual([
      'a#1 done 2 agent-1 0:30 https://github.com/a/pull/5',
      'a#2 failed 1 agent-2 0:05 Agent run 9 ended in an error (ERROR)',
      'a#3 skipped 0 — — Skipped: dependency a#2 failed.',
    ]);
    expect(text).toContain('Results  /out/results.json\n         /out/results.csv');
  });
});
