// One run's state, created fresh by every run() (nothing to reset field by field), and the few
// entry points the run modules call back through. Not public API.
import { setMaxListeners } from 'node:events';
import type { ReadyQueue } from '@pco/graph';
import type { AgentPool } from '@pco/pool';
import { TaskTimeoutError, type Reporter, type StopMode, type Task, type TaskResult, type TaskState, type TaskUpdate } from '@pco/contract';
import type { OrchestratorEvents } from '../events.js';
import { isoTimestamp } from '../iso-timestamp.js';
import type { ResolvedOptions } from '../options.js';
import type { ResultsFile } from '../results-file.js';
import { emptyCounts, type RunSummary, type StateCounts } from '../results.js';
import { abortAttempt } from './attempt-outcome.js';
import { DeadlineQueue } from './deadline-queue.js';
import type { PendingFollowUp } from './follow-ups.js';
import { pump } from './dispatch.js';
import { maybeFinish } from './run-end.js';
import type { RunEvents } from './run-events.js';
import { halt, stopRun } from './stopping.js';
import { NO_TASKS, TERMINAL, type Attempt, type TaskRecord } from './task-record.js';

export type Phase = 'idle' | 'loading' | 'running' | 'finishing';

const NOTHING_DONE: ReadonlyMap<string, TaskResult> = new Map();
const NOTHING_RELEASED: ReadonlySet<string> = new Set();

/** Everything one run knows; the Orchestrator keeps the current (or last) one. */
export class Run {
  readonly o: ResolvedOptions;
  readonly events: RunEvents;
  phase: Phase = 'loading';
  #runId: string;
  queue: ReadyQueue<TaskRecord> | undefined = undefined;
  pool: AgentPool | undefined = undefined;
  /** Every record of the run, in the order the tasks became known. */
  records: TaskRecord[] = [];
  /** Records by id, built on first need (see record()): a run without failures, skips or added tasks never needs it. */
  byId: Map<string, TaskRecord> | undefined = undefined;
  readonly counts = emptyCounts();
  /** Tasks add()ed before the run started (the Orchestrator's list; the run takes them once loaded). */
  readonly pendingAdds: Task[];
  /** Results a journal recorded as done (resume), including tasks the source no longer lists. */
  doneBefore: ReadonlyMap<string, TaskResult> = NOTHING_DONE;
  /** Tasks a journal shows in review past the milestone that releases dependents (resume). */
  releasedBefore: ReadonlySet<string> = NOTHING_RELEASED;
  /** Tasks in review with their lander at work (see landing.ts). */
  readonly landing = new Set<TaskRecord>();
  /** Follow-ups waiting for an agent slot, most urgent first (see follow-ups.ts). */
  readonly followUps: PendingFollowUp[] = [];
  /** Tasks that ended needing a human before their dependents were released (they stay running in the queue). */
  humanWait = 0;
  /** Aborted when nothing can move without a human (LandingContext.idle). */
  idleController: AbortController | undefined = undefined;
  /** The run has started dispatching (progress() figures are meaningful). */
  started = false;
  startedAt = 0;
  stopping: StopMode | undefined = undefined;
  loadController: AbortController | undefined = undefined;
  /** Attempts not settled yet (the records' `current`). */
  active = 0;
  /** Commits (journal writes) whose continuation the run must wait for. */
  commits = 0;
  readonly retrying = new Set<TaskRecord>();
  readonly journalWrites = new Set<Promise<void>>();
  resultsFile: ResultsFile | undefined = undefined;
  dispatchedAttempts = 0;
  retries = 0;
  pumping = false;
  finishing = false;
  resolveRun: ((summary: RunSummary) => void) | undefined = undefined;
  readonly deadlines: DeadlineQueue;
  progressTimer: unknown = undefined;
  /** Aborts the reporters' calls `abortGraceMs` after a stop (see Orchestrator.stop). */
  readonly reportController: AbortController | undefined;
  reportAbortTimer: unknown = undefined;
  /** Updates the stop's grace period cut off, for any reporter (see reportUnreported). */
  unreported = new Set<TaskUpdate>();
  /** Reporter updates queued or being delivered, and when the latest deliveries ended. */
  pendingUpdates = 0;
  readonly deliveredAt: number[] = [];
  /** Set when refused credentials stopped the run (see halt). */
  halted: RunSummary['halted'] = undefined;
  /** Reporters whose credentials were refused: they get no more updates this run. */
  refusedReporters: Set<Reporter> | undefined = undefined;
  /** Duration and estimate of the tasks done so far: the ETA's pace. */
  finishedDurationMs = 0;
  finishedEstimate = 0;
  /** What a task without an estimate counts as: the median of the run's estimates (typicalEstimate). */
  defaultEstimate = 1;

