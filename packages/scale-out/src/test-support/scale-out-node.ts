/**
 * One pco process of the scale-out tests (not part of the package's API): the whole Orchestrator
 * over a backlog, with its executor wrapped in a DistributedExecutor, a WorkerHost running a
 * CodegenExecutor against the fake Codegen, a RedisBucketStore for the client's budget and the
 * process's own FileJournal. Used in-process by the tests and by the child script.
 */
import { join } from 'node:path';
import type { Task } from '@pco/contract';
import { CodegenClient, CodegenExecutor, RunWatcher } from '@pco/codegen-client';
import { FileJournal, Orchestrator, type RunSummary } from '@pco/core';
import { createAcceleratedTime } from '@pco/testkit/clock';
import { DistributedExecutor } from '../distributed-executor.js';
import { RedisBucketStore } from '../redis-bucket-store.js';
import { WorkerHost } from '../worker-host.js';

/** Everything one node needs (JSON: the child gets it through the environment). */
export interface NodeConfig {
  readonly name: string;
  readonly redisUrl: string;
  readonly prefix: string;
  readonly fakeUrl: string;
  readonly token: string;
  readonly orgId: number;
  readonly backlogId: string;
  readonly weight?: number;
  readonly tasks: readonly Task[];
  readonly journalPath: string;
  /** Accelerated time shared by every node and the fake (same origin). */
  readonly speed: number;
  readonly origin: number;
  readonly agentCap: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly reconcileIntervalMs?: number;
  /** Jobs this node's worker runs at once (default: the cap). */
  readonly workerConcurrency?: number;
  /** Run no worker: only wait (a process of another backlog runs the jobs). */
  readonly noWorker?: boolean;
}

/** What every node of one test shares: Redis, the fake Codegen, the time, the folder of journals. */
export interface NodeShared {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly fake: { readonly url: string; readonly token: string; readonly orgId: number };
  readonly dir: string;
  readonly speed: number;
  readonly origin: number;
}

/** A node's config from what its test shares: journal `<dir>/<name>.jsonl` and a cap of 10 unless given. */
export function nodeConfig(
  shared: NodeShared,
  own: Omit<NodeConfig, 'redisUrl' | 'prefix' | 'fakeUrl' | 'token' | 'orgId' | 'speed' | 'origin' | 'journalPath' | 'agentCap'> &
    Partial<Pick<NodeConfig, 'journalPath' | 'agentCap'>>,
): NodeConfig {
  return {
    redisUrl: shared.redisUrl,
    prefix: shared.prefix,
    fakeUrl: shared.fake.url,
    token: shared.fake.token,
    orgId: shared.fake.orgId,
    speed: shared.speed,
    origin: shared.origin,
    journalPath: join(shared.dir, `${own.name}.jsonl`),
    agentCap: 10,
    ...own,
  };
}

/** A running node. */
export interface ScaleOutNode {
  readonly run: Promise<RunSummary>;
  readonly host: WorkerHost | undefined;
  readonly errors: Error[];
  /** Why attempts failed and were retried (`task:retry`). */
  readonly retries: string[];
  close(): Promise<void>;
}

export async function startNode(config: NodeConfig): Promise<ScaleOutNode> {
  const time = createAcceleratedTime({ speed: config.speed, origin: config.origin });
  const errors: Error[] = [];
  const onError = (error: Error) => void errors.push(error);
  const redis = { url: config.redisUrl, prefix: config.prefix };
  const store = new RedisBucketStore({ redis });
  const client = new CodegenClient({
    token: config.token,
    orgId: config.orgId,
    baseUrl: config.fakeUrl,
    clock: time.clock,
    timers: time.timers,
    limits: { store },
    retry: { retries: 8 },
  });
  const watcher = new RunWatcher(client, { clock: time.clock, timers: time.timers });
  const codegen = new CodegenExecutor({ client, watcher, clock: time.clock });
  const host = config.noWorker
    ? undefined
    : new WorkerHost({
        redis,
        orgId: config.orgId,
        executor: codegen,
        agentCap: config.agentCap,
        ...(config.workerConcurrency === undefined ? {} : { concurrency: config.workerConcurrency }),
        lockDurationMs: config.lockDurationMs,
        stalledIntervalMs: config.stalledIntervalMs,
        name: config.name,
        clock: time.clock,
        timers: time.timers,
        onError,
      });
  await host?.start();
  const executor = new DistributedExecutor({
    redis,
    orgId: config.orgId,
    backlogId: config.backlogId,
    ...(config.weight === undefined ? {} : { weight: config.weight }),
    ...(config.reconcileIntervalMs === undefined ? {} : { reconcileIntervalMs: config.reconcileIntervalMs }),
    clock: time.clock,
    timers: time.timers,
    onError,
  });
  const journal = await FileJournal.open({ path: config.journalPath, fingerprint: `scale-out:${config.backlogId}` });
  const orchestrator = new Orchestrator({
    source: { load: async () => config.tasks },
    executor,
    journal,
    concurrency: 1000,
    pool: { maxConcurrency: 1000, quarantineAfter: Infinity },
    // The same correlation id in every process of the backlog (it is in the runs' metadata).
    runId: config.backlogId,
    timeoutMs: 86_400_000,
    clock: time.clock,
    timers: time.timers,
    retry: { attempts: 3, baseDelayMs: 50, maxDelayMs: 200 },
  });
  const retries: string[] = [];
  orchestrator.on('task:retry', (event) => void retries.push(`${event.taskId}#${event.attempt}: ${event.error}`));
  const run = orchestrator.run({ resume: true });
  return {
    run,
    host,
    errors,
    retries,
    async close() {
      await host?.close();
      await executor.close();
      watcher.close();
      codegen.close();
      await store.close();
      await journal.close();
    },
  };
}
