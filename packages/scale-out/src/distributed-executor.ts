/**
 * The waiting side of scale-out: an `Executor` that hands each attempt to the organisation's
 * BullMQ queue under a deterministic job id and waits for whichever process runs it.
 */
import { RunStoppedError, type ExecutionContext, type Executor, type ExecutorOutcome, type Task } from '@pco/contract';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { ScaleOutJobError } from './errors.js';
import { FairClock, priorityOf } from './fair-clock.js';
import { fromWire, plain, type AgentJobData, type AgentJobProgress, type WireOutcome } from './job-data.js';
import { cancelChannelOf, followUpJobIdOf, jobIdOf, queueNameOf } from './job-id.js';
import { resolveExecutorOptions, type ResolvedExecutorOptions } from './options.js';
import { ConnectionSet, prefixOf } from './redis-connection.js';
import { untilAborted, withRedisRetry, type RetryTiming } from './redis-retry.js';
import type { DistributedExecutorOptions } from './types.js';

/** The job name of an agent run (one kind of job per queue). */
export const AGENT_RUN_JOB = 'agent-run';

/** One attempt waiting for its job. */
interface Wait {
  readonly jobId: string;
  readonly ctx: ExecutionContext;
  data: AgentJobData;
  priority: number;
  /** Agent run ids already checkpointed in this process's journal. */
  readonly checkpointed: Set<string>;
  settled: boolean;
  resolve(outcome: ExecutorOutcome): void;
  reject(error: unknown): void;
}

/**
 * An `Executor` for the scale-out mode. `execute(task, ctx)` adds the attempt as a job to the
 * organisation's queue (`agent-runs-<orgId>`) with the job id {@link jobIdOf}(backlog, task,
 * attempt): every process of the backlog adds the same id, BullMQ keeps the first, and one
 * `WorkerHost` somewhere runs it once. Every process then gets the same outcome (the job's
 * return value) and journals it in its own journal; Redis holds coordination state only.
 *
 * The job's BullMQ priority is the backlog's weighted-fair finish time (see `weight`), so
 * backlogs sharing the organisation's cap get shares in proportion to their weights. Run
 * checkpoints (the agent run id) and agent statuses travel back through job progress: each
 * process journals the run id (`ctx.checkpoint`) as soon as the worker has it.
 *
 * While Redis is unreachable the attempt waits (commands queue and retry with back-off); when it
 * is back, the attempt continues, and a job Redis lost is added again under the same id with
 * `lookupFirst`, so the worker finds the agent run by its idempotency key instead of creating a
 * second one. Give the orchestrator a high `concurrency` (e.g. 1000): waiting is cheap, and the
 * real cap is the queue's global concurrency (`WorkerHost.agentCap`).
 *
 * @example
 * const executor = new DistributedExecutor({ redis: { url: 'redis://127.0.0.1:6379' }, orgId: 42, backlogId: 'acme/app' });
 * const host = new WorkerHost({ redis, orgId: 42, executor: codegenExecutor });
 * await host.start();
 * await new Orchestrator({ source, executor, journal, concurrency: 1000 }).run({ resume: true });
 */
export class DistributedExecutor implements Executor {
  /** The organisation's queue name. */
  readonly queueName: string;
  readonly #o: ResolvedExecutorOptions;
  readonly #connections: ConnectionSet;
  readonly #queue: Queue;
  readonly #events: QueueEvents;
  readonly #fair: FairClock;
  readonly #redis: Redis;
  readonly #waits = new Map<string, Wait>();
  readonly #timing: RetryTiming;
  #timer: unknown;
  #reconciling = false;
  /** Times the main connection dropped (an outage may have lost jobs added before it). */
  #drops = 0;
  #closed = false;

  constructor(options: DistributedExecutorOptions) {
    const o = resolveExecutorOptions(options);
    this.#o = o;
    this.#connections = new ConnectionSet(this.#o.redis, this.#o.onError);
    this.queueName = queueNameOf(o.orgId);
    const prefix = prefixOf(o.redis);
    this.#redis = this.#connect();
    this.#queue = new Queue(this.queueName, { connection: this.#redis, prefix });
    this.#events = new QueueEvents(this.queueName, { connection: this.#connect(), prefix });
    this.#fair = new FairClock(this.#redis, prefix, this.queueName);
    this.#redis.on('close', () => void this.#drops++);
    const report = (error: Error) => this.#report(error);
    this.#queue.on('error', report);
    this.#events.on('error', report);
    this.#events.on('completed', ({ jobId }) => this.#refresh(jobId));
    this.#events.on('failed', ({ jobId }) => this.#refresh(jobId));
    this.#events.on('active', ({ jobId }) => this.#waits.get(jobId)?.ctx.waiting?.(undefined));
    this.#events.on('progress', ({ jobId, data }) => this.#progress(jobId, data));
    this.#timing = { baseDelayMs: o.baseDelayMs, maxDelayMs: o.maxDelayMs, timers: o.timers, onError: report };
  }

