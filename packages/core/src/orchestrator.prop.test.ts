import { fc, test } from '@fast-check/vitest';
import { ManualClock } from '@pco/testkit/clock';
import { sleep } from '@pco/testkit/helpers';
import { expect } from 'vitest';
import { Orchestrator } from './orchestrator.js';
import type { ExecutorOutcome, Task, TaskState } from '@pco/contract';

/** What one attempt of a task does. */
type Behaviour = 'success' | 'permanent' | 'transient' | 'throw-transient' | 'timeout' | 'slow' | 'needs-input';

const TIMEOUT_MS = 1_000;

const behaviour = fc.constantFrom<Behaviour>(
  'success',
  'success',
  'success',
  'permanent',
  'transient',
  'throw-transient',
  'timeout',
  'slow',
  'needs-input',
);

const scenario = fc
  .integer({ min: 1, max: 22 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      // edges only from earlier to later tasks: always a DAG
      edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 2 }),
      behaviours: fc.array(fc.array(behaviour, { minLength: 1, maxLength: 4 }), { minLength: n, maxLength: n }),
      durations: fc.array(fc.integer({ min: 1, max: 200 }), { minLength: n, maxLength: n }),
      estimates: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: n, maxLength: n }),
      concurrency: fc.integer({ min: 1, max: 10 }),
      attempts: fc.integer({ min: 1, max: 4 }),
      quarantineAfter: fc.constantFrom(1, 2, 3, Infinity),
    }),
  );

/** The state a task must end in, given its behaviours and the retry limit. */
function expectedOutcome(list: readonly Behaviour[], attempts: number): { state: TaskState; attempts: number } {
  for (let k = 1; k <= attempts; k++) {
    const b = list[Math.min(k - 1, list.length - 1)]!;
    if (b === 'success' || b === 'slow') return { state: 'done', attempts: k };
    if (b === 'permanent' || b === 'timeout') return { state: 'failed', attempts: k };
    if (b === 'needs-input') return { state: 'needs-input', attempts: k };
    if (k === attempts) return { state: 'failed', attempts: k };
  }
  throw new Error('unreachable');
}

