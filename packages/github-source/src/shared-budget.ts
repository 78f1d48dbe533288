/**
 * The GitHub principal's primary rate limit, shared in Redis. plugin-throttling does not track
 * the primary quota ahead of time: it reacts to a 403/429 (fact sheet scale-out.md §2). GitHub
 * reports the principal's budget on every response (`x-ratelimit-*`, per resource:
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#checking-the-status-of-your-rate-limit),
 * so each clustered client records the latest observation, and
 * - every process (and `pco status`) sees what the others spent;
 * - a request for a resource another process found exhausted waits for its reset instead of
 *   spending a 403 of its own (the plugin would wait the same time after that 403).
 * No limiting is computed here: the numbers are GitHub's.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Octokit, OctokitOptions } from '@octokit/core';
import type { Redis } from 'ioredis';
import { DEFAULT_CLUSTER_PREFIX } from './throttle-cluster.js';
import type { GitHubLogger } from './types.js';

/** The last `x-ratelimit-*` headers GitHub sent for one resource of the principal. */
export interface GitHubBudgetSnapshot {
  /** `core`, `graphql`, `search`... (`x-ratelimit-resource`). */
  readonly resource: string;
  readonly limit: number;
  readonly remaining: number;
  readonly used: number;
  /** When the window resets (epoch seconds, `x-ratelimit-reset`). */
  readonly reset: number;
  /** When a process saw it (epoch ms). */
  readonly observedAt: number;
  /** A random id of the client that saw it (its own 403s are plugin-throttling's to handle). */
  readonly observedBy: string;
}

/** Where a principal's budget lives, and what to do when it is spent. */
export interface SharedBudgetOptions {
  readonly redis: Redis;
  readonly prefix: string;
  readonly id: string;
  /** Milliseconds per second of waits (the client's `timeScale`). */
  readonly timeScale: number;
  /** Longest wait (seconds) accepted for a reset; beyond it the request goes out. */
  readonly maxWaitSeconds: number;
  readonly logger: GitHubLogger;
}

/** The Redis key of a principal's budget (a hash: resource → snapshot JSON). */
export function githubBudgetKey(prefix: string, id: string): string {
  return `${prefix}:github:budget:${id}`;
}

/** Reads the principal's shared budget, one snapshot per resource GitHub has reported (`prefix` @default 'pco'). */
export async function readGitHubBudget(redis: Redis, options: { readonly prefix?: string; readonly id: string }): Promise<GitHubBudgetSnapshot[]> {
  const all = await redis.hgetall(githubBudgetKey(options.prefix ?? DEFAULT_CLUSTER_PREFIX, options.id));
  return Object.values(all)
    .map((json) => parseSnapshot(json))
    .filter((s): s is GitHubBudgetSnapshot => s !== undefined)
    .sort((a, b) => a.resource.localeCompare(b.resource));
}

// Keeps the newest observation: a later window replaces an earlier one; within one window the
// lower `remaining` is the later. Atomic, so two processes' responses arriving out of order
// cannot put an older number back.
const RECORD = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local c = cjson.decode(current)
  local reset = tonumber(ARGV[3])
  if c.reset > reset or (c.reset == reset and c.remaining < tonumber(ARGV[4])) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], 7200)
