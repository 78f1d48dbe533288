// Delivery of every state change to the reporters: in order per task, retried, skipped or cut
// short when a newer update makes it redundant, cut off by a stop's grace period, and counted
// for the flush ETA. Not public API.
import { findCredentialsRejected, type Reporter, type TaskState, type TaskUpdate } from '@pco/contract';
import { causedBy, Delivery, skippable } from './report-delivery.js';
import type { Run } from './run.js';
import { TERMINAL, type RecordExtras, type TaskRecord } from './task-record.js';

/** Deliveries the flush ETA averages over. */
const DELIVERY_RATE_WINDOW = 20;

/** Queues the record's new state for every reporter (nothing to do without reporters). */
export function notify(run: Run, r: TaskRecord, state: TaskState): void {
  if (run.o.reporters.length > 0) enqueueReport(run, r, state);
}

// Out of notify (called several times per task): its closures would cost an allocation per call.
function enqueueReport(run: Run, r: TaskRecord, state: TaskState): void {
  const reporters = run.o.reporters;
  const update: TaskUpdate = {
    runId: run.runId,
    task: r.task,
    state,
    attempt: r.attempts,
    ...(r.agent === undefined ? {} : { agent: r.agent }),
    ...(TERMINAL.has(state) || state === 'in-review' ? { result: run.resultOf(r) } : {}),
    ...(state === 'in-review' && r._x?.landing?.review !== undefined ? { review: r._x.landing.review } : {}),
    at: run.o.clock.now(),
  };
  // Updates of one task reach each reporter in order; tasks do not wait for each other. An
  // update overtaken before its turn is skipped for the reporters that allow it (canSkip).
  const x = r.x;
  x.reportLatest = update;
  // One already on its way is cut short (its signal aborts) where the reporter says the new
  // update makes it redundant.
  if (x.delivering !== undefined) for (const delivery of x.delivering) delivery.supersede(update);
  run.pendingUpdates++;
  x.reportTail = (x.reportTail ?? Promise.resolve()).then(() => {
    const newer = x.reportLatest!;
    return Promise.all(
      reporters.map((reporter) => (newer !== update && skippable(reporter, update, newer) ? undefined : deliver(run, reporter, update, x)))
    ).then(() => updateSettled(run));
  });
}

async function deliver(run: Run, reporter: Reporter, update: TaskUpdate, x: RecordExtras): Promise<void> {
  const o = run.o;
  const runSignal = run.reportController?.signal;
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
      if (run.refusedReporters?.has(reporter)) {
        run.unreported.add(update);
        return;
      }
      // Cut off by the stop's grace period: reported once for all at the end (reportUnreported).
      if (runSignal?.aborted) {
        run.unreported.add(update);
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
          run.unreported.add(update);
          return;
        }
        // Refused credentials stop the run (nothing more can be written back, so nothing more
        // should run); every other failure stays non-fatal.
        if (findCredentialsRejected(error) !== undefined) {
          (run.refusedReporters ??= new Set()).add(reporter);
          run.halt(error, 'reporter', update.task.id);
          return;
        }
        // After the abort there is no point in another try.
        if (attempt >= o.reporterAttempts || runSignal?.aborted) {
          run.events.reportError('reporter', error, { taskId: update.task.id });
          return;
        }
        await reporterBackoff(run, o.reporterBaseDelayMs * 2 ** (attempt - 1), signal);
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
function reporterBackoff(run: Run, ms: number, signal: AbortSignal | undefined): Promise<void> {
  const timers = run.o.timers;
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

/** One update has been delivered to every reporter (or skipped): counts for the flush ETA. */
function updateSettled(run: Run): void {
  run.pendingUpdates--;
  const at = run.deliveredAt;
  at.push(run.o.clock.now());
  if (at.length > DELIVERY_RATE_WINDOW) at.shift();
}

/** How long the updates not yet delivered need at the recent delivery rate (0 when none wait). */
export function flushEtaMs(run: Run): number | undefined {
  const at = run.deliveredAt;
  if (run.pendingUpdates === 0) return 0;
  if (at.length < 2) return undefined;
  const msPerUpdate = (at[at.length - 1]! - at[0]!) / (at.length - 1);
  return Math.round(run.pendingUpdates * msPerUpdate);
}

/** Waits for every update queued so far, then reports those that could not be written. */
export async function flushReports(run: Run): Promise<void> {
  await Promise.all(run.records.map((r) => r._x?.reportTail).filter((p) => p !== undefined));
  reportUnreported(run);
}

/**
 * The updates a stop's grace period cut off, as one `error` event: a stopped run of a large
 * backlog would otherwise report (and the CLI print) one per task still waiting to be written.
 */
function reportUnreported(run: Run): void {
  const list = [...run.unreported];
  if (list.length === 0) return;
  run.unreported = new Set();
  const shown = list.slice(0, 5).map((u) => `${u.task.id} (${u.state})`);
  if (list.length > 5) shown.push(`${list.length - 5} more`);
  const why =
    run.refusedReporters !== undefined && run.halted !== undefined
      ? `not written (${run.halted.service} refused the credentials)`
      : `cut off by the stop (${run.o.abortGraceMs} ms grace)`;
  const message = `${list.length} ${list.length === 1 ? 'update' : 'updates'} ${why}: ${shown.join(', ')}`;
  const taskIds = new Set(list.map((u) => u.task.id));
  const error = new Error(message, { cause: run.reportController?.signal.reason });
  run.events.reportError('reporter', error, taskIds.size === 1 ? { taskId: list[0]!.task.id } : {});
}