  /** The job id of an attempt of this backlog. */
  jobIdOf(taskId: string, attempt: number): string {
    return jobIdOf(this.#o.backlogId, taskId, attempt);
  }

  async execute(task: Task, ctx: ExecutionContext): Promise<ExecutorOutcome> {
    if (this.#closed) throw new RunStoppedError('detach');
    // A follow-up is one job per reaction (its key), whichever process's lander asked for it.
    const jobId = ctx.followUp === undefined ? this.jobIdOf(task.id, ctx.attempt) : followUpJobIdOf(this.#o.backlogId, task.id, ctx.followUp.key);
    let wait!: Wait;
    const done = new Promise<ExecutorOutcome>((resolve, reject) => {
      wait = {
        jobId,
        ctx,
        data: this.#dataOf(task, ctx, jobId),
        priority: 0,
        checkpointed: new Set(),
        settled: false,
        resolve,
        reject,
      };
    });
    this.#waits.set(jobId, wait);
    try {
      // An add that failed may still have reached Redis, and Redis may lose that job before the
      // retry lands: every retry is an add again (held back, then looked up first). So is an add
      // sent after the connection dropped: another process may have added (and run) the job on
      // the Redis that was lost.
      let tries = 0;
      // An attempt that begins while the connection is lost (not still making its first one)
      // counts as after a drop: NaN equals no count.
      const lost = ['reconnecting', 'close', 'end'].includes(this.#redis.status);
      const drops = lost ? Number.NaN : this.#drops;
      await withRedisRetry(() => this.#add(wait, tries++ > 0, drops), this.#timing, ctx.signal);
      ctx.waiting?.('waiting for an agent slot of the organisation');
      this.#ensureTimer();
      this.#refresh(jobId);
      return await untilAborted(done, ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) {
        this.#onAbort(jobId, ctx.signal.reason);
        throw ctx.signal.reason;
      }
      throw error;
    } finally {
      wait.settled = true;
      if (this.#waits.get(jobId) === wait) this.#waits.delete(jobId);
    }
  }

  /** Stops waiting (attempts still waiting reject with a detach stop) and closes the connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) this.#o.timers.clearTimeout(this.#timer);
    for (const wait of this.#waits.values()) wait.reject(new RunStoppedError('detach'));
    await Promise.allSettled([this.#events.close(), this.#queue.close()]);
    this.#connections.disconnectAll();
  }

  #connect(): Redis {
    return this.#connections.open();
  }

  #report(error: Error): void {
    this.#connections.report(error);
  }

  #dataOf(task: Task, ctx: ExecutionContext, jobId: string): AgentJobData {
    return {
      backlogId: this.#o.backlogId,
      backlogData: this.#o.backlogData,
      task: plain(task),
      attempt: ctx.attempt,
      key: jobId,
      deadline: ctx.deadline,
      dependencyResults: plain([...ctx.dependencyResults]),
      ...(ctx.priority === undefined ? {} : { priority: ctx.priority }),
      ...(ctx.followUp === undefined ? {} : { followUp: plain(ctx.followUp) }),
      vstart: 0,
      // The journal shows this attempt open (a resume): its run may exist already.
      ...(ctx.previous === undefined ? {} : { lookupFirst: true }),
    };
  }

  /**
   * Adds the job (a no-op when it exists); `again`: Redis lost it, its run may exist; `drops`: the
   * connection's drop count when the attempt began (a drop since then makes it an add again).
   */
  async #add(wait: Wait, again: boolean, drops = this.#drops): Promise<void> {
    const o = this.#o;
    const tag = await this.#fair.tag(wait.jobId, o.backlogId, o.weight, o.retainMs);
    // Checked as late as possible: a command sent while disconnected waits for the reconnect.
    again ||= this.#drops !== drops || this.#redis.status !== 'ready';
    wait.data = { ...wait.data, vstart: tag.start, ...(again ? { lookupFirst: true, readded: true } : {}) };
    wait.priority = tag.priority;
    const keep = { age: Math.ceil(o.retainMs / 1000) };
    await this.#queue.add(AGENT_RUN_JOB, wait.data, { jobId: wait.jobId, priority: tag.priority, removeOnComplete: keep, removeOnFail: keep, attempts: 1 });
    if (tag.rebased) void this.#reprioritize(tag.base);
  }

  /**
   * Reads the job and settles the attempt when it finished (a duplicate add returns no state).
   * The state first, then the job: a job read before its state could predate its return value.
   */
  async #check(wait: Wait): Promise<string> {
    if (wait.settled) return 'settled';
    const state = await this.#queue.getJobState(wait.jobId);
    if (state === 'unknown') return state;
    const job = await this.#queue.getJob(wait.jobId);
    if (wait.settled || job === undefined) return 'settled';
    const data = job.data as AgentJobData;
    if (data.agentRunId !== undefined) await this.#checkpoint(wait, data.agentRunId, data.webUrl);
    if (state === 'completed') {
      wait.settled = true;
      const wire = job.returnvalue as WireOutcome | null;
      if (wire === null || typeof wire !== 'object') {
        wait.resolve({ status: 'failed', error: new ScaleOutJobError(wait.jobId, 'no outcome recorded'), transient: true });
        return state;
      }
      const outcome = fromWire(wire);
      // The executor threw on the worker side: throw here too, so the orchestrator classifies it.
      if (wire.thrown === true && outcome.status === 'failed') wait.reject(outcome.error);
      else wait.resolve(outcome);
    } else if (state === 'failed') {
      wait.settled = true;
      // Not the task's outcome: the job itself failed (stalled too often, a processor crash).
      wait.resolve({ status: 'failed', error: new ScaleOutJobError(wait.jobId, job.failedReason || 'unknown reason'), transient: true });
    }
    return state;
  }

  #refresh(jobId: string): void {
    const wait = this.#waits.get(jobId);
    if (wait) this.#check(wait).catch((error: unknown) => this.#report(error as Error));
  }

  #progress(jobId: string, data: unknown): void {
    const wait = this.#waits.get(jobId);
    if (!wait || typeof data !== 'object' || data === null) return;
    const progress = data as AgentJobProgress;
    if (progress.kind === 'checkpoint') void this.#checkpoint(wait, progress.agentRunId, progress.webUrl);
    else if (progress.kind === 'status') wait.ctx.report(progress.status, progress.detail);
    else if (progress.kind === 'waiting') wait.ctx.waiting?.(progress.reason ?? undefined);
  }

  /** Journals the run id once per run (the orchestrator's commit point 2, in this process). */
  async #checkpoint(wait: Wait, agentRunId: number | string, webUrl: string | undefined): Promise<void> {
    const id = String(agentRunId);
    if (wait.checkpointed.has(id)) return;
    wait.checkpointed.add(id);
    try {
      await wait.ctx.checkpoint({ agentRunId, ...(webUrl === undefined ? {} : { webUrl }) });
    } catch {
      // Reported by the orchestrator; the run exists and the job holds its id.
    }
  }

  /** A cancel stop: the worker running the job stops it; a job not started yet is withdrawn. */
  #onAbort(jobId: string, reason: unknown): void {
    if (!(reason instanceof RunStoppedError) || reason.mode !== 'cancel') return;
    void (async () => {
      try {
        await this.#redis.publish(cancelChannelOf(prefixOf(this.#o.redis), this.queueName), jobId);
        const state = await this.#queue.getJobState(jobId);
        if (state === 'waiting' || state === 'prioritized' || state === 'delayed') await this.#queue.remove(jobId);
      } catch (error) {
        this.#report(error as Error);
      }
    })();
  }

