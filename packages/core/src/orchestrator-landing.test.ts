// The stage after the agent run (issue 16): with a lander, a task whose run opened pull requests
// is in review until they land; dependents start at the configured milestone; follow-ups run as
// attempts on agent slots, once per key; a resume lands again from the journal.
import { ManualClock } from '@pco/testkit/clock';
import { memoryJournal } from '@pco/testkit/helpers';
import { describe, expect, it } from 'vitest';
import { Orchestrator } from './orchestrator.js';
import type { OrchestratorOptions } from './options.js';
import type {
  ExecutionContext,
  Executor,
  ExecutorOutcome,
  JournalEntry,
  Lander,
  LandingContext,
  LandingMilestone,
  LandingOutcome,
  Task,
} from '@pco/contract';

const T0 = 1_700_000_000_000;
const pr = (id: string) => ({ url: `https://github.com/o/r/pull/${id}`, number: 1, repo: 'o/r' });

/** An executor whose runs take `ms` and open one pull request; follow-ups are recorded. */
function agent(clock: ManualClock, ms = 10) {
  const calls: { task: string; attempt: number; followUp?: string; previousRunId?: number | string; resumed: boolean }[] = [];
  let nextRun = 100;
  const executor: Executor = {
    execute: async (task: Task, ctx: ExecutionContext): Promise<ExecutorOutcome> => {
      calls.push({
        task: task.id,
        attempt: ctx.attempt,
        ...(ctx.followUp === undefined ? {} : { followUp: ctx.followUp.key }),
        ...(ctx.followUp?.previousRunId === undefined ? {} : { previousRunId: ctx.followUp.previousRunId }),
        resumed: ctx.previous !== undefined,
      });
      const runId = ctx.previous?.agentRunId ?? nextRun++;
      if (ctx.previous?.agentRunId === undefined) await ctx.checkpoint({ agentRunId: runId });
      await new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
      return { status: 'done', agentRunId: runId, pullRequests: [pr(task.id)] };
    },
  };
  return { executor, calls };
}

type Script = (task: Task, ctx: LandingContext, clock: ManualClock) => Promise<LandingOutcome>;

/** Pull requests that pass checks after `checksMs` and merge `mergeMs` later. */
const smooth =
  (checksMs = 20, mergeMs = 20): Script =>
  async (task, ctx, clock) => {
    await ctx.milestone('pr-opened');
    await wait(clock, checksMs);
    await ctx.milestone('checks-passed');
    await wait(clock, mergeMs);
    await ctx.step(`merge:${task.id}`);
    await ctx.milestone('merged');
    return { status: 'landed', pullRequests: ctx.pullRequests, mergedAt: clock.now() };
  };

function wait(clock: ManualClock, ms: number): Promise<void> {
  return new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
}

function landerOf(clock: ManualClock, script: Script): Lander & { contexts: Map<string, LandingContext> } {
  const contexts = new Map<string, LandingContext>();
  return { contexts, land: (task, ctx) => (contexts.set(task.id, ctx), script(task, ctx, clock)) };
}

function setup(tasks: Task[], script: Script, extra: Partial<OrchestratorOptions> & { dependentsStartWhen?: LandingMilestone } = {}) {
  const clock = new ManualClock(T0);
  const { executor, calls } = agent(clock);
  const lander = landerOf(clock, script);
  const { dependentsStartWhen, ...rest } = extra;
  const orc = new Orchestrator({
    source: { load: async () => tasks },
    executor,
    clock,
    timers: clock,
    landing: { lander, ...(dependentsStartWhen === undefined ? {} : { dependentsStartWhen }) },
    ...rest,
  });
  const log: string[] = [];
  orc.on('task:start', (e) => log.push(`${e.taskId}:start${e.followUp ? `:${e.followUp.key}` : ''}`));
  orc.on('task:review', (e) => log.push(`${e.taskId}:review${e.review ? `:${e.review.status}` : ''}`));
  orc.on('task:milestone', (e) => log.push(`${e.taskId}:${e.milestone}${e.released ? ':released' : ''}`));
  orc.on('task:follow-up', (e) => log.push(`${e.taskId}:follow-up:${e.key}:${e.outcome}`));
  orc.on('task:done', (e) => log.push(`${e.taskId}:done`));
  orc.on('task:failed', (e) => log.push(`${e.taskId}:failed`));
  orc.on('task:skipped', (e) => log.push(`${e.taskId}:skipped`));
  orc.on('task:needs-input', (e) => log.push(`${e.taskId}:needs-input`));
  return { clock, orc, calls, lander, log };
}