test.prop([scenario], { numRuns: 120 })(
  'random DAGs × executor behaviour × concurrency: deps respected, cap kept, one terminal state, exact skips, bounded attempts',
  async ({ n, edges, behaviours, durations, estimates, concurrency, attempts, quarantineAfter }) => {
    const ids = Array.from({ length: n }, (_, i) => `t${i}`);
    const deps: Set<string>[] = ids.map(() => new Set());
    for (const [a, b] of edges) if (a < b) deps[b]!.add(ids[a]!);
    const tasks: Task[] = ids.map((id, i) => ({ id, title: `Task ${i}`, dependencies: [...deps[i]!], estimate: estimates[i]! }));

    const clock = new ManualClock(1_700_000_000_000);
    const violations: string[] = [];
    const doneByEvent = new Set<string>();
    const executions = new Map<string, number>();
    let active = 0;
    let maxActive = 0;

    const orc = new Orchestrator({
      source: { load: async () => tasks },
      concurrency,
      retry: { attempts, baseDelayMs: 10, maxDelayMs: 100, jitter: 1 },
      timeoutMs: TIMEOUT_MS,
      abortGraceMs: 50,
      pool: { quarantineAfter, coolDownMs: 500 },
      clock,
      timers: clock,
      random: () => 0.5,
      executor: {
        async execute(task, ctx): Promise<ExecutorOutcome> {
          for (const dep of task.dependencies ?? []) {
            if (!doneByEvent.has(dep)) violations.push(`${task.id} started before ${dep} was done`);
            if (ctx.dependencyResults.get(dep)?.state !== 'done') violations.push(`${task.id}: no done result for ${dep}`);
          }
          executions.set(task.id, (executions.get(task.id) ?? 0) + 1);
          active++;
          maxActive = Math.max(maxActive, active);
          try {
            const i = Number(task.id.slice(1));
            const list = behaviours[i]!;
            const b = list[Math.min(ctx.attempt - 1, list.length - 1)]!;
            ctx.report('ACTIVE');
            switch (b) {
              case 'timeout':
                await sleep(TIMEOUT_MS * 10, { timers: clock, signal: ctx.signal });
                throw new Error('unreachable: the timeout aborts first');
              case 'slow':
                await sleep(TIMEOUT_MS - 100, { timers: clock, signal: ctx.signal });
                return { status: 'done', result: 'slow but fine' };
              default:
                await sleep(durations[i]!, { timers: clock, signal: ctx.signal });
            }
            if (b === 'success') return { status: 'done', result: `result of ${task.id}` };
            if (b === 'permanent') return { status: 'failed', error: new Error('permanent'), transient: false };
            if (b === 'transient') return { status: 'failed', error: new Error('503'), transient: true };
            if (b === 'needs-input') return { status: 'needs-input', reason: 'which database?' };
            throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
          } finally {
            active--;
          }
        },
      },
    });

    const terminal = new Map<string, string[]>();
    const sequence = new Map<string, string[]>();
    const log = (id: string, what: string): void => {
      const list = sequence.get(id) ?? [];
      list.push(what);
      sequence.set(id, list);
    };
    const started = new Map<string, number>();
    orc.on('task:queued', (e) => log(e.taskId, 'queued'));
    orc.on('task:ready', (e) => log(e.taskId, 'ready'));
    orc.on('task:start', (e) => {
      log(e.taskId, 'start');
      started.set(e.taskId, e.attempt);
      if (orc.progress().busyAgents > concurrency) violations.push('more busy agents than the cap');
    });
    orc.on('task:retry', (e) => log(e.taskId, 'retry'));
    for (const name of ['task:done', 'task:failed', 'task:skipped', 'task:needs-input', 'task:interrupted'] as const) {
      orc.on(name, (e) => {
        log(e.taskId, 'end');
        terminal.set(e.taskId, [...(terminal.get(e.taskId) ?? []), name]);
        if (name === 'task:done') doneByEvent.add(e.taskId);
      });
    }

    const summary = await clock.runUntilSettled(orc.run());

    expect(violations).toEqual([]);
    expect(maxActive).toBeLessThanOrEqual(concurrency);

    // Exactly one terminal state per task, and a well-formed event sequence.
    for (const id of ids) {
      expect(terminal.get(id)?.length, `terminal events of ${id}`).toBe(1);
      const seq = (sequence.get(id) ?? []).join(' ');
      expect(seq).toMatch(/^queued( ready start( retry ready start)*)? end$/);
    }

    // Expected final state of every task: from its own behaviour if all its dependencies are
    // done, otherwise skipped (and only then).
    const expected = new Map<string, { state: TaskState; attempts: number }>();
    for (let i = 0; i < n; i++) {
      const blocked = [...deps[i]!].some((d) => expected.get(d)!.state !== 'done');
      expected.set(ids[i]!, blocked ? { state: 'skipped', attempts: 0 } : expectedOutcome(behaviours[i]!, attempts));
    }
    const byId = new Map(summary.results.map((r) => [r.id, r]));
    for (const id of ids) {
      const result = byId.get(id)!;
      const want = expected.get(id)!;
      expect(result.state, `state of ${id}`).toBe(want.state);
      expect(result.attempts, `attempts of ${id}`).toBe(want.attempts);
      expect(result.attempts).toBeLessThanOrEqual(attempts);
      expect(executions.get(id) ?? 0).toBe(want.attempts);
      if (want.state === 'skipped') {
        // The named ancestor really is one that did not finish.
        expect(result.skippedBecause).toBeDefined();
        expect(expected.get(result.skippedBecause!)?.state).not.toBe('done');
      }
    }
    expect(summary.counts.total).toBe(n);
    expect(summary.ok).toBe([...expected.values()].every((e) => e.state === 'done'));
  },
);

