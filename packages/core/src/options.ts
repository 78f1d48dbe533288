import { createRedactor, InvalidOptionsError, systemClock, systemTimers, type Clock, type Redactor, type Timers } from '@pco/contract';
import type { StopMode } from '@pco/contract';
import { LANDING_MILESTONES, type Executor, type Lander, type LandingMilestone, type Reporter, type RunJournal, type TaskSource } from '@pco/contract';

/** Retries of transient failures (exponential back-off with jitter). */
export interface RetryOptions {
  /**
   * Attempts per task in one run, the first included (1 = never retry).
   * @default 3
   */
  readonly attempts?: number;
  /**
   * Delay before the first retry; doubles with each further one.
   * @default 1_000
   */
  readonly baseDelayMs?: number;
  /**
   * Cap of the back-off delay (a larger `retryAfterMs` from the executor still wins).
   * @default 60_000
   */
  readonly maxDelayMs?: number;
  /**
   * Share of each delay that is random, 0..1: the delay is drawn from
   * [delay × (1 − jitter), delay]. 0 = exact, 1 = "full jitter".
   * @default 0.5
   */
  readonly jitter?: number;
}

/** Agent pool settings beyond the concurrency. */
export interface OrchestratorPoolOptions {
  /**
   * Highest `concurrency` accepted. Codegen runs at most 10 agents at once; raise it only for
   * executors without that limit.
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * Consecutive failed attempts after which an agent slot is quarantined (`agent:failed`).
   * `Infinity` disables quarantine.
   * @default 3
   */
  readonly quarantineAfter?: number;
  /** @default 60_000 */
  readonly coolDownMs?: number;
}

/**
 * The stage after the agent run: with a lander, a task whose run opened pull requests is
 * `in-review` until they land, and its dependents start at `dependentsStartWhen`.
 */
export interface LandingOptions {
  /** Watches the task's pull requests until they land (e.g. @pco/github-source's GitHubLander). */
  readonly lander: Lander;
  /**
   * When a task's dependents may start: `merged` is the only point at which a dependent's agent
   * sees its prerequisite's code on the base branch (see docs/landing.md for the others).
   * @default 'merged'
   */
  readonly dependentsStartWhen?: LandingMilestone;
}

/** Options of {@link Orchestrator}. Only `source` and `executor` are required. */
export interface OrchestratorOptions {
  /** Where the tasks come from (read once per `run()`). */
  readonly source: TaskSource;
  /** Runs one task attempt. */
  readonly executor: Executor;
  /** Receives every state change. Failures are retried and reported, never fail a task. */
  readonly reporter?: Reporter;
  /** More reporters (all of them get every update, in order per task). */
  readonly reporters?: readonly Reporter[];
  /**
   * Agents working at once, 1..`pool.maxConcurrency`.
   * @default 10
   */
  readonly concurrency?: number;
  readonly retry?: RetryOptions;
  /**
   * Per-attempt timeout: the executor's signal is aborted with a `TaskTimeoutError`.
   * @default 600_000
   */
  readonly timeoutMs?: number;
  /**
   * After a timeout or stop, how long to wait for the executor to settle before the task is
   * settled without it (its agent slot stays taken until the executor does settle).
   * @default 30_000
   */
  readonly abortGraceMs?: number;
  readonly pool?: OrchestratorPoolOptions;
  /** Follow each task's pull requests until they land (without it a task is done when its agent run is). */
  readonly landing?: LandingOptions;
  /** Write each task result as one JSON line to this file as the task ends. */
  readonly resultsFile?: string;
  /**
   * Keep every result in memory for the summary. Turn off for very large runs with a `resultsFile`.
   * @default true
   */
  readonly retainResults?: boolean;
  /** Emit `progress` this often while running (0 = never). @default 0 */
  readonly progressIntervalMs?: number;
  /**
   * How fast the executor can start attempts (e.g. Codegen's 10 agent-run creates a minute):
   * the progress ETA is never less than the time the tasks not yet started need to start.
   * @default undefined (no limit known)
   */
  readonly startRate?: { readonly limit: number; readonly windowMs: number };
  /** Crash-safety hook; see {@link RunJournal}. Without one nothing is persisted. */
  readonly journal?: RunJournal;
  /** Correlation id of the run. @default a random UUID (or the journal's on resume) */
  readonly runId?: string;
  /**
   * Strings redacted (`[REDACTED]`) from every error message the orchestrator records or emits,
   * e.g. tokens; credential-shaped text (GitHub tokens, `Bearer …`) is redacted too. Values
   * shorter than 4 characters are ignored (they would mangle ordinary text; no real token is
   * that short).
   */
  readonly secrets?: readonly string[];
  /**
   * Tells whether an error thrown by the executor is transient.
   * @default `isTransientError`: `error.transient`, HTTP 429/5xx, network error codes
   */
  readonly isTransient?: (error: unknown) => boolean;
  /**
   * Reporter retries: attempts per update and the first back-off delay (doubling).
   * @default { attempts: 3, baseDelayMs: 500 }
   */
  readonly reporterRetry?: { readonly attempts?: number; readonly baseDelayMs?: number };
  /** @default Date */
  readonly clock?: Clock;
  /** @default globalThis.setTimeout / clearTimeout */
  readonly timers?: Timers;
  /** Source of randomness for jitter, in [0, 1). @default Math.random */
  readonly random?: () => number;
}

