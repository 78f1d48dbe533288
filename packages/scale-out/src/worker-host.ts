/**
 * The running side of scale-out: a BullMQ worker on the organisation's queue whose processor
 * runs the real executor (e.g. `CodegenExecutor`) for each job.
 */
import type { Executor } from '@pco/contract';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { FairClock } from './fair-clock.js';
import { toWire, type AgentJobData, type WireOutcome } from './job-data.js';
import { jobContext, type JobControl } from './job-context.js';
import { cancelChannelOf, queueNameOf } from './job-id.js';
import { resolveWorkerOptions, type ResolvedWorkerOptions } from './options.js';
import { ConnectionSet, prefixOf } from './redis-connection.js';
import type { WorkerHostOptions } from './types.js';

/**
 * Runs the organisation's agent-run jobs in this process. Start one in every process (each
 * `pco run` / `pco worker`): the queue's global concurrency (`agentCap`) caps the agent runs of
 * every process together, and a job whose process died is taken over by another host once its
 * lock expires (`lockDurationMs`, then the next stalled check): the new host re-attaches to the
 * agent run through the id the job holds (checkpointed right after the create) or, when the
 * process died between the create and the checkpoint, through the run's idempotency key; it
 * never creates a second run.
 *
 * `close()` hands the running jobs back to the queue at once (another host re-attaches) instead
 * of waiting for hour-long agent runs.
 */
export class WorkerHost {
  /** The organisation's queue name. */
  readonly queueName: string;
  /** This process's name in job records (`processedBy`). */
  readonly name: string;
  readonly #o: ResolvedWorkerOptions;
  readonly #connections: ConnectionSet;
  readonly #running = new Map<string, JobControl>();
  #queue: Queue | undefined;
  #worker: Worker | undefined;
  #subscriber: Redis | undefined;
  #fair: FairClock | undefined;
  #closing = false;

  constructor(options: WorkerHostOptions) {
    this.#o = resolveWorkerOptions(options);
    this.#connections = new ConnectionSet(this.#o.redis, this.#o.onError);
    this.queueName = queueNameOf(this.#o.orgId);
    this.name = this.#o.name;
  }

  /** Jobs this host is running now. */
  get running(): number {
    return this.#running.size;
  }

  /**
   * Sets the organisation's cap (the queue's global concurrency), starts the worker and listens
   * for cancel stops. Resolves once the worker is connected.
   */
  async start(): Promise<void> {
    if (this.#worker) return;
    const o = this.#o;
    const prefix = prefixOf(o.redis);
    const main = this.#connect();
    this.#queue = new Queue(this.queueName, { connection: main, prefix });
    this.#queue.on('error', (error) => this.#report(error));
    this.#fair = new FairClock(main, prefix, this.queueName);
    await this.#applyLimits();
    // A Redis that restarted without persistence forgot the cap: set it again on every reconnect.
    main.on('ready', () => void this.#applyLimits().catch((error: unknown) => this.#report(error as Error)));
    const subscriber = this.#connect();
    this.#subscriber = subscriber;
    subscriber.on('message', (_channel: string, jobId: string) => this.#running.get(jobId)?.cancel());
    await subscriber.subscribe(cancelChannelOf(prefix, this.queueName));
    const worker = new Worker(this.queueName, (job, token) => this.#process(job as Job<AgentJobData, WireOutcome>, token), {
      connection: this.#connect(),
      prefix,
      name: o.name,
      concurrency: o.concurrency,
      lockDuration: o.lockDurationMs,
      stalledInterval: o.stalledIntervalMs,
      maxStalledCount: o.maxStalledCount,
      autorun: true,
    });
    worker.on('error', (error) => this.#report(error));
    // The lock of a job was lost (Redis unreachable past lockDuration, or a partition): another
    // host may take it over; stop following the run here, leave the run alone.
    worker.on('lockRenewalFailed', (jobIds: string[]) => {
      for (const jobId of jobIds) this.#running.get(jobId)?.lostLock();
    });
    this.#worker = worker;
    await worker.waitUntilReady();
  }

  /**
   * Stops taking jobs and hands the running ones back to the queue (another host re-attaches to
   * their agent runs, which keep going); then closes the connections.
   */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    for (const control of this.#running.values()) control.handBack();
    await this.#worker?.close();
    await Promise.allSettled([this.#queue?.close(), this.#subscriber?.quit()]);
    this.#connections.disconnectAll();
  }

  #connect(): Redis {
    return this.#connections.open();
  }

  #report(error: Error): void {
    this.#connections.report(error);
  }

  async #applyLimits(): Promise<void> {
    const queue = this.#queue;
    if (!queue) return;
    await queue.setGlobalConcurrency(this.#o.agentCap);
    const limit = this.#o.startRateLimit;
    if (limit) await queue.setGlobalRateLimit(limit.max, limit.durationMs);
  }

  #executorFor(data: AgentJobData): Executor {
    const executor = this.#o.executor;
    return typeof executor === 'function' ? executor({ backlogId: data.backlogId, backlogData: data.backlogData }) : executor;
  }

  async #process(job: Job<AgentJobData, WireOutcome>, token: string | undefined): Promise<WireOutcome> {
    const data = job.data;
    const jobId = job.id as string;
    // Added again after Redis lost it: a host that took the lost job may not know yet and may be
    // about to create its run. Hold the job back until that host's lock renewal (every
    // lockDuration / 2) has failed and stopped it; only then look the run up (BullMQ's own
    // takeover waits for the lock to expire the same way).
    const heldUntil = data.readded === true ? job.timestamp + this.#o.lockDurationMs : 0;
    if (heldUntil > Date.now()) {
      await job.moveToDelayed(heldUntil, token);
      throw new DelayedError();
    }
    // Registered before any Redis call, so a lock lost while this processor waits is heard.
    const { ctx, control } = jobContext(job, { name: this.name, clock: this.#o.clock, timers: this.#o.timers, report: (error) => this.#report(error) });
    this.#running.set(jobId, control);
    try {
      // The virtual time moves to this job's start tag (weighted fair queuing).
      await this.#fair?.advance(data.vstart).catch((error: unknown) => this.#report(error as Error));
      // Redis may have lost the job while this processor waited for it (an outage, a restart
      // without persistence): start the executor only while still holding the lock, because a
      // lost job is added again and run elsewhere.
      if (control.lockLost || (token !== undefined && (await job.extendLock(token, this.#o.lockDurationMs)) !== 1)) {
        control.lostLock();
        throw new Error(`lost the lock of job ${jobId} before it started; another host runs it`);
      }
      let outcome: WireOutcome;
      try {
        outcome = toWire(await this.#executorFor(data).execute(data.task, ctx));
      } catch (error) {
        outcome = { ...toWire({ status: 'failed', error }), thrown: true };
      }
      if (control.handedBack || this.#closing) {
        // Closing: give the job back to the queue now rather than finish it with a detach.
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      if (control.lockLost) throw new Error(`lost the lock of job ${jobId}; another host takes it over`);
      return outcome;
    } finally {
      control.dispose();
      // The same id may run here again (added again after Redis lost it): keep its entry.
      if (this.#running.get(jobId) === control) this.#running.delete(jobId);
    }
  }
}