  #ensureTimer(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = this.#o.timers.setTimeout(() => {
      this.#timer = undefined;
      void this.#reconcile().finally(() => {
        if (this.#waits.size > 0) this.#ensureTimer();
      });
    }, this.#o.reconcileIntervalMs);
  }

  /**
   * Re-reads every waiting job: settles those whose events were missed (a Redis outage, a trimmed
   * event stream) and adds again those Redis lost (a restart without persistence).
   */
  async #reconcile(): Promise<void> {
    if (this.#reconciling) return;
    this.#reconciling = true;
    try {
      for (const wait of [...this.#waits.values()]) {
        if (wait.settled || this.#closed) continue;
        try {
          if ((await this.#check(wait)) === 'unknown') await this.#add(wait, true);
        } catch (error) {
          this.#report(error as Error);
        }
      }
    } finally {
      this.#reconciling = false;
    }
  }

  /** The fair clock's base moved: put the waiting jobs on it. */
  async #reprioritize(base: number): Promise<void> {
    try {
      const jobs = await this.#queue.getJobs(['prioritized']);
      for (const job of jobs) {
        const finish = job.id === undefined ? undefined : await this.#fair.storedFinish(job.id);
        if (finish !== undefined) await (job as { changePriority(opts: { priority: number }): Promise<void> }).changePriority({ priority: priorityOf(finish, base) });
      }
    } catch (error) {
      this.#report(error as Error);
    }
  }
}