const chain: Task[] = [
  { id: 'a', title: 'cart API' },
  { id: 'b', title: 'checkout page', dependencies: ['a'] },
];

describe('Orchestrator with a lander', () => {
  it('keeps a task in review until it merged, and starts its dependent only then (default: merged)', async () => {
    const { clock, orc, log } = setup(chain, smooth());
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.counts).toMatchObject({ total: 2, done: 2 });
    expect(log.indexOf('b:start')).toBeGreaterThan(log.indexOf('a:merged:released'));
    expect(log.slice(0, 5)).toEqual(['a:start', 'a:review', 'a:pr-opened', 'a:checks-passed', 'a:merged:released']);
    expect(log).toContain('a:done');
    const a = summary.results.find((r) => r.id === 'a')!;
    expect(a.landing).toMatchObject({ state: 'landed', reactions: 1, reached: ['run-complete', 'pr-opened', 'checks-passed', 'merged'] });
    expect(a.landing?.landedAt).toBe(new Date(T0 + 10 + 40).toISOString());
    expect(a.pullRequests).toEqual([pr('a')]);
  });

  it.each([
    ['run-complete', 'a:review'],
    ['pr-opened', 'a:pr-opened:released'],
    ['checks-passed', 'a:checks-passed:released'],
  ] as const)('with dependentsStartWhen %s, starts the dependent right after %s', async (when, releasedAt) => {
    const { clock, orc, log } = setup(chain, smooth(), { dependentsStartWhen: when });
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.counts.done).toBe(2);
    const bStart = log.indexOf('b:start');
    expect(bStart).toBeGreaterThan(log.indexOf(releasedAt));
    // The prerequisite is still in review when its dependent starts.
    expect(bStart).toBeLessThan(log.indexOf('a:done'));
  });

  it('runs a follow-up on an agent slot with the pull request’s run to resume, once per key', async () => {
    const script: Script = async (task, ctx, clock) => {
      await ctx.milestone('pr-opened');
      if (task.id === 'a') {
        ctx.review({ status: 'checks-failed', message: 'ci failed on abc' });
        const request = { key: 'checks-failed:abc', reason: 'checks-failed', prompt: 'fix ci', pullRequest: ctx.pullRequests[0]! };
        const [first, again] = await Promise.all([ctx.followUp(request), ctx.followUp(request)]);
        expect(first).toBe(again);
        expect(first.status).toBe('done');
        // Asked again after it ended: the recorded outcome, nothing runs.
        expect((await ctx.followUp(request)).status).toBe('done');
      }
      return smooth(5, 5)(task, ctx, clock);
    };
    const { clock, orc, calls, log } = setup(chain, script, { concurrency: 1 });
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.counts.done).toBe(2);
    expect(calls).toEqual([
      { task: 'a', attempt: 1, resumed: false },
      { task: 'a', attempt: 2, followUp: 'checks-failed:abc', previousRunId: 100, resumed: false },
      { task: 'b', attempt: 1, resumed: false },
    ]);
    expect(log).toContain('a:start:checks-failed:abc');
    expect(log).toContain('a:follow-up:checks-failed:abc:done');
    const a = summary.results.find((r) => r.id === 'a')!;
    expect(a).toMatchObject({ attempts: 2, runId: 101, landing: { state: 'landed', reactions: 2 } });
  });

  it('fails a task closed unmerged; dependents are skipped unless they were released already', async () => {
    const closed: Script = async (_task, ctx) => {
      await ctx.milestone('pr-opened');
      return { status: 'failed', reason: 'the pull request was closed without merging' };
    };
    const merged = setup(chain, closed);
    const s1 = await merged.clock.runUntilSettled(merged.orc.run());
    expect(s1.counts).toMatchObject({ failed: 1, skipped: 1 });
    expect(s1.results.find((r) => r.id === 'a')).toMatchObject({ state: 'failed', landing: { state: 'closed' }, error: 'the pull request was closed without merging' });

    const early = setup(chain, closed, { dependentsStartWhen: 'pr-opened' });
    const s2 = await early.clock.runUntilSettled(early.orc.run());
    expect(s2.counts).toMatchObject({ failed: 2, skipped: 0, done: 0, 'in-review': 0 });
    // b ran (released at pr-opened) and is in its own landing, which also ends closed.
    expect(early.log).toContain('b:start');
    expect(s2.results.find((r) => r.id === 'b')?.state).toBe('failed');
    expect(early.log).not.toContain('b:skipped');
  });

  it('waits for a human without skipping dependents: needs-input once nothing else can move', async () => {
    const tasks: Task[] = [...chain, { id: 'c', title: 'independent' }];
    const script: Script = async (task, ctx, clock) => {
      await ctx.milestone('pr-opened');
      if (task.id !== 'a') return smooth(5, 5)(task, ctx, clock);
      ctx.review({ status: 'needs-human', message: 'two follow-ups did not fix ci' });
      await new Promise((resolve) => ctx.idle.addEventListener('abort', resolve, { once: true }));
      return { status: 'needs-input', reason: 'two follow-ups did not fix ci' };
    };
    const { clock, orc, log } = setup(tasks, script);
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.counts).toMatchObject({ total: 3, done: 1, 'needs-input': 1, pending: 1, skipped: 0 });
    // c landed first: the run went idle only after it.
    expect(log.indexOf('a:needs-input')).toBeGreaterThan(log.indexOf('c:done'));
    expect(summary.results.find((r) => r.id === 'b')).toMatchObject({ state: 'pending', error: expect.stringContaining('needs a human') });
    expect(summary.results.find((r) => r.id === 'a')).toMatchObject({ state: 'needs-input', landing: { state: 'needs-human' } });
  });

  it('gives landers a fresh idle signal once work starts again after the run went idle', async () => {
    const tasks: Task[] = [
      { id: 'a', title: 'a' },
      { id: 'b', title: 'b', dependencies: ['a'] },
      { id: 'c', title: 'c', dependencies: ['a'] },
    ];
    const waitForHuman = (ctx: LandingContext) => {
      ctx.review({ status: 'needs-human' });
      return new Promise<void>((resolve) => (ctx.idle.aborted ? resolve() : ctx.idle.addEventListener('abort', () => resolve(), { once: true })));
    };
    const script: Script = async (task, ctx, clock) => {
      await ctx.milestone('pr-opened');
      if (task.id === 'c') return smooth(200, 5)(task, ctx, clock);
      await waitForHuman(ctx);
      // a: a human merged it just as the run went idle; b: nobody comes.
      if (task.id === 'a') return { status: 'landed', pullRequests: ctx.pullRequests };
      return { status: 'needs-input', reason: 'nobody came' };
    };
    const { clock, orc, log } = setup(tasks, script);
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.counts).toMatchObject({ done: 2, 'needs-input': 1 });
    // b waited for c to land (the run was not idle while c worked), not for a spent signal.
    expect(log.indexOf('b:needs-input')).toBeGreaterThan(log.indexOf('c:done'));
  });

  it('finishes a task without pull requests at once, as without a lander', async () => {
    const clock = new ManualClock(T0);
    let landed = 0;
    const orc = new Orchestrator({
      source: { load: async () => chain },
      executor: { execute: async () => ({ status: 'done' }) },
      clock,
      timers: clock,
      landing: { lander: { land: async () => (landed++, { status: 'landed', pullRequests: [] }) } },
    });
    const summary = await clock.runUntilSettled(orc.run());
    expect(summary.counts.done).toBe(2);
    expect(landed).toBe(0);
  });

  it('refuses a lander without land() and an unknown milestone, naming the field', () => {
    const base = { source: { load: async () => [] }, executor: { execute: async () => ({ status: 'done' as const }) } };
    expect(() => new Orchestrator({ ...base, landing: { lander: {} as Lander } })).toThrow(/landing\.lander/);
    expect(() => new Orchestrator({ ...base, landing: { lander: { land: async () => ({ status: 'failed', reason: 'x' }) }, dependentsStartWhen: 'approved' as LandingMilestone } })).toThrow(
      /landing\.dependentsStartWhen/
    );
  });
});

