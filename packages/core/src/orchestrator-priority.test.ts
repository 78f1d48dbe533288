// The attempt's scheduling priority on its context (issue 15): the task's remaining critical path
// from the ready queue, so an executor can order its own waits (e.g. for a create budget) by it.
import { ManualClock } from '@pco/testkit/clock';
import { describe, expect, it } from 'vitest';
import { Orchestrator } from './orchestrator.js';
import type { Executor, Task } from '@pco/contract';

describe('ExecutionContext.priority', () => {
  it('is the task’s bottom level at dispatch: its estimate plus the longest chain still waiting on it', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const seen = new Map<string, number | undefined>();
    const executor: Executor = {
      execute: (task, ctx) => {
        seen.set(`${task.id}#${ctx.attempt}`, ctx.priority);
        // b fails once: its retry is dispatched again with the same priority.
        const outcome = task.id === 'b' && ctx.attempt === 1 ? { status: 'failed' as const, error: new Error('flaky'), transient: true } : { status: 'done' as const };
        return new Promise((resolve) => clock.setTimeout(() => resolve(outcome), 10));
      },
    };
    // a → b → c (b and c wait on a), d alone; e has no estimate (counts as 1).
    const tasks: Task[] = [
      { id: 'a', title: 'a', estimate: 2 },
      { id: 'b', title: 'b', estimate: 3, dependencies: ['a'] },
      { id: 'c', title: 'c', estimate: 1, dependencies: ['b'] },
      { id: 'd', title: 'd', estimate: 5 },
      { id: 'e', title: 'e' },
    ];
    const orc = new Orchestrator({ source: { load: async () => tasks }, executor, clock, timers: clock, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 5 } });
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.counts).toMatchObject({ total: 5, done: 5 });
    expect(Object.fromEntries(seen)).toEqual({ 'a#1': 6, 'b#1': 4, 'b#2': 4, 'c#1': 1, 'd#1': 5, 'e#1': 1 });
  });
});
