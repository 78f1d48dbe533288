import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { EventEmitter } from 'eventemitter3';
import { ReadyQueue, type AddResult, type GraphNode, type SkippedTask } from '@pco/graph';
import { backoffDelay, findCredentialsRejected } from '@pco/contract';
import { AgentPool, type AgentLease, type ReleaseOutcome } from '@pco/pool';
import { OrchestratorError } from './errors.js';
import { RunStoppedError, TaskTimeoutError, type StopMode } from '@pco/contract';
import type { OrchestratorEventName, OrchestratorEvents } from './events.js';
import { replayJournal, type OpenAttempt } from './journal-replay.js';
import { resolveOptions, type OrchestratorOptions, type ResolvedOptions, type RunOptions } from './options.js';
import { emptyCounts, type ProgressSnapshot, type RunningTask, type RunSummary, type StateCounts } from './results.js';
import { causedBy, Delivery, skippable } from './report-delivery.js';
import { ResultsFile } from './results-file.js';
import { isoTimestamp } from './iso-timestamp.js';
import { isTransientError } from './retry-policy.js';
import type { ExecutionContext, ExecutorOutcome, JournalEntry, PreviousAttempt, PullRequestRef, Reporter, RunCheckpoint, RunJournal, Task, TaskResult, TaskState, TaskUpdate } from '@pco/contract';

/** One attempt of one task. */
interface Attempt {
  readonly record: TaskRecord;
  readonly number: number;
  /** Idempotency key; built on first use (see #key). */
  key: string | undefined;
  readonly lease: AgentLease;
  readonly startedAt: number;
  readonly deadline: number;
  readonly previous: PreviousAttempt | undefined;
  controller: AbortController | undefined;
  abortReason: TaskTimeoutError | RunStoppedError | undefined;
  /** The orchestrator has decided the attempt's outcome. */
  settled: boolean;
  /** The executor's promise has settled (the agent slot is free only then). */
  executorSettled: boolean;
  /** Release outcome waiting for the executor to settle (after a forced settle). */
  pendingRelease: ReleaseOutcome | undefined;
  graceTimer: unknown;
}

/** What only some tasks need (kept apart so 100,000 plain tasks stay small). */
class RecordExtras {
  agentRunId: number | string | undefined = undefined;
  webUrl: string | undefined = undefined;
  agentStatus: string | undefined = undefined;
  result: string | undefined = undefined;
  summary: string | undefined = undefined;
  pullRequests: readonly PullRequestRef[] | undefined = undefined;
  error: string | undefined = undefined;
  skippedBecause: string | undefined = undefined;
  skipReason: string | undefined = undefined;
  /** Held back by the source's policy (its own task.skip, or a dependency's): see TaskResult.policySkip. */
  policySkip = false;
  /** From the journal on resume: the attempt to continue. */
  open: OpenAttempt | undefined = undefined;
  /** On resume: the dependencies the queue waits for (those the journal has done are met). */
  dependencies: readonly string[] | undefined = undefined;
  /** On resume: attempts of earlier processes (retries are counted per run). */
  attemptsBefore = 0;
  retryTimer: unknown = undefined;
  reportTail: Promise<void> | undefined = undefined;
  /** The latest update queued for the reporters (a delivery that is not it may be skipped). */
  reportLatest: TaskUpdate | undefined = undefined;
  /** Deliveries in progress to reporters that can skip (a newer update may cut them short). */
  delivering: Set<Delivery> | undefined = undefined;
  written = false;
}

/**
 * Everything known about one task in the current run (a class: one hidden shape for all). It is
 * also the task's node in the ReadyQueue (id, dependencies, estimate), so `nextNode()` hands the
 * record back without an id lookup.
 */
class TaskRecord implements GraphNode {
  state: TaskState = 'pending';
  /** Attempt number of the latest attempt (continues across resumes). */
  attempts = 0;
  agent: string | undefined = undefined;
  firstStartedAt: number | undefined = undefined;
  endedAt: number | undefined = undefined;
  current: Attempt | undefined = undefined;
  /** The TaskResult, built on first need once the task is terminal (or the run ended). */
  final: TaskResult | undefined = undefined;
  _x: RecordExtras | undefined = undefined;
  readonly task: Task;
  // Few fields: 100,000 records must stay small. The node fields read through to the task.
  constructor(task: Task) {
    this.task = task;
  }
  get id(): string {
    return this.task.id;
  }
  /** As the queue gets them: without the dependencies a resumed journal has done. */
  get dependencies(): readonly string[] | undefined {
    return this._x?.dependencies ?? this.task.dependencies;
  }
  get estimate(): number | undefined {
    return this.task.estimate;
  }
  get attemptsThisRun(): number {
    return this.attempts - (this._x?.attemptsBefore ?? 0);
  }
  /** The extras, created on first write. */
  get x(): RecordExtras {
    return (this._x ??= new RecordExtras());
  }
}

type Phase = 'idle' | 'loading' | 'running' | 'finishing';

/** Deliveries the flush ETA averages over. */
const DELIVERY_RATE_WINDOW = 20;

const TERMINAL: ReadonlySet<TaskState> = new Set<TaskState>(['done', 'failed', 'skipped', 'needs-input', 'interrupted']);
const NO_TASKS: readonly never[] = Object.freeze([]);

/**
 * Runs a backlog of tasks with dependencies on a pool of agents.
 *
 * Event-driven: a task starts the moment its last dependency is done and an agent slot is free,
 * the ready task with the longest remaining critical path first (@pco/graph's `ReadyQueue`); no
 * wave barriers, no polling. Transient failures are retried with exponential back-off and jitter;
 * permanent ones fail at once and skip every dependent (naming the failed ancestor) while
 * independent tasks carry on. Every state change goes to the reporters and to typed events;
 * listeners and reporters cannot break the run.
 *
 * @example
 * const orc = new Orchestrator({ source, executor, concurrency: 10 });
 * const off = orc.on('task:done', (e) => console.log(e.taskId, e.durationMs));
 * const summary = await orc.run({ signal });
 */
export class Orchestrator {
  readonly #o: ResolvedOptions;
  readonly #ee = new EventEmitter();
  #phase: Phase = 'idle';
  #runId = '';
  #queue: ReadyQueue<TaskRecord> | undefined;
  #pool: AgentPool | undefined;
  /** Every record of the run, in the order the tasks became known. */
  #records: TaskRecord[] = [];
  /** Records by id, built on first need (see #record): a run without failures, skips or added tasks never needs it. */
  #byId: Map<string, TaskRecord> | undefined;
  #counts = emptyCounts();
  #pendingAdds: Task[] = [];
  /** Results a journal recorded as done (resume), including tasks the source no longer lists. */
  #doneBefore: ReadonlyMap<string, TaskResult> = new Map();
  /** The run has started dispatching (progress() figures are meaningful). */
  #started = false;
  #stopping: StopMode | undefined;
  #loadController: AbortController | undefined;
  /** Attempts not settled yet (the records' `current`). */
  #active = 0;
  /** Commits (journal writes) whose continuation the run must wait for. */
  #commits = 0;
  #retrying = new Set<TaskRecord>();
  #journalWrites = new Set<Promise<void>>();
  #resultsFile: ResultsFile | undefined;
  #startedAt = 0;
  #dispatchedAttempts = 0;
  #retries = 0;
  #pumping = false;
  #finishing = false;
  #resolveRun: ((summary: RunSummary) => void) | undefined;
  #runPromise: Promise<RunSummary> | undefined;
  // Per-attempt timeouts share one timer: every attempt gets the same timeout, so deadlines are
  // ordered by start time and a FIFO of attempts is a priority queue.
  #deadlines: (Attempt | undefined)[] = [];
  #deadlineHead = 0;
  #deadlineTimer: unknown;
  #progressTimer: unknown;
  /** Aborts the reporters' calls `abortGraceMs` after a stop (see {@link stop}). */
  #reportController: AbortController | undefined;
  #reportAbortTimer: unknown;
  /** Updates the stop's grace period cut off, for any reporter (see #reportUnreported). */
  #unreported = new Set<TaskUpdate>();
  /** Reporter updates queued or being delivered, and when the latest deliveries ended. */
  #pendingUpdates = 0;
  #deliveredAt: number[] = [];
  /** Set when refused credentials stopped the run (see #halt). */
  #halted: RunSummary['halted'];
  /** Reporters whose credentials were refused: they get no more updates this run. */
  #refusedReporters: Set<Reporter> | undefined;
  #finishedDurationMs = 0;
  #finishedEstimate = 0;

