import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { OrchestratorEvents, ProgressSnapshot, RunSummary } from '@pco/core';
import { Orchestrator } from '@pco/core';
import { createRedactor, type Executor, type Task } from '@pco/contract';
import { eventFields } from './event-log.js';
import { stripStyles, visibleWidth } from './layout.js';
import { eventLine, formatDuration, LiveView, renderProgress } from './live-view.js';
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
      pendingUpdates: 0,
      inReview: [],
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

  it('counts the tasks in review and shows each pull request with what it waits for', () => {
    const snapshot: ProgressSnapshot = {
      runId: 'r1',
      at: 100_000,
      elapsedMs: 42_000,
      counts: counts({ total: 4, done: 1, running: 1, 'in-review': 2 }),
      finished: 1,
      throughputPerMinute: 1,
      utilisation: 0.5,
      busyAgents: 1,
      pendingUpdates: 0,
      running: [{ taskId: 'acme/app#3', title: 'First', agent: 'agent-1', attempt: 1, agentStatus: 'ACTIVE', state: 'running', startedAt: 90_000 }],
      inReview: [
        { taskId: 'acme/app#5', title: 'Later', pullRequests: [{ url: 'https://github.com/acme/app/pull/12', number: 12 }], review: 'checks-failed', message: 'ci failed', since: 70_000 },
        { taskId: 'acme/app#4', title: 'Earlier', pullRequests: [{ url: 'https://github.com/acme/app/pull/11', number: 11 }], since: 40_000 },
      ],
    };
    const lines = renderProgress(snapshot, plain, 160, 'pco');
    expect(lines[0]).toContain('⇄ 2 in review');
    expect(lines.slice(2).map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
      '⇄ acme/app#4 PR #11 checks-pending 1:00',
      '⇄ acme/app#5 PR #12 checks-failed 0:30 ci failed',
    ]);
    for (const width of [40, 60, 80]) for (const line of renderProgress(snapshot, plain, width, 'pco')) expect(visibleWidth(line), line).toBeLessThanOrEqual(width);
  });

  it('measures terminal columns, not code points: wide (CJK) titles and emoji never overflow', () => {
    const snapshot: ProgressSnapshot = {
      runId: 'r1',
      at: 100_000,
      elapsedMs: 42_000,
      counts: counts({ total: 3, running: 2, pending: 1 }),
      finished: 0,
      throughputPerMinute: 0,
      utilisation: 0.5,
      busyAgents: 2,
      pendingUpdates: 0,
      inReview: [],
      running: [
        { taskId: 'acme/app#7', title: '添加购物车页面并连接到结账流程以及订单确认邮件', agent: 'agent-2', attempt: 1, agentStatus: 'ACTIVE', state: 'running', startedAt: 95_000 },
        { taskId: 'acme/app#8', title: '🚀🚀🚀 Ship the 🛒 cart 👨‍👩‍👧 family plan 🎉🎉🎉🎉🎉🎉🎉🎉', agent: 'agent-3', attempt: 1, state: 'running', startedAt: 99_000 },
      ],
    };
    for (const width of [80, 60, 40]) {
      for (const line of renderProgress(snapshot, plain, width, 'pco')) expect(visibleWidth(line), line).toBeLessThanOrEqual(width);
    }
    expect(visibleWidth('添加')).toBe(4);
  });

  it('says what the run waits for once nothing runs: the updates still to be written, with their ETA', () => {
    const flushing: ProgressSnapshot = {
      runId: 'r1',
      at: 100_000,
      elapsedMs: 90_000,
      counts: counts({ total: 23, done: 23 }),
      finished: 23,
      throughputPerMinute: 15,
      etaMs: 14_000,
      utilisation: 0.5,
      busyAgents: 0,
      pendingUpdates: 14,
      inReview: [],
      running: [],
    };
    const lines = renderProgress(flushing, plain, 100, 'pco', 20, 'GitHub');
    expect(lines[0]).toContain('23/23');
    expect(lines[0]).toContain('ETA 0:14');
    expect(lines.at(-1)).toBe('  ✎ writing 14 updates to GitHub…');
    expect(renderProgress(flushing, plain, 26, 'pco', 20, 'GitHub').at(-1)).toBe('  ✎ writing 14 updates…');
    // While tasks run, their lines say what happens; and with nothing left to write, no line.
    expect(renderProgress({ ...flushing, pendingUpdates: 0 }, plain, 100, 'pco', 20, 'GitHub')).toHaveLength(1);
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
        { id: 'a#3', state: 'skipped', attempts: 0, pullRequests: [], error: 'Dependency a#2 failed.', skippedBecause: 'a#2', skipReason: 'dependency-failed' },
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
      'a#3 skipped 0 — — Dependency a#2 failed.',
    ]);
    expect(text).toContain('Results  /out/results.json\n         /out/results.csv');
  });
});

const colored = pc.createColors(true);
const wide: ProgressSnapshot = {
  runId: 'r1',
  at: 100_000,
  elapsedMs: 754_000,
  counts: counts({ total: 123, done: 40, failed: 3, skipped: 12, 'needs-input': 1, running: 10, retrying: 2, pending: 55 }),
  finished: 56,
  throughputPerMinute: 5,
  etaMs: 1_261_000,
  utilisation: 0.9,
  busyAgents: 10,
  pendingUpdates: 0,
  inReview: [],
  running: [
    { taskId: 'acme/storefront-monorepo#1234', title: 'Refactor the checkout flow so that payment providers are pluggable', agent: 'agent-10', attempt: 12, agentStatus: 'EVALUATION', state: 'running', startedAt: 40_000 },
    { taskId: 'acme/app#9', title: 'Third', agent: 'agent-3', attempt: 1, state: 'retrying', startedAt: 99_000 },
  ],
};