  /** `runId`: the last run's, until this one knows its own (after a resumed journal is read). */
  constructor(o: ResolvedOptions, events: RunEvents, pendingAdds: Task[], runId: string) {
    this.o = o;
    this.events = events;
    this.pendingAdds = pendingAdds;
    this.#runId = runId;
    this.deadlines = new DeadlineQueue(o.clock, o.timers, (att) =>
      abortAttempt(this, att, new TaskTimeoutError(att.record.task.id, att.number, o.timeoutMs))
    );
    this.reportController = o.reporters.length > 0 ? new AbortController() : undefined;
    // Every update on its way to a reporter that can skip listens to it (see Delivery), and
    // removes its listener when done: many at once is the normal case, not a leak.
    if (this.reportController !== undefined) setMaxListeners(0, this.reportController.signal);
  }

  get runId(): string {
    return this.#runId;
  }
  set runId(id: string) {
    this.#runId = id;
    this.events.runId = id;
  }

  // ---- entry points of the run modules (so that they need not import each other in a circle)

  /** Starts ready tasks while agent slots are free. */
  pump(): void {
    pump(this);
  }
  /** Ends the run once nothing is left to run or wait for. */
  maybeFinish(): void {
    maybeFinish(this);
  }
  /** See Orchestrator.stop. */
  stop(mode: StopMode): void {
    stopRun(this, mode);
  }
  /** Refused credentials: see stopping.ts. */
  halt(error: unknown, source: 'executor' | 'reporter', taskId: string): void {
    halt(this, error, source, taskId);
  }
  /** run() has settled, resolved or rejected. */
  close(): void {
    this.phase = 'idle';
    this.loadController = undefined;
    if (this.reportAbortTimer !== undefined) this.o.timers.clearTimeout(this.reportAbortTimer);
    this.reportAbortTimer = undefined;
  }

  // ---- records

  record(id: string): TaskRecord | undefined {
    let byId = this.byId;
    if (byId === undefined) {
      byId = new Map();
      for (const r of this.records) byId.set(r.id, r);
      this.byId = byId;
    }
    return byId.get(id);
  }

  setState(r: TaskRecord, state: TaskState): void {
    this.counts[r.state]--;
    this.counts[state]++;
    r.state = state;
  }

  countsSnapshot(): StateCounts {
    return { ...this.counts };
  }

  key(att: Attempt): string {
    return (att.key ??= `${this.#runId}:${att.record.task.id}:${att.number}`);
  }

  /** The task's result as of now; cached once the task is terminal. */
  resultOf(r: TaskRecord): TaskResult {
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
      if (x.landing !== undefined) result.landing = x.landing.toResult();
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
    if (TERMINAL.has(r.state) || this.phase === 'finishing') r.final = result;
    return result;
  }

  /** To the results file, once per task. */
  writeResult(r: TaskRecord): void {
    if (this.resultsFile === undefined || r._x?.written) return;
    r.x.written = true;
    this.resultsFile.write(this.resultOf(r));
  }

  /** The fields every task event starts with. */
  taskBase(r: TaskRecord, attempt: number): OrchestratorEvents['task:ready'] {
    return {
      runId: this.#runId,
      at: this.o.clock.now(),
      taskId: r.task.id,
      task: r.task,
      attempt,
      ...(r.agent === undefined ? {} : { agent: r.agent }),
    };
  }
}
