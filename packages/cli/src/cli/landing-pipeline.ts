/**
 * The landing stage of `pco run` and `pco demo` (config `landing`): the GitHubLander that follows
 * each agent's pull request until it lands, and the Orchestrator's `landing` option.
 */
import { GitHubLander, type GitHubClient, type GitHubLogger } from '@pco/github-source';
import type { LandingOptions } from '@pco/core';
import type { PcoConfig } from '../config/index.js';

/** Knobs for the fakes (tests, the demo): the lander's waits shrink with the fakes' time scale. */
export interface LandingTuning {
  /** API time per real time, as the fake GitHub's (1/speed in the demo). @default 1 */
  readonly timeScale?: number;
  readonly logger?: GitHubLogger;
}

/** The lander for `config.landing`, or undefined when landing is off. */
export function createLander(config: PcoConfig, client: GitHubClient, tuning: LandingTuning = {}): GitHubLander | undefined {
  const l = config.landing;
  if (!l.enabled) return undefined;
  const scale = tuning.timeScale ?? 1;
  const minIntervalMs = l.pollSeconds * 1000 * scale;
  return new GitHubLander({
    client,
    merge: l.merge,
    mergeMethod: l.mergeMethod,
    ciFixes: l.ciFixes,
    maxFollowUps: { 'checks-failed': l.maxFollowUps.checksFailed, 'changes-requested': l.maxFollowUps.changesRequested, conflict: l.maxFollowUps.conflict },
    maxFollowUpsPerTask: l.maxFollowUpsPerTask,
    ignoredReviewers: l.ignoredReviewers,
    checksTimeoutMs: l.checksTimeoutMinutes * 60_000 * scale,
    ...(scale === 1
      ? { poll: { minIntervalMs } }
      : {
          followUpGraceMs: 120_000 * scale,
          poll: { minIntervalMs, maxIntervalMs: Math.max(minIntervalMs, 300_000 * scale), hurryMs: 5_000 * scale },
        }),
    ...(tuning.logger ? { logger: tuning.logger } : {}),
  });
}

/** The Orchestrator's `landing` option for `lander` (none without one). */
export function landingOptions(config: PcoConfig, lander: GitHubLander | undefined): { readonly landing?: LandingOptions } {
  return lander === undefined ? {} : { landing: { lander, dependentsStartWhen: config.landing.dependentsStartWhen } };
}
