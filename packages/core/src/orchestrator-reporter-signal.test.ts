// Reporters get an AbortSignal (issue 6: "AbortSignal for every cancellable operation"): it
// stays live during the run and aborts `abortGraceMs` after a stop, so a hanging reporter cannot
// hold the stop forever; reporter failures stay non-fatal.
import { ManualClock } from '@pco/testkit/clock';
import { sleep } from '@pco/testkit/helpers';
import { describe, expect, it } from 'vitest';
import { RunStoppedError } from '@pco/contract';
import { Orchestrator } from './orchestrator.js';
import type { Executor, Reporter, TaskUpdate } from '@pco/contract';

const T0 = 1_700_000_000_000;

function sleeper(clock: ManualClock, ms: number): Executor {
  return { execute: (_task, ctx) => sleep(ms, { timers: clock, signal: ctx.signal }).then(() => ({ status: 'done' })) };
}

describe('reporter abort signal', () => {
  it('every report gets the run’s signal, not aborted while the run goes on', async () => {
    const clock = new ManualClock(T0);
    const seen: (AbortSignal | undefined)[] = [];
    const reporter: Reporter = {
      async report(_update, signal) {
        seen.push(signal);
        expect(signal?.aborted).toBe(false);
      },
    };
    const orc = new Orchestrator({
      source: { load: async () => [{ id: 'a', title: 'A' }, { id: 'b', title: 'B', dependencies: ['a'] }] },
      executor: sleeper(clock, 100),
      reporters: [reporter],
      clock,
      timers: clock,
    });
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.ok).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(8);
    expect(seen.every((signal) => signal instanceof AbortSignal)).toBe(true);
    expect(new Set(seen).size).toBe(1);
  });

  it('after a stop, a hanging reporter is aborted once abortGraceMs has passed; the run resolves and says so', async () => {
    const clock = new ManualClock(T0);
    const delivered: string[] = [];
    const aborted: string[] = [];
    const reporter: Reporter = {
      report(update: TaskUpdate, signal?: AbortSignal) {
        if (update.state !== 'interrupted') {
          delivered.push(`${update.task.id}:${update.state}`);
          return Promise.resolve();
        }
        // GitHub rate-limited: this write would wait far longer than anyone wants to wait for a stop.
        return new Promise<void>((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            aborted.push(`${update.task.id}@${clock.now() - T0}`);
            reject(signal.reason);
          });
        });
      },
    };
    const orc = new Orchestrator({
      source: { load: async () => [{ id: 'a', title: 'A' }] },
      executor: sleeper(clock, 60_000),
      reporters: [reporter],
      reporterRetry: { attempts: 5, baseDelayMs: 10 },
      abortGraceMs: 5_000,
      clock,
      timers: clock,
    });
    const errors: { message: string; error: unknown }[] = [];
    orc.on('error', (e) => void errors.push({ message: e.message, error: e.error }));
    let stopAt = 0;
    orc.on('task:start', () => {
      clock.setTimeout(() => {
        stopAt = clock.now() - T0;
        void orc.stop({ mode: 'detach' });
      }, 1_000);
    });
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.stopped).toBe('detach');
    expect(summary.results[0]!.state).toBe('interrupted');
    expect(delivered).toEqual(['a:pending', 'a:ready', 'a:running']);
    // Aborted exactly once, at stop + abortGraceMs; no retry after the abort.
    expect(aborted).toEqual([`a@${stopAt + 5_000}`]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe('1 update cut off by the stop (5000 ms grace): a (interrupted)');
    expect((errors[0]!.error as Error).cause).toBeInstanceOf(RunStoppedError);
  });

  it('a reporter failure of its own that arrives after the abort is reported as itself', async () => {
    const clock = new ManualClock(T0);
    const reporter: Reporter = {
      report: (update: TaskUpdate, signal?: AbortSignal) =>
        update.state !== 'interrupted'
          ? Promise.resolve()
          : new Promise<void>((_resolve, reject) => signal?.addEventListener('abort', () => reject(new Error('401 Bad credentials')))),
    };
    const orc = new Orchestrator({
      source: { load: async () => [{ id: 'a', title: 'A' }] },
      executor: sleeper(clock, 60_000),
      reporters: [reporter],
      abortGraceMs: 5_000,
      clock,
      timers: clock,
    });
    const errors: { message: string; taskId?: string }[] = [];
    orc.on('error', (e) => void errors.push({ message: e.message, ...(e.taskId === undefined ? {} : { taskId: e.taskId }) }));
    orc.on('task:start', () => void clock.setTimeout(() => void orc.stop({ mode: 'detach' }), 1_000));
    await clock.runUntilSettled(orc.run());
    expect(errors).toEqual([{ message: '401 Bad credentials', taskId: 'a' }]);
  });

  it('updates a stop’s grace period cuts off are reported once, not one error per task', async () => {
    const clock = new ManualClock(T0);
    // A rate-limited reporter: nothing gets through before the stop.
    const reporter: Reporter = {
      report: (_update: TaskUpdate, signal?: AbortSignal) =>
        new Promise<void>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
    };
    const tasks = 'abcdefgh'.split('').map((id) => ({ id, title: id.toUpperCase() }));
    const orc = new Orchestrator({
      source: { load: async () => tasks },
      executor: sleeper(clock, 60_000),
      reporters: [reporter, reporter],
      concurrency: 1,
      abortGraceMs: 5_000,
      clock,
      timers: clock,
    });
    const errors: { message: string; error: unknown; taskId?: string }[] = [];
    orc.on('error', (e) => void errors.push({ message: e.message, error: e.error, ...(e.taskId === undefined ? {} : { taskId: e.taskId }) }));
    orc.on('task:start', () => void clock.setTimeout(() => void orc.stop({ mode: 'detach' }), 1_000));
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.stopped).toBe('detach');
    // Eight tasks' pending and ready updates, plus a's running and interrupted: 18, in one event
    // (counted once each, though two reporters missed them).
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^18 updates cut off by the stop \(5000 ms grace\): ([a-h] \((pending|ready|running|interrupted)\), ){5}13 more$/);
    expect((errors[0]!.error as Error).cause).toBeInstanceOf(RunStoppedError);
    expect(errors[0]!.taskId).toBeUndefined();
  });
});
