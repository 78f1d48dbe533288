// Stopping a run: by the caller (stop(), the run's signal) or because credentials were refused.
// Not public API.
import { findCredentialsRejected, RunStoppedError, type StopMode } from '@pco/contract';
import { abortAttempt } from './attempt-outcome.js';
import type { Run } from './run.js';
import { rejectFollowUps } from './follow-ups.js';
import { abortLandings } from './landing.js';
import { finishInterrupted } from './terminal.js';

/**
 * Nothing more is dispatched, retries waiting for their back-off end as `interrupted`, running
 * attempts are aborted, and the reporters' signal aborts `abortGraceMs` later. The first stop's
 * mode wins.
 */
export function stopRun(run: Run, mode: StopMode): void {
  if (run.phase === 'idle' || run.stopping !== undefined) return;
  run.stopping = mode;
  run.loadController?.abort(new RunStoppedError(mode));
  const reports = run.reportController;
  if (reports !== undefined) {
    run.reportAbortTimer = run.o.timers.setTimeout(() => {
      run.reportAbortTimer = undefined;
      reports.abort(new RunStoppedError(mode));
    }, run.o.abortGraceMs);
  }
  if (run.phase === 'running') interruptAll(run, mode);
}

/**
 * An executor or reporter was refused its credentials: stop dispatching and detach the running
 * tasks (their remote runs are left alone for a resume), as a `stop({ mode: 'detach' })` would.
 * The first refusal is reported (`error` event) and recorded in the summary's `halted`.
 */
export function halt(run: Run, error: unknown, source: 'executor' | 'reporter', taskId: string): void {
  if (run.halted !== undefined) return;
  const refused = findCredentialsRejected(error)!;
  run.halted = { code: refused.code, service: refused.service, message: run.events.message(refused), hint: refused.hint };
  run.events.reportError(source, refused, { taskId });
  stopRun(run, 'detach');
}

/** Interrupts the retries waiting for their back-off and aborts the running attempts. */
export function interruptAll(run: Run, mode: StopMode): void {
  for (const r of run.retrying) {
    if (r._x?.retryTimer !== undefined) run.o.timers.clearTimeout(r._x.retryTimer);
    r.x.retryTimer = undefined;
    r.x.error = `Interrupted while waiting to retry: the run was stopped (${mode}).`;
    finishInterrupted(run, r, mode, false);
  }
  run.retrying.clear();
  rejectFollowUps(run, mode);
  abortLandings(run, mode);
  if (run.active > 0) {
    for (const r of run.records) if (r.current !== undefined) abortAttempt(run, r.current, new RunStoppedError(mode));
  }
  run.maybeFinish();
}
