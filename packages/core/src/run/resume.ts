// Resuming from a journal (`run({ resume: true })`): done tasks stay done, attempts of earlier
// processes count, and open attempts continue. Not public API.
import { RunStoppedError, type Task, type TaskResult } from '@pco/contract';
import { OrchestratorError } from '../errors.js';
import { replayJournal, type JournalReplay } from '../journal-replay.js';
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
  for (const [id, replayed] of replay.tasks) if (replayed.result?.state === 'done') doneBefore.set(id, replayed.result);
  for (let i = 0; i < tasks.length; i++) {
    const result = doneBefore.get(tasks[i]!.id);
    if (result !== undefined) restored.set(tasks[i]!.id, result);
  }
  run.doneBefore = doneBefore;
  return restored;
}

/** The attempts of earlier processes, and the open attempt each record continues. */
export function applyReplay(replay: JournalReplay, records: readonly TaskRecord[]): void {
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const replayed = replay.tasks.get(r.task.id);
    if (replayed) {
      r.attempts = replayed.open ? replayed.open.attempt - 1 : replayed.attempts;
      if (r.attempts > 0) r.x.attemptsBefore = r.attempts;
      if (replayed.open) r.x.open = replayed.open;
    }
  }
}