return 1`;

/** The Octokit plugin (innermost) that records and honours the shared budget when configured. */
export function sharedBudget(octokit: Octokit, options: OctokitOptions): void {
  const shared = (options as { pcoSharedBudget?: SharedBudgetOptions }).pcoSharedBudget;
  if (!shared) return;
  const key = githubBudgetKey(shared.prefix, shared.id);
  const self = randomUUID();
  const record = async (headers: Record<string, unknown> | undefined, fallbackResource: string) => {
    const snapshot = snapshotOf(headers, fallbackResource, self);
    if (!snapshot) return;
    try {
      await bounded(shared.redis.eval(RECORD, 1, key, snapshot.resource, JSON.stringify(snapshot), snapshot.reset, snapshot.remaining));
    } catch (error) {
      shared.logger.debug(`GitHub shared budget: not recorded (${(error as Error).message})`);
    }
  };
  octokit.hook.wrap('request', async (request, requestOptions) => {
    const resource = resourceOf(requestOptions.method, String(requestOptions.url));
    await waitIfSpent(shared, key, self, resource, (requestOptions.request as { signal?: AbortSignal } | undefined)?.signal);
    try {
      const response = await request(requestOptions);
      await record(response.headers as Record<string, unknown>, resource);
      return response;
    } catch (error) {
      await record((error as { response?: { headers?: Record<string, unknown> } }).response?.headers, resource);
      throw error;
    }
  });
}

async function waitIfSpent(shared: SharedBudgetOptions, key: string, self: string, resource: string, signal: AbortSignal | undefined): Promise<void> {
  let snapshot: GitHubBudgetSnapshot | undefined;
  try {
    snapshot = parseSnapshot(await bounded(shared.redis.hget(key, resource)));
  } catch {
    return; // Redis trouble never holds a request up; the plugin still handles a 403.
  }
  // This client's own 403 is being retried by plugin-throttling, which already waited.
  if (!snapshot || snapshot.remaining > 0 || snapshot.observedBy === self) return;
  // One second past the reset, as plugin-throttling does for its own waits.
  const seconds = Math.ceil(snapshot.reset - Date.now() / 1000) + 1;
  if (seconds <= 0 || seconds > shared.maxWaitSeconds) return;
  shared.logger.warn(`GitHub primary rate limit (${resource}) spent by another process: waiting ${seconds}s for its reset`, { resource, retryAfterSeconds: seconds });
  await sleep(seconds * shared.timeScale, undefined, signal ? { signal } : undefined);
}

/**
 * How long a request waits for Redis about the budget (ms): while Redis is away (its commands
 * queue until it is back), requests go out without the shared view rather than wait with it.
 */
const REDIS_WAIT_MS = 500;

async function bounded<T>(command: Promise<T>): Promise<T | undefined> {
  const timer = new AbortController();
  try {
    return await Promise.race([command, sleep(REDIS_WAIT_MS, undefined, { signal: timer.signal, ref: false }).then(() => undefined)]);
  } finally {
    timer.abort();
    // A command answered after the race lost must not be an unhandled rejection.
    command.catch(() => undefined);
  }
}

function resourceOf(method: string, url: string): string {
  const { pathname } = new URL(url, 'http://github.test');
  if (/\/graphql$/.test(pathname)) return 'graphql';
  if (method === 'GET' && pathname.includes('/search/')) return /\/search\/code$/.test(pathname) ? 'code_search' : 'search';
  return 'core';
}

function snapshotOf(headers: Record<string, unknown> | undefined, fallbackResource: string, observedBy: string): GitHubBudgetSnapshot | undefined {
  const limit = Number(headers?.['x-ratelimit-limit']);
  const remaining = Number(headers?.['x-ratelimit-remaining']);
  const reset = Number(headers?.['x-ratelimit-reset']);
  if (!Number.isFinite(remaining) || !Number.isFinite(reset) || headers?.['x-ratelimit-remaining'] === undefined) return undefined;
  const used = Number(headers?.['x-ratelimit-used']);
  return {
    resource: typeof headers?.['x-ratelimit-resource'] === 'string' ? headers['x-ratelimit-resource'] : fallbackResource,
    limit: Number.isFinite(limit) ? limit : remaining,
    remaining,
    used: Number.isFinite(used) ? used : Math.max(0, (Number.isFinite(limit) ? limit : remaining) - remaining),
    reset,
    observedAt: Date.now(),
    observedBy,
  };
}

function parseSnapshot(json: string | null | undefined): GitHubBudgetSnapshot | undefined {
  if (!json) return undefined;
  try {
    const v = JSON.parse(json) as Partial<GitHubBudgetSnapshot>;
    return typeof v.resource === 'string' && typeof v.remaining === 'number' && typeof v.reset === 'number' ? (v as GitHubBudgetSnapshot) : undefined;
  } catch {
    return undefined;
  }
}
