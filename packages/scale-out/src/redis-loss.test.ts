/**
 * Redis loses a job while a host runs it (a restart without persistence): the job added again
 * must not run anywhere before the host that held it has stopped, or both create an agent run.
 */
import type { ExecutionContext, Executor, Task } from '@pco/contract';
import { redisForTests, startRedisServer } from '@pco/testkit/helpers';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DistributedExecutor } from './distributed-executor.js';
import { WorkerHost } from './worker-host.js';

const redis = await redisForTests();

function context(signal: AbortSignal): ExecutionContext {
  return {
    signal,
    attempt: 1,
    agent: 'agent-1',
    runId: 'r',
    idempotencyKey: 'r:t:1',
    deadline: Date.now() + 60_000,
    dependencyResults: new Map(),
    report: () => undefined,
    checkpoint: async () => undefined,
  };
}

/**
 * The first call stands for a create still waiting (e.g. for the shared budget) when Redis lost
 * the job: it runs until its signal aborts. Later calls finish at once.
 */
function recordingExecutor(): Executor & { events: string[]; started: Promise<void> } {
  const events: string[] = [];
  let started!: () => void;
  return {
    events,
    started: new Promise<void>((resolve) => (started = resolve)),
    async execute(task: Task, ctx: ExecutionContext) {
      const call = events.filter((e) => e.startsWith('start')).length + 1;
      events.push(`start ${call} previous=${JSON.stringify(ctx.previous)}`);
      if (call > 1) return { status: 'done', agentRunId: 8, result: `did ${task.id}` };
      started();
      return new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => (events.push(`abort ${call}`), reject(ctx.signal.reason)), { once: true });
      });
    },
  };
}

/** Deletes every key of the queue, as a Redis restarted without persistence would. */
async function loseQueue(url: string, pattern: string): Promise<void> {
  const connection = new Redis(url, { maxRetriesPerRequest: 3 });
  try {
    const keys = await connection.keys(pattern);
    if (keys.length > 0) await connection.del(...keys);
  } finally {
    connection.disconnect();
  }
}

describe.skipIf(!redis.available)('a job Redis lost while a host ran it', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await redis.cleanup();
  });

  it('is run again only after the holding host stopped, and then looks its run up first', async () => {
    const coordination = { url: redis.url, prefix: redis.prefix };
    const executor = recordingExecutor();
    const host = (name: string) =>
      new WorkerHost({ redis: coordination, orgId: 'org-loss', executor, name, agentCap: 2, concurrency: 1, lockDurationMs: 1_000, stalledIntervalMs: 500 });
    const first = host('w1');
    const second = host('w2');
    const distributed = new DistributedExecutor({ redis: coordination, orgId: 'org-loss', backlogId: 'b1', reconcileIntervalMs: 50 });
    closers.push(() => first.close(), () => second.close(), () => distributed.close());
    await first.start();
    const outcome = distributed.execute({ id: 't', title: 'T' }, context(new AbortController().signal));
    await executor.started;
    await second.start();

    await loseQueue(redis.url, `${redis.prefix}:agent-runs-org-loss:*`);

    // The waiting side adds the job again; the idle host must not take it while w1 still runs it.
    expect(await outcome).toEqual({ status: 'done', agentRunId: 8, result: 'did t' });
    expect(executor.events).toEqual(['start 1 previous=undefined', 'abort 1', 'start 2 previous={}']);
  });
});

describe.skipIf(!redis.available)('an add sent while Redis is down', () => {
  it('is an add again: held back and looked up first, since the lost Redis may have had the job', async () => {
    const server = await startRedisServer();
    const coordination = { url: server.url, prefix: 'pco' };
    const distributed = new DistributedExecutor({ redis: coordination, orgId: 'org-down', backlogId: 'b1', reconcileIntervalMs: 50, onError: () => undefined });
    const queue = new Queue(distributed.queueName, { connection: { url: server.url }, prefix: 'pco' });
    const controller = new AbortController();
    try {
      void distributed.execute({ id: 'early', title: 'Early' }, context(controller.signal)).catch(() => undefined);
      await expect.poll(async () => (await queue.getJob(distributed.jobIdOf('early', 1)))?.data).toMatchObject({ key: distributed.jobIdOf('early', 1) });
      expect((await queue.getJob(distributed.jobIdOf('early', 1)))?.data.readded).toBeUndefined();
      await server.kill();
      // This process's task gets ready while Redis is down (another process may have added it).
      void distributed.execute({ id: 'late', title: 'Late' }, context(controller.signal)).catch(() => undefined);
      await server.start();
      for (const id of ['early', 'late']) {
        await expect.poll(async () => (await queue.getJob(distributed.jobIdOf(id, 1)))?.data).toMatchObject({ readded: true, lookupFirst: true });
      }
    } finally {
      controller.abort();
      await distributed.close();
      await queue.close();
      await server.stop();
    }
  });
});
