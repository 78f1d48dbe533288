// Property (issue 16): whatever the graph, the timings and the landing outcomes, no task starts
// before each of its prerequisites reached the configured milestone; a prerequisite that fails
// before that point skips its dependents; every task ends in exactly one state.
import { fc, test } from '@fast-check/vitest';
import { ManualClock } from '@pco/testkit/clock';
import { expect } from 'vitest';
import { Orchestrator } from './orchestrator.js';
import { LANDING_MILESTONES, type LandingMilestone, type LandingOutcome, type Task } from '@pco/contract';

/** How a task's pull request fares: merged, closed after `stage` milestones, or no pull request. */
type Fate = { readonly kind: 'merged' } | { readonly kind: 'closed'; readonly stage: 1 | 2 } | { readonly kind: 'no-pr' };

const fate = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Fate>({ kind: 'merged' }) },
  { weight: 1, arbitrary: fc.constantFrom<Fate>({ kind: 'closed', stage: 1 }, { kind: 'closed', stage: 2 }) },
  { weight: 1, arbitrary: fc.constant<Fate>({ kind: 'no-pr' }) }
);

const scenario = fc.integer({ min: 2, max: 8 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 2 }),
    fates: fc.array(fate, { minLength: n, maxLength: n }),
    delays: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: n * 4, maxLength: n * 4 }),
    when: fc.constantFrom<LandingMilestone>(...LANDING_MILESTONES),
    concurrency: fc.integer({ min: 1, max: 4 }),
  })
);

test.prop([scenario], { numRuns: 60 })('no dependent starts before its prerequisites reached the configured milestone', async (s) => {
  // Edges only from lower to higher index: a DAG.
  const deps = Array.from({ length: s.n }, () => new Set<string>());
  for (const [x, y] of s.edges) if (x < y) deps[y]!.add(`t${x}`);
  const tasks: Task[] = deps.map((d, i) => ({ id: `t${i}`, title: `t${i}`, dependencies: [...d] }));
  const fateOf = (id: string): Fate => s.fates[Number(id.slice(1))]!;
  const delay = (id: string, k: number): number => s.delays[Number(id.slice(1)) * 4 + k]!;
  const clock = new ManualClock(0);
  const wait = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
  const rank = LANDING_MILESTONES.indexOf(s.when);
  /** Per task, the furthest milestone rank reached (-1: none yet); `Infinity` once done. */
  const reached = new Map<string, number>();
  const starts: string[] = [];
  const orc = new Orchestrator({
    source: { load: async () => tasks },
    executor: {
      execute: async (task) => {
        await wait(delay(task.id, 0));
        return fateOf(task.id).kind === 'no-pr' ? { status: 'done' } : { status: 'done', pullRequests: [{ url: `https://x/${task.id}` }] };
      },
    },
    concurrency: s.concurrency,
    clock,
    timers: clock,
    landing: {
      dependentsStartWhen: s.when,
      lander: {
        land: async (task, ctx): Promise<LandingOutcome> => {
          const f = fateOf(task.id);
          const steps: LandingMilestone[] = ['pr-opened', 'checks-passed', 'merged'];
          for (let k = 0; k < steps.length; k++) {
            if (f.kind === 'closed' && k === f.stage) return { status: 'failed', reason: 'closed' };
            await wait(delay(task.id, k + 1));
            await ctx.milestone(steps[k]!);
          }
          return { status: 'landed', pullRequests: ctx.pullRequests };
        },
      },
    },
  });
  orc.on('task:review', (e) => reached.set(e.taskId, Math.max(reached.get(e.taskId) ?? -1, 0)));
  orc.on('task:milestone', (e) => reached.set(e.taskId, Math.max(reached.get(e.taskId) ?? -1, LANDING_MILESTONES.indexOf(e.milestone))));
  orc.on('task:done', (e) => reached.set(e.taskId, Infinity));
  // Collected, not asserted in the listener: a listener's throw cannot break the run (it is
  // reported as an `error` event), so it would not fail the test either.
  const early: string[] = [];
  orc.on('task:start', (e) => {
    starts.push(e.taskId);
    for (const d of deps[Number(e.taskId.slice(1))]!) if ((reached.get(d) ?? -1) < rank) early.push(`${e.taskId} started before ${d} reached ${s.when}`);
  });
  const summary = await clock.runUntilSettled(orc.run());
  expect(early).toEqual([]);
  expect(summary.counts.total).toBe(s.n);
  expect(summary.counts['in-review'] + summary.counts.running + summary.counts.ready).toBe(0);
  // Every task started at most once (no follow-ups here), and a task whose prerequisite closed
  // before the release point never started.
  expect(new Set(starts).size).toBe(starts.length);
  for (const r of summary.results) {
    if (r.state === 'skipped') expect(starts).not.toContain(r.id);
    if (r.state === 'done' && fateOf(r.id).kind !== 'no-pr') expect(r.landing?.state).toBe('landed');
    if (r.state === 'failed') expect(r.landing?.state).toBe('closed');
  }
});
