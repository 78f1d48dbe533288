/**
 * The budgets the view shows: Codegen's from the client's RateLimiter (creates, reads), GitHub's
 * from the `x-ratelimit-*` headers of its responses
 * (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#checking-the-status-of-your-rate-limit).
 */
import type { CodegenOperation, RateLimiter } from '@pco/codegen-client';
import type { GitHubClient } from '@pco/github-source';
import type { ApiBudget } from './api-types.js';

/** Codegen endpoints shown, by budget name. */
const CODEGEN_BUDGETS: readonly (readonly [string, CodegenOperation])[] = [
  ['codegen.create', 'createRun'],
  ['codegen.read', 'listRuns'],
  ['codegen.get', 'getRun'],
];

/** The Codegen budgets of `limiter` (none without one). */
export function codegenBudgets(limiter: RateLimiter | undefined): () => ApiBudget[] {
  return () => {
    if (!limiter) return [];
    return CODEGEN_BUDGETS.flatMap(([name, operation]) => {
      const budget = limiter.budget(operation);
      if (!budget) return [];
      return [
        {
          name,
          limit: budget.limit,
          windowMs: budget.windowMs,
          waiting: budget.waiting,
          ...(budget.remaining !== undefined ? { remaining: budget.remaining } : {}),
          ...(budget.nextFreeAt !== undefined ? { nextFreeAt: budget.nextFreeAt } : {}),
        },
      ];
    });
  };
}

const RESOURCE_NAMES: Readonly<Record<string, string>> = { core: 'github.rest', graphql: 'github.graphql' };

/** Follows `client`'s responses and returns what they said of each rate-limit resource. */
export function trackGitHubBudgets(client: GitHubClient): () => ApiBudget[] {
  const latest = new Map<string, ApiBudget>();
  client.hook.after('request', (response) => {
    const headers = response.headers as Record<string, string | number | undefined>;
    const limit = Number(headers['x-ratelimit-limit']);
    const remaining = Number(headers['x-ratelimit-remaining']);
    const reset = Number(headers['x-ratelimit-reset']);
    if (!Number.isFinite(limit) || !Number.isFinite(remaining)) return;
    const resource = String(headers['x-ratelimit-resource'] ?? 'core');
    const name = RESOURCE_NAMES[resource] ?? `github.${resource}`;
    const resetAt = Number.isFinite(reset) ? reset * 1000 : undefined;
    latest.set(name, {
      name,
      limit,
      remaining,
      // GitHub's primary limits are per hour.
      windowMs: 3_600_000,
      ...(resetAt !== undefined ? { resetAt } : {}),
      ...(remaining <= 0 && resetAt !== undefined ? { nextFreeAt: resetAt } : {}),
    });
  });
  return () => [...latest.values()];
}
