/**
 * The options of `GitHubLander`, their defaults (in one place) and their validation. Every
 * reaction is bounded: a reason's follow-ups, the task's follow-ups, the failed heads Codegen's
 * own fixer gets, the time checks may stay pending.
 */
import { InvalidOptionsError, systemClock, systemTimers, type Clock, type Timers } from '@pco/contract';
import type { GitHubClient } from '../octokit.js';
import type { GitHubLogger } from '../types.js';

/** Who fixes failing CI on an agent's pull request. */
export type CiFixOwner = 'pco' | 'codegen';

/** How a green, approved pull request is merged. */
export type LandingMergeMode =
  /** GitHub's auto-merge where the repository allows it, else pco's merge train; a merge queue is always respected. */
  | 'auto'
  /** pco's merge train only (one pull request per repository and base branch at a time); a merge queue is respected. */
  | 'train'
  /** Never merge: wait for a human to (the lander still reacts to CI, reviews and conflicts). */
  | 'none';

/** Per-reason caps on follow-ups. */
export interface LandingFollowUpLimits {
  /** @default 3 */
  readonly 'checks-failed'?: number;
  /** @default 3 */
  readonly 'changes-requested'?: number;
  /** @default 2 */
  readonly conflict?: number;
}

/** Which reactions are on. */
export interface LandingReactionSwitches {
  /** Follow-up with the failing checks. @default true */
  readonly checksFailed?: boolean;
  /** Follow-up with the review comments. @default true */
  readonly changesRequested?: boolean;
  /** Follow-up asking to merge the base branch and resolve conflicts. @default true */
  readonly conflict?: boolean;
  /** `updatePullRequestBranch` (MERGE) on a pull request behind its base, once per base commit. @default true */
  readonly updateBranch?: boolean;
}

/** How the pull requests in review are polled (one batched GraphQL query per tick). */
export interface LandingPollOptions {
  /**
   * Shortest time between ticks (ms). Also the step per extra batch: `minIntervalMs × batches`.
   * GitHub's guidance for PRs with CI running is 30–60 s (research: github-pr-lifecycle §4).
   * @default 20000
   */
  readonly minIntervalMs?: number;
  /** Longest time between ticks (ms), whatever the budget says. @default 300000 */
  readonly maxIntervalMs?: number;
  /**
   * Share of the GraphQL points left before the reset the poll may spend (0 < share ≤ 1): the
   * rest stays for the sources, the reporter and other tools on the same token.
   * @default 0.5
   */
  readonly budgetShare?: number;
  /** Pull requests per `nodes(ids:)` query (GitHub: keep ≤ 50). @default 50 */
  readonly batchSize?: number;
  /** Check contexts read per pull request per tick (the cheap shape; counts cover the rest). @default 25 */
  readonly contextsPerPullRequest?: number;
  /** After a reaction, or while mergeability is UNKNOWN, the next tick comes after this (ms). @default 5000 */
  readonly hurryMs?: number;
}

/** How much detail a checks-failed follow-up carries. */
export interface LandingDetailOptions {
  /** Failing checks whose summary, annotations and log tail are fetched. @default 3 */
  readonly maxChecks?: number;
  /** Annotations quoted per check. @default 20 */
  readonly maxAnnotations?: number;
  /** Lines of a GitHub Actions job log quoted (the tail, around the first error). @default 80 */
  readonly logTailLines?: number;
  /** Review comments quoted in a changes-requested follow-up. @default 30 */
  readonly maxReviewComments?: number;
}

