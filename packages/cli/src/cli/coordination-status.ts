/**
 * What `pco status` shows of the scale-out mode, read from Redis: the organisation's queue (live
 * agent runs per backlog and per process, the cap), the Codegen budgets shared by every process
 * (one per token, named by a hash of it) and the GitHub budgets per principal.
 */
import { Redis } from 'ioredis';
import { DEFAULT_RATE_LIMITS, type CodegenOperation } from '@pco/codegen-client';
import { githubBudgetKey, readGitHubBudget, type GitHubBudgetSnapshot } from '@pco/github-source';
import { readScaleOutStatus, RedisBucketStore, type ScaleOutStatus } from '@pco/scale-out';
import { findConfigFile, type PcoConfig } from '../config/index.js';
import type { CliContext } from './context.js';
import { backlogIdOf, checkRedis, redisDisplay } from './coordination.js';
import { loadCliConfig } from './load.js';

/** One Codegen budget as every process counts it. */
export interface SharedCodegenBudget {
  /** `codegen:<hash of the token>` (the client's key prefix; never the token). */
  readonly token: string;
  readonly operation: string;
  readonly limit: number;
  readonly windowMs: number;
  /** Requests counted in the current window (in flight or answered less than a window ago). */
  readonly used: number;
  /** Epoch ms until which a 429 blocked it; absent when not blocked. */
  readonly blockedUntil?: number;
}

/** `pco status --json`'s `coordination`. */
export interface CoordinationStatus {
  readonly redis: string;
  readonly prefix: string;
  readonly backlogId: string;
  readonly orgId: string;
  readonly queue: ScaleOutStatus;
  readonly codegen: readonly SharedCodegenBudget[];
  readonly github: readonly (GitHubBudgetSnapshot & { readonly principal: string })[];
}

async function scan(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found.sort();
}

/** Reads the shared state of `config.coordination` (which must be set). */
export async function readCoordinationStatus(config: PcoConfig, now: number = Date.now()): Promise<CoordinationStatus> {
  const section = config.coordination!;
  const orgId = config.codegen.orgId;
  await checkRedis(section.redis.url);
  const prefix = section.redis.prefix;
  const coordination = { url: section.redis.url, prefix };
  const redis = new Redis(section.redis.url, { maxRetriesPerRequest: 3 });
  const store = new RedisBucketStore({ redis: coordination });
  try {
    const queue = orgId === undefined ? undefined : await readScaleOutStatus({ redis: coordination, orgId });
    const codegen: SharedCodegenBudget[] = [];
    const budgetPrefix = `${prefix}:budget:`;
    for (const key of await scan(redis, `${budgetPrefix}codegen:*`)) {
      const bucket = key.slice(budgetPrefix.length);
      const operation = bucket.slice(bucket.lastIndexOf(':') + 1);
      const limit = DEFAULT_RATE_LIMITS[operation as CodegenOperation];
      if (!limit) continue;
      const usage = await store.usage(bucket, now);
      const used = (usage?.slots ?? []).filter(([, ended]) => (ended ?? now) + limit.windowMs > now).length;
      codegen.push({
        token: bucket.slice(0, bucket.lastIndexOf(':')),
        operation,
        limit: limit.limit,
        windowMs: limit.windowMs,
        used,
        ...(usage && usage.blockedUntil > now ? { blockedUntil: usage.blockedUntil } : {}),
      });
    }
    const github: (GitHubBudgetSnapshot & { principal: string })[] = [];
    const githubPrefix = githubBudgetKey(prefix, '');
    for (const key of await scan(redis, `${githubPrefix}*`)) {
      const principal = key.slice(githubPrefix.length);
      for (const snapshot of await readGitHubBudget(redis, { prefix, id: principal })) github.push({ principal, ...snapshot });
    }
    return {
      redis: redisDisplay(section.redis.url),
      prefix,
      backlogId: backlogIdOf(config),
      orgId: orgId === undefined ? '' : String(orgId),
      queue: queue ?? { queue: '', counts: { waiting: 0, active: 0, completed: 0, failed: 0 }, live: [], liveByBacklog: {}, liveByWorker: {}, backlogs: {} },
      codegen,
      github,
    };
  } finally {
    await store.close();
    redis.disconnect();
  }
}

const tally = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, n]) => `${name} ${n}`)
    .join(', ') || 'none';

/** The status as text (the section `pco status` prints after the journal's). */
export function formatCoordinationStatus(s: CoordinationStatus, now: number = Date.now()): string {
  const q = s.queue;
  const lines = [
    `Coordination  ${s.redis} (prefix ${s.prefix}), backlog ${s.backlogId}, organisation ${s.orgId}`,
    `  Agent runs     ${q.counts.active} live${q.agentCap === undefined ? '' : ` of the cap ${q.agentCap}`}; ${q.counts.waiting} waiting, ${q.counts.completed} completed, ${q.counts.failed} failed (queue ${q.queue})`,
    `  Per backlog    ${tally(q.liveByBacklog)}`,
    `  Per process    ${tally(q.liveByWorker)}`,
  ];
  for (const job of q.live) {
    lines.push(`    ${job.taskId} (attempt ${job.attempt}, ${job.backlogId}) on ${job.worker ?? '?'}${job.agentRunId === undefined ? '' : `, agent run ${job.agentRunId}`}`);
  }
  if (s.codegen.length === 0) lines.push('  Codegen budget nothing counted in the current windows');
  for (const b of s.codegen) {
    const blocked = b.blockedUntil === undefined ? '' : `, blocked for ${Math.ceil((b.blockedUntil - now) / 1000)}s after a 429`;
    lines.push(`  Codegen budget ${b.operation}: ${b.used} of ${b.limit} per ${b.windowMs / 1000}s used (${b.token})${blocked}`);
  }
  if (s.github.length === 0) lines.push('  GitHub budget  nothing recorded yet');
  for (const b of s.github) {
    lines.push(`  GitHub budget  ${b.principal} ${b.resource}: ${b.remaining} of ${b.limit} left, resets in ${Math.max(0, Math.ceil(b.reset - now / 1000))}s`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The coordination status for `pco status`, when a config file is given or found and has the
 * coordination section; undefined otherwise (`--journal` alone reads the journal only).
 */
export async function coordinationStatusFor(ctx: CliContext, flags: { readonly config?: string; readonly journal?: string }): Promise<CoordinationStatus | undefined> {
  if (flags.config === undefined && (flags.journal !== undefined || !findConfigFile(undefined, ctx.cwd, ctx.env))) return undefined;
  const { config } = await loadCliConfig(ctx, { ...(flags.config === undefined ? {} : { config: flags.config }) });
  return config.coordination ? readCoordinationStatus(config) : undefined;
}
