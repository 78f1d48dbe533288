/** Defaults and checks of the scale-out options (the one place defaults live; internal). */
import { InvalidOptionsError, systemClock, systemTimers, type Clock, type Timers } from '@pco/contract';
import { hostname } from 'node:os';
import type { DistributedExecutorOptions, RedisBucketStoreOptions, RedisCoordination, WorkerHostOptions } from './types.js';

const DAY = 86_400_000;

function checkRedis(component: string, redis: RedisCoordination | undefined): void {
  if (typeof redis?.url !== 'string' || !/^rediss?:\/\//.test(redis.url)) {
    // The URL may hold a password: describe it without echoing it.
    throw new InvalidOptionsError(component, 'redis.url', 'expected a redis:// or rediss:// URL', typeof redis?.url);
  }
  if (redis.prefix !== undefined && (typeof redis.prefix !== 'string' || !/^[\w.-]+$/.test(redis.prefix))) {
    throw new InvalidOptionsError(component, 'redis.prefix', 'expected letters, digits, _ . or -', redis.prefix);
  }
}

function positive(component: string, field: string, value: number | undefined, fallback: number, integer = false): number {
  const v = value ?? fallback;
  if (!(typeof v === 'number' && Number.isFinite(v) && v > 0 && (!integer || Number.isInteger(v)))) {
    throw new InvalidOptionsError(component, field, integer ? 'expected an integer ≥ 1' : 'expected a number > 0', value);
  }
  return v;
}

function orgOf(component: string, orgId: number | string): string {
  if (!((typeof orgId === 'number' && Number.isInteger(orgId) && orgId > 0) || (typeof orgId === 'string' && orgId !== ''))) {
    throw new InvalidOptionsError(component, 'orgId', 'expected a positive integer or a non-empty string', orgId);
  }
  return String(orgId);
}

/** {@link DistributedExecutorOptions} with defaults. */
export interface ResolvedExecutorOptions {
  readonly redis: RedisCoordination;
  readonly orgId: string;
  readonly backlogId: string;
  readonly weight: number;
  readonly backlogData: DistributedExecutorOptions['backlogData'] & object;
  readonly retainMs: number;
  readonly reconcileIntervalMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly onError: (error: Error) => void;
}

export function resolveExecutorOptions(options: DistributedExecutorOptions): ResolvedExecutorOptions {
  const c = 'DistributedExecutor';
  checkRedis(c, options?.redis);
  if (typeof options.backlogId !== 'string' || options.backlogId === '') throw new InvalidOptionsError(c, 'backlogId', 'expected a non-empty string', options.backlogId);
  const weight = positive(c, 'weight', options.weight, 1);
  if (weight > 120) throw new InvalidOptionsError(c, 'weight', 'expected a number in (0, 120]', weight);
  return {
    redis: options.redis,
    orgId: orgOf(c, options.orgId),
    backlogId: options.backlogId,
    weight,
    backlogData: options.backlogData ?? {},
    retainMs: positive(c, 'retainMs', options.retainMs, 7 * DAY),
    reconcileIntervalMs: positive(c, 'reconcileIntervalMs', options.reconcileIntervalMs, 5_000),
    baseDelayMs: positive(c, 'redisRetry.baseDelayMs', options.redisRetry?.baseDelayMs, 250),
    maxDelayMs: positive(c, 'redisRetry.maxDelayMs', options.redisRetry?.maxDelayMs, 10_000),
    clock: options.clock ?? systemClock,
    timers: options.timers ?? systemTimers,
    onError: options.onError ?? (() => {}),
  };
}

/** {@link WorkerHostOptions} with defaults. */
export interface ResolvedWorkerOptions {
  readonly redis: RedisCoordination;
  readonly orgId: string;
  readonly executor: WorkerHostOptions['executor'];
  readonly agentCap: number;
  readonly concurrency: number;
  readonly startRateLimit: WorkerHostOptions['startRateLimit'];
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly maxStalledCount: number;
  readonly name: string;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly onError: (error: Error) => void;
}

export function resolveWorkerOptions(options: WorkerHostOptions): ResolvedWorkerOptions {
  const c = 'WorkerHost';
  checkRedis(c, options?.redis);
  const executor = options.executor;
  if (typeof executor !== 'function' && typeof (executor as { execute?: unknown } | undefined)?.execute !== 'function') {
    throw new InvalidOptionsError(c, 'executor', 'expected an Executor or a function returning one', executor);
  }
  const agentCap = positive(c, 'agentCap', options.agentCap, 10, true);
  const limit = options.startRateLimit;
  if (limit !== undefined) {
    positive(c, 'startRateLimit.max', limit.max, 1, true);
    positive(c, 'startRateLimit.durationMs', limit.durationMs, 1);
  }
  return {
    redis: options.redis,
    orgId: orgOf(c, options.orgId),
    executor,
    agentCap,
    concurrency: positive(c, 'concurrency', options.concurrency, agentCap, true),
    startRateLimit: limit,
    lockDurationMs: positive(c, 'lockDurationMs', options.lockDurationMs, 60_000),
    stalledIntervalMs: positive(c, 'stalledIntervalMs', options.stalledIntervalMs, 30_000),
    maxStalledCount: positive(c, 'maxStalledCount', options.maxStalledCount, 10, true),
    name: options.name ?? `${hostname()}:${process.pid}`,
    clock: options.clock ?? systemClock,
    timers: options.timers ?? systemTimers,
    onError: options.onError ?? (() => {}),
  };
}

/** {@link RedisBucketStoreOptions} with defaults. */
export function resolveStoreOptions(options: RedisBucketStoreOptions): { readonly redis: RedisCoordination; readonly staleAfterMs: number; readonly onError: (error: Error) => void } {
  checkRedis('RedisBucketStore', options?.redis);
  return {
    redis: options.redis,
    staleAfterMs: positive('RedisBucketStore', 'staleAfterMs', options.staleAfterMs, 120_000),
    onError: options.onError ?? (() => {}),
  };
}