/** Options of {@link Orchestrator.run}. */
export interface RunOptions {
  /** Aborting stops the run like `stop({ mode: stopMode })`. */
  readonly signal?: AbortSignal;
  /** How `signal` stops running tasks. @default 'cancel' */
  readonly stopMode?: StopMode;
  /** Continue the journal's unfinished work: done tasks are kept, dispatched attempts re-attached. */
  readonly resume?: boolean;
}

export interface ResolvedOptions {
  readonly source: TaskSource;
  readonly executor: Executor;
  readonly reporters: readonly Reporter[];
  readonly concurrency: number;
  readonly maxConcurrency: number;
  readonly quarantineAfter: number;
  readonly coolDownMs: number;
  readonly retry: Required<RetryOptions>;
  readonly timeoutMs: number;
  readonly abortGraceMs: number;
  readonly resultsFile: string | undefined;
  readonly retainResults: boolean;
  readonly progressIntervalMs: number;
  readonly startRate: { readonly limit: number; readonly windowMs: number } | undefined;
  readonly journal: RunJournal | undefined;
  readonly runId: string | undefined;
  readonly lander: Lander | undefined;
  /** Rank (index in LANDING_MILESTONES) of the milestone at which dependents start. */
  readonly releaseRank: number;
  /** The redactor of `secrets` (@pco/contract's: known values and credential-shaped text). */
  readonly redact: Redactor;
  readonly isTransient: ((error: unknown) => boolean) | undefined;
  readonly reporterAttempts: number;
  readonly reporterBaseDelayMs: number;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: () => number;
}

/** Every default in one place. */
export const ORCHESTRATOR_DEFAULTS = {
  concurrency: 10,
  maxConcurrency: 10,
  quarantineAfter: 3,
  coolDownMs: 60_000,
  retry: { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000, jitter: 0.5 },
  timeoutMs: 600_000,
  abortGraceMs: 30_000,
  retainResults: true,
  progressIntervalMs: 0,
  reporterRetry: { attempts: 3, baseDelayMs: 500 },
  dependentsStartWhen: 'merged',
} as const;

function invalid(field: string, expected: string, got: unknown): InvalidOptionsError {
  return new InvalidOptionsError('Orchestrator', field, expected, got);
}

function integer(field: string, value: number, min: number, max = Infinity): number {
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    throw invalid(field, `expected an integer in ${min}..${max === Infinity ? '∞' : max}`, value);
  }
  return value;
}

function nonNegative(field: string, value: number): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) throw invalid(field, 'expected a finite number ≥ 0', value);
  return value;
}

