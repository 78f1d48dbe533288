import { RunStoppedError, type ExecutionContext, type Executor, type Task } from '@pco/contract';
import { redisForTests } from '@pco/testkit/helpers';
import { afterAll, describe, expect, it } from 'vitest';
import { DistributedExecutor } from './distributed-executor.js';
import { RemoteExecutorError } from './errors.js';
import { readScaleOutStatus } from './status.js';
import { WorkerHost } from './worker-host.js';

const redis = await redisForTests();

/** A hand-made context of the waiting side. */
function context(signal: AbortSignal, attempt = 1): ExecutionContext & { checkpoints: unknown[]; statuses: string[] } {
  const checkpoints: unknown[] = [];
  const statuses: string[] = [];
  return {
    signal,
    attempt,
    agent: 'agent-1',
    runId: 'r',
    idempotencyKey: `r:t:${attempt}`,
    deadline: Date.now() + 60_000,
    dependencyResults: new Map(),
    report: (status) => void statuses.push(status),
    checkpoint: async (data) => void checkpoints.push(data),
    checkpoints,
    statuses,
  };
}

/** An executor that checkpoints run 7, reports ACTIVE, then waits for `release` or its signal. */
function gatedExecutor(): Executor & { seen: ExecutionContext[]; release(): void; started: Promise<void> } {
  let release!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const seen: ExecutionContext[] = [];
  return {
    seen,
    release: () => release(),
    started: new Promise<void>((resolve) => (started = resolve)),
    async execute(task: Task, ctx: ExecutionContext) {
      seen.push(ctx);
      await ctx.checkpoint({ agentRunId: 7, webUrl: 'https://codegen.example/7' });
      ctx.report('ACTIVE');
      started();
      await new Promise<void>((resolve, reject) => {
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
        void gate.then(resolve);
      });
      return { status: 'done', agentRunId: 7, result: `did ${task.id}` };
    },
  };
}

describe.skipIf(!redis.available)('WorkerHost and DistributedExecutor', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await redis.cleanup();
  });

  function pair(executor: Executor, org: string) {
    const coordination = { url: redis.url, prefix: redis.prefix };
    const host = new WorkerHost({ redis: coordination, orgId: org, executor, name: 'w1', agentCap: 2 });
    const distributed = new DistributedExecutor({ redis: coordination, orgId: org, backlogId: 'b1', reconcileIntervalMs: 200 });
    closers.push(() => host.close(), () => distributed.close());
    return { host, distributed, coordination };
  }

  it('carries the checkpoint, statuses and outcome across; status shows the live job and its worker', async () => {
    const executor = gatedExecutor();
    const { host, distributed, coordination } = pair(executor, 'org-a');
    await host.start();
    const ctx = context(new AbortController().signal);
    const outcome = distributed.execute({ id: 'acme/app#1', title: 'One' }, ctx);
    await executor.started;
    const status = await readScaleOutStatus({ redis: coordination, orgId: 'org-a' });
    expect(status).toMatchObject({ queue: 'agent-runs-org-a', agentCap: 2, counts: { active: 1 }, liveByBacklog: { b1: 1 }, liveByWorker: { w1: 1 } });
    expect(status.live[0]).toMatchObject({ backlogId: 'b1', taskId: 'acme/app#1', attempt: 1, worker: 'w1', agentRunId: 7 });
    // The worker's context: the job id is the idempotency key, the same in every process.
    expect(executor.seen[0]!.idempotencyKey).toBe(distributed.jobIdOf('acme/app#1', 1));
    executor.release();
    expect(await outcome).toEqual({ status: 'done', agentRunId: 7, result: 'did acme/app#1' });
    expect(ctx.checkpoints).toEqual([{ agentRunId: 7, webUrl: 'https://codegen.example/7' }]);
  });

  it('a cancel stop reaches the executor on the worker; its error comes back thrown', async () => {
    const executor = gatedExecutor();
    const { host, distributed } = pair(executor, 'org-b');
    await host.start();
    const controller = new AbortController();
    const outcome = distributed.execute({ id: 't', title: 'T' }, context(controller.signal));
    await executor.started;
    controller.abort(new RunStoppedError('cancel'));
    await expect(outcome).rejects.toBeInstanceOf(RunStoppedError);
    // The worker's signal aborted with a cancel too (the executor stops the agent run then).
    await expect.poll(() => executor.seen[0]?.signal.reason).toBeInstanceOf(RunStoppedError);
    expect((executor.seen[0]!.signal.reason as RunStoppedError).mode).toBe('cancel');
    // Another process waiting on the same attempt gets the same (thrown) outcome.
    const again = distributed.execute({ id: 't', title: 'T' }, context(new AbortController().signal));
    const error = await again.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteExecutorError);
    expect(error).toMatchObject({ code: 'RUN_STOPPED', remoteName: 'RunStoppedError' });
  });
});
