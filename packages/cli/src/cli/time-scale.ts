/**
 * One time scale for every wait pco makes: `pco demo` (1 / --speed) and `pco run --time-scale`
 * against simulators and fakes whose clocks run faster than real time. Both compute their waits
 * here, so a benchmark of `pco run` waits exactly as the demo does.
 */
import { DEFAULT_RATE_LIMITS, DEFAULT_WATCH_INTERVALS, type CodegenOperation, type CodegenRetryOptions, type RateLimit, type RunWatcherOptions } from '@pco/codegen-client';
import type { GitHubClientOptions } from '@pco/github-source';
import { ORCHESTRATOR_DEFAULTS, type OrchestratorOptions } from '@pco/core';
import type { PcoConfig } from '../config/index.js';
import { CliUsageError } from './context.js';
import { CODEGEN_CREATE_RATE } from './run-command.js';

/** Every wait of a run, scaled (see {@link scaledRunTiming}). */
export interface ScaledRunTiming {
  /** Real milliseconds per API millisecond: the Codegen client's and the lander's `timeScale`. */
  readonly timeScale: number;
  /** The GitHub client's retry and rate-limit waits (ms per second) and its write spacing. */
  readonly github: Pick<GitHubClientOptions, 'timeScale' | 'writeSpacingMs' | 'notificationSpacingMs'>;
  /** Task timeout, retry delay, abort grace, pool cool-down and start rate. */
  readonly orchestrator: Pick<OrchestratorOptions, 'timeoutMs' | 'retry' | 'abortGraceMs' | 'pool' | 'startRate'>;
}

/**
 * The durations of a run whose APIs keep `timeScale` real milliseconds per API millisecond.
 * The Codegen client's limits, backoff and poll intervals follow from `timeScale` in
 * `createCodegenExecutor` ({@link scaledCodegenTiming}, below), the lander's cadence in `createLander`.
 */
export function scaledRunTiming(config: PcoConfig, timeScale: number): ScaledRunTiming {
  const agent = config.agent;
  return {
    timeScale,
    // GitHub asks for ≥ 1 s between writes (3 s for notifying ones); the scale keeps the ratio.
    github: { timeScale: 1000 * timeScale, writeSpacingMs: 1000 * timeScale, notificationSpacingMs: 3000 * timeScale },
    orchestrator: {
      // HTTP, polling and a busy CPU do not speed up with the fakes: the timeout keeps a floor
      // of real time, so only a run that is really stuck can hit it.
      timeoutMs: Math.max(agent.taskTimeoutSeconds * 1000 * timeScale, 30_000),
      retry: { attempts: agent.retryAttempts + 1, baseDelayMs: agent.retryDelaySeconds * 1000 * timeScale },
      abortGraceMs: ORCHESTRATOR_DEFAULTS.abortGraceMs * timeScale,
      pool: { coolDownMs: ORCHESTRATOR_DEFAULTS.coolDownMs * timeScale },
      startRate: { ...CODEGEN_CREATE_RATE, windowMs: CODEGEN_CREATE_RATE.windowMs * timeScale },
    },
  };
}

/** `--time-scale <factor>`: a finite number > 0 and ≤ 1; undefined (not given) is 1, real time. */
export function parseTimeScale(text: string | undefined): number {
  if (text === undefined) return 1;
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new CliUsageError(
      `--time-scale: expected a number greater than 0 and at most 1 (real milliseconds per API millisecond, for simulators and fakes; 1 is real time), got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/**
 * The Codegen client's durations for a fake whose API time runs at `timeScale` × real time (tests,
 * the demo): the documented rate-limit windows (or `limits`), the retry backoff and the poll
 * intervals, all multiplied by `timeScale`. The client stays on the real clock, like the fake, so
 * the run lookups' time windows compare with the fake's timestamps as they would with Codegen's.
 */
export function scaledCodegenTiming(
  timeScale: number,
  limits: Readonly<Partial<Record<CodegenOperation, RateLimit>>> = DEFAULT_RATE_LIMITS,
): { readonly limits: Partial<Record<CodegenOperation, RateLimit>>; readonly retry: CodegenRetryOptions; readonly watcher: RunWatcherOptions } {
  const scaled: Partial<Record<CodegenOperation, RateLimit>> = {};
  for (const [operation, limit] of Object.entries(limits) as [CodegenOperation, RateLimit][]) {
    scaled[operation] = { limit: limit.limit, windowMs: limit.windowMs * timeScale };
  }
  return {
    limits: scaled,
    retry: { minDelayMs: 1_000 * timeScale, maxDelayMs: 30_000 * timeScale },
    watcher: { minIntervalMs: DEFAULT_WATCH_INTERVALS.minIntervalMs * timeScale, maxIntervalMs: DEFAULT_WATCH_INTERVALS.maxIntervalMs * timeScale },
  };
}
