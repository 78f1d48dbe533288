/**
 * Clustering plugin-throttling across processes: every client built with the same Redis, prefix
 * and principal id shares one set of Bottleneck limiters (concurrency, write and notification
 * spacing), as the plugin's README "Clustering" section describes.
 *
 * Bottleneck is `@maselious/bottleneck`, not `bottleneck` 2.19.5: on Redis ≥ 7 a Lua
 * `error_reply` gains an `ERR ` prefix (redis/redis#10218), and 2.19.5 compares the message
 * exactly, so once its keys expire (after `timeout` idle, or when Redis restarts) every
 * scheduled request rejects with `ERR SETTINGS_KEY_NOT_FOUND` until the Group's clean-up drops
 * the limiter (SGrondin/bottleneck#205, #219). The fork is 2.19.5 plus exactly that fix (a suffix
 * match in `RedisDatastore`); measured in `scripts/bottleneck-redis7.mjs`.
 *
 * The five groups are built here rather than by the plugin: the plugin creates its groups once
 * per process, on the first client, and silently ignores the connection of any later one
 * (plugin-throttling `src/index.ts`, `if (groups.global == null)`).
 */
import Bottleneck from '@maselious/bottleneck';
import { Redis } from 'ioredis';
import { createRedactor, InvalidOptionsError } from '@pco/contract';
import type { GitHubLogger } from './types.js';

/** Shares a client's GitHub budget with every process using the same Redis, prefix and `id`. */
export interface GitHubClusterOptions {
  /**
   * An ioredis client (the caller keeps owning it: pco uses duplicates and never closes it) or a
   * `redis://` / `rediss://` URL (the GitHub client opens and closes its own connections).
   */
  readonly redis: Redis | string;
  /**
   * The GitHub principal whose budget is shared, e.g. `gh:<login>` or `gh:installation-<id>`:
   * GitHub limits the token's owner, not the process, so every client acting as the same
   * principal must use the same id.
   */
  readonly id: string;
  /**
   * Prefix of every Redis key; deployments sharing one Redis but not one budget use different
   * prefixes.
   * @default 'pco'
   */
  readonly prefix?: string;
  /**
   * Lifetime (ms) of the limiters' state in Redis after the last request (plugin-throttling's
   * `timeout`). Expiry is harmless: the state is recreated on the next request.
   * @default 120000
   */
  readonly stateTtlMs?: number;
}

/** Spacing of the write and notification queues, as configured on the client. */
export interface ClusterSpacing {
  readonly writeSpacingMs: number;
  readonly notificationSpacingMs: number;
}

/** The clustered throttle options and the connections behind them. */
export interface ThrottleCluster {
  /** Options for plugin-throttling's `throttle` (merged with the handlers by the caller). */
  readonly throttle: {
    readonly id: string;
    readonly connection: Bottleneck.IORedisConnection;
    readonly Bottleneck: typeof Bottleneck;
    readonly timeout: number;
    readonly global: Bottleneck.Group;
    readonly auth: Bottleneck.Group;
    readonly search: Bottleneck.Group;
    readonly write: Bottleneck.Group;
    readonly notifications: Bottleneck.Group;
  };
  /** The client for pco's own keys (the shared budget); owned by the cluster only for a URL. */
  readonly redis: Redis;
  readonly prefix: string;
  readonly id: string;
  /** Disconnects the limiters' connections (and the client opened from a URL). */
  close(): Promise<void>;
}

/** `GitHubClusterOptions.prefix` when not given. */
export const DEFAULT_CLUSTER_PREFIX = 'pco';
const DEFAULT_STATE_TTL_MS = 120_000;

/** Validates the options and builds the clustered Bottleneck groups. */
export function createThrottleCluster(options: GitHubClusterOptions, spacing: ClusterSpacing, log: GitHubLogger): ThrottleCluster {
  const prefix = options.prefix ?? DEFAULT_CLUSTER_PREFIX;
  const timeout = options.stateTtlMs ?? DEFAULT_STATE_TTL_MS;
  if (typeof options.id !== 'string' || options.id.trim() === '') {
    throw new InvalidOptionsError('createGitHubClient', 'cluster.id', 'expected the GitHub principal, e.g. "gh:<login>"', options.id);
  }
  if (typeof prefix !== 'string' || prefix === '' || /\s/.test(prefix)) {
    throw new InvalidOptionsError('createGitHubClient', 'cluster.prefix', 'expected a non-empty prefix without spaces', prefix);
  }
  if (!Number.isFinite(timeout) || timeout < 1000) {
    throw new InvalidOptionsError('createGitHubClient', 'cluster.stateTtlMs', 'expected a number of milliseconds ≥ 1000', timeout);
  }
  const ownsClient = typeof options.redis === 'string';
  const redis = typeof options.redis === 'string' ? openRedis(options.redis) : options.redis;
  // Bottleneck quits its clients on disconnect, so it gets a duplicate of its own (it duplicates
  // that one again for its subscriber).
  const connection = new Bottleneck.IORedisConnection({ client: redis.duplicate() });
  connection.on('error', (error: Error) => log.warn(`GitHub throttling: Redis error: ${error.message}`));
  const common = { connection, timeout };
  // The plugin's group ids and settings (plugin-throttling `createGroups`), under pco's prefix.
  const group = (name: string, settings: Bottleneck.ConstructorOptions) =>
    new Bottleneck.Group({ id: `${prefix}:octokit-${name}`, ...settings, ...common });
  return {
    throttle: {
      id: options.id,
      connection,
      Bottleneck,
      timeout,
      global: group('global', { maxConcurrent: 10 }),
      auth: group('auth', { maxConcurrent: 1 }),
      search: group('search', { maxConcurrent: 1, minTime: 2000 }),
      write: group('write', { maxConcurrent: 1, minTime: spacing.writeSpacingMs }),
      notifications: group('notifications', { maxConcurrent: 1, minTime: spacing.notificationSpacingMs }),
    },
    redis,
    prefix,
    id: options.id,
    async close() {
      // quit() rejects on a connection already closed (e.g. while Redis was away): then just drop it.
      await Promise.resolve(connection.disconnect(true)).catch(() => connection.disconnect(false));
      if (ownsClient) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function openRedis(url: string): Redis {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new InvalidOptionsError('createGitHubClient', 'cluster.redis', 'expected an ioredis client or a redis:// URL', redactUrl(url), { cause });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new InvalidOptionsError('createGitHubClient', 'cluster.redis', 'expected a redis:// or rediss:// URL', redactUrl(url));
  }
  return new Redis(url);
}

/** A Redis URL fit for a message: its password goes through the one redactor. */
function redactUrl(url: string): string {
  const password = /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:([^@/]*)@/i.exec(url)?.[1];
  return createRedactor(password ? [password, decodeURIComponentSafe(password)] : [])(url);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