  /** Throws `OrchestratorError` (`ORCHESTRATOR_INVALID_OPTIONS`) naming the first bad option. */
  constructor(options: OrchestratorOptions) {
    this.#o = resolveOptions(options);
  }

  /** Correlation id of the current (or last) run; empty before the first. */
  get runId(): string {
    return this.#runId;
  }

  /** True while `run()` is in progress. */
  get running(): boolean {
    return this.#phase !== 'idle';
  }

  /**
   * Subscribes to an event; returns the unsubscribe function. A listener that throws (or returns
   * a rejected promise) is reported as an `error` event and never affects the run.
   */
  on<E extends OrchestratorEventName>(event: E, listener: (payload: OrchestratorEvents[E]) => unknown): () => void {
    const wrapped = (payload: OrchestratorEvents[E]): void => {
      try {
        const returned = listener(payload);
        if (typeof (returned as PromiseLike<unknown> | undefined)?.then === 'function') {
          (returned as PromiseLike<unknown>).then(undefined, (error: unknown) => this.#listenerFailed(event, error));
        }
      } catch (error) {
        this.#listenerFailed(event, error);
      }
    };
    this.#ee.on(event, wrapped);
    return () => {
      this.#ee.off(event, wrapped);
    };
  }

  /** Like {@link on}, for one emission. */
  once<E extends OrchestratorEventName>(event: E, listener: (payload: OrchestratorEvents[E]) => unknown): () => void {
    const off = this.on(event, (payload) => {
      off();
      return listener(payload);
    });
    return off;
  }

  /**
   * Loads the tasks, validates the graph and runs it to the end (or until stopped). Resolves
   * with the summary, also when tasks failed or the run was stopped. Rejects when it cannot start:
   * `OrchestratorError` (`SOURCE_LOAD_FAILED`, `JOURNAL_LOAD_FAILED`, `ORCHESTRATOR_MISUSE` when
   * a run is already in progress) or `GraphError` (`GRAPH_INVALID`: cycles with their paths,
   * duplicate ids, self-dependencies, bad estimates), or `RunStoppedError` when stopped before the
   * tasks were loaded. Unknown dependencies do not reject: those tasks are skipped, naming the
   * unknown id. With `resume: true` and a journal, done tasks are kept and open attempts continue
   * (see `replayJournal`).
   */
  run(options: RunOptions = {}): Promise<RunSummary> {
    if (this.#phase !== 'idle') {
      return Promise.reject(
        new OrchestratorError('ORCHESTRATOR_MISUSE', 'run() called while a run is in progress; await it or stop() it first.')
      );
    }
    this.#reset();
    this.#phase = 'loading';
    const promise = this.#run(options).finally(() => {
      this.#phase = 'idle';
      this.#loadController = undefined;
      if (this.#reportAbortTimer !== undefined) this.#o.timers.clearTimeout(this.#reportAbortTimer);
      this.#reportAbortTimer = undefined;
    });
    this.#runPromise = promise;
    return promise;
  }

  /**
   * Adds tasks. Before the run starts they join the source's tasks; during a run they join the
   * running graph at once (cycle-checked, atomic: on any issue nothing is added and the issues
   * are returned). Throws `OrchestratorError` (`ORCHESTRATOR_MISUSE`) once the run is finishing.
   */
  add(tasks: Task | readonly Task[]): AddResult {
    const list: readonly Task[] = Array.isArray(tasks) ? (tasks as readonly Task[]) : [tasks as Task];
    if (this.#phase === 'idle' || this.#phase === 'loading') {
      this.#pendingAdds.push(...list);
      return { ok: true, ready: NO_TASKS, skipped: NO_TASKS };
    }
    if (this.#phase === 'finishing' || this.#stopping) {
      throw new OrchestratorError('ORCHESTRATOR_MISUSE', 'add() called after the run stopped or finished.');
    }
    return this.#addTasks(list, undefined);
  }

