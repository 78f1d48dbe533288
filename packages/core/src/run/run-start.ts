// The start of a run: the journal replayed (resume), the tasks loaded, records, queue and agent
// pool built, the run committed and announced, and the first tasks dispatched. Not public API.
import { randomUUID } from 'node:crypto';
import { ReadyQueue, typicalEstimate } from '@pco/graph';
import { AgentPool } from '@pco/pool';
import { RunStoppedError, type Task, type TaskResult } from '@pco/contract';
import { OrchestratorError } from '../errors.js';
import type { JournalReplay } from '../journal-replay.js';
import type { RunOptions } from '../options.js';
import { ResultsFile } from '../results-file.js';
import type { RunSummary } from '../results.js';
import { commit } from './journal-commits.js';
import { armProgress } from './progress.js';
import { resumeLanding } from './landing.js';
import { applyReplay, loadReplay, takeDone, takeLandings } from './resume.js';
import type { Run } from './run.js';
import { interruptAll } from './stopping.js';
import { introduce, newRecord } from './task-intake.js';
import type { TaskRecord } from './task-record.js';
import { restoreDone } from './terminal.js';

/** Runs `run` to its summary; rejects when it cannot start (see Orchestrator.run). */
export async function startRun(run: Run, options: RunOptions): Promise<RunSummary> {
  const o = run.o;
  const { signal } = options;
  if (signal?.aborted) throw signal.reason;
  run.loadController = new AbortController();
  const loadSignal = signal ? AbortSignal.any([signal, run.loadController.signal]) : run.loadController.signal;
  const onAbort = (): void => run.stop(options.stopMode ?? 'cancel');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const resume = options.resume === true && o.journal !== undefined;
    const replay = resume ? await loadReplay(run, loadSignal) : undefined;
    run.runId = o.runId ?? replay?.runId ?? randomUUID();
    const tasks = await loadTasks(run, loadSignal);
    const restored = replay === undefined ? undefined : takeDone(run, replay, tasks);
    const queued = buildRecords(run, tasks, restored, replay);
    run.pool = newPool(run);
    if (o.resultsFile !== undefined) {
      run.resultsFile = new ResultsFile(o.resultsFile, (error) => run.events.reportError('results-file', error, {}));
    }
    await commit(run, { type: 'run', runId: run.runId, resumed: resume, at: o.clock.now() });

    run.phase = 'running';
    run.startedAt = o.clock.now();
    run.started = true;
    const finished = new Promise<RunSummary>((resolve) => {
      run.resolveRun = resolve;
    });
    if (run.events.wants('run:start')) {
      run.events.emit('run:start', { runId: run.runId, at: run.startedAt, tasks: tasks.length, concurrency: o.concurrency, resumed: resume });
    }
    if (restored !== undefined) for (const [id, result] of restored) restoreDone(run, run.record(id)!, result);
    const landings = replay === undefined ? [] : takeLandings(run);
    introduce(run, queued, run.queue!.initiallySkipped, run.doneBefore.size + run.releasedBefore.size > 0);
    for (const r of landings) resumeLanding(run, r);
    if (o.progressIntervalMs > 0) armProgress(run);
    if (run.stopping) interruptAll(run, run.stopping);
    run.pump();
    run.maybeFinish();
    return await finished;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (run.phase !== 'finishing' && run.phase !== 'running') run.pool?.close();
  }
}

/** The source's tasks, then those add()ed before the run started. */
async function loadTasks(run: Run, signal: AbortSignal): Promise<readonly Task[]> {
  let loaded: readonly Task[];
  try {
    loaded = await run.o.source.load(signal);
  } catch (error) {
    if (run.stopping) throw new RunStoppedError(run.stopping, error);
    throw new OrchestratorError('SOURCE_LOAD_FAILED', `Could not load the tasks: ${run.events.message(error)}`, { cause: error });
  }
  if (run.stopping) throw new RunStoppedError(run.stopping);
  const added = run.pendingAdds;
  const tasks = added.length === 0 ? loaded : [...loaded, ...added];
  added.length = 0;
  return tasks;
}

/** The records are the queue's nodes. Tasks a journal has done stay out of the queue. Returns the queued ones. */
function buildRecords(
  run: Run,
  tasks: readonly Task[],
  restored: ReadonlyMap<string, TaskResult> | undefined,
  replay: JournalReplay | undefined
): TaskRecord[] {
  // Fixed for the run: tasks added later count as the loaded ones' typical estimate too.
  run.defaultEstimate = typicalEstimate(tasks);
  const all = new Array<TaskRecord>(tasks.length);
  for (let i = 0; i < tasks.length; i++) all[i] = newRecord(run, tasks[i]!);
  const queued = restored === undefined || restored.size === 0 ? all : all.filter((r) => !restored.has(r.id));
  if (replay !== undefined) applyReplay(run, replay, all);
  run.queue = new ReadyQueue<TaskRecord>(queued);
  run.records = all;
  run.counts.total += tasks.length;
  run.counts.pending += tasks.length;
  return queued;
}

function newPool(run: Run): AgentPool {
  const o = run.o;
  const events = run.events;
  const pool = new AgentPool({
    capacity: o.concurrency,
    maxCapacity: o.maxConcurrency,
    quarantineAfter: o.quarantineAfter,
    coolDownMs: o.coolDownMs,
    clock: o.clock,
    timers: o.timers,
    onListenerError: (error) => events.reportError('listener', error, {}),
  });
  pool.on('agent:failed', (e) => {
    if (events.wants('agent:failed')) {
      events.emit('agent:failed', { runId: run.runId, at: e.at, agent: e.agent, consecutiveFailures: e.consecutiveFailures, until: e.until });
    }
  });
  pool.on('agent:recovered', (e) => {
    if (events.wants('agent:recovered')) events.emit('agent:recovered', { runId: run.runId, at: e.at, agent: e.agent });
    run.pump();
  });
  return pool;
}
