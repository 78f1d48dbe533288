// How a task reaches a state: ready, and the terminal ones (done, failed, needs input,
// interrupted; skipped is in skips.ts), with the result written, committed, emitted and reported.
// Not public API.
import type { StopMode, TaskResult } from '@pco/contract';
import { commit } from './journal-commits.js';
import { notify } from './reporting.js';
import type { Run } from './run.js';
import { applySkips } from './skips.js';
import { NO_TASKS, type TaskRecord } from './task-record.js';

export function markReady(run: Run, r: TaskRecord): void {
  run.setState(r, 'ready');
  if (run.events.wants('task:ready')) run.events.emit('task:ready', run.taskBase(r, r.attempts + 1));
  notify(run, r, 'ready');
}

/** A task a resumed journal has done: done again at once, with the journal's result. */
export function restoreDone(run: Run, r: TaskRecord, result: TaskResult): void {
  r.attempts = result.attempts;
  r.agent = result.agent;
  r.x.agentRunId = result.runId;
  r.x.webUrl = result.webUrl;
  r.x.pullRequests = result.pullRequests;
  r.x.summary = result.summary;
  r.x.result = result.result;
  run.setState(r, 'done');
  r.final = result;
  run.writeResult(r);
  if (run.events.wants('task:done')) {
    run.events.emit('task:done', { ...run.taskBase(r, r.attempts), result, durationMs: result.durationMs ?? 0 });
  }
  notify(run, r, 'done');
}

/** `startedAt`: when the work that just ended began (the attempt, or the review), for the ETA's pace. */
export function finishDone(run: Run, r: TaskRecord, startedAt: number): void {
  const endedAt = run.o.clock.now();
  r.endedAt = endedAt;
  run.finishedDurationMs += endedAt - startedAt;
  run.finishedEstimate += r.estimate;
  run.setState(r, 'done');
  if (run.o.journal === undefined) releaseDependents(run, r);
  else releaseAfterResult(run, r, endedAt);
}

/** Dependents start only after the result is durable. (Out of finishDone: no closure there.) */
function releaseAfterResult(run: Run, r: TaskRecord, endedAt: number): void {
  run.commits++;
  void commit(run, { type: 'result', runId: run.runId, result: run.resultOf(r), at: endedAt }).then(() => {
    run.commits--;
    releaseDependents(run, r);
    run.pump();
    run.maybeFinish();
  });
}

function releaseDependents(run: Run, r: TaskRecord): void {
  // A landing task may have released them at an earlier milestone (landing.ts).
  const landing = r._x?.landing;
  const released = landing?.released ? NO_TASKS : run.queue!.doneNodes(r.id);
  if (landing !== undefined) landing.released = true;
  run.writeResult(r);
  if (run.events.wants('task:done')) {
    run.events.emit('task:done', { ...run.taskBase(r, r.attempts), result: run.resultOf(r), durationMs: r.endedAt! - r.firstStartedAt! });
  }
  notify(run, r, 'done');
  for (let i = 0; i < released.length; i++) {
    const dependent = released[i]!;
    if (dependent.state === 'pending') markReady(run, dependent);
  }
}

/**
 * `skipDependents`: false for a landing task whose dependents already started (or, needing a
 * human, must wait rather than be skipped).
 */
export function finishFailed(run: Run, r: TaskRecord, state: 'failed' | 'needs-input', reason: string, skipDependents = true): void {
  r.endedAt = run.o.clock.now();
  run.setState(r, state);
  const result = run.resultOf(r);
  run.writeResult(r);
  void commit(run, { type: 'result', runId: run.runId, result, at: r.endedAt });
  const events = run.events;
  if (state === 'failed') {
    if (events.wants('task:failed')) events.emit('task:failed', { ...run.taskBase(r, r.attempts), result, error: r._x?.error ?? reason });
  } else if (events.wants('task:needs-input')) {
    events.emit('task:needs-input', { ...run.taskBase(r, r.attempts), result, reason });
  }
  notify(run, r, state);
  // Every transitive dependent not yet started is skipped, naming this task; nothing else is.
  if (skipDependents) applySkips(run, run.queue!.fail(r.task.id));
}

/**
 * `dispatched`: an attempt was under way. On a detach stop it stays open in the journal even
 * without a run id (a create may be in flight): a resume then looks the run up by its
 * idempotency key instead of creating a second one.
 */
export function finishInterrupted(run: Run, r: TaskRecord, mode: StopMode, dispatched: boolean): void {
  r.endedAt = run.o.clock.now();
  run.setState(r, 'interrupted');
  const result = run.resultOf(r);
  run.writeResult(r);
  void commit(run, { type: 'result', runId: run.runId, result, detached: mode === 'detach' && dispatched, at: r.endedAt });
  if (run.events.wants('task:interrupted')) run.events.emit('task:interrupted', { ...run.taskBase(r, r.attempts), result, mode });
  notify(run, r, 'interrupted');
}
