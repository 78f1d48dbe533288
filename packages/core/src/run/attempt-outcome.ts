// What an attempt's outcome does to its task: done, failed, needs input, interrupted, or a retry
// after a back-off; and the abort of an attempt (timeout or stop) with its grace period.
// Not public API.
import { backoffDelay, findCredentialsRejected, RunStoppedError, type ExecutorOutcome, type TaskTimeoutError } from '@pco/contract';
import type { ReleaseOutcome } from '@pco/pool';
import { settleFollowUp } from './follow-ups.js';
import { commit } from './journal-commits.js';
import { enterReview } from './landing.js';
import { notify } from './reporting.js';
import type { Run } from './run.js';
import { addTasks } from './task-intake.js';
import type { Attempt, TaskRecord } from './task-record.js';
import { finishDone, finishFailed, finishInterrupted, markReady } from './terminal.js';

/** The attempt's outcome is decided (by the executor, or forced after an abort grace period). */
export function settle(run: Run, att: Attempt, raw: ExecutorOutcome): void {
  if (att.settled) return;
  att.settled = true;
  run.active--;
  if (att.graceTimer !== undefined) run.o.timers.clearTimeout(att.graceTimer);
  run.deadlines.advance();
  const r = att.record;
  r.current = undefined;
  if (r._x !== undefined) r._x.waitingFor = undefined;
  const outcome = validOutcome(raw);
  if (outcome.agentRunId !== undefined) r.x.agentRunId = outcome.agentRunId;
  if (outcome.webUrl !== undefined) r.x.webUrl = outcome.webUrl;
  if (outcome.summary !== undefined) r.x.summary = outcome.summary;
  if (outcome.newTasks !== undefined && outcome.newTasks.length > 0 && !run.stopping && run.phase === 'running') {
    addTasks(run, outcome.newTasks, r.task.id);
  }
  const stopped = att.abortReason instanceof RunStoppedError ? att.abortReason.mode : undefined;
  const events = run.events;
  if (att.followUp !== undefined) {
    settleFollowUp(run, att, outcome, stopped !== undefined, (how) => release(att, how));
  } else if (outcome.status === 'done') {
    if (outcome.result !== undefined) r.x.result = outcome.result;
    if (outcome.pullRequests !== undefined) r.x.pullRequests = outcome.pullRequests;
    if (r._x !== undefined) r._x.error = undefined;
    release(att, 'success');
    // With a lander, a run that opened pull requests is not the end: they must land first.
    // (Also when stopping: the review is journaled, so a resume lands it.)
    if (run.o.lander !== undefined && (outcome.pullRequests?.length ?? 0) > 0) enterReview(run, r, att.number, outcome.pullRequests!);
    else finishDone(run, r, att.startedAt);
  } else if (stopped !== undefined) {
    release(att, 'neutral');
    r.x.error = `Interrupted: the run was stopped (${stopped}).`;
    finishInterrupted(run, r, stopped, true);
  } else if (outcome.status === 'needs-input') {
    release(att, 'neutral');
    r.x.error = events.redact(`Needs input: ${outcome.reason}`);
    finishFailed(run, r, 'needs-input', events.redact(outcome.reason));
  } else if (findCredentialsRejected(outcome.error) !== undefined) {
    // Not this task's failure: the API refused the credentials, and would refuse every other
    // task too. The run stops dispatching and detaches; this attempt stays open in the journal
    // (a create may have gone through) and nothing is marked failed or skipped.
    release(att, 'neutral');
    r.x.error = events.message(outcome.error);
    finishInterrupted(run, r, 'detach', true);
    run.halt(outcome.error, 'executor', r.task.id);
  } else {
    release(att, 'failure');
    const message = events.message(outcome.error);
    r.x.error = message;
    if (outcome.result !== undefined) r.x.result = outcome.result;
    if (outcome.transient === true && r.attemptsThisRun < run.o.retry.attempts && !run.stopping) {
      scheduleRetry(run, r, att, message, outcome.retryAfterMs);
    } else {
      finishFailed(run, r, 'failed', message);
    }
  }
  run.pump();
  run.maybeFinish();
}

/** Frees the agent slot, once the executor has let go of it (see Attempt.pendingRelease). */
function release(att: Attempt, outcome: ReleaseOutcome): void {
  if (att.executorSettled) att.lease.release(outcome);
  else att.pendingRelease = outcome;
}

function scheduleRetry(run: Run, r: TaskRecord, att: Attempt, message: string, retryAfterMs: number | undefined): void {
  const o = run.o;
  const delayMs = backoffDelay(att.number, o.retry, o.random, retryAfterMs);
  run.retries++;
  run.setState(r, 'retrying');
  run.retrying.add(r);
  void commit(run, {
    type: 'attempt-failed',
    runId: run.runId,
    taskId: r.task.id,
    attempt: att.number,
    error: message,
    transient: true,
    at: o.clock.now(),
  });
  if (run.events.wants('task:retry')) {
    run.events.emit('task:retry', { ...run.taskBase(r, att.number), error: message, nextAttempt: r.attempts + 1, delayMs });
  }
  notify(run, r, 'retrying');
  r.x.retryTimer = o.timers.setTimeout(() => {
    r.x.retryTimer = undefined;
    run.retrying.delete(r);
    if (run.stopping || run.phase !== 'running') return;
    run.queue!.requeue(r.task.id);
    markReady(run, r);
    run.pump();
  }, delayMs);
}

/**
 * Aborts an attempt (its executor's signal). An executor that has not settled `abortGraceMs`
 * later is reported, and the attempt settled without it.
 */
export function abortAttempt(run: Run, att: Attempt, reason: TaskTimeoutError | RunStoppedError): void {
  if (att.settled || att.abortReason !== undefined) return;
  att.abortReason = reason;
  (att.controller ??= new AbortController()).abort(reason);
  const graceMs = run.o.abortGraceMs;
  att.graceTimer = run.o.timers.setTimeout(() => {
    att.graceTimer = undefined;
    const taskId = att.record.task.id;
    run.events.reportError('executor', new Error(`the executor did not settle task ${taskId} within ${graceMs} ms of its abort`), { taskId });
    settle(run, att, { status: 'failed', error: reason, transient: false });
  }, graceMs);
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
