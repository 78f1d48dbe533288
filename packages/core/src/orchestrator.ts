import type { AddResult } from '@pco/graph';
import type { StopMode, Task } from '@pco/contract';
import { OrchestratorError } from './errors.js';
import type { OrchestratorEventName, OrchestratorEvents } from './events.js';
import { resolveOptions, type OrchestratorOptions, type ResolvedOptions, type RunOptions } from './options.js';
import type { ProgressSnapshot, RunSummary } from './results.js';
import { progressSnapshot } from './run/progress.js';
import { RunEvents } from './run/run-events.js';
import { startRun } from './run/run-start.js';
import { Run } from './run/run.js';
import { addTasks } from './run/task-intake.js';
import { NO_TASKS } from './run/task-record.js';

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
  // A facade: each run's state and work live in ./run/ (one Run object per run()).
  readonly #o: ResolvedOptions;
  readonly #events: RunEvents;
  /** The current (or last) run; an idle, empty one before the first. */
  #run: Run;
  #runPromise: Promise<RunSummary> | undefined;
  /** Tasks add()ed while no run was dispatching: the next run takes them. */
  readonly #pendingAdds: Task[] = [];

  /** Throws `InvalidOptionsError` (`INVALID_OPTIONS`, from @pco/contract) naming the first bad option. */
  constructor(options: OrchestratorOptions) {
    this.#o = resolveOptions(options);
    this.#events = new RunEvents(this.#o.redact, this.#o.clock);
    this.#run = new Run(this.#o, this.#events, this.#pendingAdds, '');
    this.#run.phase = 'idle';
  }

  /** Correlation id of the current (or last) run; empty before the first. */
  get runId(): string {
    return this.#run.runId;
  }

  /** True while `run()` is in progress. */
  get running(): boolean {
    return this.#run.phase !== 'idle';
  }

  /**
   * Subscribes to an event; returns the unsubscribe function. A listener that throws (or returns
   * a rejected promise) is reported as an `error` event and never affects the run.
   */
  on<E extends OrchestratorEventName>(event: E, listener: (payload: OrchestratorEvents[E]) => unknown): () => void {
    return this.#events.on(event, listener);
  }

  /** Like {@link on}, for one emission. */
  once<E extends OrchestratorEventName>(event: E, listener: (payload: OrchestratorEvents[E]) => unknown): () => void {
    return this.#events.once(event, listener);
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
    if (this.#run.phase !== 'idle') {
      return Promise.reject(
        new OrchestratorError('ORCHESTRATOR_MISUSE', 'run() called while a run is in progress; await it or stop() it first.')
      );
    }
    const run = new Run(this.#o, this.#events, this.#pendingAdds, this.#run.runId);
    this.#run = run;
    const promise = startRun(run, options).finally(() => run.close());
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
    const run = this.#run;
    if (run.phase === 'idle' || run.phase === 'loading') {
      this.#pendingAdds.push(...list);
      return { ok: true, ready: NO_TASKS, skipped: NO_TASKS };
    }
    if (run.phase === 'finishing' || run.stopping) {
      throw new OrchestratorError('ORCHESTRATOR_MISUSE', 'add() called after the run stopped or finished.');
    }
    return addTasks(run, list, undefined);
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
    if (this.#run.phase === 'idle') return Promise.resolve();
    this.#run.stop(options.mode ?? 'cancel');
    return this.onIdle();
  }

  /** Resolves when no run is in progress (right away when idle). Never rejects. */
  onIdle(): Promise<void> {
    if (this.#run.phase === 'idle' || this.#runPromise === undefined) return Promise.resolve();
    return this.#runPromise.then(
      () => undefined,
      () => undefined
    );
  }

  /** Live figures of the current (or last) run. */
  progress(): ProgressSnapshot {
    return progressSnapshot(this.#run);
  }
}
