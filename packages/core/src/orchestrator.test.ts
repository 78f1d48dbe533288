import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphError } from '@pco/graph';
import { ManualClock } from '@pco/testkit/clock';
import { rejectionOf, sleep } from '@pco/testkit/helpers';
import { describe, expect, it } from 'vitest';
import { InvalidOptionsError, RunStoppedError, TaskTimeoutError } from '@pco/contract';
import type { OrchestratorEventName, OrchestratorEvents } from './events.js';
import { Orchestrator } from './orchestrator.js';
import type { OrchestratorOptions } from './options.js';
import type { ExecutionContext, Executor, ExecutorOutcome, JournalEntry, RunJournal, Task, TaskUpdate } from '@pco/contract';

const T0 = 1_700_000_000_000;

/** An executor that sleeps `ms` (virtual) per task and then returns what `outcome` says. */
function scripted(
  clock: ManualClock,
  outcome: (task: Task, ctx: ExecutionContext) => ExecutorOutcome | Promise<ExecutorOutcome> = () => ({ status: 'done' }),
  ms: (task: Task) => number = () => 100,
): Executor & { starts: string[] } {
  const starts: string[] = [];
  return {
    starts,
    async execute(task, ctx) {
      starts.push(`${task.id}#${ctx.attempt}@${ctx.agent}`);
      await sleep(ms(task), { timers: clock, signal: ctx.signal });
      return outcome(task, ctx);
    },
  };
}

function setup(tasks: Task[], options: Partial<OrchestratorOptions> = {}) {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(T0);
  const executor = (options.executor as ReturnType<typeof scripted> | undefined) ?? scripted(clock);
  const orc = new Orchestrator({
    source: { load: async () => tasks },
    clock,
    timers: clock,
    random: () => 0,
    ...options,
    executor,
  });
  const log: string[] = [];
  const record = (...names: OrchestratorEventName[]) => {
    for (const name of names) {
      orc.on(name, (e) => {
        const p = e as { taskId?: string; attempt?: number };
        log.push(p.taskId === undefined ? name : `${name} ${p.taskId}#${p.attempt}`);
      });
    }
  };
  return { clock, orc, executor, log, record, run: (o?: Parameters<Orchestrator['run']>[0]) => clock.runUntilSettled(orc.run(o)) };
}

const chain: Task[] = [
  { id: 'a', title: 'A' },
  { id: 'b', title: 'B', dependencies: ['a'] },
];

describe('Orchestrator options', () => {
  const base = { source: { load: async () => [] }, executor: { execute: async () => ({ status: 'done' as const }) } };
  it.each([
    [{ concurrency: 0 }, /concurrency: expected an integer in 1\.\.10, got 0/],
    [{ concurrency: 11 }, /concurrency: expected an integer in 1\.\.10, got 11/],
    [{ retry: { attempts: 0 } }, /retry\.attempts/],
    [{ retry: { jitter: 2 } }, /retry\.jitter: expected a number in 0\.\.1, got 2/],
    [{ timeoutMs: 0 }, /timeoutMs/],
    [{ source: {} }, /source: expected a TaskSource/],
    [{ executor: null }, /executor: expected an Executor/],
    [{ reporters: [{}] }, /reporters\[0\]/],
    [{ runId: '' }, /runId/],
  ])('%o is refused, naming the field', (bad, message) => {
    expect(() => new Orchestrator({ ...base, ...(bad as object) } as OrchestratorOptions)).toThrow(message);
    try {
      new Orchestrator({ ...base, ...(bad as object) } as OrchestratorOptions);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidOptionsError);
      expect((error as InvalidOptionsError).code).toBe('INVALID_OPTIONS');
      expect((error as InvalidOptionsError).component).toBe('Orchestrator');
    }
  });

  it('allows more than 10 agents only when pool.maxConcurrency is raised', () => {
    expect(() => new Orchestrator({ ...base, concurrency: 50, pool: { maxConcurrency: 64 } })).not.toThrow();
  });
});

