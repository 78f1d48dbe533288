// The run's journal writes: each one reported when it fails, never thrown into the run, and
// tracked so that run() resolves only once all are durable. Not public API.
import type { JournalEntry, RunJournal } from '@pco/contract';
import type { Run } from './run.js';

/** A journal write that must not fail the run (failures are reported). Tracked for the final flush. */
export function commit(run: Run, entry: JournalEntry): Promise<void> {
  const journal = run.o.journal;
  if (journal === undefined) return Promise.resolve();
  let write: Promise<void>;
  try {
    write = Promise.resolve(journal.append(entry));
  } catch (error) {
    write = Promise.reject(error);
  }
  const writes = run.journalWrites;
  const tracked = write.then(
    () => {
      writes.delete(tracked);
    },
    (error: unknown) => {
      writes.delete(tracked);
      run.events.reportError('journal', error, 'taskId' in entry ? { taskId: entry.taskId } : {});
    }
  );
  writes.add(tracked);
  return tracked;
}

/**
 * A write the executor waits for (a checkpoint's `created` entry): its failure rejects the
 * returned promise for the executor, and is reported too. Tracked for the final flush.
 */
export function commitForExecutor(run: Run, journal: RunJournal, entry: JournalEntry & { readonly taskId: string }): Promise<void> {
  const write = Promise.resolve().then(() => journal.append(entry));
  const tracked = write.then(undefined, (error: unknown) => run.events.reportError('journal', error, { taskId: entry.taskId }));
  run.journalWrites.add(tracked);
  void tracked.then(() => run.journalWrites.delete(tracked));
  return write;
}
