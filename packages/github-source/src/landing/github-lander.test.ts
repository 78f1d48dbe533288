import { fakeLandingContext } from '@pco/testkit/helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, pushFix, REPO, type Harness } from './lander-harness.js';

const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});
async function setup(...args: Parameters<typeof harness>): Promise<Harness> {
  const h = await harness(...args);
  open.push(h);
  return h;
}

const ops = (h: Harness, name: string) => h.fake.requests.filter((r) => r.operation === `graphql ${name}`);

describe('GitHubLander: the poll', () => {
  it('reads 50 pull requests in review with one query of ≤ 100 points per tick', async () => {
    const h = await setup({ pullScript: { checks: [{ name: 'test', durationMs: 3_000_000 }] } }, { poll: { minIntervalMs: 20_000 } });
    const stop = new AbortController();
    const runs = Array.from({ length: 50 }, () => {
      const { task, context } = h.open({ signal: stop.signal });
      return h.lander.land(task, context).catch((e: unknown) => e);
    });
    const ticks: { at: number; cost: number; queries: number; pullRequests: number }[] = [];
    const done = new Promise<void>((resolve) =>
      h.lander.on('tick', (t) => {
        ticks.push({ at: h.fake.requests.length, cost: t.cost, queries: t.queries, pullRequests: t.pullRequests });
        if (ticks.length === 5) resolve();
      }),
    );
    await h.clock.runUntilSettled(done);
    stop.abort(new Error('test over'));
    await Promise.all(runs);
    // The ids of all 50 were resolved together, once.
    expect(ops(h, 'query PcoPullRequestIds')).toHaveLength(1);
    for (let k = 1; k < ticks.length; k++) {
      const between = h.fake.requests.slice(ticks[k - 1]!.at, ticks[k]!.at);
      expect(between.map((r) => r.operation)).toEqual(['graphql query PcoPullRequestStates']);
      expect(between[0]!.points).toBeLessThanOrEqual(100);
      expect(ticks[k]).toMatchObject({ queries: 1, pullRequests: 50, cost: between[0]!.points });
    }
    // The figure the issue asks for (reported in docs/landing.md).
    expect(ops(h, 'query PcoPullRequestStates').map((r) => r.points)).toEqual([1, 1, 1, 1, 1]);
  });

  it('splits more than 50 pull requests into batches of 50', async () => {
    const h = await setup({ pullScript: { checks: [{ name: 'test', durationMs: 3_000_000 }] } });
    const stop = new AbortController();
    const runs = Array.from({ length: 120 }, () => {
      const { task, context } = h.open({ signal: stop.signal });
      return h.lander.land(task, context).catch((e: unknown) => e);
    });
    // Landings join as their ids resolve; the tick once all 120 wait:
    const full = new Promise<{ queries: number; pullRequests: number; nextInMs: number }>((resolve) => h.lander.on('tick', (t) => t.pullRequests === 120 && resolve(t)));
    const before = h.fake.requests.length;
    const tick = await h.clock.runUntilSettled(full);
    stop.abort(new Error('test over'));
    await Promise.all(runs);
    // Three batches; the cadence steps up with them (minIntervalMs × batches).
    expect(tick).toMatchObject({ queries: 3, pullRequests: 120, nextInMs: 60_000 });
    const sizes = h.fake.requests.slice(before).filter((r) => r.operation === 'graphql query PcoPullRequestStates').map((r) => (r.body as { variables: { ids: string[] } }).variables.ids.length);
    expect(sizes.slice(-3)).toEqual([50, 50, 20]);
  });
});

describe('GitHubLander: landing', () => {
  it('rides out a failing poll: the pull requests are read again next tick', async () => {
    const h = await setup({ pullScript: { checks: [{ name: 'unit', durationMs: 30_000 }] } });
    const errors: unknown[] = [];
    h.lander.on('poll-error', (e) => errors.push(e.error));
    h.fake.failNext({ kind: 'server-error', status: 502 }, { times: 4, match: { operation: 'graphql query PcoPullRequestStates' } });
    const { task, context } = h.open({});
    expect(await h.clock.runUntilSettled(h.lander.land(task, context))).toMatchObject({ status: 'landed' });
    expect(errors).toHaveLength(1); // the client retried 3 times, the watcher once more on its next tick
    expect(h.fake.count({ operation: 'graphql mutation PcoLandMerge' })).toBe(1);
  });

  it('merges a green pull request with the evaluated head: pr-opened, checks-passed, merged', async () => {
    const h = await setup({ pullScript: { checks: [{ name: 'test', durationMs: 60_000 }] } });
    const { task, context, number } = h.open({});
    const outcome = await h.clock.runUntilSettled(h.lander.land(task, context));
    expect(outcome).toMatchObject({ status: 'landed', summary: `merged #${number}` });
    expect(context.milestones).toEqual(['pr-opened', 'checks-passed', 'merged']);
    const pr = h.fake.pulls.get(REPO, number);
    expect(pr.merged).toBe(true);
    const merges = ops(h, 'mutation PcoLandMerge');
    expect(merges).toHaveLength(1);
    expect((merges[0]!.body as { variables: { head: string } }).variables.head).toBe(pr.headShas.at(-1));
    // Journaled before it was sent.
    expect(context.recorded.map((r) => r.key)).toEqual([`merge:${pr.headShas.at(-1)}`]);
    expect(context.reviews.map((r) => r.status)).toContain('checks-pending');
  });

  it('fails a pull request closed without merging', async () => {
    const h = await setup({ pullScript: { checks: [{ name: 'test', durationMs: 600_000 }] } });
    const { task, context, number } = h.open({});
    const landing = h.lander.land(task, context);
    h.fake.pulls.close(REPO, number);
    expect(await h.clock.runUntilSettled(landing)).toMatchObject({ status: 'failed', reason: expect.stringContaining('closed without merging') });
  });
});

