// The per-task event order documented in events.ts (OrchestratorEvents) and docs/events.md is
// the order a run really produces, resume included; and the two documents agree.
import { readFile } from 'node:fs/promises';
import { ManualClock } from '@pco/testkit/clock';
import { sleep } from '@pco/testkit/helpers';
import { describe, expect, it } from 'vitest';
import { ORCHESTRATOR_EVENT_NAMES } from './cli/event-log.js';
import { Orchestrator } from '@pco/core';
import type { JournalEntry, RunJournal, Task } from '@pco/contract';

const T0 = 1_700_000_000_000;

/** The documented grammar of one task's events, as a regular expression over `name;` tokens. */
const ATTEMPT = '(task:status;|task:checkpoint;)*';
const ORDER = new RegExp(
  `^(task:queued;(task:skipped;|task:ready;task:start;${ATTEMPT}(task:retry;task:ready;task:start;${ATTEMPT})*(task:done;|task:failed;|task:needs-input;|task:interrupted;))|task:done;)$`,
);

describe('per-task event order', () => {
  it('a resumed run with a restored, a re-attached, a retried and a skipped task follows the documented order', async () => {
    const clock = new ManualClock(T0);
    const entries: JournalEntry[] = [
      { type: 'run', runId: 'r1', resumed: false, at: 0 },
      { type: 'intent', runId: 'r1', taskId: 'done-before', attempt: 1, idempotencyKey: 'r1:done-before:1', agent: 'agent-1', at: 1 },
      { type: 'result', runId: 'r1', result: { id: 'done-before', state: 'done', attempts: 1, pullRequests: [] }, at: 2 },
      { type: 'intent', runId: 'r1', taskId: 'open', attempt: 1, idempotencyKey: 'r1:open:1', agent: 'agent-2', at: 3 },
      { type: 'created', runId: 'r1', taskId: 'open', attempt: 1, idempotencyKey: 'r1:open:1', agentRunId: 41, at: 4 },
    ];
    const journal: RunJournal = { load: async () => entries, append: async (entry) => void entries.push(entry) };
    const tasks: Task[] = [
      { id: 'done-before', title: '' },
      { id: 'open', title: '', dependencies: ['done-before'] },
      { id: 'flaky', title: '', dependencies: ['done-before'] },
      { id: 'broken', title: '' },
      { id: 'after-broken', title: '', dependencies: ['broken'] },
    ];
    const failures = new Map<string, number>();
    const orc = new Orchestrator({
      source: { load: async () => tasks },
      executor: {
        async execute(task, ctx) {
          if (ctx.previous === undefined) await ctx.checkpoint({ agentRunId: `${task.id}-${ctx.attempt}` });
          ctx.report('ACTIVE');
          await sleep(10, { timers: clock });
          if (task.id === 'broken') return { status: 'failed', error: new Error('no'), transient: false };
          if (task.id === 'flaky' && (failures.get(task.id) ?? 0) < 1) {
            failures.set(task.id, 1);
            return { status: 'failed', error: new Error('502'), transient: true };
          }
          return { status: 'done' };
        },
      },
      journal,
      clock,
      timers: clock,
      random: () => 0,
      retry: { attempts: 3, baseDelayMs: 5 },
    });
    const perTask = new Map<string, string>();
    const all: string[] = [];
    for (const name of ORCHESTRATOR_EVENT_NAMES) {
      orc.on(name, (e) => {
        const taskId = (e as { taskId?: string }).taskId;
        all.push(taskId === undefined ? name : `${name} ${taskId}`);
        if (taskId !== undefined) perTask.set(taskId, `${perTask.get(taskId) ?? ''}${name};`);
      });
    }
    const starts: boolean[] = [];
    orc.on('task:start', (e) => void (e.taskId === 'open' && starts.push(e.resumed)));
    const summary = await clock.runUntilSettled(orc.run({ resume: true }));
    expect(summary.counts).toMatchObject({ done: 3, failed: 1, skipped: 1 });
    for (const [taskId, sequence] of perTask) expect(sequence, taskId).toMatch(ORDER);
    // The restored task: task:done only, right after run:start.
    expect(perTask.get('done-before')).toBe('task:done;');
    expect(all.slice(0, 2)).toEqual(['run:start', 'task:done done-before']);
    expect(perTask.get('open')).toBe('task:queued;task:ready;task:start;task:status;task:done;');
    expect(starts).toEqual([true]);
    expect(perTask.get('flaky')).toContain('task:checkpoint;task:status;task:retry;');
    expect(perTask.get('after-broken')).toBe('task:queued;task:skipped;');
  });

  it('events.ts and docs/events.md document the same order, task:checkpoint and resume included', async () => {
    const source = await readFile(new URL('../../core/src/events.ts', import.meta.url), 'utf8');
    const docs = await readFile(new URL('../../../docs/events.md', import.meta.url), 'utf8');
    const orderBlock = (text: string) =>
      /task:queued → task:ready → task:start[^\n]*\n[^\n]*task:retry[^\n]*\n[^\n]*exactly one of[^\n]*/
        .exec(text)?.[0]
        .split('\n')
        .map((line) => line.replace(/^\s*\*?\s*/, '').trim())
        .join(' ');
    expect(orderBlock(source)).toBeDefined();
    expect(orderBlock(source)).toBe(orderBlock(docs));
    expect(orderBlock(source)).toContain('task:checkpoint');
    for (const text of [source, docs]) {
      expect(text).toMatch(/task:queued → task:skipped/);
      expect(text.replace(/\s+/g, ' ')).toMatch(/journal shows (`)?done(`)? gets (only )?`task:done`[^.]*\**without\** (a )?`task:queued`/);
    }
  });
});
