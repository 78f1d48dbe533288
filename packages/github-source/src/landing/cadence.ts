/**
 * How long the PR watcher waits between ticks. Pure, so the formula is tested on its own.
 *
 * With `n` pull requests in review, batches of `b` (≤ 50), the last query's cost `c` points
 * (`rateLimit.cost`, at least 1), `r` points remaining and `t` ms until `resetAt`:
 *
 *   queries  = ceil(n / b)                          GraphQL calls per tick
 *   load     = minIntervalMs × queries              one more batch, one more step
 *   budget   = t × queries × c / (r × budgetShare)  never spend more than `budgetShare` of what is left before the reset
 *   interval = clamp(max(load, budget), minIntervalMs, maxIntervalMs)
 *
 * With no points left (`r` < the next tick's cost) the watcher waits at least until the reset
 * (`t`), even past `maxIntervalMs`: a tick would only be refused. `hurry` (a reaction just happened, or
 * mergeability is being computed) shortens the interval to `hurryMs`, unless the budget says
 * otherwise. Examples at the defaults (min 20 s, max 300 s, share ½): 50 PRs, 1 point per
 * query, 4,000 points left, 1 h to the reset → max(20 s, 3.6e6 × 1 / 2,000 = 1.8 s) = 20 s,
 * i.e. 180 points an hour; 120 PRs → 3 queries → 60 s; 100 points left → 72 s.
 */

/** What the cadence depends on. */
export interface CadenceInput {
  /** Pull requests being watched. */
  readonly pullRequests: number;
  readonly batchSize: number;
  /** `rateLimit.cost` of the last query (1 when unknown). */
  readonly lastCost: number;
  /** `rateLimit.remaining` (Infinity when unknown). */
  readonly remaining: number;
  /** ms until `rateLimit.resetAt` (0 when unknown). */
  readonly msToReset: number;
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
  readonly budgetShare: number;
  /** A tick is wanted soon (after a reaction, or while mergeability is UNKNOWN). */
  readonly hurry: boolean;
  readonly hurryMs: number;
}

/** Number of `nodes(ids:)` queries one tick sends. */
export function queriesPerTick(pullRequests: number, batchSize: number): number {
  return Math.ceil(Math.max(0, pullRequests) / Math.max(1, batchSize));
}

/** The time to the next tick (ms), per the formula in the module comment. */
export function nextInterval(input: CadenceInput): number {
  const queries = Math.max(1, queriesPerTick(input.pullRequests, input.batchSize));
  const cost = Math.max(1, input.lastCost);
  const msToReset = Math.max(0, input.msToReset);
  const spendable = input.remaining >= queries * cost;
  // Also when out of points (at least 1 left counted): the wait must not shrink as more pull
  // requests wait, whichever side of "enough points" they fall on.
  const budget = Number.isFinite(input.remaining) ? (msToReset * queries * cost) / (Math.max(1, input.remaining) * input.budgetShare) : 0;
  const base = input.hurry ? input.hurryMs : input.minIntervalMs * queries;
  const floor = input.hurry ? input.hurryMs : input.minIntervalMs;
  const interval = Math.min(input.maxIntervalMs, Math.max(floor, base, budget));
  // Out of points: a tick before the reset would only be refused.
  return spendable ? interval : Math.max(interval, msToReset);
}