describe('Orchestrator runs', () => {
  it('emits the documented event sequence and resolves with a summary', async () => {
    const { run, record, log } = setup(chain, { concurrency: 2 });
    record('run:start', 'task:queued', 'task:ready', 'task:start', 'task:done', 'run:end');
    const summary = await run();
    expect(log).toEqual([
      'run:start',
      'task:queued a#0',
      'task:queued b#0',
      'task:ready a#1',
      'task:start a#1',
      'task:done a#1',
      'task:ready b#1',
      'task:start b#1',
      'task:done b#1',
      'run:end',
    ]);
    expect(summary).toMatchObject({ ok: true, makespanMs: 200, attempts: 2, retries: 0, concurrency: 2 });
    expect(summary.counts).toMatchObject({ total: 2, done: 2 });
    expect(summary.results[1]).toMatchObject({
      id: 'b',
      state: 'done',
      attempts: 1,
      startedAt: new Date(T0 + 100).toISOString(),
      endedAt: new Date(T0 + 200).toISOString(),
      durationMs: 100,
    });
    expect(summary.utilisation).toBeCloseTo(200 / (2 * 200));
  });

  it('starts the ready task with the longest critical path first', async () => {
    const tasks: Task[] = [
      { id: 'short', title: 's', estimate: 2 },
      { id: 'long', title: 'l', estimate: 1 },
      { id: 'l2', title: 'l2', dependencies: ['long'], estimate: 1 },
      { id: 'l3', title: 'l3', dependencies: ['l2'], estimate: 3 },
    ];
    const { run, executor } = setup(tasks, { concurrency: 1 });
    await run();
    expect((executor as ReturnType<typeof scripted>).starts.map((s) => s.split('#')[0])).toEqual(['long', 'l2', 'l3', 'short']);
  });

  it('starts a task the moment its last dependency is done (no wave barrier)', async () => {
    const clock = new ManualClock(T0);
    const tasks: Task[] = [
      { id: 'slow', title: '' },
      { id: 'fast', title: '' },
      { id: 'after-fast', title: '', dependencies: ['fast'] },
    ];
    const executor = scripted(clock, undefined, (t) => (t.id === 'slow' ? 1_000 : 10));
    const { orc } = setup(tasks, { executor, clock, timers: clock, concurrency: 3 });
    const starts: Record<string, number> = {};
    orc.on('task:start', (e) => void (starts[e.taskId] = e.at - T0));
    await clock.runUntilSettled(orc.run());
    expect(starts).toEqual({ slow: 0, fast: 0, 'after-fast': 10 });
  });

  it('passes dependency results, a stable idempotency key and the deadline to the executor', async () => {
    const seen: Record<string, unknown> = {};
    const clock = new ManualClock(T0);
    const executor: Executor = {
      async execute(task, ctx) {
        seen[task.id] = { key: ctx.idempotencyKey, deps: [...ctx.dependencyResults.keys()], deadline: ctx.deadline - T0, runId: ctx.runId };
        return { status: 'done', result: `r-${task.id}`, summary: `s-${task.id}` };
      },
    };
    const { run } = setup(chain, { executor, clock, timers: clock, runId: 'run-7', timeoutMs: 5_000 });
    await run();
    expect(seen).toEqual({
      a: { key: 'run-7:a:1', deps: [], deadline: 5_000, runId: 'run-7' },
      b: { key: 'run-7:b:1', deps: ['a'], deadline: 5_000, runId: 'run-7' },
    });
  });

  it('rejects a cyclic graph with the cycle path, and a failing source with SOURCE_LOAD_FAILED', async () => {
    const cyclic: Task[] = [
      { id: 'a', title: '', dependencies: ['c'] },
      { id: 'b', title: '', dependencies: ['a'] },
      { id: 'c', title: '', dependencies: ['b'] },
    ];
    const error = await rejectionOf(setup(cyclic).run());
    expect(error).toBeInstanceOf(GraphError);
    expect((error as Error).message).toMatch(/cycle/);
    expect((error as Error).message).toMatch(/cycle: a → (b → c|c → b) → a/);

    const failing = new Orchestrator({
      source: { load: async () => Promise.reject(new Error('GitHub is down')) },
      executor: { execute: async () => ({ status: 'done' }) },
    });
    await expect(failing.run()).rejects.toMatchObject({ code: 'SOURCE_LOAD_FAILED', message: /GitHub is down/ });
    expect(failing.running).toBe(false);
  });

  it('skips tasks with unknown dependencies (naming the id) and tasks marked skip, with their dependents', async () => {
    const tasks: Task[] = [
      { id: 'a', title: '', dependencies: ['ghost'] },
      { id: 'b', title: '', dependencies: ['a'] },
      { id: 'c', title: '', skip: { reason: 'untrusted', message: 'c was written by an untrusted author' } },
      { id: 'd', title: '', dependencies: ['c'] },
      { id: 'e', title: '' },
    ];
    const { run, orc } = setup(tasks);
    const skipped: string[] = [];
    orc.on('task:skipped', (e) => void skipped.push(`${e.taskId}:${e.reason}:${e.because ?? '-'}`));
    const summary = await run();
    const byId = Object.fromEntries(summary.results.map((r) => [r.id, r]));
    expect(byId['a']).toMatchObject({ state: 'skipped', skippedBecause: 'ghost', error: 'Depends on unknown task ghost.' });
    expect(byId['b']).toMatchObject({ state: 'skipped', skippedBecause: 'a' });
    expect(byId['c']).toMatchObject({ state: 'skipped', error: 'c was written by an untrusted author' });
    expect(byId['d']).toMatchObject({ state: 'skipped', skippedBecause: 'c', error: 'Dependency c was skipped.' });
    expect(byId['e']!.state).toBe('done');
    expect(skipped.sort()).toEqual(['a:unknown-dependency:ghost', 'b:dependency-skipped:a', 'c:untrusted:-', 'd:dependency-skipped:c']);
    // Only c (the source's policy) and d (held back behind c) are policy skips.
    expect(['a', 'b', 'c', 'd'].map((id) => [id, byId[id]!.skipReason, byId[id]!.policySkip])).toEqual([
      ['a', 'unknown-dependency', undefined],
      ['b', 'dependency-skipped', undefined],
      ['c', 'untrusted', true],
      ['d', 'dependency-skipped', true],
    ]);
    expect(summary.ok).toBe(false);
  });
});