/** Applies defaults and checks every option; throws `InvalidOptionsError` naming the field. */
export function resolveOptions(options: OrchestratorOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'expected an object', options);
  if (typeof options.source?.load !== 'function') throw invalid('source', 'expected a TaskSource with load(signal)', options.source);
  if (typeof options.executor?.execute !== 'function') {
    throw invalid('executor', 'expected an Executor with execute(task, context)', options.executor);
  }
  const reporters = [...(options.reporter ? [options.reporter] : []), ...(options.reporters ?? [])];
  reporters.forEach((reporter, i) => {
    if (typeof reporter?.report !== 'function') throw invalid(`reporters[${i}]`, 'expected a Reporter with report(update)', reporter);
  });
  const d = ORCHESTRATOR_DEFAULTS;
  const maxConcurrency = integer('pool.maxConcurrency', options.pool?.maxConcurrency ?? d.maxConcurrency, 1);
  const concurrency = integer('concurrency', options.concurrency ?? Math.min(d.concurrency, maxConcurrency), 1, maxConcurrency);
  const retry = {
    attempts: integer('retry.attempts', options.retry?.attempts ?? d.retry.attempts, 1),
    baseDelayMs: nonNegative('retry.baseDelayMs', options.retry?.baseDelayMs ?? d.retry.baseDelayMs),
    maxDelayMs: nonNegative('retry.maxDelayMs', options.retry?.maxDelayMs ?? d.retry.maxDelayMs),
    jitter: nonNegative('retry.jitter', options.retry?.jitter ?? d.retry.jitter),
  };
  if (retry.jitter > 1) throw invalid('retry.jitter', 'expected a number in 0..1', retry.jitter);
  const timeoutMs = options.timeoutMs ?? d.timeoutMs;
  if (!(timeoutMs > 0)) throw invalid('timeoutMs', 'expected a number > 0', timeoutMs);
  const quarantineAfter = options.pool?.quarantineAfter ?? d.quarantineAfter;
  if (!(quarantineAfter === Infinity || (Number.isInteger(quarantineAfter) && quarantineAfter >= 1))) {
    throw invalid('pool.quarantineAfter', 'expected an integer ≥ 1 or Infinity', quarantineAfter);
  }
  if (options.runId !== undefined && (typeof options.runId !== 'string' || options.runId === '')) {
    throw invalid('runId', 'expected a non-empty string', options.runId);
  }
  if (options.journal !== undefined && (typeof options.journal.append !== 'function' || typeof options.journal.load !== 'function')) {
    throw invalid('journal', 'expected a RunJournal with load() and append()', options.journal);
  }
  const landing = options.landing;
  if (landing !== undefined && typeof landing?.lander?.land !== 'function') {
    throw invalid('landing.lander', 'expected a Lander with land(task, context)', landing?.lander);
  }
  const startWhen = landing?.dependentsStartWhen ?? d.dependentsStartWhen;
  if (!LANDING_MILESTONES.includes(startWhen)) {
    throw invalid('landing.dependentsStartWhen', `expected one of ${LANDING_MILESTONES.join(', ')}`, startWhen);
  }
  return {
    source: options.source,
    executor: options.executor,
    reporters,
    concurrency,
    maxConcurrency,
    quarantineAfter,
    coolDownMs: nonNegative('pool.coolDownMs', options.pool?.coolDownMs ?? d.coolDownMs),
    retry,
    timeoutMs,
    abortGraceMs: nonNegative('abortGraceMs', options.abortGraceMs ?? d.abortGraceMs),
    resultsFile: options.resultsFile,
    retainResults: options.retainResults ?? d.retainResults,
    progressIntervalMs: nonNegative('progressIntervalMs', options.progressIntervalMs ?? d.progressIntervalMs),
    startRate:
      options.startRate === undefined
        ? undefined
        : { limit: integer('startRate.limit', options.startRate.limit, 1), windowMs: nonNegative('startRate.windowMs', options.startRate.windowMs) },
    journal: options.journal,
    runId: options.runId,
    lander: landing?.lander,
    releaseRank: LANDING_MILESTONES.indexOf(startWhen),
    redact: createRedactor((options.secrets ?? []).filter((secret) => typeof secret === 'string' && secret.length > 0)),
    isTransient: options.isTransient,
    reporterAttempts: integer('reporterRetry.attempts', options.reporterRetry?.attempts ?? d.reporterRetry.attempts, 1),
    reporterBaseDelayMs: nonNegative('reporterRetry.baseDelayMs', options.reporterRetry?.baseDelayMs ?? d.reporterRetry.baseDelayMs),
    clock: options.clock ?? systemClock,
    timers: options.timers ?? systemTimers,
    random: options.random ?? Math.random,
  };
}
