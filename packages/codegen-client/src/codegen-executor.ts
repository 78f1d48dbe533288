import {
  systemClock,
  type Clock,
  type ExecutionContext,
  type Executor,
  type ExecutorOutcome,
  type FollowUp,
  type Task,
} from '@pco/contract';
import type { CodegenClient } from './codegen-client.js';
import { CodegenApiError } from './errors.js';
import { defaultFollowUpPrompt, followUpMetadata, previousRunIdOf, type FollowUpPromptContext } from './follow-up.js';
import { DEFAULT_PROMPT_TEMPLATE, renderPrompt, type PromptContext } from './prompt.js';
import { isResumeRefused } from './resume-once.js';
import { RunWatcher, type RunWatcherOptions } from './run-watcher.js';
import { cancels, failureOutcome, isSettledRun, mapRun } from './run-outcome.js';
import type { AgentRun, CreateRunInput, JsonValue } from './types.js';

/** Options of {@link CodegenExecutor}. */
export interface CodegenExecutorOptions {
  /** The API client (its rate limiter keeps every call inside Codegen's limits). */
  readonly client: CodegenClient;
  /**
   * The watcher that polls runs. Share one across executors so all runs are polled together
   * (one list call per tick instead of one GET per run).
   * @default a RunWatcher of `client`, created on first use, closed by {@link CodegenExecutor.close}
   */
  readonly watcher?: RunWatcher;
  /** Options of the default watcher (ignored with `watcher`), e.g. the same `clock` and `timers` as the client's. */
  readonly watcherOptions?: RunWatcherOptions;
  /** Repository the agent works in (`repo_id`); the org default when omitted. */
  readonly repoId?: number;
  /** Model; the org default when omitted. */
  readonly model?: string;
  readonly agentType?: 'codegen' | 'claude_code';
  /**
   * The prompt. A string template with `{{id}}`, `{{title}}`, `{{body}}`, `{{url}}`,
   * `{{labels}}`, `{{attempt}}` and `{{dependencies}}` (a Markdown list of the dependencies'
   * results), or a function.
   * @default DEFAULT_PROMPT_TEMPLATE
   */
  readonly promptTemplate?: string | ((context: PromptContext) => string);
  /**
   * The prompt of a follow-up (`ExecutionContext.followUp`): sent with the resume, or as a new
   * run's prompt when the run cannot be resumed (`context.kind` says which).
   * @default defaultFollowUpPrompt
   */
  readonly followUpPrompt?: (context: FollowUpPromptContext) => string;
  /**
   * Metadata key of the idempotency key; a lost create is found by it instead of repeated.
   * @default 'pco_idempotency_key'
   */
  readonly idempotencyMetadataKey?: string;
  /** More metadata on every run (JSON values). */
  readonly metadata?: Readonly<Record<string, JsonValue>>;
  /**
   * The clock for time-based decisions, such as where a resumed attempt's run lookup starts.
   * Pass the same clock as the client's and the watcher's.
   * @default `watcherOptions.clock`, else systemClock
   */
  readonly clock?: Clock;
  /**
   * How far back (from the clock's now) a resumed attempt looks for its run in the run list.
   * @default 86_400_000 (a day)
   */
  readonly resumeLookupWindowMs?: number;
  /**
   * Characters of each dependency's result quoted in the prompt.
   * @default 2_000
   */
  readonly maxDependencyResultChars?: number;
  /**
   * On a task timeout or a `stop({ mode: 'cancel' })`, stop the agent run too, with
   * `client.removeFromPr` — the API's only documented stop. It is PR-scoped: it also flags the
   * run's pull request so Codegen ignores its CI check-suite events, and stops any other agent on
   * that PR. The outcome is reported as the task's agent status `STOP_REQUESTED` or
   * `STOP_FAILED` (`task:status`). `false` leaves the run to finish on its own (its id is in the
   * result). A `detach` stop never stops the run (a resume re-attaches to it). An abort that
   * lands while the run is being created (its id not known yet) looks the run up by its
   * idempotency key and stops what it finds; a create the server handles only after that lookup
   * is missed and left to finish. Whether `remove-from-pr` stops a run that has not opened its PR
   * yet is not documented; `STOP_REQUESTED` means Codegen accepted the call.
   * @default true
   */
  readonly stopRunOnCancel?: boolean;
  /**
   * How long stopping a run may take (real ms), including the lookup of a run whose create was
   * cut short. Keep it below the orchestrator's `abortGraceMs`, or the attempt is settled
   * without the executor.
   * @default 10_000
   */
  readonly stopTimeoutMs?: number;
}

