/**
 * The Octokit client pco talks to GitHub with: @octokit/core plus REST and GraphQL pagination,
 * retries for transient failures and throttling for rate limits, configured as the research
 * recommends (shared/research/github-api.md §3.4–3.6):
 *
 * - 429 is in plugin-retry's `doNotRetry`, so every rate-limit response goes through
 *   plugin-throttling, which honours `retry-after` and `x-ratelimit-reset` (plugin-retry would
 *   back off 1/4/9 s and ignore them).
 * - The throttling callbacks retry a bounded number of times, log, and give up when the wait
 *   would exceed a budget (a primary reset can be an hour away).
 * - All waits are multiplied by `timeScale` (ms per second), so the demo and tests against the
 *   fake run them in milliseconds.
 */
import { Octokit } from '@octokit/core';
import { paginateGraphQL } from '@octokit/plugin-paginate-graphql';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from '@maselious/bottleneck';
import { InvalidOptionsError } from '@pco/contract';
import { sharedBudget } from './shared-budget.js';
import { createThrottleCluster, type GitHubClusterOptions, type ThrottleCluster } from './throttle-cluster.js';
import type { GitHubLogger } from './types.js';

/**
 * GitHub may report a GraphQL secondary rate limit as HTTP 200 with an error that has no
 * `RATE_LIMITED` type, which plugin-throttling does not recognise (research §3.4, §7). This
 * plugin sits innermost and turns such a response into the 403 plugin-throttling handles.
 */
function graphqlSecondaryLimit(octokit: Octokit): void {
  octokit.hook.wrap('request', async (request, options) => {
    const response = await request(options);
    const errors = (response.data as { errors?: unknown } | undefined)?.errors;
    if (!Array.isArray(errors) || !/\/graphql$/.test(new URL(String(options.url), 'http://github.test').pathname)) return response;
    const limited = errors.find((e: { type?: unknown; message?: unknown }) => e?.type !== 'RATE_LIMITED' && /\bsecondary rate\b/i.test(String(e?.message)));
    if (!limited) return response;
    throw Object.assign(new Error(String((limited as { message: unknown }).message)), {
      name: 'HttpError',
      status: 403,
      request: options,
      response,
    });
  });
}

/**
 * A request cancelled through its `signal` ends with the abort reason, and is never retried.
 * fetch rejects with the signal's reason; @octokit/request passes a DOMException `AbortError`
 * through, but wraps any other reason (`controller.abort(new Error('received SIGINT'))`) in a
 * status-500 RequestError, which plugin-retry then retried 3 times, 1 + 4 + 9 s apart: Ctrl-C
 * during a load hung for 14 s. Registered first, so it runs inside plugin-retry's error hook.
 */
function abortIsFinal(octokit: Octokit): void {
  octokit.hook.error('request', (error, options) => {
    const signal = (options.request as { signal?: AbortSignal } | undefined)?.signal;
    if (signal?.aborted) throw signal.reason ?? error;
    throw error;
  });
}

/** The Octokit class with pco's plugins, in the conventional order of the `octokit` package. */
export const GitHubOctokit = Octokit.plugin(abortIsFinal, sharedBudget, graphqlSecondaryLimit, paginateRest, paginateGraphQL, retry, throttling);

/** A configured client (what {@link createGitHubClient} returns). */
export type GitHubClient = InstanceType<typeof GitHubOctokit>;

export interface GitHubClientOptions {
  /** Personal access token, fine-grained token or installation token. Never logged. */
  readonly token?: string;
  /**
   * API root: `https://github.example.com/api/v3` for GitHub Enterprise Server, the fake's URL in tests.
   * @default 'https://api.github.com'
   */
  readonly baseUrl?: string;
  /** `fetch` implementation (injected into Octokit's `request.fetch`). @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** @default 'pco-github-source' */
  readonly userAgent?: string;
  /**
   * Retries of one request after a primary or secondary rate limit. A long run meets bursts of
   * secondary limits; each wait is still capped by `maxRateLimitWaitSeconds`.
   * @default 5
   */
  readonly maxRateLimitRetries?: number;
  /** Longest wait (seconds) accepted before giving up on a rate limit. @default 900 */
  readonly maxRateLimitWaitSeconds?: number;
  /** Retries after 5xx, network errors and GraphQL "Something went wrong" (backoff 1, 4, 9 s). @default 3 */
  readonly retries?: number;
  /**
   * Milliseconds per second of every retry and rate-limit wait: passed to plugin-retry and
   * plugin-throttling as `retryAfterBaseValue`, the only hook they give for time (they wait on
   * real timers, so an injected clock could not reach them). 1000 is real time; the demo and
   * tests against the fake GitHub speed the waits up with a smaller value (1: milliseconds).
   * Real runs leave it alone.
   * @default 1000
   */
  readonly timeScale?: number;
  /**
   * Minimum gap between writes (every non-GET and every GraphQL call), per GitHub's guidance.
   * @default 1000
   */
  readonly writeSpacingMs?: number;
  /** Minimum gap between writes that trigger notifications (comments, merges). @default 3000 */
  readonly notificationSpacingMs?: number;
  /** Secondary-limit wait when GitHub sends no `retry-after` (seconds). @default 60 */
  readonly fallbackSecondaryWaitSeconds?: number;
  /** Throttling scope: clients with the same id share their write queues. @default 'pco' */
  readonly throttleId?: string;
  /** Receives warnings about rate limits and retries. @default silent */
  readonly logger?: GitHubLogger;
  /**
   * Shares the principal's GitHub budget with every process using the same Redis: throttling
   * clustered through Bottleneck on Redis, and GitHub's reported rate limit recorded there (see
   * `readGitHubBudget`). Close the client with {@link closeGitHubClient}.
   * @default undefined (throttling in this process only)
   */
  readonly cluster?: GitHubClusterOptions;
}

