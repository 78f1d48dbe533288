/**
 * The public types of @pco/scale-out: connection, options of the executor, the worker host and
 * the bucket store, and what `readScaleOutStatus` returns.
 */
import type { Clock, Executor, Timers } from '@pco/contract';

/** A JSON value (what job data and backlog data may hold). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Where the coordination state lives: one Redis (7.x) shared by every process. */
export interface RedisCoordination {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`). Never logged. */
  readonly url: string;
  /**
   * Prefix of every key pco writes (BullMQ's `prefix`, not ioredis `keyPrefix`, which breaks
   * BullMQ): processes that should coordinate use the same one.
   * @default 'pco'
   */
  readonly prefix?: string;
}

/** Options of {@link DistributedExecutor}. */
export interface DistributedExecutorOptions {
  readonly redis: RedisCoordination;
  /** The Codegen organisation: one queue (`agent-runs-<orgId>`) per organisation. */
  readonly orgId: number | string;
  /**
   * The backlog this process runs (e.g. `acme/app` or the config's name). Every process of the
   * same backlog must use the same id: job ids are built from it, the task id and the attempt.
   */
  readonly backlogId: string;
  /**
   * The backlog's share of the organisation's agent cap relative to other backlogs' weights
   * (weighted fair queuing).
   * @default 1
   */
  readonly weight?: number;
  /**
   * Handed to the worker that runs this backlog's jobs (`WorkerHostOptions.executor` receives
   * it), e.g. the repository id and model, so a process of another backlog can run them.
   * @default {}
   */
  readonly backlogData?: Readonly<Record<string, JsonValue>>;
  /**
   * How long finished jobs are kept (ms). A job id added again while its job is kept is a no-op
   * that returns the kept outcome; keep them longer than any process may be down.
   * @default 604800000 (7 days)
   */
  readonly retainMs?: number;
  /**
   * How often waiting attempts re-read their jobs (ms), besides the job events: catches an
   * event missed during a Redis outage and re-adds a job Redis lost.
   * @default 5000
   */
  readonly reconcileIntervalMs?: number;
  /** Back-off between Redis retries while Redis is unreachable. @default { baseDelayMs: 250, maxDelayMs: 10000 } */
  readonly redisRetry?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number };
  /** What deadlines and back-off are measured on. @default systemClock */
  readonly clock?: Clock;
  /** @default systemTimers */
  readonly timers?: Timers;
  /** Hears Redis and queue errors that the executor survives (retries). Never throws into the run. */
  readonly onError?: (error: Error) => void;
}

/** Where a job comes from, as the worker host sees it (see {@link WorkerHostOptions.executor}). */
export interface JobOrigin {
  readonly backlogId: string;
  /** The adding executor's `backlogData`. */
  readonly backlogData: Readonly<Record<string, JsonValue>>;
}

/** Options of {@link WorkerHost}. */
export interface WorkerHostOptions {
  readonly redis: RedisCoordination;
  /** The Codegen organisation whose queue this host works on. */
  readonly orgId: number | string;
  /**
   * The real executor (e.g. a `CodegenExecutor`), or a function choosing one per job's backlog
   * (jobs of every backlog of the organisation share the queue).
   */
  readonly executor: Executor | ((origin: JobOrigin) => Executor);
  /**
   * The organisation-wide cap on agent runs: the queue's global concurrency, shared by every
   * process (the last host to start sets it; give them all the same).
   * @default 10
   */
  readonly agentCap?: number;
  /** Jobs this process runs at once at most (the cap still holds across processes). @default agentCap */
  readonly concurrency?: number;
  /**
   * Optional global rate limit on job starts (BullMQ `setGlobalRateLimit`). The Codegen create
   * limit is kept by the client's budget (`RedisBucketStore`), so this is off by default.
   * @default undefined
   */
  readonly startRateLimit?: { readonly max: number; readonly durationMs: number };
  /**
   * Lock of a running job (real ms): a process that dies leaves its jobs to others after this.
   * @default 60000
   */
  readonly lockDurationMs?: number;
  /** How often this host looks for stalled jobs (real ms). @default 30000 */
  readonly stalledIntervalMs?: number;
  /** Takeovers of one job before it fails ("stalled more than allowable limit"). @default 10 */
  readonly maxStalledCount?: number;
  /** This process's name in job records and `pco status`. @default `<hostname>:<pid>` */
  readonly name?: string;
  /** What attempt deadlines are measured on. @default systemClock */
  readonly clock?: Clock;
  /** @default systemTimers */
  readonly timers?: Timers;
  /** Hears worker and Redis errors the host survives. Never throws into the host. */
  readonly onError?: (error: Error) => void;
}

/** Options of {@link RedisBucketStore}. */
export interface RedisBucketStoreOptions {
  readonly redis: RedisCoordination;
  /**
   * A slot never released (its holder died) counts as released this long after it was taken
   * (ms on the caller's clock).
   * @default 120000
   */
  readonly staleAfterMs?: number;
  /** Hears Redis errors; the failing call rejects (the client's limiter fails its waiters). */
  readonly onError?: (error: Error) => void;
}

/** One active job as `readScaleOutStatus` reports it. */
export interface LiveJob {
  readonly jobId: string;
  readonly backlogId: string;
  readonly taskId: string;
  readonly attempt: number;
  /** The worker host running it (its `name`). */
  readonly worker?: string;
  readonly agentRunId?: number | string;
  /** Epoch ms the job last started. */
  readonly startedAt?: number;
}

/** What `readScaleOutStatus` returns: the organisation's queue now. */
export interface ScaleOutStatus {
  readonly queue: string;
  readonly agentCap?: number;
  readonly counts: { readonly waiting: number; readonly active: number; readonly completed: number; readonly failed: number };
  readonly live: readonly LiveJob[];
  /** Live jobs per backlog id. */
  readonly liveByBacklog: Readonly<Record<string, number>>;
  /** Live jobs per worker name. */
  readonly liveByWorker: Readonly<Record<string, number>>;
  /** Weighted-fair-queuing state per backlog: virtual finish time and weight. */
  readonly backlogs: Readonly<Record<string, { readonly finish: number; readonly weight: number }>>;
}