/**
 * Runs each task as a Codegen agent run.
 *
 * - Builds the prompt from the task (template with title, body, URL, labels, dependency results).
 * - Creates the run with metadata naming the task, the attempt, the orchestrator run and the
 *   idempotency key, via `client.createRunOnce`: a create whose outcome is unknown (dropped
 *   connection, 5xx, timeout) is looked up by that key before anything is sent again — never a
 *   blind retry. The run id is checkpointed (journal) right after the create.
 * - On resume, re-attaches to the recorded run (`context.previous.agentRunId`) or looks the run
 *   up by its key before creating one. A recorded run that Codegen answers 404 for fails the
 *   attempt as transient, so a new attempt (with a new key and run) follows if attempts remain.
 * - A follow-up (`context.followUp`) continues the task's pull request: it resumes the run that
 *   opened it (`followUp.previousRunId`, `POST …/agent/run/resume`); when Codegen refuses (a
 *   4xx saying the run cannot be resumed, see `isResumeRefused`) it creates a new run whose
 *   prompt names the PR and its branch and tells the agent to push there. A resume shares the
 *   create budget and is never sent twice blindly (`resumeRunOnce`); the run it answers with is
 *   checkpointed and followed, whatever its id. A resumed follow-up found in the journal without
 *   its run looks for a new run by its key, then takes the previous run if it is live again.
 * - Waits through the shared {@link RunWatcher}; agent-side status changes become `task:status`.
 * - Maps the end: COMPLETE → done (result, summary, PRs); ERROR / FAILED / TIMEOUT /
 *   MAX_ITERATIONS_REACHED / OUT_OF_TOKENS / CANCELLED / STOPPED → failed (permanent, with the
 *   reason); PAUSED → needs-input (not retried). API failures are transient or permanent as the
 *   client's error kinds say (429, 5xx, network: transient; 401/402/403/404/422: permanent).
 *
 * On a timeout or `stop({ mode: 'cancel' })` the executor stops waiting and stops the run with
 * `remove-from-pr` (see `stopRunOnCancel`: the public API has no run-scoped cancel, and this one
 * is PR-scoped). A `detach` stop leaves the run working for a resume to re-attach to.
 */
export class CodegenExecutor implements Executor {
  readonly #options: CodegenExecutorOptions;
  #watcher: RunWatcher | undefined;
  readonly #ownWatcher: boolean;
  /** Attempt contexts by remote run id, for status events. */
  readonly #watched = new Map<number, ExecutionContext>();
  #offStatus: (() => void) | undefined;
  readonly #clock: Clock;
  readonly #idempotencyKey: string;
  readonly #stopTimeoutMs: number;

  constructor(options: CodegenExecutorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? options.watcherOptions?.clock ?? systemClock;
    this.#idempotencyKey = options.idempotencyMetadataKey ?? 'pco_idempotency_key';
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    this.#watcher = options.watcher;
    this.#ownWatcher = options.watcher === undefined;
  }

