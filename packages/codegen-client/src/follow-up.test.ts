/**
 * CodegenExecutor on a follow-up (`ExecutionContext.followUp`), over HTTP against the fake
 * Codegen: resume accepted, resume refused → a new run on the PR's branch, a resume answered with
 * another run's id, re-attach after a crash, and the lookups of an attempt whose run the journal
 * lost (a create found by its key, a resume found by the run being live again).
 */
import type { ExecutionContext, FollowUp, RunCheckpoint, Task } from '@pco/contract';
import { linkFakes, startFakeGitHub, type FakeGitHub } from '@pco/testkit';
import { startFakeCodegen, type FakeCodegen, type FakeCodegenOptions } from '@pco/testkit/codegen';
import { createAcceleratedTime } from '@pco/testkit/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { CodegenClient } from './codegen-client.js';
import { CodegenExecutor } from './codegen-executor.js';
import { pullRequestsOf } from './pull-requests.js';
import { RunWatcher } from './run-watcher.js';
import type { AgentRun } from './types.js';

// 1 API minute = 1.5 real ms (as codegen-executor.test.ts).
const SCALE = 0.0015;
const time = createAcceleratedTime({ speed: 1 / SCALE });
const onTime = { clock: time.clock, timers: time.timers };
const TOKEN = 'cg-follow-up-token-91';

let fake: FakeCodegen | undefined;
let github: FakeGitHub | undefined;
let executor: CodegenExecutor | undefined;
afterEach(async () => {
  executor?.close();
  executor = undefined;
  await fake?.close();
  await github?.close();
  fake = undefined;
  github = undefined;
});

const task: Task = { id: 'acme/app#7', title: 'Add the cart API', body: 'Cart endpoints. [[fake:duration=2m]]', url: 'https://github.com/acme/app/issues/7' };

async function setup(options: FakeCodegenOptions = {}) {
  fake = await startFakeCodegen({ now: time.clock.now, tokens: [TOKEN], seed: 3, ...options });
  const client = new CodegenClient({ token: TOKEN, orgId: fake.orgId, baseUrl: fake.url, ...onTime, requestTimeoutMs: 5_000 });
  executor = new CodegenExecutor({ client, repoId: 1, watcherOptions: onTime });
  return { fake, client, executor };
}

/** The task's first run, COMPLETE with its PR: what a lander's follow-up continues. */
async function firstRun(client: CodegenClient): Promise<{ run: AgentRun; followUp: FollowUp }> {
  const created = await client.createRun({ prompt: `${task.title} [[fake:duration=2m]]`, repo_id: 1 });
  const watcher = new RunWatcher(client, onTime);
  const run = await watcher.watch(created.id);
  watcher.close();
  const [pullRequest] = pullRequestsOf(run);
  expect(pullRequest?.headBranch).toBeTruthy();
  return {
    run,
    followUp: {
      key: `checks-failed:${run.id}`,
      reason: 'checks-failed',
      prompt: 'The check `ci` failed: `npm test` exits 1 in cart.test.ts. Fix it. [[fake:duration=3m]]',
      pullRequest: pullRequest!,
      previousRunId: run.id,
    },
  };
}

interface Recorded {
  readonly ctx: ExecutionContext;
  readonly checkpoints: RunCheckpoint[];
  /** The last request the fake had seen when each checkpoint was taken. */
  readonly lastRequestAtCheckpoint: (string | null)[];
  readonly statuses: { status: string; detail?: Readonly<Record<string, unknown>> }[];
}

