// What a run waits for besides its agents (issue 13, point 7): reporter updates still to be
// written once every task has ended, and starts held back by the executor's start rate. Both
// show in the progress snapshot and count in its ETA.
import { ManualClock } from '@pco/testkit/clock';
import { sleep } from '@pco/testkit/helpers';
import { describe, expect, it } from 'vitest';
import { Orchestrator } from './orchestrator.js';
import type { ProgressSnapshot } from './results.js';
import type { Executor, JournalEntry, Reporter, RunJournal, Task } from '@pco/contract';

const T0 = 1_700_000_000_000;

function after(clock: ManualClock, ms: number): Executor {
  return { execute: () => new Promise((resolve) => clock.setTimeout(() => resolve({ status: 'done' }), ms)) };
}

const tasks = (n: number): Task[] => Array.from({ length: n }, (_, i) => ({ id: `t${i}`, title: `Task ${i}` }));

describe('progress: what the run waits for', () => {
  it('counts the updates reporters have not written yet, keeps reporting progress while they flush, and puts them in the ETA', async () => {
    const clock = new ManualClock(T0);
    // One write at a time, 100 ms each: GitHub's write spacing in small.
    let line = Promise.resolve();
    const reporter: Reporter = {
      report: () => {
        const mine = line.then(() => sleep(100, { timers: clock }));
        line = mine;
        return mine;
      },
    };
    const orc = new Orchestrator({
      source: { load: async () => tasks(3) },
      executor: after(clock, 10),
      reporters: [reporter],
      progressIntervalMs: 50,
      clock,
      timers: clock,
    });
    const seen: ProgressSnapshot[] = [];
    orc.on('progress', (p) => void seen.push(p));
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.ok).toBe(true);

    const flushing = seen.filter((p) => p.finished === p.counts.total && p.pendingUpdates > 0);
    // Every task ended at 10 ms; the writes went on for more than a second after that.
    expect(flushing.length).toBeGreaterThan(10);
    for (const p of flushing.filter((p) => p.etaMs !== undefined)) {
      // At one write per 100 ms, the ETA is the updates left times 100 ms.
      expect(p.etaMs).toBe(p.pendingUpdates * 100);
    }
    expect(flushing.filter((p) => p.etaMs !== undefined).length).toBeGreaterThan(5);
    // The count only goes down while flushing, and nothing is left at the end.
    const counts = flushing.map((p) => p.pendingUpdates);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    expect(orc.progress().pendingUpdates).toBe(0);
  });

  it('with a start rate, the ETA covers the starts still to come before any task has finished', async () => {
    const clock = new ManualClock(T0);
    const orc = new Orchestrator({
      source: { load: async () => tasks(30) },
      executor: after(clock, 600_000),
      concurrency: 10,
      // Codegen's create limit: 10 a minute.
      startRate: { limit: 10, windowMs: 60_000 },
      clock,
      timers: clock,
    });
    const run = orc.run();
    // Let the load and the first dispatch happen (promise callbacks, no time passing).
    await new Promise((resolve) => setImmediate(resolve));
    const p = orc.progress();
    expect(p.counts.running).toBe(10);
    // 20 tasks wait to start at 10 a minute: at least two minutes to go.
    expect(p.etaMs).toBe(120_000);
    await clock.runUntilSettled(orc.stop({ mode: 'detach' }));
    await run;
  });
});

describe('what an attempt waits for (ExecutionContext.waiting)', () => {
  it('shows in the progress while it lasts, is cleared after, and is never journaled', async () => {
    const clock = new ManualClock(T0);
    const entries: JournalEntry[] = [];
    const journal: RunJournal = { load: async () => [], append: async (entry) => void entries.push(entry) };
    const seen: (string | undefined)[] = [];
    const executor: Executor = {
      execute: (_task, ctx) =>
        new Promise((resolve) => {
          ctx.waiting?.('Codegen create budget: next start in 23 s');
          clock.setTimeout(() => {
            seen.push(orc.progress().running[0]?.waitingFor);
            ctx.waiting?.(undefined);
            seen.push(orc.progress().running[0]?.waitingFor);
            resolve({ status: 'done' });
          }, 100);
        }),
    };
    const orc: Orchestrator = new Orchestrator({ source: { load: async () => tasks(1) }, executor, journal, clock, timers: clock });
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.ok).toBe(true);
    expect(seen).toEqual(['Codegen create budget: next start in 23 s', undefined]);
    expect(entries.some((e) => e.type === 'status')).toBe(false);
  });
});