  /** Closes the watcher this executor created (not a shared one passed in). */
  close(): void {
    this.#offStatus?.();
    this.#offStatus = undefined;
    if (this.#ownWatcher) this.#watcher?.close();
    this.#watcher = undefined;
  }

  /** The prompt for a task (exposed for `pco plan` and tests). */
  prompt(context: PromptContext): string {
    const template = this.#options.promptTemplate ?? DEFAULT_PROMPT_TEMPLATE;
    if (typeof template === 'function') return template(context);
    return renderPrompt(template, context, this.#options.maxDependencyResultChars ?? 2_000);
  }

  async execute(task: Task, ctx: ExecutionContext): Promise<ExecutorOutcome> {
    const { client } = this.#options;
    // Where a lookup for this attempt's run starts: a resumed attempt's run may be a day old
    // (made by an earlier process); a new one is this attempt's, give or take a minute of skew.
    const since = this.#clock.now() - (ctx.previous === undefined ? 60_000 : (this.#options.resumeLookupWindowMs ?? 86_400_000));
    let run: AgentRun;
    try {
      run = await this.#createOrAttach(task, ctx, since);
    } catch (error) {
      if (this.#stopsRuns(ctx) && ctx.previous?.agentRunId === undefined) await this.#stopLostCreate(ctx, since);
      return failureOutcome(error, ctx, 'create');
    }
    const base = { agentRunId: run.id, ...(run.web_url ? { webUrl: run.web_url } : {}) };
    const watcher = this.#ensureWatcher(client);
    this.#watched.set(run.id, ctx);
    try {
      if (run.status) ctx.report(run.status, { agentRunId: run.id });
      const settled = isSettledRun(run) ? run : await watcher.watch(run.id, { signal: ctx.signal });
      const outcome = mapRun(settled);
      // A follow-up that pushed to the PR without listing it still worked on that PR.
      const pullRequests =
        outcome.status === 'done' && ctx.followUp && (outcome.pullRequests ?? []).length === 0 ? { pullRequests: [ctx.followUp.pullRequest] } : {};
      return { ...base, ...outcome, ...pullRequests, ...(settled.web_url ? { webUrl: settled.web_url } : {}) } as ExecutorOutcome;
    } catch (error) {
      if (this.#stopsRuns(ctx)) await this.#stopRun(run.id, ctx);
      const outcome = failureOutcome(error, ctx, 'watch');
      return { ...base, ...outcome } as ExecutorOutcome;
    } finally {
      if (this.#watched.get(run.id) === ctx) this.#watched.delete(run.id);
    }
  }

  async #createOrAttach(task: Task, ctx: ExecutionContext, since: number): Promise<AgentRun> {
    const previous = ctx.previous;
    if (previous?.agentRunId !== undefined) {
      // A follow-up's resume was journaled as about to be sent: it may or may not have reached
      // Codegen before the crash. Resume only if the run shows no sign of it.
      if (ctx.followUp && previous.note?.['resume'] === 'sending') return this.#resumeOnce(task, ctx, ctx.followUp, Number(previous.agentRunId), previous.note);
      // The journal holds this attempt's run: re-attach, never create a second one.
      return this.#options.client.getRun(Number(previous.agentRunId), { signal: ctx.signal });
    }
    if (ctx.followUp) return this.#continuePullRequest(task, ctx, ctx.followUp, since);
    const prompt = this.prompt({ task, attempt: ctx.attempt, dependencyResults: ctx.dependencyResults });
    return this.#create(task, ctx, prompt, {}, since);
  }

  /** The follow-up's prompt (exposed for tests and `pco plan`). */
  followUpPrompt(context: FollowUpPromptContext): string {
    return (this.#options.followUpPrompt ?? defaultFollowUpPrompt)(context);
  }

  /** A follow-up: resume the run that made the PR where Codegen accepts it, else a new run on the PR. */
  async #continuePullRequest(task: Task, ctx: ExecutionContext, followUp: FollowUp, since: number): Promise<AgentRun> {
    const { client } = this.#options;
    const previousRunId = previousRunIdOf(followUp);
    if (ctx.previous !== undefined) {
      // The intent was journaled but not the run: this attempt may have created a run (found by
      // its key) or resumed one (live again: a resume leaves no other trace).
      const found = await client.findRunByMetadata(this.#idempotencyKey, ctx.idempotencyKey, { since, signal: ctx.signal });
      if (found) return this.#checkpointed(ctx, found);
      const resumed = previousRunId === undefined ? undefined : await this.#liveRun(previousRunId, ctx);
      if (resumed) return this.#checkpointed(ctx, resumed);
    }
    if (previousRunId !== undefined) {
      // A resume leaves no metadata to look it up by: before sending it, journal the run and
      // where its log ends, so that after a crash the run's log tells whether it was sent.
      const note = { resume: 'sending', logEnd: await this.#logEnd(previousRunId, ctx) };
      await ctx.checkpoint({ agentRunId: previousRunId, note });
      const resumed = await this.#resume(task, ctx, followUp, previousRunId);
      if (resumed) return resumed;
    }
    const prompt = this.followUpPrompt({ task, attempt: ctx.attempt, followUp, kind: 'new-run' });
    return this.#create(task, ctx, prompt, followUpMetadata(followUp), since);
  }

  /**
   * Sends the follow-up's resume; undefined when Codegen refuses to resume the run (the caller
   * then starts a new run on the PR).
   */
  async #resume(task: Task, ctx: ExecutionContext, followUp: FollowUp, previousRunId: number): Promise<AgentRun | undefined> {
    const prompt = this.followUpPrompt({ task, attempt: ctx.attempt, followUp, kind: 'resume' });
    try {
      const { run } = await this.#options.client.resumeRunOnce({ agent_run_id: previousRunId, prompt }, { signal: ctx.signal, ...this.#budgetOptions(ctx) });
      ctx.waiting?.(undefined);
      await this.#checkpointed(ctx, run);
      // The link from the PR's run to the one that now works on it (the same id, or not).
      ctx.report('RESUMED', { agentRunId: run.id, previousRunId });
      return run;
    } catch (error) {
      ctx.waiting?.(undefined);
      if (!(error instanceof CodegenApiError) || !isResumeRefused(error)) throw error;
      ctx.report('RESUME_REFUSED', { agentRunId: previousRunId, httpStatus: error.status, error: error.message });
      return undefined;
    }
  }

  /**
   * After a crash between journaling a resume and its answer: the run is live again, or its log
   * grew past where it ended before (the resume was sent, and the run may be done already):
   * re-attach. Otherwise the resume never reached Codegen: send it now.
   */
  async #resumeOnce(
    task: Task,
    ctx: ExecutionContext,
    followUp: FollowUp,
    runId: number,
    note: Readonly<Record<string, string | number | boolean>>,
  ): Promise<AgentRun> {
    const run = await this.#options.client.getRun(runId, { signal: ctx.signal });
    if (!isSettledRun(run)) return run;
    const before = typeof note['logEnd'] === 'string' ? Date.parse(note['logEnd']) : Number.NaN;
    const now = Date.parse(await this.#logEnd(runId, ctx));
    if (Number.isFinite(now) && (!Number.isFinite(before) || now > before)) return run;
    const resumed = await this.#resume(task, ctx, followUp, runId);
    if (resumed) return resumed;
    const prompt = this.followUpPrompt({ task, attempt: ctx.attempt, followUp, kind: 'new-run' });
    return this.#create(task, ctx, prompt, followUpMetadata(followUp), this.#clock.now() - (this.#options.resumeLookupWindowMs ?? 86_400_000));
  }

  /** Time of the run's newest log entry ('' when it has none). */
  async #logEnd(runId: number, ctx: ExecutionContext): Promise<string> {
    const page = await this.#options.client.getRunLogs(runId, { reverse: true, limit: 1 }, { signal: ctx.signal });
    const newest = page.logs?.[0]?.created_at;
    return typeof newest === 'string' ? newest : '';
  }

  /** The run if it exists and is live, else undefined. */
  async #liveRun(runId: number, ctx: ExecutionContext): Promise<AgentRun | undefined> {
    try {
      const run = await this.#options.client.getRun(runId, { signal: ctx.signal });
      return isSettledRun(run) ? undefined : run;
    } catch (error) {
      if (error instanceof CodegenApiError && error.kind === 'not-found') return undefined;
      throw error;
    }
  }

  /** Creates the attempt's run (at most once per idempotency key) and checkpoints it. */
  async #create(
    task: Task,
    ctx: ExecutionContext,
    prompt: string,
    metadata: Readonly<Record<string, JsonValue>>,
    since: number,
  ): Promise<AgentRun> {
    const previous = ctx.previous;
    const input: CreateRunInput = {
      prompt,
      metadata: {
        ...this.#options.metadata,
        ...metadata,
        pco_task_id: task.id,
        pco_attempt: ctx.attempt,
        pco_run_id: ctx.runId,
        ...(task.url === undefined ? {} : { pco_task_url: task.url }),
      },
      ...(this.#options.repoId === undefined ? {} : { repo_id: this.#options.repoId }),
      ...(this.#options.model === undefined ? {} : { model: this.#options.model }),
      ...(this.#options.agentType === undefined ? {} : { agent_type: this.#options.agentType }),
    };
    const { run } = await this.#options.client.createRunOnce(input, {
      key: this.#idempotencyKey,
      value: ctx.idempotencyKey,
      // An intent without a recorded run (crash between create and checkpoint): look first.
      lookupFirst: previous !== undefined,
      ...(previous === undefined ? {} : { since }),
      signal: ctx.signal,
      ...this.#budgetOptions(ctx),
    });
    ctx.waiting?.(undefined);
    return this.#checkpointed(ctx, run);
  }

  /** How an attempt waits for the create budget (creates and resumes share it). */
  #budgetOptions(ctx: ExecutionContext): { priority?: number; onRateLimitWait: (waitMs: number) => void } {
    return {
      // When creates queue for budget, the longest remaining critical path goes first.
      ...(ctx.priority === undefined ? {} : { priority: ctx.priority }),
      // Say why nothing starts (Codegen allows 10 creates a minute): what the attempt waits for,
      // not an agent status, so it is not journaled.
      onRateLimitWait: (waitMs) => ctx.waiting?.(`Codegen create budget: next start in ${Math.max(1, Math.ceil(waitMs / 1000))} s`),
    };
  }

  /** Records the run in the journal, right after it was created or resumed and before anything else. */
  async #checkpointed(ctx: ExecutionContext, run: AgentRun): Promise<AgentRun> {
    try {
      await ctx.checkpoint({ agentRunId: run.id, ...(run.web_url ? { webUrl: run.web_url } : {}) });
    } catch {
      // The journal could not record it (already reported by the orchestrator); the run exists,
      // so keep going rather than abandon a paid run.
    }
    return run;
  }

  /** The attempt was cut short by a timeout or a cancel stop, and runs are to be stopped then. */
  #stopsRuns(ctx: ExecutionContext): boolean {
    return ctx.signal.aborted && cancels(ctx.signal.reason) && this.#options.stopRunOnCancel !== false;
  }

