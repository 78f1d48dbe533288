// The end of a run: once nothing runs, waits or is left, everything is flushed (reporters,
// journal, results file) and run() resolves with the summary. Not public API.
import type { TaskResult } from '@pco/contract';
import { isoTimestamp } from '../iso-timestamp.js';
import type { RunSummary } from '../results.js';
import { checkIdle } from './landing.js';
import { stopProgress } from './progress.js';
import { flushReports } from './reporting.js';
import type { Run } from './run.js';
import { NO_TASKS, TERMINAL, type TaskRecord } from './task-record.js';

export function maybeFinish(run: Run): void {
  if (run.finishing || run.phase !== 'running') return;
  if (run.active > 0 || run.commits > 0) return;
  if (run.landing.size > 0 || run.followUps.length > 0) {
    checkIdle(run);
    return;
  }
  if (!run.stopping && !queueFinished(run)) return;
  if (run.stopping && run.retrying.size > 0) return;
  run.finishing = true;
  run.phase = 'finishing';
  void end(run);
}

/**
 * Nothing pending, ready or running; or what is left waits for tasks that ended needing a human
 * to land their pull requests (they stay running in the queue, so their dependents wait).
 */
function queueFinished(run: Run): boolean {
  const queue = run.queue!;
  if (queue.isFinished()) return true;
  if (run.humanWait === 0) return false;
  const c = queue.counts;
  return c.ready === 0 && c.running === run.humanWait;
}

async function end(run: Run): Promise<void> {
  const o = run.o;
  run.deadlines.close();
  const endedAt = o.clock.now();
  // Tasks that never started (stopped run): results without events, so exports list every task.
  const c = run.counts;
  if (c.pending + c.ready + c.running + c.retrying > 0) {
    for (const r of run.records) {
      if (TERMINAL.has(r.state) || r.final !== undefined) continue;
      r.x.error =
        run.stopping === undefined
          ? 'Not started: a dependency needs a human to land its pull request; a later run starts it once that has landed.'
          : `Not started: the run was stopped (${run.stopping}).`;
      run.writeResult(r);
    }
  }
  const pool = run.pool!;
  const stats = pool.stats();
  const makespanMs = endedAt - run.startedAt;
  const counts = run.countsSnapshot();
  // Built on first read: a caller that never reads them does not pay for 100,000 objects.
  // The array stays as it is: add() is refused from now on, and a new run gets a new one.
  const records = o.retainResults ? run.records : NO_TASKS;
  let results: readonly TaskResult[] | undefined;
  const resultOf = (r: TaskRecord): TaskResult => run.resultOf(r);
  // Nothing is lost: reporters, journal and results file are flushed before run() resolves.
  if (o.reporters.length > 0) await flushReports(run);
  await Promise.all(run.journalWrites);
  await run.resultsFile?.close();
  pool.close();
  // Progress went on during the flush (what it waits for is in `pendingUpdates`).
  stopProgress(run);
  // Built after the flush: a reporter refused its credentials while flushing halts the run too.
  const summary: RunSummary = {
    runId: run.runId,
    startedAt: isoTimestamp(run.startedAt),
    endedAt: isoTimestamp(endedAt),
    makespanMs,
    counts,
    ok: counts.done === counts.total,
    // Read after the flush: a reporter refused its credentials while flushing stops the run
    // (`halted` always comes with `stopped: 'detach'`).
    ...(run.stopping === undefined ? {} : { stopped: run.stopping }),
    ...(run.halted === undefined ? {} : { halted: run.halted }),
    concurrency: o.concurrency,
    attempts: run.dispatchedAttempts,
    retries: run.retries,
    utilisation: makespanMs > 0 ? Math.min(1, stats.busyMs / (o.concurrency * makespanMs)) : 0,
    agents: stats.agents,
    get results(): readonly TaskResult[] {
      return (results ??= records.map(resultOf));
    },
  };
  if (run.events.wants('run:end')) run.events.emit('run:end', { runId: run.runId, at: o.clock.now(), summary });
  run.resolveRun!(summary);
}