describe('failures, retries and timeouts', () => {
  it('retries transient failures with exponential back-off, then succeeds; attempts are in events and results', async () => {
    const clock = new ManualClock(T0);
    const executor = scripted(clock, (_task, ctx) =>
      ctx.attempt < 3 ? { status: 'failed', error: new Error('HTTP 503'), transient: true } : { status: 'done' },
    );
    const { run, orc } = setup([{ id: 'a', title: '' }], {
      executor,
      clock,
      timers: clock,
      retry: { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000, jitter: 0 },
    });
    const retries: string[] = [];
    orc.on('task:retry', (e) => void retries.push(`${e.attempt}->${e.nextAttempt} after ${e.delayMs}: ${e.error}`));
    const summary = await run();
    expect(retries).toEqual(['1->2 after 1000: HTTP 503', '2->3 after 2000: HTTP 503']);
    expect(summary.results[0]).toMatchObject({ state: 'done', attempts: 3 });
    expect(summary.retries).toBe(2);
    expect(summary.makespanMs).toBe(100 + 1_000 + 100 + 2_000 + 100);
  });

  it('honours retryAfterMs, caps the back-off at maxDelayMs and draws jitter below the delay', async () => {
    const clock = new ManualClock(T0);
    const executor = scripted(clock, (_t, ctx) =>
      ctx.attempt === 1 ? { status: 'failed', error: '429', transient: true, retryAfterMs: 7_000 } : ctx.attempt === 2 ? { status: 'failed', error: '5xx', transient: true } : { status: 'done' },
    );
    const { run, orc } = setup([{ id: 'a', title: '' }], {
      executor,
      clock,
      timers: clock,
      random: () => 0.5,
      retry: { attempts: 3, baseDelayMs: 4_000, maxDelayMs: 5_000, jitter: 0.5 },
    });
    const delays: number[] = [];
    orc.on('task:retry', (e) => void delays.push(e.delayMs));
    await run();
    // attempt 1: 4000 × (1 − 0.25) = 3000, but Retry-After says 7000; attempt 2: min(8000, 5000) × 0.75
    expect(delays).toEqual([7_000, 3_750]);
  });

  it('fails permanent errors at once and skips only the dependents, naming the failed ancestor', async () => {
    const tasks: Task[] = [
      { id: 'bad', title: '' },
      { id: 'child', title: '', dependencies: ['bad'] },
      { id: 'grandchild', title: '', dependencies: ['child'] },
      { id: 'independent', title: '' },
    ];
    const clock = new ManualClock(T0);
    const executor = scripted(clock, (task) => (task.id === 'bad' ? { status: 'failed', error: new Error('compile error') } : { status: 'done' }));
    const { run } = setup(tasks, { executor, clock, timers: clock });
    const summary = await run();
    expect(summary.results.map((r) => [r.id, r.state, r.attempts, r.skippedBecause ?? r.error ?? ''])).toEqual([
      ['bad', 'failed', 1, 'compile error'],
      ['child', 'skipped', 0, 'bad'],
      ['grandchild', 'skipped', 0, 'bad'],
      ['independent', 'done', 1, ''],
    ]);
    expect(summary.results[1]!.error).toBe('Dependency bad failed.');
    expect(summary.results[1]).toMatchObject({ skipReason: 'dependency-failed' });
    expect(summary.results[1]!.policySkip).toBeUndefined();
  });

  it('classifies thrown errors: 5xx / network codes / transient:true retry, anything else fails', async () => {
    const clock = new ManualClock(T0);
    const thrown: Record<string, unknown> = {
      http503: Object.assign(new Error('bad gateway'), { status: 503 }),
      reset: new TypeError('fetch failed', { cause: Object.assign(new Error('socket'), { code: 'ECONNRESET' }) }),
      flagged: Object.assign(new Error('try later'), { transient: true }),
      plain: new Error('nope'),
      http404: Object.assign(new Error('not found'), { status: 404 }),
    };
    const executor: Executor = {
      async execute(task, ctx) {
        await sleep(10, { timers: clock });
        if (ctx.attempt === 1) throw thrown[task.id];
        return { status: 'done' };
      },
    };
    const { run } = setup(Object.keys(thrown).map((id) => ({ id, title: '' })), { executor, clock, timers: clock });
    const summary = await run();
    expect(Object.fromEntries(summary.results.map((r) => [r.id, `${r.state}/${r.attempts}`]))).toEqual({
      http503: 'done/2',
      reset: 'done/2',
      flagged: 'done/2',
      plain: 'failed/1',
      http404: 'failed/1',
    });
  });

  it('turns an invalid outcome into a permanent failure that says so', async () => {
    const { run } = setup([{ id: 'a', title: '' }], { executor: { execute: async () => ({ status: 'ok' }) as unknown as ExecutorOutcome } });
    const summary = await run();
    expect(summary.results[0]!.error).toMatch(/invalid outcome.*"status":"ok"/);
  });

  it('times out an attempt: aborts its signal with TaskTimeoutError and fails it (not retried unless marked transient)', async () => {
    const clock = new ManualClock(T0);
    let reason: unknown;
    const executor: Executor = {
      async execute(task, ctx) {
        try {
          await sleep(10_000, { timers: clock, signal: ctx.signal });
        } catch (error) {
          reason = error;
          if (task.id === 'marked') return { status: 'failed', error, transient: ctx.attempt === 1 };
          throw error;
        }
        return { status: 'done' };
      },
    };
    const { run } = setup([{ id: 'plain', title: '' }, { id: 'marked', title: '' }], {
      executor,
      clock,
      timers: clock,
      timeoutMs: 1_000,
      retry: { attempts: 3, baseDelayMs: 1 },
    });
    const summary = await run();
    expect(reason).toBeInstanceOf(TaskTimeoutError);
    expect(summary.results[0]).toMatchObject({ state: 'failed', attempts: 1, error: 'Task plain (attempt 1) timed out after 1000 ms.' });
    expect(summary.results[1]).toMatchObject({ state: 'failed', attempts: 2 });
  });

  it('settles an executor that ignores its abort after the grace period, keeping its agent slot taken until it returns', async () => {
    const clock = new ManualClock(T0);
    const executor: Executor = {
      async execute(task) {
        await sleep(task.id === 'stubborn' ? 50_000 : 10, { timers: clock });
        return { status: 'done' };
      },
    };
    const { run, orc } = setup(
      [
        { id: 'stubborn', title: '' },
        { id: 'next', title: '' },
      ],
      { executor, clock, timers: clock, concurrency: 1, timeoutMs: 1_000, abortGraceMs: 500, random: () => 0 },
    );
    const errors: string[] = [];
    const starts: number[] = [];
    orc.on('error', (e) => void errors.push(`${e.source}: ${e.message}`));
    orc.on('task:start', (e) => void starts.push(e.at - T0));
    const summary = await run();
    expect(summary.results[0]).toMatchObject({ state: 'failed', error: expect.stringMatching(/timed out after 1000 ms/) });
    expect(summary.results[1]!.state).toBe('done');
    // The one slot was only free once the stubborn executor really returned.
    expect(starts).toEqual([0, 50_000]);
    expect(errors[0]).toMatch(/did not settle task stubborn within 500 ms/);
  });

  it('needs-input is reported, not retried, and skips dependents', async () => {
    const clock = new ManualClock(T0);
    const executor = scripted(clock, (task) => (task.id === 'a' ? { status: 'needs-input', reason: 'Which API version?' } : { status: 'done' }));
    const { run, orc } = setup(chain, { executor, clock, timers: clock });
    const seen: string[] = [];
    orc.on('task:needs-input', (e) => void seen.push(e.reason));
    const summary = await run();
    expect(seen).toEqual(['Which API version?']);
    expect(summary.results[0]).toMatchObject({ state: 'needs-input', attempts: 1, error: 'Needs input: Which API version?' });
    expect(summary.results[1]).toMatchObject({ state: 'skipped', skippedBecause: 'a', error: 'Dependency a needs input.' });
  });

  it('quarantines an agent that keeps failing and announces its recovery', async () => {
    const clock = new ManualClock(T0);
    const executor = scripted(clock, (task) => (task.id.startsWith('bad') ? { status: 'failed', error: 'x' } : { status: 'done' }));
    const tasks: Task[] = [{ id: 'bad1', title: '' }, { id: 'bad2', title: '' }, { id: 'ok', title: '' }];
    const { run, orc } = setup(tasks, { executor, clock, timers: clock, concurrency: 1, pool: { quarantineAfter: 2, coolDownMs: 5_000 } });
    const events: string[] = [];
    orc.on('agent:failed', (e) => void events.push(`failed ${e.agent} until +${e.until - T0}`));
    orc.on('agent:recovered', (e) => void events.push(`recovered ${e.agent} at +${e.at - T0}`));
    orc.on('task:start', (e) => void events.push(`start ${e.taskId} at +${e.at - T0}`));
    await run();
    expect(events).toEqual(['start bad1 at +0', 'start bad2 at +100', 'failed agent-1 until +5200', 'recovered agent-1 at +5200', 'start ok at +5200']);
  });
});