export interface GitHubLanderOptions {
  /** A client from `createGitHubClient` (throttling, retries; /graphql calls spaced 1 s). */
  readonly client: GitHubClient;
  /** @default 'auto' */
  readonly merge?: LandingMergeMode;
  /** Merge method for direct merges and auto-merge (a merge queue uses its own). @default 'squash' */
  readonly mergeMethod?: 'merge' | 'squash' | 'rebase';
  /**
   * Who fixes failing checks. `codegen`: Codegen's check-suite auto-fixer owns CI for the
   * repository (its check-suite settings); pco only waits, and steps in after
   * `codegenFixAttempts` failed head commits.
   * @default 'pco'
   */
  readonly ciFixes?: CiFixOwner;
  /** Per repository (`owner/name`), overriding `ciFixes`. @default {} */
  readonly ciFixesByRepo?: Readonly<Record<string, CiFixOwner>>;
  /** With `ciFixes: 'codegen'`: failed head commits before pco sends its own follow-up. @default 3 */
  readonly codegenFixAttempts?: number;
  /** @default { 'checks-failed': 3, 'changes-requested': 3, conflict: 2 } */
  readonly maxFollowUps?: LandingFollowUpLimits;
  /** Follow-ups per task, all reasons together. @default 6 */
  readonly maxFollowUpsPerTask?: number;
  /** @default every reaction on */
  readonly reactions?: LandingReactionSwitches;
  /** Review authors whose reviews are ignored (bots such as a PR-review agent). @default [] */
  readonly ignoredReviewers?: readonly string[];
  /**
   * Checks still pending this long after a head commit was first seen need a human (a required
   * check that never reports keeps the PR blocked forever; research: github-pr-lifecycle §7.3).
   * @default 3600000
   */
  readonly checksTimeoutMs?: number;
  /**
   * After a follow-up ended `done`, how long the same failing head (or conflict) may stay before
   * it counts as "the agent did not fix it" and a human is asked.
   * @default 120000
   */
  readonly followUpGraceMs?: number;
  /** @default see {@link LandingPollOptions} */
  readonly poll?: LandingPollOptions;
  /** @default see {@link LandingDetailOptions} */
  readonly details?: LandingDetailOptions;
  /** Stops the watcher (pending lands reject with the reason). */
  readonly signal?: AbortSignal;
  /** @default systemClock */
  readonly clock?: Clock;
  /** @default systemTimers */
  readonly timers?: Timers;
  /** @default silent */
  readonly logger?: GitHubLogger;
}

const DEFAULTS = {
  merge: 'auto',
  mergeMethod: 'squash',
  ciFixes: 'pco',
  codegenFixAttempts: 3,
  maxFollowUps: { 'checks-failed': 3, 'changes-requested': 3, conflict: 2 },
  maxFollowUpsPerTask: 6,
  reactions: { checksFailed: true, changesRequested: true, conflict: true, updateBranch: true },
  checksTimeoutMs: 3_600_000,
  followUpGraceMs: 120_000,
  poll: { minIntervalMs: 20_000, maxIntervalMs: 300_000, budgetShare: 0.5, batchSize: 50, contextsPerPullRequest: 25, hurryMs: 5_000 },
  details: { maxChecks: 3, maxAnnotations: 20, logTailLines: 80, maxReviewComments: 30 },
} as const;

/** The options with every default applied. */
export interface LanderSettings {
  readonly client: GitHubClient;
  readonly merge: LandingMergeMode;
  readonly mergeMethod: 'MERGE' | 'SQUASH' | 'REBASE';
  readonly ciFixes: CiFixOwner;
  readonly ciFixesByRepo: Readonly<Record<string, CiFixOwner>>;
  readonly codegenFixAttempts: number;
  readonly maxFollowUps: Readonly<Record<'checks-failed' | 'changes-requested' | 'conflict', number>>;
  readonly maxFollowUpsPerTask: number;
  readonly reactions: Required<LandingReactionSwitches>;
  readonly ignoredReviewers: ReadonlySet<string>;
  readonly checksTimeoutMs: number;
  readonly followUpGraceMs: number;
  readonly poll: Required<LandingPollOptions>;
  readonly details: Required<LandingDetailOptions>;
  readonly signal: AbortSignal | undefined;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: GitHubLogger;
}