  /**
   * Stops the run: nothing more is dispatched, retries waiting for their back-off end as
   * `interrupted`, and running tasks are aborted with a `RunStoppedError` — `cancel` asks the
   * executor to cancel remote work, `detach` to leave it running (a journal resume re-attaches).
   * Reporters still get the final states (`interrupted`, ...) for `abortGraceMs`; then the signal
   * passed to `reporter.report()` aborts, so a slow or rate-limited reporter cannot hold the stop
   * (the updates it cut off are reported in one `error` event). Resolves once `run()` has resolved with a summary that marks what did not finish.
   */
  stop(options: { readonly mode?: StopMode } = {}): Promise<void> {
    const mode = options.mode ?? 'cancel';
    if (this.#phase === 'idle') return Promise.resolve();
    if (this.#stopping === undefined) {
      this.#stopping = mode;
      this.#loadController?.abort(new RunStoppedError(mode));
      const reports = this.#reportController;
      if (reports !== undefined) {
        this.#reportAbortTimer = this.#o.timers.setTimeout(() => {
          this.#reportAbortTimer = undefined;
          reports.abort(new RunStoppedError(mode));
        }, this.#o.abortGraceMs);
      }
      if (this.#phase === 'running') this.#interruptAll(mode);
    }
    return this.onIdle();
  }

  /** Resolves when no run is in progress (right away when idle). Never rejects. */
  onIdle(): Promise<void> {
    if (this.#phase === 'idle' || this.#runPromise === undefined) return Promise.resolve();
    return this.#runPromise.then(
      () => undefined,
      () => undefined
    );
  }

  /** Live figures of the current (or last) run. */
  progress(): ProgressSnapshot {
    const now = this.#o.clock.now();
    const elapsedMs = this.#started ? now - this.#startedAt : 0;
    const counts = this.#countsSnapshot();
    const finished = counts.done + counts.failed + counts.skipped + counts['needs-input'] + counts.interrupted;
    const running: RunningTask[] = [];
    let remainingWork = 0;
    let remainingPath = 0;
    for (const r of this.#records) {
      if (TERMINAL.has(r.state)) continue;
      const estimate = r.task.estimate ?? 1;
      remainingWork += estimate;
      if (this.#queue?.has(r.task.id)) remainingPath = Math.max(remainingPath, this.#queue.priority(r.task.id));
      if (r.state === 'running' || r.state === 'retrying') {
        running.push({
          taskId: r.task.id,
          title: r.task.title,
          attempt: r.attempts,
          state: r.state,
          startedAt: r.current?.startedAt ?? r.firstStartedAt ?? now,
          ...(r.agent === undefined ? {} : { agent: r.agent }),
          ...(r._x?.agentStatus === undefined ? {} : { agentStatus: r._x?.agentStatus }),
          ...(r._x?.webUrl === undefined ? {} : { webUrl: r._x?.webUrl }),
        });
      }
    }
    const msPerUnit = this.#finishedEstimate > 0 ? this.#finishedDurationMs / this.#finishedEstimate : undefined;
    const etaUnits = Math.max(remainingPath, remainingWork / this.#o.concurrency);
    // What the ETA must also wait for: tasks that cannot start faster than the executor's start
    // rate allows, and reporter updates still to be written.
    let etaMs = msPerUnit === undefined ? undefined : Math.round(etaUnits * msPerUnit);
    const rate = this.#o.startRate;
    const unstarted = counts.pending + counts.ready;
    if (rate !== undefined && unstarted > 0 && !this.#stopping) etaMs = Math.max(etaMs ?? 0, Math.round((unstarted / rate.limit) * rate.windowMs));
    const flushMs = this.#flushEtaMs();
    if (finished === counts.total) etaMs = flushMs;
    else if (etaMs !== undefined && flushMs !== undefined) etaMs = Math.max(etaMs, flushMs);
    const stats = this.#pool?.stats();
    return {
      runId: this.#runId,
      at: now,
      elapsedMs,
      counts,
      finished,
      throughputPerMinute: elapsedMs > 0 ? (finished * 60_000) / elapsedMs : 0,
      ...(etaMs === undefined ? {} : { etaMs }),
      utilisation: stats?.utilisation ?? 0,
      busyAgents: stats?.busy ?? 0,
      running,
      pendingUpdates: this.#pendingUpdates,
    };
  }

  // ---- run lifecycle -------------------------------------------------------------------------

  #reset(): void {
    this.#queue = undefined;
    this.#pool = undefined;
    this.#records = [];
    this.#byId = undefined;
    this.#counts = emptyCounts();
    this.#stopping = undefined;
    this.#active = 0;
    this.#commits = 0;
    this.#retrying = new Set();
    this.#journalWrites = new Set();
    this.#resultsFile = undefined;
    this.#startedAt = 0;
    this.#started = false;
    this.#doneBefore = new Map();
    this.#dispatchedAttempts = 0;
    this.#retries = 0;
    this.#finishing = false;
    this.#deadlines = [];
    this.#deadlineHead = 0;
    this.#deadlineTimer = undefined;
    this.#finishedDurationMs = 0;
    this.#finishedEstimate = 0;
    this.#reportController = this.#o.reporters.length > 0 ? new AbortController() : undefined;
    // Every update on its way to a reporter that can skip listens to it (see Delivery), and
    // removes its listener when done: many at once is the normal case, not a leak.
    if (this.#reportController !== undefined) setMaxListeners(0, this.#reportController.signal);
    this.#reportAbortTimer = undefined;
    this.#unreported = new Set();
    this.#halted = undefined;
    this.#refusedReporters = undefined;
    this.#pendingUpdates = 0;
    this.#deliveredAt = [];
  }

  /** One update has been delivered to every reporter (or skipped): counts for the flush ETA. */
  #updateSettled(): void {
    this.#pendingUpdates--;
    const at = this.#deliveredAt;
    at.push(this.#o.clock.now());
    if (at.length > DELIVERY_RATE_WINDOW) at.shift();
  }

  /** How long the updates not yet delivered need at the recent delivery rate (0 when none wait). */
  #flushEtaMs(): number | undefined {
    const at = this.#deliveredAt;
    if (this.#pendingUpdates === 0) return 0;
    if (at.length < 2) return undefined;
    const msPerUpdate = (at[at.length - 1]! - at[0]!) / (at.length - 1);
    return Math.round(this.#pendingUpdates * msPerUpdate);
  }

  /**
   * An executor or reporter was refused its credentials: stop dispatching and detach the running
   * tasks (their remote runs are left alone for a resume), as a `stop({ mode: 'detach' })` would.
   * The first refusal is reported (`error` event) and recorded in the summary's `halted`.
   */
  #halt(error: unknown, source: 'executor' | 'reporter', taskId: string): void {
    if (this.#halted !== undefined) return;
    const refused = findCredentialsRejected(error)!;
    this.#halted = { code: refused.code, service: refused.service, message: this.#message(refused), hint: refused.hint };
    this.#reportError(source, refused, { taskId });
    void this.stop({ mode: 'detach' });
  }

  async #run(options: RunOptions): Promise<RunSummary> {
    const o = this.#o;
    const { signal } = options;
    if (signal?.aborted) throw signal.reason;
    this.#loadController = new AbortController();
    const loadSignal = signal ? AbortSignal.any([signal, this.#loadController.signal]) : this.#loadController.signal;
    const onAbort = (): void => void this.stop({ mode: options.stopMode ?? 'cancel' });
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const resume = options.resume === true && o.journal !== undefined;
      let replay: ReturnType<typeof replayJournal> | undefined;
      if (resume) {
        try {
          replay = replayJournal(await o.journal!.load(loadSignal));
        } catch (error) {
          if (this.#stopping) throw new RunStoppedError(this.#stopping, error);
          throw new OrchestratorError('JOURNAL_LOAD_FAILED', `Could not load the journal to resume: ${this.#message(error)}`, {
            cause: error,
          });
        }
      }
      this.#runId = o.runId ?? replay?.runId ?? randomUUID();
      let loaded: readonly Task[];
      try {
        loaded = await o.source.load(loadSignal);
      } catch (error) {
        if (this.#stopping) throw new RunStoppedError(this.#stopping, error);
        throw new OrchestratorError('SOURCE_LOAD_FAILED', `Could not load the tasks: ${this.#message(error)}`, { cause: error });
      }
      if (this.#stopping) throw new RunStoppedError(this.#stopping);
      const tasks = this.#pendingAdds.length === 0 ? loaded : [...loaded, ...this.#pendingAdds];
      this.#pendingAdds = [];

      // Tasks a journal says are done stay done: they leave the graph, and dependents stop
      // waiting for them.
      // Also a done task the source no longer lists (e.g. its issue was closed) still satisfies
      // its dependents.
      const restored = new Map<string, TaskResult>();
      const doneBefore = new Map<string, TaskResult>();
      if (replay) {
        for (const [id, replayed] of replay.tasks) if (replayed.result?.state === 'done') doneBefore.set(id, replayed.result);
        for (let i = 0; i < tasks.length; i++) {
          const result = doneBefore.get(tasks[i]!.id);
          if (result !== undefined) restored.set(tasks[i]!.id, result);
        }
      }
      this.#doneBefore = doneBefore;
      // The records are the queue's nodes. Tasks a journal has done stay out of the queue.
      const all = new Array<TaskRecord>(tasks.length);
      for (let i = 0; i < tasks.length; i++) all[i] = this.#newRecord(tasks[i]!);
      const queued = restored.size === 0 ? all : all.filter((r) => !restored.has(r.id));
      const queue = new ReadyQueue<TaskRecord>(queued);
      this.#queue = queue;
      for (let i = 0; i < all.length; i++) {
        const r = all[i]!;
        const task = r.task;
        if (replay !== undefined) {
          const replayed = replay.tasks.get(task.id);
          if (replayed) {
            r.attempts = replayed.open ? replayed.open.attempt - 1 : replayed.attempts;
            if (r.attempts > 0) r.x.attemptsBefore = r.attempts;
            if (replayed.open) r.x.open = replayed.open;
          }
        }
      }
      this.#records = all;
      this.#counts.total += tasks.length;
      this.#counts.pending += tasks.length;

      const pool = new AgentPool({
        capacity: o.concurrency,
        maxCapacity: o.maxConcurrency,
        quarantineAfter: o.quarantineAfter,
        coolDownMs: o.coolDownMs,
        clock: o.clock,
        timers: o.timers,
        onListenerError: (error) => this.#reportError('listener', error, {}),
      });
      this.#pool = pool;
      pool.on('agent:failed', (e) => {
        if (this.#wants('agent:failed')) {
          this.#emit('agent:failed', {
            runId: this.#runId,
            at: e.at,
            agent: e.agent,
            consecutiveFailures: e.consecutiveFailures,
            until: e.until,
          });
        }
      });
      pool.on('agent:recovered', (e) => {
        if (this.#wants('agent:recovered')) this.#emit('agent:recovered', { runId: this.#runId, at: e.at, agent: e.agent });
        this.#pump();
      });
      if (o.resultsFile !== undefined) {
        this.#resultsFile = new ResultsFile(o.resultsFile, (error) => this.#reportError('results-file', error, {}));
      }
      await this.#commit({ type: 'run', runId: this.#runId, resumed: resume, at: o.clock.now() });

      this.#phase = 'running';
      this.#startedAt = o.clock.now();
      this.#started = true;
      const finished = new Promise<RunSummary>((resolve) => {
        this.#resolveRun = resolve;
      });
      if (this.#wants('run:start')) {
        this.#emit('run:start', {
          runId: this.#runId,
          at: this.#startedAt,
          tasks: tasks.length,
          concurrency: o.concurrency,
          resumed: resume,
        });
      }
      for (const [id, result] of restored) this.#restoreDone(this.#record(id)!, result);
      this.#introduce(queued, queue.initiallySkipped, doneBefore.size > 0);
      if (o.progressIntervalMs > 0) this.#armProgress();
      if (this.#stopping) this.#interruptAll(this.#stopping);
      this.#pump();
      this.#maybeFinish();
      return await finished;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (this.#phase !== 'finishing' && this.#phase !== 'running') this.#pool?.close();
    }
  }

  #record(id: string): TaskRecord | undefined {
    let byId = this.#byId;
    if (byId === undefined) {
      byId = new Map();
      for (const r of this.#records) byId.set(r.id, r);
      this.#byId = byId;
    }
    return byId.get(id);
  }

  /** A record whose dependencies are as the queue sees them: those a resumed journal has done are met. */
  #newRecord(task: Task): TaskRecord {
    const r = new TaskRecord(task);
    const deps = task.dependencies;
    const done = this.#doneBefore;
    if (deps !== undefined && done.size > 0 && deps.some((d) => done.has(d))) r.x.dependencies = deps.filter((d) => !done.has(d));
    return r;
  }

  /** New records are in the queue: announce them, apply skips, announce the ready ones. */
  #introduce(records: readonly TaskRecord[], skipped: readonly SkippedTask[], checkAll: boolean): void {
    const queue = this.#queue!;
    if (this.#wants('task:queued')) {
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        this.#emit('task:queued', {
          ...this.#taskBase(r, 0),
          dependencies: r.task.dependencies ?? NO_TASKS,
          priority: queue.priority(r.id),
        });
      }
    }
    if (this.#o.reporters.length > 0) for (let i = 0; i < records.length; i++) this.#notify(records[i]!, 'pending');
    this.#applySkips(skipped);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if (r.task.skip === undefined) continue;
      const state = queue.state(r.id);
      if (state === 'pending' || state === 'ready') {
        this.#applySkips(queue.skip(r.id, r.task.skip.reason), r.id);
      }
    }
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      // Only a task without dependencies (as the queue got them) can be ready at once.
      if (checkAll || (r.dependencies?.length ?? 0) === 0) {
        if (queue.state(r.id) === 'ready') this.#markReady(r);
      }
    }
  }

  #addTasks(tasks: readonly Task[], by: string | undefined): AddResult {
    const queue = this.#queue!;
    const records = tasks.map((t) => this.#newRecord(t));
    const result = queue.add(records);
    if (!result.ok) {
      if (this.#wants('tasks:rejected')) {
        this.#emit('tasks:rejected', {
          runId: this.#runId,
          at: this.#o.clock.now(),
          taskIds: tasks.map((t) => t.id),
          issues: result.issues,
          ...(by === undefined ? {} : { by }),
        });
      }
      return result;
    }
    for (let i = 0; i < records.length; i++) {
      this.#records.push(records[i]!);
      this.#byId?.set(records[i]!.id, records[i]!);
      this.#counts.total++;
      this.#counts.pending++;
    }
    if (this.#wants('tasks:added')) {
      this.#emit('tasks:added', {
        runId: this.#runId,
        at: this.#o.clock.now(),
        taskIds: tasks.map((t) => t.id),
        ...(by === undefined ? {} : { by }),
      });
    }
    this.#introduce(records, result.skipped, true);
    this.#pump();
    return result;
  }

  #restoreDone(r: TaskRecord, result: TaskResult): void {
    r.attempts = result.attempts;
    r.agent = result.agent;
    r.x.agentRunId = result.runId;
    r.x.webUrl = result.webUrl;
    r.x.pullRequests = result.pullRequests;
    r.x.summary = result.summary;
    r.x.result = result.result;
    this.#setState(r, 'done');
    r.final = result;
    this.#writeResult(r);
    if (this.#wants('task:done')) {
      this.#emit('task:done', { ...this.#taskBase(r, r.attempts), result, durationMs: result.durationMs ?? 0 });
    }
    this.#notify(r, 'done');
  }

  // ---- dispatch ------------------------------------------------------------------------------

  #pump(): void {
    const queue = this.#queue;
    const pool = this.#pool;
    if (this.#pumping || this.#phase !== 'running' || this.#stopping || !queue || !pool) return;
    this.#pumping = true;
    try {
      // Slots free up only through our own releases and quarantine recoveries, both of which
      // call #pump: no waiting, no polling.
      while (!this.#stopping && queue.peek() !== undefined) {
        const lease = pool.tryAcquire();
        if (lease === undefined) break;
        this.#start(queue.nextNode()!, lease);
      }
    } finally {
      this.#pumping = false;
    }
  }

  #start(r: TaskRecord, lease: AgentLease): void {
    const o = this.#o;
    const now = o.clock.now();
    const open = r._x?.open;
    const number = open ? open.attempt : r.attempts + 1;
    r.attempts = number;
    this.#dispatchedAttempts++;
    r.agent = lease.agent;
    if (r._x !== undefined) {
      r._x.open = undefined;
      r._x.agentStatus = open?.status;
      if (open?.agentRunId !== undefined) r._x.agentRunId = open.agentRunId;
      if (open?.webUrl !== undefined) r._x.webUrl = open.webUrl;
    }
    r.firstStartedAt ??= now;
    const previous: PreviousAttempt | undefined = open
      ? {
          ...(open.agentRunId === undefined ? {} : { agentRunId: open.agentRunId }),
          ...(open.webUrl === undefined ? {} : { webUrl: open.webUrl }),
          ...(open.status === undefined ? {} : { status: open.status }),
        }
      : undefined;
    const att: Attempt = {
      record: r,
      number,
      key: open?.idempotencyKey,
      lease,
      startedAt: now,
      deadline: now + o.timeoutMs,
      previous,
      controller: undefined,
      abortReason: undefined,
      settled: false,
      executorSettled: false,
      pendingRelease: undefined,
      graceTimer: undefined,
    };
    r.current = att;
    this.#active++;
    this.#setState(r, 'running');
    this.#trackDeadline(att);
    if (this.#wants('task:start')) {
      this.#emit('task:start', {
        ...this.#taskBase(r, number),
        agent: lease.agent,
        idempotencyKey: this.#key(att),
        deadline: att.deadline,
        resumed: previous !== undefined,
      });
    }
    this.#notify(r, 'running');
    const journal = o.journal;
    if (journal === undefined) {
      this.#execute(att);
      return;
    }
    this.#executeAfterIntent(att, journal, now);
  }

  // Kept out of #start: a closure there would make every call allocate a context, journal or not.
  #executeAfterIntent(att: Attempt, journal: RunJournal, now: number): void {
    const taskId = att.record.task.id;
    // Commit point: the intent (with its idempotency key) is durable before anything remote happens.
    journal
      .append({
        type: 'intent',
        runId: this.#runId,
        taskId,
        attempt: att.number,
        idempotencyKey: this.#key(att),
        agent: att.lease.agent,
        at: now,
      })
      .then(
        () => this.#execute(att),
        (error: unknown) => {
          this.#reportError('journal', error, { taskId });
          att.executorSettled = true;
          this.#settle(att, { status: 'failed', error: new Error(`journal write failed: ${this.#message(error)}`), transient: true });
        }
      );
  }

  #key(att: Attempt): string {
    return (att.key ??= `${this.#runId}:${att.record.task.id}:${att.number}`);
  }

  #execute(att: Attempt): void {
    if (att.abortReason !== undefined) {
      // Stopped or timed out while the intent was being written: the executor never ran.
      att.executorSettled = true;
      this.#settle(att, { status: 'failed', error: att.abortReason, transient: false });
      return;
    }
    let promise: Promise<ExecutorOutcome>;
    try {
      promise = this.#o.executor.execute(att.record.task, new AttemptContext(this.#hooks, att));
    } catch (error) {
      promise = Promise.reject(error);
    }
    void this.#awaitExecutor(att, promise);
  }

  // An async method rather than then() with two closures: one allocation less per attempt.
  async #awaitExecutor(att: Attempt, promise: Promise<ExecutorOutcome>): Promise<void> {
    let outcome: ExecutorOutcome;
    try {
      outcome = await promise;
    } catch (error) {
      outcome = this.#thrownOutcome(att, error);
    }
    this.#executorSettled(att, outcome);
  }

  #executorSettled(att: Attempt, outcome: ExecutorOutcome): void {
    att.executorSettled = true;
    if (!att.settled) {
      this.#settle(att, outcome);
      return;
    }
    // Settled earlier without the executor (it ignored its abort signal past the grace period):
    // only now is its agent slot really free.
    this.#reportError('executor', new Error(`the executor settled task ${att.record.task.id} only after its abort grace period`), {
      taskId: att.record.task.id,
    });
    if (att.pendingRelease !== undefined) {
      att.lease.release(att.pendingRelease);
      att.pendingRelease = undefined;
      this.#pump();
    }
  }

  #thrownOutcome(att: Attempt, error: unknown): ExecutorOutcome {
    if (att.abortReason !== undefined && (error === att.abortReason || isAbortError(error))) {
      return { status: 'failed', error: att.abortReason, transient: false };
    }
    const classify = this.#o.isTransient ?? isTransientError;
    let transient = false;
    try {
      transient = classify(error);
    } catch {
      transient = false;
    }
    return { status: 'failed', error, transient };
  }

  #release(att: Attempt, outcome: ReleaseOutcome): void {
    if (att.executorSettled) att.lease.release(outcome);
    else att.pendingRelease = outcome;
  }

  /** The attempt's outcome is decided (by the executor, or forced after an abort grace period). */
  #settle(att: Attempt, raw: ExecutorOutcome): void {
    if (att.settled) return;
    att.settled = true;
    this.#active--;
    if (att.graceTimer !== undefined) this.#o.timers.clearTimeout(att.graceTimer);
    this.#advanceDeadlines();
    const r = att.record;
    r.current = undefined;
    const outcome = validOutcome(raw);
    if (outcome.agentRunId !== undefined) r.x.agentRunId = outcome.agentRunId;
    if (outcome.webUrl !== undefined) r.x.webUrl = outcome.webUrl;
    if (outcome.summary !== undefined) r.x.summary = outcome.summary;
    if (outcome.newTasks !== undefined && outcome.newTasks.length > 0 && !this.#stopping && this.#phase === 'running') {
      this.#addTasks(outcome.newTasks, r.task.id);
    }
    const stopped = att.abortReason instanceof RunStoppedError ? att.abortReason.mode : undefined;
    if (outcome.status === 'done') {
      if (outcome.result !== undefined) r.x.result = outcome.result;
      if (outcome.pullRequests !== undefined) r.x.pullRequests = outcome.pullRequests;
      if (r._x !== undefined) r._x.error = undefined;
      this.#release(att, 'success');
      this.#finishDone(r, att);
    } else if (stopped !== undefined) {
      this.#release(att, 'neutral');
      r.x.error = `Interrupted: the run was stopped (${stopped}).`;
      this.#finishInterrupted(r, stopped, true);
    } else if (outcome.status === 'needs-input') {
      this.#release(att, 'neutral');
      r.x.error = this.#redact(`Needs input: ${outcome.reason}`);
      this.#finishFailed(r, 'needs-input', this.#redact(outcome.reason));
    } else if (findCredentialsRejected(outcome.error) !== undefined) {
      // Not this task's failure: the API refused the credentials, and would refuse every other
      // task too. The run stops dispatching and detaches; this attempt stays open in the journal
      // (a create may have gone through) and nothing is marked failed or skipped.
      this.#release(att, 'neutral');
      r.x.error = this.#message(outcome.error);
      this.#finishInterrupted(r, 'detach', true);
      this.#halt(outcome.error, 'executor', r.task.id);
    } else {
      this.#release(att, 'failure');
      const message = this.#message(outcome.error);
      r.x.error = message;
      if (outcome.result !== undefined) r.x.result = outcome.result;
      if (outcome.transient === true && r.attemptsThisRun < this.#o.retry.attempts && !this.#stopping) {
        this.#scheduleRetry(r, att, message, outcome.retryAfterMs);
      } else {
        this.#finishFailed(r, 'failed', message);
      }
    }
    this.#pump();
    this.#maybeFinish();
  }

  #scheduleRetry(r: TaskRecord, att: Attempt, message: string, retryAfterMs: number | undefined): void {
    const o = this.#o;
    const delayMs = backoffDelay(att.number, o.retry, o.random, retryAfterMs);
    this.#retries++;
    this.#setState(r, 'retrying');
    this.#retrying.add(r);
    void this.#commit({
      type: 'attempt-failed',
      runId: this.#runId,
      taskId: r.task.id,
      attempt: att.number,
      error: message,
      transient: true,
      at: o.clock.now(),
    });
    if (this.#wants('task:retry')) {
      this.#emit('task:retry', { ...this.#taskBase(r, att.number), error: message, nextAttempt: r.attempts + 1, delayMs });
    }
    this.#notify(r, 'retrying');
    r.x.retryTimer = o.timers.setTimeout(() => {
      r.x.retryTimer = undefined;
      this.#retrying.delete(r);
      if (this.#stopping || this.#phase !== 'running') return;
      this.#queue!.requeue(r.task.id);
      this.#markReady(r);
      this.#pump();
    }, delayMs);
  }

  #markReady(r: TaskRecord): void {
    this.#setState(r, 'ready');
    if (this.#wants('task:ready')) this.#emit('task:ready', this.#taskBase(r, r.attempts + 1));
    this.#notify(r, 'ready');
  }

  // ---- terminal states -----------------------------------------------------------------------

  #finishDone(r: TaskRecord, att: Attempt): void {
    const endedAt = this.#o.clock.now();
    r.endedAt = endedAt;
    this.#finishedDurationMs += endedAt - att.startedAt;
    this.#finishedEstimate += r.task.estimate ?? 1;
    this.#setState(r, 'done');
    if (this.#o.journal === undefined) this.#releaseDependents(r);
    else this.#releaseAfterResult(r, endedAt);
  }

  /** Dependents start only after the result is durable. (Out of #finishDone: no closure there.) */
  #releaseAfterResult(r: TaskRecord, endedAt: number): void {
    this.#commits++;
    void this.#commit({ type: 'result', runId: this.#runId, result: this.#resultOf(r), at: endedAt }).then(() => {
      this.#commits--;
      this.#releaseDependents(r);
      this.#pump();
      this.#maybeFinish();
    });
  }

  #releaseDependents(r: TaskRecord): void {
    const released = this.#queue!.doneNodes(r.id);
    this.#writeResult(r);
    if (this.#wants('task:done')) {
      this.#emit('task:done', { ...this.#taskBase(r, r.attempts), result: this.#resultOf(r), durationMs: r.endedAt! - r.firstStartedAt! });
    }
    this.#notify(r, 'done');
    for (let i = 0; i < released.length; i++) {
      const dependent = released[i]!;
      if (dependent.state === 'pending') this.#markReady(dependent);
    }
  }

  #finishFailed(r: TaskRecord, state: 'failed' | 'needs-input', reason: string): void {
    r.endedAt = this.#o.clock.now();
    this.#setState(r, state);
    const result = this.#resultOf(r);
    this.#writeResult(r);
    void this.#commit({ type: 'result', runId: this.#runId, result, at: r.endedAt });
    if (state === 'failed') {
      if (this.#wants('task:failed')) this.#emit('task:failed', { ...this.#taskBase(r, r.attempts), result, error: r._x?.error ?? reason });
    } else if (this.#wants('task:needs-input')) {
      this.#emit('task:needs-input', { ...this.#taskBase(r, r.attempts), result, reason });
    }
    this.#notify(r, state);
    // Every transitive dependent not yet started is skipped, naming this task; nothing else is.
    this.#applySkips(this.#queue!.fail(r.task.id));
  }

  /**
   * `dispatched`: an attempt was under way. On a detach stop it stays open in the journal even
   * without a run id (a create may be in flight): a resume then looks the run up by its
   * idempotency key instead of creating a second one.
   */
  #finishInterrupted(r: TaskRecord, mode: StopMode, dispatched: boolean): void {
    r.endedAt = this.#o.clock.now();
    this.#setState(r, 'interrupted');
    const result = this.#resultOf(r);
    this.#writeResult(r);
    void this.#commit({
      type: 'result',
      runId: this.#runId,
      result,
      detached: mode === 'detach' && dispatched,
      at: r.endedAt,
    });
    if (this.#wants('task:interrupted')) this.#emit('task:interrupted', { ...this.#taskBase(r, r.attempts), result, mode });
    this.#notify(r, 'interrupted');
  }

  #applySkips(skipped: readonly SkippedTask[], selfSkip?: string): void {
    for (const { id, because } of skipped) {
      const r = this.#record(id)!;
      let reason: string;
      if (id === selfSkip && r.task.skip) {
        reason = r.task.skip.reason;
        r.x.error = this.#redact(r.task.skip.message);
        r.x.policySkip = r.task.skip.policy !== false;
      } else {
        const cause = this.#record(because);
        r.x.skippedBecause = because;
        // The state already says "skipped": the message says why, without repeating it.
        if (cause === undefined) {
          reason = 'unknown-dependency';
          r.x.error = `Depends on unknown task ${because}.`;
        } else {
          reason =
            cause.state === 'failed'
              ? 'dependency-failed'
              : cause.state === 'needs-input'
              ? 'dependency-needs-input'
              : 'dependency-skipped';
          const what = cause.state === 'failed' ? 'failed' : cause.state === 'needs-input' ? 'needs input' : 'was skipped';
          r.x.error = `Dependency ${because} ${what}.`;
          // `because` is the root of the skip (ReadyQueue names it for every transitive dependent).
          if (cause.state === 'skipped' && cause._x?.policySkip === true) r.x.policySkip = true;
        }
      }
      r.x.skipReason = reason;
      r.endedAt = this.#o.clock.now();
      this.#setState(r, 'skipped');
      const result = this.#resultOf(r);
      this.#writeResult(r);
      void this.#commit({ type: 'result', runId: this.#runId, result, at: r.endedAt });
      if (this.#wants('task:skipped')) {
        this.#emit('task:skipped', {
          ...this.#taskBase(r, r.attempts),
          result,
          reason,
          ...(r._x?.skippedBecause === undefined ? {} : { because: r._x?.skippedBecause }),
        });
      }
      this.#notify(r, 'skipped');
    }
  }

  #interruptAll(mode: StopMode): void {
    for (const r of this.#retrying) {
      if (r._x?.retryTimer !== undefined) this.#o.timers.clearTimeout(r._x.retryTimer);
      r.x.retryTimer = undefined;
      r.x.error = `Interrupted while waiting to retry: the run was stopped (${mode}).`;
      this.#finishInterrupted(r, mode, false);
    }
    this.#retrying.clear();
    if (this.#active > 0) {
      for (const r of this.#records) if (r.current !== undefined) this.#abort(r.current, new RunStoppedError(mode));
    }
    this.#maybeFinish();
  }

  #abort(att: Attempt, reason: TaskTimeoutError | RunStoppedError): void {
    if (att.settled || att.abortReason !== undefined) return;
    att.abortReason = reason;
    (att.controller ??= new AbortController()).abort(reason);
    att.graceTimer = this.#o.timers.setTimeout(() => {
      att.graceTimer = undefined;
      this.#reportError(
        'executor',
        new Error(`the executor did not settle task ${att.record.task.id} within ${this.#o.abortGraceMs} ms of its abort`),
        {
          taskId: att.record.task.id,
        }
      );
      this.#settle(att, { status: 'failed', error: reason, transient: false });
    }, this.#o.abortGraceMs);
  }

  // ---- timeouts ------------------------------------------------------------------------------

  #trackDeadline(att: Attempt): void {
    this.#deadlines.push(att);
    if (this.#deadlineTimer === undefined) this.#armDeadlineTimer(att.deadline);
  }

  /** Drops settled attempts from the head of the deadline FIFO (amortised O(1)). */
  #advanceDeadlines(): void {
    const list = this.#deadlines;
    while (this.#deadlineHead < list.length && (list[this.#deadlineHead] === undefined || list[this.#deadlineHead]!.settled)) {
      list[this.#deadlineHead++] = undefined;
    }
    if (this.#deadlineHead > 1024 && this.#deadlineHead * 2 > list.length) {
      this.#deadlines = list.slice(this.#deadlineHead);
      this.#deadlineHead = 0;
    }
  }

  #armDeadlineTimer(at: number): void {
    this.#deadlineTimer = this.#o.timers.setTimeout(() => this.#onDeadline(), Math.max(0, at - this.#o.clock.now()));
  }

  #onDeadline(): void {
    this.#deadlineTimer = undefined;
    const now = this.#o.clock.now();
    this.#advanceDeadlines();
    while (this.#deadlineHead < this.#deadlines.length) {
      const att = this.#deadlines[this.#deadlineHead]!;
      if (att.settled) {
        this.#deadlines[this.#deadlineHead++] = undefined;
        continue;
      }
      if (att.deadline > now) break;
      this.#deadlines[this.#deadlineHead++] = undefined;
      this.#abort(att, new TaskTimeoutError(att.record.task.id, att.number, this.#o.timeoutMs));
    }
    const head = this.#deadlines[this.#deadlineHead];
    if (head !== undefined && this.#phase === 'running') this.#armDeadlineTimer(head.deadline);
  }

  // ---- the end -------------------------------------------------------------------------------

  #maybeFinish(): void {
    if (this.#finishing || this.#phase !== 'running') return;
    if (this.#active > 0 || this.#commits > 0) return;
    if (!this.#stopping && !this.#queue!.isFinished()) return;
    if (this.#stopping && this.#retrying.size > 0) return;
    this.#finishing = true;
    this.#phase = 'finishing';
    void this.#end();
  }

  async #end(): Promise<void> {
    const o = this.#o;
    if (this.#deadlineTimer !== undefined) o.timers.clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = undefined;
    const endedAt = o.clock.now();
    // Tasks that never started (stopped run): results without events, so exports list every task.
    const c = this.#counts;
    if (c.pending + c.ready + c.running + c.retrying > 0) {
      for (const r of this.#records) {
        if (TERMINAL.has(r.state) || r.final !== undefined) continue;
        r.x.error = `Not started: the run was stopped (${this.#stopping ?? 'cancel'}).`;
        this.#writeResult(r);
      }
    }
    const stats = this.#pool!.stats();
    const makespanMs = endedAt - this.#startedAt;
    const counts = this.#countsSnapshot();
    // Built on first read: a caller that never reads them does not pay for 100,000 objects.
    // The array stays as it is: add() is refused from now on, and a new run gets a new one.
    const records = o.retainResults ? this.#records : NO_TASKS;
    let results: readonly TaskResult[] | undefined;
    const resultOf = (r: TaskRecord): TaskResult => this.#resultOf(r);
    const stopped = this.#stopping;
    // Nothing is lost: reporters, journal and results file are flushed before run() resolves.
    if (o.reporters.length > 0) {
      await Promise.all(this.#records.map((r) => r._x?.reportTail).filter((p) => p !== undefined));
      this.#reportUnreported();
    }
    await Promise.all(this.#journalWrites);
    await this.#resultsFile?.close();
    this.#pool!.close();
    // Progress went on during the flush (what it waits for is in `pendingUpdates`).
    if (this.#progressTimer !== undefined) o.timers.clearTimeout(this.#progressTimer);
    this.#progressTimer = undefined;
    // Built after the flush: a reporter refused its credentials while flushing halts the run too.
    const summary: RunSummary = {
      runId: this.#runId,
      startedAt: isoTimestamp(this.#startedAt),
      endedAt: isoTimestamp(endedAt),
      makespanMs,
      counts,
      ok: counts.done === counts.total,
      ...(stopped === undefined ? {} : { stopped }),
      ...(this.#halted === undefined ? {} : { halted: this.#halted }),
      concurrency: o.concurrency,
      attempts: this.#dispatchedAttempts,
      retries: this.#retries,
      utilisation: makespanMs > 0 ? Math.min(1, stats.busyMs / (o.concurrency * makespanMs)) : 0,
      agents: stats.agents,
      get results(): readonly TaskResult[] {
        return (results ??= records.map(resultOf));
      },
    };
    if (this.#wants('run:end')) this.#emit('run:end', { runId: this.#runId, at: o.clock.now(), summary });
    this.#resolveRun!(summary);
  }

  #armProgress(): void {
    this.#progressTimer = this.#o.timers.setTimeout(() => {
      this.#progressTimer = undefined;
      if (this.#phase !== 'running' && this.#phase !== 'finishing') return;
      if (this.#wants('progress')) this.#emit('progress', this.progress());
      this.#armProgress();
    }, this.#o.progressIntervalMs);
  }

  // ---- records, results, events --------------------------------------------------------------

  #setState(r: TaskRecord, state: TaskState): void {
    this.#counts[r.state]--;
    this.#counts[state]++;
    r.state = state;
  }

  #countsSnapshot(): StateCounts {
    return { ...this.#counts };
  }

  /** The task's result as of now; cached once the task is terminal. */
  #resultOf(r: TaskRecord): TaskResult {
    if (r.final !== undefined) return r.final;
    const result: { -readonly [K in keyof TaskResult]: TaskResult[K] } = {
      id: r.task.id,
      state: r.state,
      attempts: r.attempts,
      pullRequests: r._x?.pullRequests ?? NO_TASKS,
    };
    if (r.agent !== undefined) result.agent = r.agent;
    const x = r._x;
    if (x !== undefined) {
      if (x.agentRunId !== undefined) result.runId = x.agentRunId;
      if (x.webUrl !== undefined) result.webUrl = x.webUrl;
      if (x.summary !== undefined) result.summary = x.summary;
      if (x.result !== undefined) result.result = x.result;
      if (x.error !== undefined) result.error = x.error;
      if (x.skippedBecause !== undefined) result.skippedBecause = x.skippedBecause;
      if (x.skipReason !== undefined) result.skipReason = x.skipReason;
      if (x.policySkip) result.policySkip = true;
    }
    if (r.firstStartedAt !== undefined) {
      result.startedAt = isoTimestamp(r.firstStartedAt);
      if (r.endedAt !== undefined) {
        result.endedAt = isoTimestamp(r.endedAt);
        result.durationMs = r.endedAt - r.firstStartedAt;
      }
    } else if (r.endedAt !== undefined) {
      result.endedAt = isoTimestamp(r.endedAt);
    }
    if (TERMINAL.has(r.state) || this.#phase === 'finishing') r.final = result;
    return result;
  }

  #writeResult(r: TaskRecord): void {
    if (this.#resultsFile === undefined || r._x?.written) return;
    r.x.written = true;
    this.#resultsFile.write(this.#resultOf(r));
  }

  #taskBase(r: TaskRecord, attempt: number): OrchestratorEvents['task:ready'] {
    return {
      runId: this.#runId,
      at: this.#o.clock.now(),
      taskId: r.task.id,
      task: r.task,
      attempt,
      ...(r.agent === undefined ? {} : { agent: r.agent }),
    };
  }

  #wants(event: OrchestratorEventName): boolean {
    return this.#ee.listenerCount(event) > 0;
  }

  #emit<E extends OrchestratorEventName>(event: E, payload: OrchestratorEvents[E]): void {
    this.#ee.emit(event, payload);
  }

  #listenerFailed(event: OrchestratorEventName, error: unknown): void {
    if (event === 'error') {
      // A failing error listener has nobody left to tell but the process.
      emitWarning(`an 'error' listener threw: ${this.#message(error)}`);
      return;
    }
    this.#reportError('listener', error, { event });
  }

  /**
   * The updates a stop's grace period cut off, as one `error` event: a stopped run of a large
   * backlog would otherwise report (and the CLI print) one per task still waiting to be written.
   */
  #reportUnreported(): void {
    const list = [...this.#unreported];
    if (list.length === 0) return;
    this.#unreported = new Set();
    const shown = list.slice(0, 5).map((u) => `${u.task.id} (${u.state})`);
    if (list.length > 5) shown.push(`${list.length - 5} more`);
    const why =
      this.#refusedReporters !== undefined && this.#halted !== undefined
        ? `not written (${this.#halted.service} refused the credentials)`
        : `cut off by the stop (${this.#o.abortGraceMs} ms grace)`;
    const message = `${list.length} ${list.length === 1 ? 'update' : 'updates'} ${why}: ${shown.join(', ')}`;
    const taskIds = new Set(list.map((u) => u.task.id));
    const error = new Error(message, { cause: this.#reportController?.signal.reason });
    this.#reportError('reporter', error, taskIds.size === 1 ? { taskId: list[0]!.task.id } : {});
  }

  #reportError(
    source: OrchestratorEvents['error']['source'],
    error: unknown,
    extra: { readonly event?: string; readonly taskId?: string }
  ): void {
    const message = this.#message(error);
    if (!this.#wants('error')) {
      emitWarning(`${source}${extra.taskId ? ` (task ${extra.taskId})` : ''}${extra.event ? ` (event ${extra.event})` : ''}: ${message}`);
      return;
    }
    // The error object itself may carry a secret in its message: hand out a redacted copy then.
    const safe =
      error instanceof Error && this.#o.secrets.some((secret) => error.message.includes(secret) || (error.stack ?? '').includes(secret))
        ? Object.assign(new Error(message), { name: error.name })
        : error;
    this.#emit('error', { runId: this.#runId, at: this.#o.clock.now(), source, error: safe, message, ...extra });
  }

  /** A journal write that must not fail the run (failures are reported). Tracked for the final flush. */
  #commit(entry: JournalEntry): Promise<void> {
    const journal = this.#o.journal;
    if (journal === undefined) return Promise.resolve();
    let write: Promise<void>;
    try {
      write = Promise.resolve(journal.append(entry));
    } catch (error) {
      write = Promise.reject(error);
    }
    const tracked = write.then(
      () => {
        this.#journalWrites.delete(tracked);
      },
      (error: unknown) => {
        this.#journalWrites.delete(tracked);
        this.#reportError('journal', error, 'taskId' in entry ? { taskId: entry.taskId } : {});
      }
    );
    this.#journalWrites.add(tracked);
    return tracked;
  }

  #notify(r: TaskRecord, state: TaskState): void {
    if (this.#o.reporters.length > 0) this.#enqueueReport(r, state);
  }

  // Out of #notify (called several times per task): its closures would cost an allocation per call.
  #enqueueReport(r: TaskRecord, state: TaskState): void {
    const reporters = this.#o.reporters;
    const update: TaskUpdate = {
      runId: this.#runId,
      task: r.task,
      state,
      attempt: r.attempts,
      ...(r.agent === undefined ? {} : { agent: r.agent }),
      ...(TERMINAL.has(state) ? { result: this.#resultOf(r) } : {}),
      at: this.#o.clock.now(),
    };
    // Updates of one task reach each reporter in order; tasks do not wait for each other. An
    // update overtaken before its turn is skipped for the reporters that allow it (canSkip).
    const x = r.x;
    x.reportLatest = update;
    // One already on its way is cut short (its signal aborts) where the reporter says the new
    // update makes it redundant.
    if (x.delivering !== undefined) for (const delivery of x.delivering) delivery.supersede(update);
    this.#pendingUpdates++;
    x.reportTail = (x.reportTail ?? Promise.resolve()).then(() => {
      const newer = x.reportLatest!;
      return Promise.all(
        reporters.map((reporter) => (newer !== update && skippable(reporter, update, newer) ? undefined : this.#deliver(reporter, update, x)))
      ).then(() => this.#updateSettled());
    });
  }

  async #deliver(reporter: Reporter, update: TaskUpdate, x: RecordExtras): Promise<void> {
    const o = this.#o;
    const runSignal = this.#reportController?.signal;
    let delivery: Delivery | undefined;
    let signal = runSignal;
    if (reporter.canSkip !== undefined) {
      delivery = new Delivery(reporter, update, runSignal);
      signal = delivery.signal;
      (x.delivering ??= new Set()).add(delivery);
    }
    try {
      for (let attempt = 1; ; attempt++) {
        if (delivery?.superseded) return;
        // Its credentials were refused: every further write would be refused too.
        if (this.#refusedReporters?.has(reporter)) {
          this.#unreported.add(update);
          return;
        }
        // Cut off by the stop's grace period: reported once for all at the end (#reportUnreported).
        if (runSignal?.aborted) {
          this.#unreported.add(update);
          return;
        }
        try {
          await reporter.report(update, signal);
          return;
        } catch (error) {
          // Overtaken while it was written: the newer update says it all.
          if (delivery?.superseded) return;
          // Cut off by the abort: no point in another try. (Any other failure is its own error.)
          if (runSignal?.aborted && causedBy(error, runSignal.reason)) {
            this.#unreported.add(update);
            return;
          }
          // Refused credentials stop the run (nothing more can be written back, so nothing more
          // should run); every other failure stays non-fatal.
          if (findCredentialsRejected(error) !== undefined) {
            (this.#refusedReporters ??= new Set()).add(reporter);
            this.#halt(error, 'reporter', update.task.id);
            return;
          }
          // After the abort there is no point in another try.
          if (attempt >= o.reporterAttempts || runSignal?.aborted) {
            this.#reportError('reporter', error, { taskId: update.task.id });
            return;
          }
          await this.#reporterBackoff(o.reporterBaseDelayMs * 2 ** (attempt - 1), signal);
        }
      }
    } finally {
      if (delivery !== undefined) {
        delivery.dispose();
        x.delivering!.delete(delivery);
      }
    }
  }

  /** Waits `ms` before a reporter retry; the stop's abort cuts it short. */
  #reporterBackoff(ms: number, signal: AbortSignal | undefined): Promise<void> {
    const timers = this.#o.timers;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        timers.clearTimeout(handle);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const handle = timers.setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  #message(error: unknown): string {
    let text: string;
    if (error instanceof Error) text = error.message;
    else if (typeof error === 'string') text = error;
    else {
      try {
        text = JSON.stringify(error) ?? String(error);
      } catch {
        text = String(error);
      }
    }
    return this.#redact(text);
  }

  #redact(text: string): string {
    let out = text;
    for (const secret of this.#o.secrets) out = out.split(secret).join('***');
    return out;
  }

  // ---- what attempt contexts call ------------------------------------------------------------

  readonly #hooks: AttemptHooks = {
    runId: () => this.#runId,
    key: (att) => this.#key(att),
    report: (att, status, detail) => {
      if (att.settled || typeof status !== 'string') return;
      const r = att.record;
      r.x.agentStatus = status;
      if (this.#wants('task:status')) {
        this.#emit('task:status', {
          ...this.#taskBase(r, att.number),
          agent: att.lease.agent,
          status,
          ...(detail === undefined ? {} : { detail }),
        });
      }
      void this.#commit({ type: 'status', runId: this.#runId, taskId: r.task.id, attempt: att.number, status, at: this.#o.clock.now() });
    },
    checkpoint: (att, data) => {
      if (typeof data !== 'object' || data === null || (typeof data.agentRunId !== 'string' && typeof data.agentRunId !== 'number')) {
        return Promise.reject(new TypeError('checkpoint() needs { agentRunId: string | number, webUrl? }'));
      }
      const r = att.record;
      r.x.agentRunId = data.agentRunId;
      if (data.webUrl !== undefined) r.x.webUrl = data.webUrl;
      if (this.#wants('task:checkpoint')) {
        this.#emit('task:checkpoint', {
          ...this.#taskBase(r, att.number),
          agent: att.lease.agent,
          agentRunId: data.agentRunId,
          ...(data.webUrl === undefined ? {} : { webUrl: data.webUrl }),
        });
      }
      const journal = this.#o.journal;
      if (journal === undefined) return Promise.resolve();
      const entry: JournalEntry = {
        type: 'created',
        runId: this.#runId,
        taskId: r.task.id,
        attempt: att.number,
        idempotencyKey: this.#key(att),
        agentRunId: data.agentRunId,
        ...(data.webUrl === undefined ? {} : { webUrl: data.webUrl }),
        at: this.#o.clock.now(),
      };
      const write = Promise.resolve().then(() => journal.append(entry));
      const tracked = write.then(undefined, (error: unknown) => this.#reportError('journal', error, { taskId: r.task.id }));
      this.#journalWrites.add(tracked);
      void tracked.then(() => this.#journalWrites.delete(tracked));
      return write;
    },
    dependencyResults: (att) => {
      const map = new Map<string, TaskResult>();
      for (const id of att.record.task.dependencies ?? NO_TASKS) {
        const dep = this.#record(id);
        if (dep !== undefined && TERMINAL.has(dep.state)) map.set(id, this.#resultOf(dep));
        else if (dep === undefined && this.#doneBefore.has(id)) map.set(id, this.#doneBefore.get(id)!);
      }
      return map;
    },
  };
}

interface AttemptHooks {
  runId(): string;
  key(att: Attempt): string;
  report(att: Attempt, status: string, detail: Readonly<Record<string, unknown>> | undefined): void;
  checkpoint(att: Attempt, data: RunCheckpoint): Promise<void>;
  dependencyResults(att: Attempt): ReadonlyMap<string, TaskResult>;
}

/** The executor's view of one attempt. The signal and dependency map are built on first use. */
class AttemptContext implements ExecutionContext {
  readonly #hooks: AttemptHooks;
  readonly #att: Attempt;
  #deps: ReadonlyMap<string, TaskResult> | undefined;

  constructor(hooks: AttemptHooks, att: Attempt) {
    this.#hooks = hooks;
    this.#att = att;
  }
  get signal(): AbortSignal {
    return (this.#att.controller ??= new AbortController()).signal;
  }
  get attempt(): number {
    return this.#att.number;
  }
  get agent(): string {
    return this.#att.lease.agent;
  }
  get runId(): string {
    return this.#hooks.runId();
  }
  get idempotencyKey(): string {
    return this.#hooks.key(this.#att);
  }
  get deadline(): number {
    return this.#att.deadline;
  }
  get dependencyResults(): ReadonlyMap<string, TaskResult> {
    return (this.#deps ??= this.#hooks.dependencyResults(this.#att));
  }
  get previous(): PreviousAttempt | undefined {
    return this.#att.previous;
  }
  report(status: string, detail?: Readonly<Record<string, unknown>>): void {
    try {
      this.#hooks.report(this.#att, status, detail);
    } catch {
      // Reporting a status must never throw into the executor.
    }
  }
  checkpoint(data: RunCheckpoint): Promise<void> {
    return this.#hooks.checkpoint(this.#att, data);
  }
}

function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    ((error as { name?: unknown }).name === 'AbortError' || (error as { code?: unknown }).code === 'ABORT_ERR')
  );
}

/** Anything that is not a well-formed outcome becomes a permanent failure saying so. */
function validOutcome(outcome: unknown): ExecutorOutcome {
  if (typeof outcome === 'object' && outcome !== null) {
    const status = (outcome as { status?: unknown }).status;
    if (status === 'done' || status === 'failed') return outcome as ExecutorOutcome;
    if (status === 'needs-input') {
      const reason = (outcome as { reason?: unknown }).reason;
      return typeof reason === 'string'
        ? (outcome as ExecutorOutcome)
        : ({ ...(outcome as object), status: 'needs-input', reason: 'the agent needs input' } as ExecutorOutcome);
    }
  }
  return {
    status: 'failed',
    error: new Error(
      `the executor returned an invalid outcome (expected { status: 'done' | 'failed' | 'needs-input' }): ${describeValue(outcome)}`
    ),
    transient: false,
  };
}

function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    return String(value);
  }
}

function emitWarning(message: string): void {
  process.emitWarning(`pco orchestrator: ${message}`, { code: 'PCO_ORCHESTRATOR' });
}
