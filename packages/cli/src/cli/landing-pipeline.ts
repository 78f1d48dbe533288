/**
 * The landing stage of `pco run` and `pco demo` (config `landing`): the GitHubLander that follows
 * each agent's pull request until it lands, and the Orchestrator's `landing` option.
 */
import { configureCiFixes, type CodegenClient } from '@pco/codegen-client';
import { GitHubLander, type GitHubClient, type GitHubLogger } from '@pco/github-source';
import type { LandingOptions } from '@pco/core';
import type { PcoConfig } from '../config/index.js';

/** Knobs for the fakes (tests, the demo): the lander's waits shrink with the fakes' time scale. */
export interface LandingTuning {
  /** API time per real time, as the fake GitHub's (1/speed in the demo). @default 1 */
  readonly timeScale?: number;
  readonly logger?: GitHubLogger;
  /** Who fixes CI (see decideCiFixes). @default pco */
  readonly ciFixes?: CiFixDecision;
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
    ciFixes: tuning.ciFixes?.owner ?? 'pco',
    ...(tuning.ciFixes?.codegenRetries !== undefined ? { codegenFixAttempts: Math.max(1, tuning.ciFixes.codegenRetries) } : {}),
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

/** Who fixes failing checks for the run, and what the user should know about it. */
export interface CiFixDecision {
  readonly owner: 'pco' | 'codegen';
  /** With `codegen`: failed head commits Codegen's auto-fixer gets before pco steps in. */
  readonly codegenRetries?: number;
  /** A line for the user (a setting changed, or a risk of two fixers). */
  readonly note?: string;
}

/**
 * `landing.ciFixes` against Codegen's check-suite settings for `codegen.repoId` (one fixer per
 * branch: research github-pr-lifecycle §6). Called after the preflight, so a refused credential
 * has written nothing; a settings call that fails leaves pco as the fixer, with a note.
 */
export async function decideCiFixes(config: PcoConfig, codegen: CodegenClient, signal?: AbortSignal): Promise<CiFixDecision> {
  const mode = config.landing.ciFixes;
  const repoId = config.codegen.repoId;
  if (repoId === undefined) {
    if (mode === 'codegen') return { owner: 'codegen' };
    return {
      owner: 'pco',
      note: `landing.ciFixes ${mode}: codegen.repoId is not set, so Codegen's check-suite auto-fixer was not ${mode === 'pco' ? 'turned off' : 'checked'}; if it is on, both it and pco may push CI fixes.`,
    };
  }
  try {
    const decided = await configureCiFixes({ client: codegen, repoId, mode, ...(signal ? { signal } : {}) });
    const note = decided.warning ?? (decided.changed ? `Codegen's check-suite auto-fixer turned off for repository ${repoId} (landing.ciFixes: pco).` : undefined);
    return { owner: decided.owner, ...(decided.owner === 'codegen' ? { codegenRetries: decided.codegenRetries } : {}), ...(note ? { note } : {}) };
  } catch (error) {
    return { owner: 'pco', note: `Could not read Codegen's check-suite settings for repository ${repoId} (${error instanceof Error ? error.message : String(error)}); pco fixes CI.` };
  }
}