describe('live view width', () => {
  it.each([80, 40])('never draws a line wider than %i columns, colors or not, and keeps the essentials', (columns) => {
    for (const c of [plain, colored]) {
      const lines = renderProgress(wide, c, columns, 'pco');
      for (const line of lines) expect(visibleWidth(line), line).toBeLessThanOrEqual(columns);
      const first = stripStyles(lines[0]!);
      expect(first).toMatch(/^pco .*56\/123/);
      expect(first).toContain('21:01');
      expect(stripStyles(lines[1]!)).toContain('acme/storefront');
    }
    // At 80 columns the main counters keep their words; at 40 the short forms.
    const first = renderProgress(wide, plain, columns, 'pco')[0]!;
    expect(first).toContain(columns === 80 ? '✖ 3 failed' : '✖3');
    expect(first).toContain(columns === 80 ? '▶ 10 running' : '▶10');
  });

  it('counts interrupted tasks after a stop, in the progress line and the summary', () => {
    const stopped: ProgressSnapshot = { ...wide, counts: counts({ total: 10, done: 4, interrupted: 3, pending: 3 }), finished: 7, running: [] };
    expect(renderProgress(stopped, plain, 160, 'pco')[0]).toContain('■ 3 interrupted');
    expect(renderProgress(stopped, plain, 40, 'pco')[0]).toContain('■3');
    const summary: RunSummary = {
      runId: 'r1', startedAt: '', endedAt: '', makespanMs: 1, counts: stopped.counts, ok: false, stopped: 'detach',
      concurrency: 2, attempts: 7, retries: 0, utilisation: 0.5, agents: [],
      results: [{ id: 'a#1', state: 'interrupted', attempts: 1, pullRequests: [] }],
    };
    expect(renderSummary(summary, undefined, plain)).toContain('done 4 · failed 0 · skipped 0 · interrupted 3 · pending 3 · total 10');
  });

  it('a retry line keeps its cause (the 429) at 80 and 40 columns, shortening the rest first', () => {
    const error = 'Codegen createAgentRun (POST /v1/organizations/12345/agent/run) failed: 429 Too Many Requests';
    const messages = ['attempt 1 failed, retry in 4.0 s: ', 'retry in 4.0 s: ', 'in 4.0 s: '];
    const at = (columns: number) => eventLine(columns, '  ↻ acme/shop#12', 'Add the Order model and repository', messages, error, plain);
    expect(at(200)).toBe(`  ↻ acme/shop#12  Add the Order model and repository  attempt 1 failed, retry in 4.0 s: ${error}`);
    expect(at(150)).toBe(`  ↻ acme/shop#12  attempt 1 failed, retry in 4.0 s: ${error}`);
    expect(at(80)).toBe('  ↻ acme/shop#12  retry in 4.0 s: Codegen createAgentRun…: 429 Too Many Requests');
    expect(at(40)).toBe('  ↻ acme/shop#12  in 4.0 s: …: 429 Too…');
    for (const columns of [80, 40]) expect(visibleWidth(at(columns))).toBeLessThanOrEqual(columns);
  });
});

/** A terminal of `columns` for log-update: collects what is written. */
function fakeTerminal(columns: number) {
  let text = '';
  const stream = {
    columns,
    rows: 30,
    isTTY: true,
    write: (chunk: string) => ((text += String(chunk)), true),
    on: () => stream,
    once: () => stream,
    off: () => stream,
    removeListener: () => stream,
  };
  // Escape sequences out; every line as the terminal shows it.
  const lines = () => stripStyles(text).split('\n');
  return { stream: stream as unknown as NodeJS.WritableStream & { columns: number }, lines };
}

describe('live view on a terminal', () => {
  it.each([80, 40])('at %i columns: the retry line keeps the 429, a skip says "skipped" once, nothing wraps', async (columns) => {
    const tasks: Task[] = [
      { id: 'acme/shop#1', title: 'Set up the orders database schema with migrations for every table' },
      { id: 'acme/shop#2', title: 'Broken' },
      { id: 'acme/shop#3', title: 'Waits for the broken one', dependencies: ['acme/shop#2'] },
    ];
    let calls = 0;
    const executor: Executor = {
      execute: async (task) => {
        if (task.id === 'acme/shop#2') return { status: 'failed', error: new Error('compile error') };
        if (task.id === 'acme/shop#1' && calls++ === 0) {
          return { status: 'failed', transient: true, error: new Error('Codegen createAgentRun (POST /v1/organizations/12345/agent/run) failed: 429 Too Many Requests') };
        }
        return { status: 'done' };
      },
    };
    const orchestrator = new Orchestrator({ source: { load: async () => tasks }, executor, concurrency: 2, retry: { attempts: 2, baseDelayMs: 1, jitter: 0 } });
    const terminal = fakeTerminal(columns);
    const view = new LiveView(orchestrator, { stream: terminal.stream, colors: colored, redact: createRedactor(), live: true, intervalMs: 5 });
    view.start();
    await orchestrator.run();
    view.stop();
    const lines = terminal.lines();
    for (const line of lines) expect(visibleWidth(line), line).toBeLessThanOrEqual(columns);
    expect(lines.find((line) => line.includes('↻ acme/shop#1'))).toMatch(/: 429/);
    const skipped = lines.find((line) => line.includes('↷ acme/shop#3'));
    expect(skipped).toContain(columns === 80 ? 'skipped: Dependency acme/shop#2 failed.' : 'skipped: Dependency');
    expect(skipped).not.toMatch(/skipped: skipped/i);
  });
});