const silent: GitHubLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Validates `options` and applies the defaults; throws `InvalidOptionsError` naming the field. */
export function resolveLanderOptions(options: GitHubLanderOptions): LanderSettings {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new InvalidOptionsError('GitHubLander', field, expected, got);
  };
  if (!options || typeof options.client?.graphql !== 'function') fail('client', 'expected a client from createGitHubClient()', options?.client);
  const o = options;
  const merge = o.merge ?? DEFAULTS.merge;
  if (!['auto', 'train', 'none'].includes(merge)) fail('merge', 'expected auto, train or none', merge);
  const method = o.mergeMethod ?? DEFAULTS.mergeMethod;
  if (!['merge', 'squash', 'rebase'].includes(method)) fail('mergeMethod', 'expected merge, squash or rebase', method);
  const owner = (field: string, v: unknown): CiFixOwner => (v === 'pco' || v === 'codegen' ? v : fail(field, 'expected pco or codegen', v));
  const ciFixes = owner('ciFixes', o.ciFixes ?? DEFAULTS.ciFixes);
  const ciFixesByRepo = Object.fromEntries(Object.entries(o.ciFixesByRepo ?? {}).map(([repo, v]) => [repo.toLowerCase(), owner(`ciFixesByRepo.${repo}`, v)]));
  const count = (field: string, v: number, min = 0): number => (Number.isInteger(v) && v >= min ? v : fail(field, `expected an integer ≥ ${min}`, v));
  const ms = (field: string, v: number, min = 0): number => (Number.isFinite(v) && v >= min ? v : fail(field, `expected a number of milliseconds ≥ ${min}`, v));
  const limits = { ...DEFAULTS.maxFollowUps, ...o.maxFollowUps };
  const poll = { ...DEFAULTS.poll, ...o.poll };
  const details = { ...DEFAULTS.details, ...o.details };
  if (!(poll.budgetShare > 0 && poll.budgetShare <= 1)) fail('poll.budgetShare', 'expected a number in (0, 1]', poll.budgetShare);
  const minIntervalMs = ms('poll.minIntervalMs', poll.minIntervalMs, 1);
  return {
    client: o.client,
    merge,
    mergeMethod: method.toUpperCase() as LanderSettings['mergeMethod'],
    ciFixes,
    ciFixesByRepo,
    codegenFixAttempts: count('codegenFixAttempts', o.codegenFixAttempts ?? DEFAULTS.codegenFixAttempts),
    maxFollowUps: {
      'checks-failed': count("maxFollowUps['checks-failed']", limits['checks-failed']),
      'changes-requested': count("maxFollowUps['changes-requested']", limits['changes-requested']),
      conflict: count('maxFollowUps.conflict', limits.conflict),
    },
    maxFollowUpsPerTask: count('maxFollowUpsPerTask', o.maxFollowUpsPerTask ?? DEFAULTS.maxFollowUpsPerTask),
    reactions: { ...DEFAULTS.reactions, ...o.reactions },
    ignoredReviewers: new Set((o.ignoredReviewers ?? []).map((login) => login.toLowerCase())),
    checksTimeoutMs: ms('checksTimeoutMs', o.checksTimeoutMs ?? DEFAULTS.checksTimeoutMs),
    followUpGraceMs: ms('followUpGraceMs', o.followUpGraceMs ?? DEFAULTS.followUpGraceMs),
    poll: {
      minIntervalMs,
      maxIntervalMs: Math.max(minIntervalMs, ms('poll.maxIntervalMs', poll.maxIntervalMs, 1)),
      budgetShare: poll.budgetShare,
      batchSize: Math.min(50, count('poll.batchSize', poll.batchSize, 1)),
      contextsPerPullRequest: Math.min(100, count('poll.contextsPerPullRequest', poll.contextsPerPullRequest, 1)),
      hurryMs: ms('poll.hurryMs', poll.hurryMs),
    },
    details: {
      maxChecks: count('details.maxChecks', details.maxChecks),
      maxAnnotations: Math.min(100, count('details.maxAnnotations', details.maxAnnotations)),
      logTailLines: count('details.logTailLines', details.logTailLines),
      maxReviewComments: Math.min(100, count('details.maxReviewComments', details.maxReviewComments)),
    },
    signal: o.signal,
    clock: o.clock ?? systemClock,
    timers: o.timers ?? systemTimers,
    logger: o.logger ?? silent,
  };
}

/** Who fixes CI for `repo` (`owner/name`). */
export function ciFixOwner(settings: LanderSettings, repo: string): CiFixOwner {
  return settings.ciFixesByRepo[repo.toLowerCase()] ?? settings.ciFixes;
}