function context(f: FakeCodegen, overrides: Partial<ExecutionContext>): Recorded {
  const checkpoints: RunCheckpoint[] = [];
  const lastRequestAtCheckpoint: (string | null)[] = [];
  const statuses: Recorded['statuses'] = [];
  const ctx: ExecutionContext = {
    signal: new AbortController().signal,
    attempt: 2,
    agent: 'agent-1',
    runId: 'run-1',
    idempotencyKey: 'run-1:acme/app#7:2',
    deadline: Number.MAX_SAFE_INTEGER,
    dependencyResults: new Map(),
    report: (status, detail) => void statuses.push({ status, ...(detail ? { detail } : {}) }),
    checkpoint: async (data) => {
      checkpoints.push(data);
      lastRequestAtCheckpoint.push(f.requests.at(-1)?.operation ?? null);
    },
    ...overrides,
  };
  return { ctx, checkpoints, lastRequestAtCheckpoint, statuses };
}

const sent = (f: FakeCodegen, operation: string) => f.requests.filter((r) => r.operation === operation).length;

describe('CodegenExecutor follow-ups over HTTP', () => {
  it('resumes the run that opened the PR: journaled with its log end before the resume, checkpointed right after, done with the PR', async () => {
    const { fake, client, executor } = await setup();
    const { run, followUp } = await firstRun(client);
    const before = await client.getRunLogs(run.id, { reverse: true, limit: 1 });
    const recorded = context(fake, { followUp });
    const outcome = await executor.execute(task, recorded.ctx);

    expect(outcome).toMatchObject({ status: 'done', agentRunId: run.id, pullRequests: [followUp.pullRequest] });
    expect(recorded.checkpoints).toEqual([
      { agentRunId: run.id, note: { resume: 'sending', logEnd: before.logs[0]!.created_at } },
      { agentRunId: run.id, webUrl: run.web_url },
    ]);
    // The first before the resume was sent (a crash then: the log tells whether it was), the second after.
    expect(recorded.lastRequestAtCheckpoint).toEqual(['getRunLogs', 'resumeRun']);
    expect(recorded.statuses[0]).toEqual({ status: 'RESUMED', detail: { agentRunId: run.id, previousRunId: run.id } });
    expect(fake.created).toHaveLength(1); // no new run
    expect(sent(fake, 'resumeRun')).toBe(1);
    // The resume carried the lander's request and where to push.
    const logs = await client.getRunLogs(run.id);
    expect(logs.logs[0]?.observation).toContain('The check `ci` failed');
    expect(logs.logs[0]?.observation).toContain(`Push your commits to the branch \`${followUp.pullRequest.headBranch}\` of pull request ${followUp.pullRequest.url}`);
  });

  it('a refused resume falls back to a new run that names the PR and its branch, with the idempotency key in its metadata', async () => {
    const { fake, client, executor } = await setup({ resumeFinished: 'refuse' });
    const { followUp } = await firstRun(client);
    const recorded = context(fake, { followUp });
    const outcome = await executor.execute(task, recorded.ctx);

    expect(fake.created).toHaveLength(2);
    const created = fake.created[1]!;
    expect(outcome).toMatchObject({ status: 'done', agentRunId: created.id });
    expect(recorded.statuses[0]).toMatchObject({ status: 'RESUME_REFUSED', detail: { agentRunId: followUp.previousRunId, httpStatus: 400 } });
    expect(recorded.checkpoints.map((c) => c.agentRunId)).toEqual([followUp.previousRunId, created.id]);
    expect(recorded.lastRequestAtCheckpoint).toEqual(['getRunLogs', 'createRun']);
    expect(created.metadata).toMatchObject({
      pco_idempotency_key: recorded.ctx.idempotencyKey,
      pco_task_id: task.id,
      pco_attempt: 2,
      pco_follow_up_key: followUp.key,
      pco_follow_up_reason: 'checks-failed',
      pco_follow_up_pr: followUp.pullRequest.url,
      pco_previous_run_id: followUp.previousRunId,
    });
    expect(created.prompt).toContain(`Follow-up on pull request ${followUp.pullRequest.url} (repository acme/app, branch \`${followUp.pullRequest.headBranch}\`)`);
    expect(created.prompt).toContain('push your commits to it. Do not open a new pull request.');
    expect(created.prompt).toContain('The check `ci` failed');
    expect(created.prompt).toContain('## The original task\nAdd the cart API');
  });

  it('polls the run a resume answers with when it is not the resumed one', async () => {
    const { fake, client, executor } = await setup({ resumeFinished: 'new-run' });
    const { run, followUp } = await firstRun(client);
    const recorded = context(fake, { followUp });
    const outcome = await executor.execute(task, recorded.ctx);

    expect(outcome.agentRunId).not.toBe(run.id);
    expect(outcome).toMatchObject({ status: 'done', pullRequests: [followUp.pullRequest] });
    expect(recorded.checkpoints.map((c) => c.agentRunId)).toEqual([run.id, outcome.agentRunId]);
    // The link from the PR's run to the new one is in the attempt's statuses (journaled).
    expect(recorded.statuses[0]).toEqual({ status: 'RESUMED', detail: { agentRunId: outcome.agentRunId, previousRunId: run.id } });
    expect(fake.run(Number(outcome.agentRunId))?.['status']).toBe('COMPLETE');
  });

  it('re-attaches to the run the journal recorded for the follow-up: no resume, no create', async () => {
    const { fake, client, executor } = await setup();
    const { run, followUp } = await firstRun(client);
    await client.resumeRun({ agent_run_id: run.id, prompt: 'fix it [[fake:duration=2m]]' });
    const recorded = context(fake, { followUp, previous: { agentRunId: run.id, status: 'ACTIVE' } });
    const outcome = await executor.execute(task, recorded.ctx);

    expect(outcome).toMatchObject({ status: 'done', agentRunId: run.id });
    expect(sent(fake, 'resumeRun')).toBe(1); // the test's own, before the "crash"
    expect(fake.created).toHaveLength(1);
    expect(recorded.checkpoints).toEqual([]);
  });

  it('after a crash before the checkpoint, finds the follow-up’s new run by its idempotency key instead of creating another', async () => {
    const { fake, client, executor } = await setup({ resumeFinished: 'refuse' });
    const { followUp } = await firstRun(client);
    const recorded = context(fake, { followUp, previous: {} });
    // The earlier process's create reached Codegen; its answer never reached the journal.
    const lost = await client.createRun({ prompt: 'follow-up [[fake:duration=2m]]', metadata: { pco_idempotency_key: recorded.ctx.idempotencyKey } });
    const outcome = await executor.execute(task, recorded.ctx);

    expect(outcome).toMatchObject({ status: 'done', agentRunId: lost.id });
    expect(recorded.checkpoints.map((c) => c.agentRunId)).toEqual([lost.id]);
    expect(fake.created).toHaveLength(2);
    expect(sent(fake, 'resumeRun')).toBe(0);
  });

  it('after a crash before the checkpoint, takes the previous run when it is live again (the resume went through)', async () => {
    const { fake, client, executor } = await setup();
    const { run, followUp } = await firstRun(client);
    await client.resumeRun({ agent_run_id: run.id, prompt: 'fix it [[fake:duration=2m]]' });
    const recorded = context(fake, { followUp, previous: {} });
    const outcome = await executor.execute(task, recorded.ctx);

    expect(outcome).toMatchObject({ status: 'done', agentRunId: run.id });
    expect(recorded.checkpoints.map((c) => c.agentRunId)).toEqual([run.id]);
    expect(sent(fake, 'resumeRun')).toBe(1);
    expect(fake.created).toHaveLength(1);
  });

  it('a resume whose answer was lost is not sent again when the run is working on it', async () => {
    const { fake, client, executor } = await setup();
    const { run, followUp } = await firstRun(client);
    fake.injectFault({ operation: 'resumeRun', type: 'drop', afterHandling: true });
    const recorded = context(fake, { followUp });
    const outcome = await executor.execute(task, recorded.ctx);

    expect(outcome).toMatchObject({ status: 'done', agentRunId: run.id });
    expect(fake.requests.filter((r) => r.operation === 'resumeRun').map((r) => r.status)).toEqual(['dropped']);
    expect(recorded.checkpoints.map((c) => c.agentRunId)).toEqual([run.id, run.id]);
  });

  it('after a crash between the journaled resume and its answer: re-attaches when the run’s log grew (the resume went through), resumes when it did not', async () => {
    const { fake, client, executor } = await setup();
    const { run, followUp } = await firstRun(client);
    const { logs } = await client.getRunLogs(run.id, { reverse: true, limit: 1 });
    const note = { resume: 'sending', logEnd: logs[0]!.created_at ?? '' };
    // Not sent before the crash: the run is finished and its log ends where it did.
    const notSent = context(fake, { followUp, previous: { agentRunId: run.id, note } });
    expect(await executor.execute(task, notSent.ctx)).toMatchObject({ status: 'done', agentRunId: run.id });
    expect(sent(fake, 'resumeRun')).toBe(1);
    // Sent (by the attempt above) and finished since: its log goes past the journaled end.
    const sentBefore = context(fake, { followUp, previous: { agentRunId: run.id, note } });
    expect(await executor.execute(task, sentBefore.ctx)).toMatchObject({ status: 'done', agentRunId: run.id });
    expect(sent(fake, 'resumeRun')).toBe(1);
    expect(fake.created).toHaveLength(1);
  });

  it('a lost create of the fallback run is looked up by its key, not repeated', async () => {
    const { fake, client, executor } = await setup({ resumeFinished: 'refuse' });
    const { followUp } = await firstRun(client);
    fake.injectFault({ operation: 'createRun', type: 'drop', afterHandling: true });
    const recorded = context(fake, { followUp });
    const outcome = await executor.execute(task, recorded.ctx);

    expect(fake.created).toHaveLength(2);
    expect(fake.created[1]!.responseDropped).toBe(true);
    expect(outcome).toMatchObject({ status: 'done', agentRunId: fake.created[1]!.id });
  });
});