describe('listeners and reporters cannot break the run', () => {
  it('a throwing listener (sync or async) is reported as an error event; the run carries on', async () => {
    const { run, orc } = setup(chain);
    orc.on('task:start', () => {
      throw new Error('listener bug');
    });
    orc.on('task:done', async () => Promise.reject(new Error('async listener bug')));
    orc.on('error', () => {
      throw new Error('even the error listener throws');
    });
    const errors: OrchestratorEvents['error'][] = [];
    orc.on('error', (e) => void errors.push(e));
    const summary = await run();
    await new Promise((resolve) => setImmediate(resolve));
    expect(summary.ok).toBe(true);
    expect(errors.filter((e) => e.event === 'task:start').map((e) => e.message)).toEqual(['listener bug', 'listener bug']);
    expect(errors.filter((e) => e.event === 'task:done').map((e) => e.message)).toEqual(['async listener bug', 'async listener bug']);
    expect(errors.every((e) => e.source === 'listener' && e.runId === summary.runId)).toBe(true);
  });

  it('on() returns an unsubscribe; once() fires once', async () => {
    const { run, orc } = setup(chain);
    let on = 0;
    let once = 0;
    const off = orc.on('task:done', () => void on++);
    orc.once('task:done', () => void once++);
    off();
    await run();
    expect([on, once]).toEqual([0, 1]);
  });

  it('a reporter that throws is retried with back-off, then reported; tasks still finish', async () => {
    const clock = new ManualClock(T0);
    const calls: string[] = [];
    let failures = 0;
    const reporter = {
      async report(update: TaskUpdate) {
        calls.push(`${update.task.id}:${update.state}`);
        if (update.state === 'done' && update.task.id === 'a' && failures++ < 1) throw new Error('GitHub 502');
        if (update.state === 'done' && update.task.id === 'b') throw new Error('GitHub down');
      },
    };
    const { run, orc } = setup(chain, { clock, timers: clock, reporter, reporterRetry: { attempts: 3, baseDelayMs: 100 } });
    const errors: string[] = [];
    orc.on('error', (e) => void errors.push(`${e.source} ${e.taskId}: ${e.message}`));
    const summary = await run();
    expect(summary.ok).toBe(true);
    expect(calls.filter((c) => c.startsWith('a:'))).toEqual(['a:pending', 'a:ready', 'a:running', 'a:done', 'a:done']);
    expect(calls.filter((c) => c === 'b:done')).toHaveLength(3);
    expect(errors).toEqual(['reporter b: GitHub down']);
  });

  it('skips an update a newer one has overtaken, for reporters that allow it (canSkip), in order and never a final state', async () => {
    const clock = new ManualClock(T0);
    const every: string[] = [];
    const latest: string[] = [];
    const broken: string[] = [];
    const asked: string[] = [];
    const reporters = [
      { report: async (u: TaskUpdate) => void every.push(`${u.task.id}:${u.state}`) },
      {
        // A slow reporter (GitHub write spacing): one virtual second per update.
        report: (u: TaskUpdate) => sleep(1_000, { timers: clock }).then(() => void latest.push(`${u.task.id}:${u.state}`)),
        canSkip: (u: TaskUpdate, newer: TaskUpdate) => {
          asked.push(`${u.task.id}:${u.state}<${newer.state}`);
          return !['done', 'failed', 'skipped'].includes(u.state);
        },
      },
      {
        report: async (u: TaskUpdate) => void broken.push(`${u.task.id}:${u.state}`),
        canSkip: () => {
          throw new Error('a broken canSkip means no');
        },
      },
    ];
    const { run } = setup(chain, { clock, timers: clock, reporters });
    const summary = await run();
    expect(summary.ok).toBe(true);
    expect(every.filter((c) => c.startsWith('a:'))).toEqual(['a:pending', 'a:ready', 'a:running', 'a:done']);
    // a: pending, ready and running are queued in one go at the start: only running is written,
    // and canSkip was asked with the latest update (running) each time.
    expect(latest.filter((c) => c.startsWith('a:'))).toEqual(['a:running', 'a:done']);
    // done came while running was being written: asked again, whether to cut that write short
    // (its signal aborts; this reporter ignores it, so running is still written).
    expect(asked.filter((c) => c.startsWith('a:'))).toEqual(['a:pending<running', 'a:ready<running', 'a:running<done']);
    // b waits on a: its pending update goes out at once (nothing newer yet). b becomes ready,
    // runs (100 ms) and is done while that write still takes its second: only done follows.
    expect(latest.filter((c) => c.startsWith('b:'))).toEqual(['b:pending', 'b:done']);
    expect(every.filter((c) => c.startsWith('b:'))).toEqual(['b:pending', 'b:ready', 'b:running', 'b:done']);
    // A canSkip that throws counts as no: that reporter got every update.
    expect(broken).toEqual(every);
  });

  it('cuts short an update being delivered when a newer one makes it redundant (canSkip): its signal aborts, no retry, no error', async () => {
    const clock = new ManualClock(T0);
    const aborted: string[] = [];
    const delivered: string[] = [];
    const plainSignals = new Set<AbortSignal | undefined>();
    const reporters = [
      {
        // GitHub write spacing: b's pending write waits far longer than a takes to finish. Once
        // aborted, it takes 50 ms more to settle (a request being torn down).
        report: (u: TaskUpdate, signal?: AbortSignal) =>
          (u.task.id === 'b' && u.state === 'pending' ? sleep(60_000, { timers: clock, signal }) : Promise.resolve()).then(
            () => void delivered.push(`${u.task.id}:${u.state} at ${clock.now() - T0}`),
            async (reason: unknown) => {
              aborted.push(`${u.task.id}:${u.state} at ${clock.now() - T0}: ${(reason as Error).message}`);
              await sleep(50, { timers: clock });
              throw reason;
            }
          ),
        canSkip: (u: TaskUpdate) => !['done', 'failed', 'skipped'].includes(u.state),
      },
      // Without canSkip nothing is cut short: the run's one signal, every update.
      { report: async (_u: TaskUpdate, signal?: AbortSignal) => void plainSignals.add(signal) },
    ];
    const { run, orc } = setup(chain, { clock, timers: clock, reporters, reporterRetry: { attempts: 3, baseDelayMs: 10 } });
    const errors: unknown[] = [];
    orc.on('error', (e) => void errors.push(e.error));
    const summary = await run();
    expect(summary.ok).toBe(true);
    expect(aborted).toEqual(['b:pending at 100: The pending update of task b was superseded by ready.']);
    expect(errors).toEqual([]);
    // ready was overtaken by running before its turn (skipped); pending was not retried; running
    // waited until the cut-short report() had settled (100 + 50 ms); done came at 100 + 100 ms.
    expect(delivered.filter((d) => d.startsWith('b:'))).toEqual(['b:running at 150', 'b:done at 200']);
    expect(plainSignals.size).toBe(1);
  });

  it('redacts configured secrets from errors', async () => {
    const clock = new ManualClock(T0);
    const executor = scripted(clock, () => ({ status: 'failed', error: new Error('401 for token sk-live-123') }));
    const { run, orc } = setup([{ id: 'a', title: '' }], { executor, clock, timers: clock, secrets: ['sk-live-123'] });
    const errors: OrchestratorEvents['error'][] = [];
    orc.on('error', (e) => void errors.push(e));
    orc.on('task:failed', () => {
      throw new Error('listener saw sk-live-123');
    });
    const summary = await run();
    expect(summary.results[0]!.error).toBe('401 for token [REDACTED]');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe('listener saw [REDACTED]');
    expect(String((errors[0]!.error as Error).message)).toBe('listener saw [REDACTED]');
    expect(JSON.stringify(summary)).not.toContain('sk-live-123');
  });
});