describe('GitHubLander: reactions', () => {
  it('sends failing checks with their summary, annotations and log excerpt to the agent, once per head, then lands the fix', async () => {
    const h = await setup({
      pullScript: {
        checks: [
          {
            name: 'unit',
            results: ['failure', 'success'],
            durationMs: 60_000,
            summary: 'expected 2, got 3',
            annotations: [{ path: 'src/cart.ts', line: 12, message: 'assertion failed' }],
            log: 'setup\n##[error]cart.test.ts: expected 2, got 3\nteardown',
          },
        ],
      },
    });
    const { task, context, number } = h.open({ followUp: pushFix(h.fake) });
    const outcome = await h.clock.runUntilSettled(h.lander.land(task, context));
    expect(outcome).toMatchObject({ status: 'landed' });
    const pr = h.fake.pulls.get(REPO, number);
    expect(context.followUps.map((f) => [f.key, f.reason])).toEqual([[`checks-failed:${pr.headShas[0]}`, 'checks-failed']]);
    const prompt = context.followUps[0]!.prompt;
    expect(prompt).toContain('### unit (failure)');
    expect(prompt).toContain('expected 2, got 3');
    expect(prompt).toContain('`src/cart.ts:12` (failure): assertion failed');
    expect(prompt).toContain('##[error]cart.test.ts: expected 2, got 3');
    expect(prompt).toContain(pr.url);
    expect(context.followUps[0]!.pullRequest.url).toBe(pr.url);
    // Details fetched once, for that reaction only.
    expect(h.fake.count({ route: 'GET /repos/{owner}/{repo}/check-runs/{check_run_id}' })).toBe(1);
    expect(context.milestones).toEqual(['pr-opened', 'checks-passed', 'merged']);
    expect(context.reviews.map((r) => r.status)).toEqual(expect.arrayContaining(['checks-failed', 'checks-pending', 'merging']));
  });

  it('finds failing checks beyond the contexts the poll reads (from the counts), and lists them all', async () => {
    const h = await setup(
      { pullScript: { checks: [{ name: 'a-lint', durationMs: 30_000 }, { name: 'b-unit', results: ['failure', 'success'], durationMs: 30_000, summary: 'b broke' }] } },
      { poll: { contextsPerPullRequest: 1 } },
    );
    const { task, context } = h.open({ followUp: pushFix(h.fake) });
    expect(await h.clock.runUntilSettled(h.lander.land(task, context))).toMatchObject({ status: 'landed' });
    expect(context.followUps).toHaveLength(1);
    expect(context.followUps[0]!.prompt).toContain('### b-unit (failure)');
    expect(context.followUps[0]!.prompt).toContain('b broke');
    // The poll read only a-lint (green); the counts said one had failed: listed once, for the follow-up.
    expect(h.fake.count({ route: 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs' })).toBe(1);
  });

  it('sends a change request with its comments, waits for the new review, then lands', async () => {
    const h = await setup({
      rules: { requiredApprovals: 1 },
      pullScript: {
        checks: [{ name: 'unit', durationMs: 30_000 }],
        reviews: [
          { after: 0, state: 'CHANGES_REQUESTED', author: 'bob', body: 'Please rename it.', comments: [{ path: 'src/cart.ts', line: 3, body: 'call it `Cart`' }] },
          { after: 1, state: 'APPROVED', author: 'bob', delayMs: 120_000 },
        ],
      },
    });
    const { task, context } = h.open({ followUp: pushFix(h.fake) });
    expect(await h.clock.runUntilSettled(h.lander.land(task, context))).toMatchObject({ status: 'landed' });
    expect(context.followUps.map((f) => f.reason)).toEqual(['changes-requested']);
    expect(context.followUps[0]!.prompt).toContain('(@bob) requested changes');
    expect(context.followUps[0]!.prompt).toContain('Please rename it.');
    expect(context.followUps[0]!.prompt).toContain('`src/cart.ts:3`: call it `Cart`');
    expect(context.reviews.some((r) => r.status === 'changes-requested' && /waiting for a new review/.test(r.message ?? ''))).toBe(true);
  });

  it('rebases by merge after a sibling landed first: a conflict follow-up, and an update-branch once per base', async () => {
    const h = await setup({ rules: { strictUpToDate: true }, pullScript: { checks: [{ name: 'unit', durationMs: 30_000 }] } }, { merge: 'train' });
    const a = h.open({ files: ['src/cart.ts'], followUp: pushFix(h.fake) });
    const b = h.open({ files: ['src/cart.ts'], followUp: pushFix(h.fake) });
    const c = h.open({ files: ['src/other.ts'] });
    const outcomes = await h.clock.runUntilSettled(Promise.all([a, b, c].map((t) => h.lander.land(t.task, t.context))));
    expect(outcomes.map((o) => o.status)).toEqual(['landed', 'landed', 'landed']);
    // Exactly one of the two that touch cart.ts conflicted once the other merged; c never did.
    const conflicts = [a, b, c].flatMap((t) => t.context.followUps.map((f) => f.reason));
    expect(conflicts).toEqual(['conflict']);
    expect(conflicts[0] && [a, b].some((t) => t.context.followUps[0]?.prompt.includes('Merge `main` into'))).toBe(true);
    // The train brought stale branches up to date, each once per base commit.
    const updates = h.fake.requests.filter((r) => r.operation === 'graphql mutation PcoUpdateBranch');
    const keys = [a, b, c].flatMap((t) => t.context.recorded.filter((r) => r.key.startsWith('update-branch:')).map((r) => `${t.number}:${r.key}`));
    expect(new Set(keys).size).toBe(keys.length);
    expect(updates.length).toBe(keys.length);
    expect(h.fake.count({ operation: 'graphql mutation PcoLandMerge' })).toBe(3);
  });

  it('enables auto-merge where the repository allows it, and lands when a human approves', async () => {
    const h = await setup({ autoMergeAllowed: true, rules: { requiredApprovals: 1 }, pullScript: { checks: [{ name: 'unit', durationMs: 30_000 }] } });
    const { task, context, number } = h.open({});
    const landing = h.lander.land(task, context);
    const enabled = new Promise<void>((resolve) => h.lander.on('reaction', (r) => r.key.startsWith('auto-merge:') && r.outcome === 'sent' && resolve()));
    await h.clock.runUntilSettled(enabled);
    expect(h.fake.pulls.get(REPO, number).autoMerge).not.toBeNull();
    h.fake.pulls.review(REPO, number, { state: 'APPROVED', author: 'alice' });
    expect(await h.clock.runUntilSettled(landing)).toMatchObject({ status: 'landed' });
    expect(h.fake.count({ operation: 'graphql mutation PcoLandMerge' })).toBe(0);
  });

  it('enqueues into the merge queue with the evaluated head and waits until the queue merged it', async () => {
    const h = await setup({ rules: { mergeQueue: true, requiredChecks: ['unit'] }, pullScript: { checks: [{ name: 'unit', durationMs: 30_000 }] } });
    const { task, context } = h.open({});
    expect(await h.clock.runUntilSettled(h.lander.land(task, context))).toMatchObject({ status: 'landed' });
    expect(h.fake.count({ operation: 'graphql mutation PcoEnqueue' })).toBe(1);
    expect(h.fake.count({ operation: 'graphql mutation PcoLandMerge' })).toBe(0);
    expect(context.reviews.map((r) => r.status)).toContain('queued');
  });

  it('asks a human once the follow-ups are used up, keeps watching, and ends needs-input when the run is idle', async () => {
    const h = await setup({ pullScript: { checks: [{ name: 'unit', results: ['failure'], durationMs: 30_000 }] } }, { maxFollowUps: { 'checks-failed': 1 } });
    const { task, context } = h.open({ followUp: (_r, n) => (h.fake.pulls.push(REPO, n, { fixes: false }), { status: 'done' }) });
    const landing = h.lander.land(task, context);
    const human = new Promise<void>((resolve) => {
      const poll = () => (context.reviews.some((r) => r.status === 'needs-human') ? resolve() : h.clock.setTimeout(poll, 10_000));
      poll();
    });
    await h.clock.runUntilSettled(human);
    expect(context.followUps).toHaveLength(1);
    context.goIdle();
    const outcome = await h.clock.runUntilSettled(landing);
    expect(outcome).toMatchObject({ status: 'needs-input', reason: expect.stringContaining('checks-failed follow-ups used up (1 of 1)') });
  });

  it('lands a pull request a human merged while it waited for them', async () => {
    const h = await setup({ pullScript: { checks: [{ name: 'unit', results: ['failure'], durationMs: 30_000 }] } }, { maxFollowUps: { 'checks-failed': 0 } });
    const { task, context, number } = h.open({});
    const landing = h.lander.land(task, context);
    const human = new Promise<void>((resolve) => {
      const poll = () => (context.reviews.some((r) => r.status === 'needs-human') ? resolve() : h.clock.setTimeout(poll, 10_000));
      poll();
    });
    await h.clock.runUntilSettled(human);
    h.fake.pulls.mergeAsHuman(REPO, number);
    expect(await h.clock.runUntilSettled(landing)).toMatchObject({ status: 'landed' });
  });

  it("leaves failing CI to Codegen's auto-fixer, and steps in after N failed heads", async () => {
    const h = await setup({ pullScript: { checks: [{ name: 'unit', results: ['failure', 'failure', 'success'], durationMs: 30_000 }] } }, { ciFixes: 'codegen', codegenFixAttempts: 2 });
    const { task, context, number } = h.open({ followUp: pushFix(h.fake) });
    const landing = h.lander.land(task, context);
    // Codegen's fixer pushes once (a second failing head); pco has not sent anything meanwhile.
    const firstFailure = new Promise<void>((resolve) => {
      const poll = () => (context.reviews.some((r) => r.status === 'checks-failed') ? resolve() : h.clock.setTimeout(poll, 10_000));
      poll();
    });
    await h.clock.runUntilSettled(firstFailure);
    expect(context.followUps).toHaveLength(0);
    h.fake.pulls.push(REPO, number); // Codegen's auto-fix attempt: fails again (script)
    expect(await h.clock.runUntilSettled(landing)).toMatchObject({ status: 'landed' });
    expect(context.followUps.map((f) => f.reason)).toEqual(['checks-failed']);
    expect(context.recorded.filter((r) => r.key.startsWith('ci-failed:'))).toHaveLength(2);
  });
});

describe('GitHubLander: crash safety', () => {
  it('never merges twice: after a resume it reads the PR first (merged already → landed)', async () => {
    const h = await setup({ pullScript: { checks: [{ name: 'unit', durationMs: 30_000 }] } });
    const first = h.open({});
    expect(await h.clock.runUntilSettled(h.lander.land(first.task, first.context))).toMatchObject({ status: 'landed' });
    // A new process with the journal of the first (the merge step recorded), on the same PR.
    const resumed = fakeLandingContext({ reached: ['run-complete'], pullRequests: first.context.pullRequests, reactions: first.context.recorded, clock: h.clock });
    expect(await h.clock.runUntilSettled(h.lander.land(first.task, resumed))).toMatchObject({ status: 'landed' });
    expect(h.fake.count({ operation: 'graphql mutation PcoLandMerge' })).toBe(1);
  });

  it('after a crash between journaling the merge and sending it, merges once on a fresh read', async () => {
    const h = await setup({ pullScript: { checks: [{ name: 'unit', durationMs: 30_000 }] } });
    const { task, context, number } = h.open({});
    // Let CI finish, then pretend a process journaled merge:<head> and died before sending.
    const head = h.fake.pulls.get(REPO, number).headSha;
    const resumed = fakeLandingContext({ reached: ['run-complete'], pullRequests: context.pullRequests, reactions: [{ key: `merge:${head}`, kind: 'step', at: h.clock.now() }], clock: h.clock });
    expect(await h.clock.runUntilSettled(h.lander.land(task, resumed))).toMatchObject({ status: 'landed' });
    expect(h.fake.count({ operation: 'graphql mutation PcoLandMerge' })).toBe(1);
    // The step was not journaled a second time.
    expect(resumed.recorded.filter((r) => r.key === `merge:${head}`)).toHaveLength(1);
  });

  it('re-attaches a follow-up that was in flight, and never repeats one that ended', async () => {
    const h = await setup({ pullScript: { checks: [{ name: 'unit', results: ['failure', 'success'], durationMs: 30_000 }] } });
    const { task, context, number } = h.open({});
    const head = h.fake.pulls.get(REPO, number).headSha;
    // The earlier process ran the follow-up to its end (the agent pushed its fix).
    h.fake.pulls.push(REPO, number, { fixes: true });
    const resumed = fakeLandingContext({
      reached: ['run-complete'],
      pullRequests: context.pullRequests,
      reactions: [{ key: `checks-failed:${head}`, kind: 'follow-up', at: h.clock.now(), outcome: 'done' }],
      clock: h.clock,
    });
    expect(await h.clock.runUntilSettled(h.lander.land(task, resumed))).toMatchObject({ status: 'landed' });
    expect(resumed.followUps).toHaveLength(0);
  });
});