describe('CodegenExecutor follow-ups on linked fakes (what the demo runs)', () => {
  async function linked(options: FakeCodegenOptions) {
    const setupResult = await setup(options);
    github = await startFakeGitHub({ repos: [{ owner: 'acme', name: 'app' }] }, { now: time.clock.now, timeScale: SCALE, mergeabilityDelayMs: 0 });
    const link = linkFakes({ codegen: setupResult.fake, github });
    return { ...setupResult, github, link };
  }

  for (const resumeFinished of ['accept', 'refuse'] as const) {
    it(`the follow-up pushes to the task's PR in the fake GitHub (resume ${resumeFinished === 'accept' ? 'accepted' : 'refused: a new run'})`, async () => {
      const { client, executor, github, link } = await linked({ resumeFinished });
      const created = await client.createRun({ prompt: 'Add the cart API [[fake:duration=2m ci=failure,success]]', repo_id: 1 });
      const watcher = new RunWatcher(client, onTime);
      const first = await watcher.watch(created.id);
      watcher.close();
      const [pullRequest] = pullRequestsOf(first);
      expect(pullRequest).toMatchObject({ repo: 'acme/app', number: 1, headBranch: link.opened[0]!.head });
      const followUp: FollowUp = { key: 'checks-failed:1', reason: 'checks-failed', prompt: 'The check `ci` failed. Fix it.', pullRequest: pullRequest!, previousRunId: first.id };
      const outcome = await executor.execute(task, context(fake!, { followUp }).ctx);

      expect(outcome).toMatchObject({ status: 'done', pullRequests: [pullRequest] });
      expect(link.errors).toEqual([]);
      expect(link.opened).toHaveLength(1);
      expect(link.pushes).toEqual([expect.objectContaining({ runId: Number(outcome.agentRunId), number: 1 })]);
      expect(github.pulls.get('acme/app', 1)).toMatchObject({ pushes: 1, headSha: link.pushes[0]!.headSha });
    });
  }
});
