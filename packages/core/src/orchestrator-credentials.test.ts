// Refused credentials are the run's problem, not a task's (issue 13, point 2): the first
// CredentialsRejectedError from an executor or a reporter stops dispatching and detaches the
// running tasks; nothing is failed or skipped, and the summary says why.
import { CredentialsRejectedError } from '@pco/contract';
import { ManualClock } from '@pco/testkit/clock';
import { describe, expect, it } from 'vitest';
import { Orchestrator } from './orchestrator.js';
import type { Executor, Reporter, Task, TaskUpdate } from '@pco/contract';

const T0 = 1_700_000_000_000;

/** a, b, c at once; d after a; e after d. */
const BACKLOG: Task[] = [
  { id: 'a', title: 'A' },
  { id: 'b', title: 'B' },
  { id: 'c', title: 'C' },
  { id: 'd', title: 'D', dependencies: ['a'] },
  { id: 'e', title: 'E', dependencies: ['d'] },
];

/** Tasks take `ms`; task `refused` is answered 401 after `refusedAfterMs`. */
function executor(clock: ManualClock, refused: string, refusedAfterMs: number, ms: number, started: string[]): Executor {
  return {
    execute: (task, ctx) =>
      new Promise((resolve, reject) => {
        started.push(task.id);
        const handle = clock.setTimeout(() => {
          if (task.id === refused) {
            resolve({ status: 'failed', error: new CredentialsRejectedError('codegen', 'Codegen refused the credentials (401)', { status: 401, hint: 'Check codegen.token.' }) });
          } else resolve({ status: 'done' });
        }, task.id === refused ? refusedAfterMs : ms);
        ctx.signal.addEventListener('abort', () => {
          clock.clearTimeout(handle);
          reject(ctx.signal.reason);
        });
      }),
  };
}

describe('credentials refused during a run', () => {
  it('an executor refused with 401 stops dispatch and detaches the running tasks; nothing failed or skipped', async () => {
    const clock = new ManualClock(T0);
    const started: string[] = [];
    const updates: TaskUpdate[] = [];
    const reporter: Reporter = { report: async (update) => void updates.push(update) };
    const orc = new Orchestrator({
      source: { load: async () => BACKLOG },
      executor: executor(clock, 'b', 50, 100, started),
      reporters: [reporter],
      concurrency: 2,
      clock,
      timers: clock,
    });
    const errors: string[] = [];
    orc.on('error', (e) => void errors.push(e.message));
    const summary = await clock.runUntilSettled(orc.run());

    expect(summary.halted).toMatchObject({ code: 'CREDENTIALS_REJECTED', service: 'codegen', hint: 'Check codegen.token.' });
    expect(summary.stopped).toBe('detach');
    expect(summary.ok).toBe(false);
    // a and b started (two agents); b's refusal came first, so nothing else was dispatched.
    expect(started).toEqual(['a', 'b']);
    expect(summary.counts.failed).toBe(0);
    expect(summary.counts.skipped).toBe(0);
    const byId = new Map(summary.results.map((r) => [r.id, r]));
    expect(byId.get('b')?.state).toBe('interrupted');
    expect(byId.get('a')?.state).toBe('interrupted');
    expect(updates.some((u) => u.state === 'failed' || u.state === 'skipped')).toBe(false);
    expect(errors).toEqual([expect.stringContaining('refused the credentials')]);
  });

  it('a reporter refused its credentials halts the run and gets no further updates', async () => {
    const clock = new ManualClock(T0);
    const started: string[] = [];
    const calls: string[] = [];
    const reporter: Reporter = {
      report: async (update) => {
        calls.push(`${update.task.id}:${update.state}`);
        if (update.state === 'running') throw new CredentialsRejectedError('github', 'GitHub refused the token (401)', { status: 401 });
      },
    };
    const orc = new Orchestrator({
      source: { load: async () => BACKLOG },
      executor: executor(clock, 'none', 0, 100, started),
      reporters: [reporter],
      reporterRetry: { attempts: 3 },
      concurrency: 1,
      clock,
      timers: clock,
    });
    const summary = await clock.runUntilSettled(orc.run());

    expect(summary.halted).toMatchObject({ service: 'github' });
    expect(summary.stopped).toBe('detach');
    expect(started).toEqual(['a']);
    // The refused write is not retried, and nothing after it reaches the reporter.
    const refusedAt = calls.indexOf('a:running');
    expect(refusedAt).toBeGreaterThanOrEqual(0);
    expect(calls.slice(refusedAt + 1)).toEqual([]);
    expect(summary.counts.failed + summary.counts.skipped).toBe(0);
  });

  it('any other executor failure still fails the task as before', async () => {
    const clock = new ManualClock(T0);
    const orc = new Orchestrator({
      source: { load: async () => BACKLOG.slice(0, 1) },
      executor: { execute: async () => ({ status: 'failed', error: new Error('boom') }) },
      clock,
      timers: clock,
    });
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.halted).toBeUndefined();
    expect(summary.counts.failed).toBe(1);
  });
});

describe('credentials refused while the reporters flush', () => {
  it('after the last task: the summary says halted and stopped (detach) together', async () => {
    const clock = new ManualClock(T0);
    const reporter: Reporter = {
      report: async (update) => {
        if (update.state === 'done') throw new CredentialsRejectedError('github', 'GitHub refused the token (401)', { status: 401 });
      },
    };
    const orc = new Orchestrator({
      source: { load: async () => BACKLOG.slice(0, 1) },
      executor: { execute: async () => ({ status: 'done' }) },
      reporters: [reporter],
      clock,
      timers: clock,
    });
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.counts.done).toBe(1);
    expect(summary.halted).toMatchObject({ service: 'github' });
    expect(summary.stopped).toBe('detach');
  });
});