describe('stop, abort, add', () => {
  const four: Task[] = [
    { id: 'a', title: '' },
    { id: 'b', title: '' },
    { id: 'c', title: '', dependencies: ['a'] },
    { id: 'd', title: '', dependencies: ['b'] },
  ];

  it.each(['cancel', 'detach'] as const)('stop({ mode: %s }) interrupts running tasks and marks what never started', async (mode) => {
    const clock = new ManualClock(T0);
    const reasons: unknown[] = [];
    const executor: Executor = {
      async execute(_task, ctx) {
        ctx.report('ACTIVE');
        try {
          await sleep(1_000, { timers: clock, signal: ctx.signal });
        } catch (error) {
          reasons.push(error);
          throw error;
        }
        return { status: 'done' };
      },
    };
    const journal = { entries: [] as JournalEntry[], load: async () => [], append: async (e: JournalEntry) => void journal.entries.push(e) };
    const { orc } = setup(four, { executor, clock, timers: clock, concurrency: 2, journal });
    const interrupted: string[] = [];
    orc.on('task:interrupted', (e) => void interrupted.push(`${e.taskId}:${e.mode}`));
    orc.on('task:status', (e) => {
      if (e.taskId === 'b') void orc.stop({ mode });
    });
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.stopped).toBe(mode);
    expect(interrupted.sort()).toEqual([`a:${mode}`, `b:${mode}`]);
    expect(reasons).toHaveLength(2);
    expect(reasons.every((r) => r instanceof RunStoppedError && r.mode === mode)).toBe(true);
    expect(summary.counts).toMatchObject({ interrupted: 2, pending: 2, done: 0 });
    expect(summary.results.find((r) => r.id === 'c')!.error).toBe(`Not started: the run was stopped (${mode}).`);
    // A detach keeps the dispatched attempts open in the journal (a resume re-attaches or looks up).
    const results = journal.entries.filter((e) => e.type === 'result');
    expect(results.map((e) => (e.type === 'result' ? `${e.result.id}:${String(e.detached)}` : '')).sort()).toEqual(
      mode === 'detach' ? ['a:true', 'b:true'] : ['a:false', 'b:false'],
    );
    expect(orc.running).toBe(false);
  });

  it('the run signal stops like stop(), with the chosen mode', async () => {
    const clock = new ManualClock(T0);
    const controller = new AbortController();
    const executor = scripted(clock, () => ({ status: 'done' }), () => 1_000);
    const { orc } = setup(four, { executor, clock, timers: clock, concurrency: 1 });
    orc.on('task:done', () => controller.abort());
    const summary = await clock.runUntilSettled(orc.run({ signal: controller.signal, stopMode: 'detach' }));
    expect(summary.stopped).toBe('detach');
    expect(summary.counts.done).toBe(1);
    await orc.onIdle();
  });

  it('retries waiting for their back-off end as interrupted on stop', async () => {
    const clock = new ManualClock(T0);
    const executor = scripted(clock, () => ({ status: 'failed', error: 'flaky', transient: true }));
    const { orc } = setup([{ id: 'a', title: '' }], { executor, clock, timers: clock, retry: { attempts: 5, baseDelayMs: 10_000, jitter: 0 } });
    orc.on('task:retry', () => void orc.stop());
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.results[0]).toMatchObject({ state: 'interrupted', attempts: 1 });
    expect(summary.makespanMs).toBe(100);
  });

  it('add() during a run joins the graph, refuses cycles with their path, and executor newTasks join too', async () => {
    const clock = new ManualClock(T0);
    const executor = scripted(clock, (task) =>
      task.id === 'a' ? { status: 'done', newTasks: [{ id: 'found', title: 'discovered', dependencies: ['a'] }] } : { status: 'done' },
    );
    const { orc } = setup([{ id: 'a', title: '' }, { id: 'b', title: '' }], { executor, clock, timers: clock });
    const added: string[] = [];
    const rejected: string[] = [];
    orc.on('tasks:added', (e) => void added.push(`${e.taskIds.join(',')} by ${e.by ?? 'add()'}`));
    orc.on('tasks:rejected', (e) => void rejected.push(e.issues.map((i) => i.message).join('; ')));
    let addResult: unknown;
    let cycleResult: unknown;
    orc.once('task:start', () => {
      addResult = orc.add({ id: 'late', title: '', dependencies: ['b'] });
      cycleResult = orc.add([
        { id: 'x', title: '', dependencies: ['y'] },
        { id: 'y', title: '', dependencies: ['x'] },
      ]);
    });
    const summary = await clock.runUntilSettled(orc.run());
    expect(addResult).toMatchObject({ ok: true });
    expect(cycleResult).toMatchObject({ ok: false, issues: [expect.objectContaining({ kind: 'cycle' })] });
    expect(rejected[0]).toMatch(/x/);
    expect(added).toEqual(['late by add()', 'found by a']);
    expect(summary.results.map((r) => `${r.id}:${r.state}`)).toEqual(['a:done', 'b:done', 'late:done', 'found:done']);
    expect(() => orc.add({ id: 'z', title: '' })).not.toThrow(); // idle again: queued for the next run
  });

  it('stop() while the source is loading rejects run() with RUN_STOPPED; an aborted signal rejects at once', async () => {
    let loadSignal: AbortSignal | undefined;
    const orc = new Orchestrator({
      source: {
        load: (signal) =>
          new Promise((_, reject) => {
            loadSignal = signal;
            signal?.addEventListener('abort', () => reject(signal.reason));
          }),
      },
      executor: { execute: async () => ({ status: 'done' }) },
    });
    const running = orc.run();
    await new Promise((resolve) => setImmediate(resolve));
    await orc.stop({ mode: 'detach' });
    await expect(running).rejects.toMatchObject({ code: 'RUN_STOPPED', mode: 'detach' });
    expect(loadSignal?.aborted).toBe(true);
    await expect(orc.run({ signal: AbortSignal.abort(new Error('already')) })).rejects.toThrow('already');
  });

  it('run() while running is refused; onIdle() waits for the end', async () => {
    const { orc, clock } = setup(chain);
    const first = orc.run();
    await expect(orc.run()).rejects.toMatchObject({ code: 'ORCHESTRATOR_MISUSE' });
    const idle = orc.onIdle();
    await clock.runUntilSettled(first);
    await idle;
    expect(orc.running).toBe(false);
  });
});