const DEFAULTS = {
  baseUrl: 'https://api.github.com',
  userAgent: 'pco-github-source',
  maxRateLimitRetries: 5,
  maxRateLimitWaitSeconds: 900,
  retries: 3,
  timeScale: 1000,
  writeSpacingMs: 1000,
  notificationSpacingMs: 3000,
  fallbackSecondaryWaitSeconds: 60,
  throttleId: 'pco',
} as const;

const silent: GitHubLogger = { debug() {}, info() {}, warn() {}, error() {} };

const clusters = new WeakMap<object, ThrottleCluster>();

/**
 * Releases what a client holds beyond its requests: the Redis connections of a clustered client
 * (a no-op otherwise). The caller's own ioredis client is left open.
 */
export async function closeGitHubClient(client: GitHubClient): Promise<void> {
  const cluster = clusters.get(client);
  clusters.delete(client);
  await cluster?.close();
}

/** Creates an Octokit client with pagination, retries and throttling configured. */
export function createGitHubClient(options: GitHubClientOptions = {}): GitHubClient {
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  for (const key of ['maxRateLimitRetries', 'maxRateLimitWaitSeconds', 'retries', 'timeScale', 'writeSpacingMs', 'notificationSpacingMs', 'fallbackSecondaryWaitSeconds'] as const) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new InvalidOptionsError('createGitHubClient', key, 'expected a finite number ≥ 0', v);
    }
  }
  try {
    new URL(o.baseUrl);
  } catch (cause) {
    throw new InvalidOptionsError('createGitHubClient', 'baseUrl', 'expected an absolute URL', o.baseUrl, { cause });
  }
  const log = o.logger ?? silent;
  const onLimit = (kind: 'primary' | 'secondary') => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    const details = { method: request.method, url: request.url, retryAfterSeconds: retryAfter, retryCount };
    if (retryCount >= o.maxRateLimitRetries) {
      log.warn(`GitHub ${kind} rate limit: giving up after ${retryCount} retries`, details);
      return false;
    }
    if (retryAfter > o.maxRateLimitWaitSeconds) {
      log.warn(`GitHub ${kind} rate limit: reset in ${retryAfter}s exceeds the ${o.maxRateLimitWaitSeconds}s budget`, details);
      return false;
    }
    log.warn(`GitHub ${kind} rate limit: retrying in ${retryAfter}s`, details);
    return true;
  };
  // Plugin-throttling's default groups are module-global; custom spacing needs groups of our own.
  const customSpacing = o.writeSpacingMs !== DEFAULTS.writeSpacingMs || o.notificationSpacingMs !== DEFAULTS.notificationSpacingMs;
  const cluster = options.cluster ? createThrottleCluster(options.cluster, o, log) : undefined;
  const client = new GitHubOctokit({
    ...(o.token !== undefined ? { auth: o.token } : {}),
    baseUrl: o.baseUrl.replace(/\/+$/, ''),
    userAgent: o.userAgent,
    // Do not put `retries` here: plugin-retry would then retry every error, 4xx included.
    request: { ...(o.fetch ? { fetch: o.fetch } : {}) },
    log: {
      debug: (m: string) => log.debug(m),
      info: (m: string) => log.info(m),
      warn: (m: string) => log.warn(m),
      error: (m: string) => log.error(m),
    },
    retry: {
      retries: o.retries,
      retryAfterBaseValue: o.timeScale,
      // 429 goes to plugin-throttling, which reads retry-after / x-ratelimit-reset (research §3.6).
      doNotRetry: [400, 401, 403, 404, 405, 409, 410, 422, 429, 451],
    },
    throttle: {
      id: o.throttleId,
      retryAfterBaseValue: o.timeScale,
      fallbackSecondaryRateRetryAfter: o.fallbackSecondaryWaitSeconds,
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      ...(customSpacing && !cluster
        ? {
            write: new Bottleneck.Group({ maxConcurrent: 1, minTime: o.writeSpacingMs }),
            notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: o.notificationSpacingMs }),
          }
        : {}),
      ...cluster?.throttle,
    },
    ...(cluster
      ? {
          pcoSharedBudget: {
            redis: cluster.redis,
            prefix: cluster.prefix,
            id: cluster.id,
            timeScale: o.timeScale,
            maxWaitSeconds: o.maxRateLimitWaitSeconds,
            logger: log,
          },
        }
      : {}),
  });
  if (cluster) clusters.set(client, cluster);
  return client;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