describe('Orchestrator with a lander, resumed', () => {
  it('lands again from the journal: no new agent run, the follow-up not repeated, dependents released', async () => {
    // First process: a is in review, reached pr-opened, ran one follow-up, then the run stopped.
    const journal = memoryJournal();
    let stopNow: (() => void) | undefined;
    const first = setup(
      chain,
      async (_task, ctx) => {
        await ctx.milestone('pr-opened');
        const request = { key: 'checks-failed:abc', reason: 'checks-failed', prompt: 'fix ci', pullRequest: ctx.pullRequests[0]! };
        await ctx.followUp(request);
        await ctx.step('update-branch:base1', { base: 'base1' });
        stopNow!();
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
        throw ctx.signal.reason;
      },
      { journal, runId: 'r1' }
    );
    stopNow = () => first.orc.stop({ mode: 'detach' });
    const s1 = await first.clock.runUntilSettled(first.orc.run());
    expect(s1.counts).toMatchObject({ interrupted: 1, pending: 1 });
    expect(first.calls.map((c) => c.followUp ?? c.task)).toEqual(['a', 'checks-failed:abc']);
    const types = journal.entries.map((e: JournalEntry) => e.type);
    expect(types).toEqual(expect.arrayContaining(['review', 'milestone', 'follow-up', 'step']));

    // Second process resumes with dependents starting at pr-opened (recorded): b starts at once.
    const second = setup(
      chain,
      async (task, ctx, clock) => {
        if (task.id === 'a') {
          expect(ctx.reached.has('pr-opened')).toBe(true);
          expect(ctx.reactions.map((r) => r.key)).toEqual(['checks-failed:abc', 'update-branch:base1']);
          const again = await ctx.followUp({ key: 'checks-failed:abc', reason: 'checks-failed', prompt: 'fix ci', pullRequest: ctx.pullRequests[0]! });
          expect(again.status).toBe('done');
        }
        return smooth(5, 5)(task, ctx, clock);
      },
      { journal, runId: 'r1', dependentsStartWhen: 'pr-opened' }
    );
    const s2 = await second.clock.runUntilSettled(second.orc.run({ resume: true }));
    expect(s2.counts).toMatchObject({ done: 2 });
    // Only b's agent ran: a was past its agent run, and its follow-up's key was journaled.
    expect(second.calls).toEqual([{ task: 'b', attempt: 1, resumed: false }]);
    expect(s2.results.find((r) => r.id === 'a')).toMatchObject({ state: 'done', attempts: 2, landing: { state: 'landed', reactions: 3 } });
  });

  it('re-attaches to a follow-up an earlier process dispatched instead of starting another', async () => {
    const entries: JournalEntry[] = [
      { type: 'run', runId: 'r1', resumed: false, at: T0 },
      { type: 'intent', runId: 'r1', taskId: 'a', attempt: 1, idempotencyKey: 'r1:a:1', agent: 'agent-1', at: T0 },
      { type: 'created', runId: 'r1', taskId: 'a', attempt: 1, idempotencyKey: 'r1:a:1', agentRunId: 100, at: T0 },
      { type: 'review', runId: 'r1', taskId: 'a', attempt: 1, pullRequests: [pr('a')], agentRunId: 100, at: T0 + 1 },
      { type: 'milestone', runId: 'r1', taskId: 'a', milestone: 'pr-opened', at: T0 + 2 },
      {
        type: 'intent',
        runId: 'r1',
        taskId: 'a',
        attempt: 2,
        idempotencyKey: 'r1:a:2',
        agent: 'agent-1',
        followUp: { key: 'conflict:base2', reason: 'conflict' },
        at: T0 + 3,
      },
      { type: 'created', runId: 'r1', taskId: 'a', attempt: 2, idempotencyKey: 'r1:a:2', agentRunId: 555, at: T0 + 4 },
    ];
    const journal = memoryJournal(entries);
    const { clock, orc, calls } = setup(
      chain,
      async (task, ctx, c) => {
        if (task.id === 'a') await ctx.followUp({ key: 'conflict:base2', reason: 'conflict', prompt: 'merge main', pullRequest: ctx.pullRequests[0]! });
        return smooth(5, 5)(task, ctx, c);
      },
      { journal, runId: 'r1' }
    );
    const summary = await clock.runUntilSettled(orc.run({ resume: true }));
    expect(summary.counts.done).toBe(2);
    expect(calls[0]).toEqual({ task: 'a', attempt: 2, followUp: 'conflict:base2', previousRunId: 100, resumed: true });
    expect(calls.filter((c) => c.task === 'a')).toHaveLength(1);
    const followUp = journal.entries.find((e) => e.type === 'follow-up');
    expect(followUp).toMatchObject({ key: 'conflict:base2', attempt: 2, outcome: 'done', agentRunId: 555 });
  });
});
