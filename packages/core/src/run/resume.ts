// Resuming from a journal (`run({ resume: true })`): done tasks stay done, attempts of earlier
// processes count, and open attempts continue. Not public API.
import { RunStoppedError, type Task, type TaskResult } from '@pco/contract';
import { OrchestratorError } from '../errors.js';
import { replayJournal, type JournalReplay } from '../journal-replay.js';
import { landingRank } from './landing.js';
import type { Run } from './run.js';
import type { TaskRecord } from './task-record.js';

/** The run's journal, replayed. Rejects with `JOURNAL_LOAD_FAILED`, or `RunStoppedError` when stopped meanwhile. */
export async function loadReplay(run: Run, signal: AbortSignal): Promise<JournalReplay> {
  try {
    return replayJournal(await run.o.journal!.load(signal));
  } catch (error) {
    if (run.stopping) throw new RunStoppedError(run.stopping, error);
    throw new OrchestratorError('JOURNAL_LOAD_FAILED', `Could not load the journal to resume: ${run.events.message(error)}`, {
      cause: error,
    });
  }
}

/**
 * Tasks a journal says are done stay done: they leave the graph, and dependents stop waiting for
 * them. Also a done task the source no longer lists (e.g. its issue was closed) still satisfies
 * its dependents: every done result becomes `run.doneBefore`. Returns the results of the listed
 * tasks, by id.
 */
export function takeDone(run: Run, replay: JournalReplay, tasks: readonly Task[]): Map<string, TaskResult> {
  const restored = new Map<string, TaskResult>();
  const doneBefore = new Map<string, TaskResult>();
  const releasedBefore = new Set<string>();
  const releaseRank = run.o.releaseRank;
  for (const [id, replayed] of replay.tasks) {
    if (replayed.result?.state === 'done') doneBefore.set(id, replayed.result);
    else if (replayed.landing !== undefined && landingRank(replayed.landing.reached) >= releaseRank) releasedBefore.add(id);
  }
  run.releasedBefore = releasedBefore;
  for (let i = 0; i < tasks.length; i++) {
    const result = doneBefore.get(tasks[i]!.id);
    if (result !== undefined) restored.set(tasks[i]!.id, result);
  }
  run.doneBefore = doneBefore;
  return restored;
}

/**
 * The attempts of earlier processes, and the open attempt each record continues. A task the
 * journal shows in review (with a lander) lands again: it waits for nothing (it ran already).
 * Called before the queue is built (it reads the records' dependencies).
 */
export function applyReplay(run: Run, replay: JournalReplay, records: readonly TaskRecord[]): void {
  const landing = run.o.lander !== undefined;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const replayed = replay.tasks.get(r.task.id);
    if (replayed) {
      r.attempts = replayed.open ? replayed.open.attempt - 1 : replayed.attempts;
      if (r.attempts > 0) r.x.attemptsBefore = r.attempts;
      if (replayed.open) r.x.open = replayed.open;
      if (landing && replayed.landing !== undefined && replayed.result?.state !== 'done') {
        r.x.landingBefore = replayed.landing;
        r.x.dependencies = [];
        r.attempts = Math.max(r.attempts, replayed.landing.attempt);
      }
    }
  }
}

/** Records a resumed journal shows in review: their nodes leave the ready queue at once. */
export function takeLandings(run: Run): TaskRecord[] {
  const landings: TaskRecord[] = [];
  for (const r of run.records) {
    if (r._x?.landingBefore === undefined || run.queue!.state(r.id) !== 'ready') continue;
    run.queue!.take(r.id);
    landings.push(r);
  }
  return landings;
}