const interleaving = fc
  .integer({ min: 1, max: 15 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 2 }),
      fails: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      concurrency: fc.integer({ min: 1, max: 10 }),
      stopAfter: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
      mode: fc.constantFrom('cancel' as const, 'detach' as const),
      added: fc.array(fc.nat(n - 1), { maxLength: 3 }),
    }),
  );

// `timeout` only guards against a hang (a run takes milliseconds); a loaded CI machine can stall a run for seconds.
test.prop([interleaving, fc.scheduler()], { numRuns: 150, timeout: 10_000 })(
  'any completion order, with add() and stop() at random points: one final state per task, nothing starts after stop',
  async ({ n, edges, fails, concurrency, stopAfter, mode, added }, s) => {
    const ids = Array.from({ length: n }, (_, i) => `t${i}`);
    const deps: Set<string>[] = ids.map(() => new Set());
    for (const [a, b] of edges) if (a < b) deps[b]!.add(ids[a]!);
    const tasks: Task[] = ids.map((id, i) => ({ id, title: id, dependencies: [...deps[i]!] }));
    const violations: string[] = [];
    let running = 0;
    let stopped = false;
    let settledCount = 0;
    const doneIds = new Set<string>();

    const orc = new Orchestrator({
      source: { load: async () => tasks },
      concurrency,
      retry: { attempts: 1 },
      // Real timers here: no quarantine cool-down to wait for.
      pool: { quarantineAfter: Infinity },
      executor: {
        async execute(task, ctx): Promise<ExecutorOutcome> {
          if (stopped) violations.push(`${task.id} started after stop()`);
          for (const dep of task.dependencies ?? []) if (!doneIds.has(dep)) violations.push(`${task.id} before ${dep}`);
          if (++running > concurrency) violations.push('over the cap');
          try {
            // The scheduler decides when (and in which order) attempts finish; a stop aborts.
            await Promise.race([
              s.schedule(Promise.resolve(), `finish ${task.id}`),
              new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
            ]);
            const i = Number(task.id.replace(/^t|^x/, ''));
            return fails[i % n] ? { status: 'failed', error: 'boom' } : { status: 'done' };
          } finally {
            running--;
          }
        },
      },
    });
    const finals = new Map<string, string[]>();
    for (const name of ['task:done', 'task:failed', 'task:skipped', 'task:needs-input', 'task:interrupted'] as const) {
      orc.on(name, (e) => {
        if (name === 'task:done') doneIds.add(e.taskId);
        finals.set(e.taskId, [...(finals.get(e.taskId) ?? []), name]);
        settledCount++;
        if (stopAfter !== undefined && settledCount === stopAfter) {
          stopped = true;
          void orc.stop({ mode });
        }
        // Tasks added while running join the graph (deps on earlier tasks only: no cycles).
        if (!stopped && settledCount === 1) {
          for (const k of added) {
            const id = `x${k}-${settledCount}-${finals.size}`;
            if (!finals.has(id)) orc.add({ id, title: id, dependencies: [ids[k]!] });
          }
        }
      });
    }
    if (stopAfter === 0) {
      orc.on('task:start', () => {
        if (!stopped) {
          stopped = true;
          void orc.stop({ mode });
        }
      });
    }
    const summary = await s.waitFor(orc.run());
    expect(violations).toEqual([]);
    for (const [id, list] of finals) expect(list, id).toHaveLength(1);
    for (const result of summary.results) {
      const terminal = ['done', 'failed', 'skipped', 'needs-input', 'interrupted'].includes(result.state);
      if (summary.stopped === undefined) expect(terminal, `${result.id} is ${result.state}`).toBe(true);
      else if (!terminal) expect(['pending', 'ready']).toContain(result.state);
      expect(finals.has(result.id)).toBe(terminal);
    }
    if (summary.stopped === undefined) expect(summary.counts.interrupted).toBe(0);
    else expect(summary.stopped).toBe(mode);
    expect(summary.counts.total).toBe(summary.results.length);
  },
);