describe('journal, results file, progress', () => {
  function memoryJournal(initial: JournalEntry[] = []) {
    const entries = [...initial];
    const journal: RunJournal & { entries: JournalEntry[] } = {
      entries,
      load: async () => [...initial],
      append: async (entry) => void entries.push(entry),
    };
    return journal;
  }

  it('writes intent before execute, the run id at checkpoint, statuses, and the result before dependents start', async () => {
    const clock = new ManualClock(T0);
    const journal = memoryJournal();
    const trace: string[] = [];
    const append = journal.append;
    journal.append = async (entry) => {
      trace.push(`journal ${entry.type}${'taskId' in entry ? ` ${entry.taskId}` : entry.type === 'result' ? ` ${entry.result.id}` : ''}`);
      return append(entry);
    };
    const executor: Executor = {
      async execute(task, ctx) {
        trace.push(`execute ${task.id}`);
        await ctx.checkpoint({ agentRunId: task.id === 'a' ? 11 : 12, webUrl: `https://codegen.com/agent/trace/${task.id}` });
        ctx.report('ACTIVE');
        await sleep(10, { timers: clock });
        return { status: 'done' };
      },
    };
    const { run } = setup(chain, { executor, clock, timers: clock, journal, runId: 'r1' });
    const summary = await run();
    expect(trace).toEqual([
      'journal run',
      'journal intent a',
      'execute a',
      'journal created a',
      'journal status a',
      'journal result a',
      'journal intent b',
      'execute b',
      'journal created b',
      'journal status b',
      'journal result b',
    ]);
    expect(summary.results[0]).toMatchObject({ runId: 11, webUrl: 'https://codegen.com/agent/trace/a' });
    expect(journal.entries[1]).toEqual({ type: 'intent', runId: 'r1', taskId: 'a', attempt: 1, idempotencyKey: 'r1:a:1', agent: 'agent-1', at: T0 });
  });

  it('resumes: done tasks are kept, an open attempt is re-attached with its key, a dispatched intent is looked up', async () => {
    const done = { id: 'a', state: 'done' as const, attempts: 1, pullRequests: [], summary: 'did a', runId: 1 };
    const journal = memoryJournal([
      { type: 'run', runId: 'r1', resumed: false, at: 1 },
      { type: 'intent', runId: 'r1', taskId: 'a', attempt: 1, idempotencyKey: 'r1:a:1', agent: 'agent-1', at: 2 },
      { type: 'result', runId: 'r1', result: done, at: 3 },
      { type: 'intent', runId: 'r1', taskId: 'b', attempt: 1, idempotencyKey: 'r1:b:1', agent: 'agent-1', at: 4 },
      { type: 'created', runId: 'r1', taskId: 'b', attempt: 1, idempotencyKey: 'r1:b:1', agentRunId: 22, at: 5 },
      { type: 'intent', runId: 'r1', taskId: 'c', attempt: 2, idempotencyKey: 'r1:c:2', agent: 'agent-2', at: 6 },
    ]);
    const seen: string[] = [];
    const clock = new ManualClock(T0);
    const executor: Executor = {
      async execute(task, ctx) {
        seen.push(`${task.id} attempt ${ctx.attempt} key ${ctx.idempotencyKey} previous ${JSON.stringify(ctx.previous)} deps ${[...ctx.dependencyResults.values()].map((r) => r.summary)}`);
        return { status: 'done' };
      },
    };
    const tasks: Task[] = [
      { id: 'a', title: '' },
      { id: 'b', title: '', dependencies: ['a'] },
      { id: 'c', title: '' },
      { id: 'd', title: '', dependencies: ['a'] },
      // depends on a task done earlier that the source no longer lists (its issue was closed)
      { id: 'e', title: '', dependencies: ['gone'] },
    ];
    journal.load = async () => [
      ...journal.entries,
      { type: 'intent', runId: 'r1', taskId: 'gone', attempt: 1, idempotencyKey: 'r1:gone:1', agent: 'agent-1', at: 7 },
      { type: 'result', runId: 'r1', result: { id: 'gone', state: 'done', attempts: 1, pullRequests: [], summary: 'did gone' }, at: 8 },
    ];
    const { run, orc } = setup(tasks, { executor, clock, timers: clock, journal });
    const starts: string[] = [];
    orc.on('run:start', (e) => void starts.push(`resumed ${e.resumed}`));
    const summary = await run({ resume: true });
    expect(summary.runId).toBe('r1');
    expect(starts).toEqual(['resumed true']);
    expect(seen.sort()).toEqual([
      'b attempt 1 key r1:b:1 previous {"agentRunId":22} deps did a',
      'c attempt 2 key r1:c:2 previous {} deps ',
      'd attempt 1 key r1:d:1 previous undefined deps did a',
      'e attempt 1 key r1:e:1 previous undefined deps did gone',
    ]);
    expect(summary.results.map((r) => `${r.id}:${r.state}:${r.attempts}`)).toEqual(['a:done:1', 'b:done:1', 'c:done:2', 'd:done:1', 'e:done:1']);
  });

  it('streams one JSON line per task to the results file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pco-results-'));
    const file = join(dir, 'results.jsonl');
    const clock = new ManualClock(T0);
    const executor = scripted(clock, (t) => (t.id === 'a' ? { status: 'failed', error: 'x' } : { status: 'done' }));
    const { run } = setup([...chain, { id: 'c', title: '' }], { executor, clock, timers: clock, resultsFile: file });
    await run();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; state: string });
    expect(lines.map((l) => `${l.id}:${l.state}`).sort()).toEqual(['a:failed', 'b:skipped', 'c:done']);
  });

  it('a results file that cannot be written is reported, never fatal; retainResults: false keeps no results in memory', async () => {
    const { run, orc } = setup(chain, { resultsFile: join(tmpdir(), 'pco-no-such-dir', 'x', 'results.jsonl'), retainResults: false });
    const errors: string[] = [];
    orc.on('error', (e) => void errors.push(`${e.source}: ${e.message}`));
    const summary = await run();
    expect(summary.ok).toBe(true);
    expect(summary.results).toEqual([]);
    expect(summary.counts.done).toBe(2);
    expect(errors).toEqual([expect.stringMatching(/^results-file: ENOENT/)]);
  });

  it('progress(): counts, running tasks with agent status, throughput, ETA and utilisation; progress events on an interval', async () => {
    const clock = new ManualClock(T0);
    const tasks: Task[] = [
      { id: 'a', title: 'A', estimate: 1 },
      { id: 'b', title: 'B', estimate: 2, dependencies: ['a'] },
      { id: 'c', title: 'C', estimate: 1 },
    ];
    const executor: Executor = {
      async execute(task, ctx) {
        ctx.report('ACTIVE');
        await sleep((task.estimate ?? 1) * 100, { timers: clock, signal: ctx.signal });
        return { status: 'done' };
      },
    };
    const { orc } = setup(tasks, { executor, clock, timers: clock, concurrency: 2, progressIntervalMs: 150 });
    const snapshots: OrchestratorEvents['progress'][] = [];
    orc.on('progress', (p) => void snapshots.push(p));
    await clock.runUntilSettled(orc.run());
    const at150 = snapshots[0]!;
    expect(at150.elapsedMs).toBe(150);
    expect(at150.counts).toMatchObject({ done: 2, running: 1 });
    expect(at150.running).toEqual([{ taskId: 'b', title: 'B', agent: expect.any(String), attempt: 1, agentStatus: 'ACTIVE', state: 'running', startedAt: T0 + 100 }]);
    expect(at150.throughputPerMinute).toBeCloseTo((2 * 60_000) / 150);
    // 100 ms per estimate unit observed; b (2 units) is what is left.
    expect(at150.etaMs).toBe(200);
    expect(at150.utilisation).toBeCloseTo((100 + 100 + 50) / (2 * 150));
    expect(snapshots.length).toBeGreaterThanOrEqual(1);
  });
});