  /**
   * The abort landed during the create: the request may have reached Codegen and made a run
   * nobody watches. Find it by the attempt's idempotency key and stop it, like any other
   * cancelled run. The lookup and the stop share one `stopTimeoutMs`.
   */
  async #stopLostCreate(ctx: ExecutionContext, since: number): Promise<void> {
    const { client } = this.#options;
    const signal = AbortSignal.timeout(this.#stopTimeoutMs);
    let run: AgentRun | undefined;
    try {
      // Runs list newest first: the lookup ends at the first run older than `since`.
      run = await client.findRunByMetadata(this.#idempotencyKey, ctx.idempotencyKey, { since, signal });
    } catch (error) {
      ctx.report('STOP_FAILED', { error: `could not look up the run being created: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    if (run !== undefined && !isSettledRun(run)) await this.#stopRun(run.id, ctx, signal);
  }

  /** Best effort: the attempt is over either way; the result says whether the stop went through. */
  async #stopRun(runId: number, ctx: ExecutionContext, signal = AbortSignal.timeout(this.#stopTimeoutMs)): Promise<void> {
    try {
      await this.#options.client.removeFromPr(runId, { signal });
      ctx.report('STOP_REQUESTED', { agentRunId: runId });
    } catch (error) {
      ctx.report('STOP_FAILED', { agentRunId: runId, error: error instanceof Error ? error.message : String(error) });
    }
  }

  #ensureWatcher(client: CodegenClient): RunWatcher {
    this.#watcher ??= new RunWatcher(client, this.#options.watcherOptions);
    this.#offStatus ??= this.#watcher.on('status', (event) => {
      if (event.status) this.#watched.get(event.runId)?.report(event.status, { agentRunId: event.runId, previous: event.previous });
    });
    return this.#watcher;
  }
}
