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
    // a → b → c (b and c wait on a), d alone; e has no estimate: it counts as the median of the
    // others' (2, 3, 1, 5 → 2.5).
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
    expect(Object.fromEntries(seen)).toEqual({ 'a#1': 6, 'b#1': 4, 'b#2': 4, 'c#1': 1, 'd#1': 5, 'e#1': 2.5 });
  });

  it('with only some tasks estimated, counts the others as a typical task: a long unestimated chain starts first', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const started: string[] = [];
    const given = new Map<string, number | undefined>();
    const executor: Executor = {
      execute: (task) => {
        started.push(task.id);
        given.set(task.id, task.estimate);
        return new Promise((resolve) => clock.setTimeout(() => resolve({ status: 'done' as const }), 10));
      },
    };
    // Minutes on the board for two items; the three-step chain x → y → z has none. Counted as 1
    // minute each, the chain (3) would start after both estimated tasks; as typical tasks (the
    // median, 15 minutes each: 45) it starts first, and z (15) yields to big (20) at the end.
    const tasks: Task[] = [
      { id: 'big', title: 'big', estimate: 20 },
      { id: 'small', title: 'small', estimate: 10 },
      { id: 'x', title: 'x' },
      { id: 'y', title: 'y', dependencies: ['x'] },
      { id: 'z', title: 'z', dependencies: ['y'] },
    ];
    const orc = new Orchestrator({ source: { load: async () => tasks }, executor, clock, timers: clock, concurrency: 1 });
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.counts).toMatchObject({ total: 5, done: 5 });
    expect(started).toEqual(['x', 'y', 'big', 'z', 'small']);
    // The executor gets the tasks as the source gave them: no estimate is made up.
    expect(Object.fromEntries(given)).toEqual({ x: undefined, y: undefined, z: undefined, big: 20, small: 10 });
  });
});
