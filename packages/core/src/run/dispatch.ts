// Dispatch: ready tasks onto free agent slots, each attempt's intent made durable before the
// executor runs, and the executor's promise turned into an outcome. Not public API.
import type { ExecutorOutcome, FollowUpRequest, PreviousAttempt, RunJournal } from '@pco/contract';
import type { AgentLease } from '@pco/pool';
import { isTransientError } from '../retry-policy.js';
import { AttemptContext } from './attempt-context.js';
import { settle } from './attempt-outcome.js';
import { notify } from './reporting.js';
import type { Run } from './run.js';
import type { PendingFollowUp } from './follow-ups.js';
import type { Attempt, TaskRecord } from './task-record.js';

/** Starts ready tasks while agent slots are free. */
export function pump(run: Run): void {
  const queue = run.queue;
  const pool = run.pool;
  if (run.pumping || run.phase !== 'running' || run.stopping || !queue || !pool) return;
  run.pumping = true;
  try {
    // Slots free up only through our own releases and quarantine recoveries, both of which
    // call pump: no waiting, no polling. Follow-ups on pull requests in review go first: their
    // tasks are furthest along, and their dependents may wait for them to land.
    const followUps = run.followUps;
    while (!run.stopping && (followUps.length > 0 || queue.peek() !== undefined)) {
      const lease = pool.tryAcquire();
      if (lease === undefined) break;
      if (followUps.length > 0) {
        const pending = followUps.shift()!;
        start(run, pending.record, lease, pending);
      } else {
        start(run, queue.nextNode()!, lease, undefined);
      }
    }
  } finally {
    run.pumping = false;
  }
}

function start(run: Run, r: TaskRecord, lease: AgentLease, followUp: PendingFollowUp | undefined): void {
  const o = run.o;
  const now = o.clock.now();
  const open = followUp === undefined ? r._x?.open : undefined;
  const number = followUp?.resumed?.attempt ?? (open ? open.attempt : r.attempts + 1);
  r.attempts = Math.max(r.attempts, number);
  run.dispatchedAttempts++;
  r.agent = lease.agent;
  if (r._x !== undefined) {
    r._x.open = undefined;
    r._x.agentStatus = open?.status;
    if (open?.agentRunId !== undefined) r._x.agentRunId = open.agentRunId;
    if (open?.webUrl !== undefined) r._x.webUrl = open.webUrl;
  }
  r.firstStartedAt ??= now;
  const previous: PreviousAttempt | undefined = followUp
    ? followUp.resumed?.previous
    : open
    ? {
        ...(open.agentRunId === undefined ? {} : { agentRunId: open.agentRunId }),
        ...(open.webUrl === undefined ? {} : { webUrl: open.webUrl }),
        ...(open.status === undefined ? {} : { status: open.status }),
        ...(open.note === undefined ? {} : { note: open.note }),
      }
    : undefined;
  const att: Attempt = {
    record: r,
    number,
    key: followUp?.resumed?.idempotencyKey ?? open?.idempotencyKey,
    lease,
    startedAt: now,
    deadline: now + o.timeoutMs,
    previous,
    controller: undefined,
    abortReason: undefined,
    settled: false,
    executorSettled: false,
    pendingRelease: undefined,
    graceTimer: undefined,
    followUp,
  };
  r.current = att;
  run.active++;
  // Work again after the run went idle (a human landed a pull request): landers that wait for a
  // person from now on get a fresh `idle` signal, not the spent one.
  if (run.idleController?.signal.aborted) run.idleController = undefined;
  run.setState(r, 'running');
  run.deadlines.track(att);
  if (run.events.wants('task:start')) {
    run.events.emit('task:start', {
      ...run.taskBase(r, number),
      agent: lease.agent,
      idempotencyKey: run.key(att),
      deadline: att.deadline,
      resumed: previous !== undefined,
      ...(followUp === undefined ? {} : { followUp: { key: followUp.request.key, reason: followUp.request.reason } }),
    });
  }
  notify(run, r, 'running');
  const journal = o.journal;
  if (journal === undefined) {
    execute(run, att);
    return;
  }
  executeAfterIntent(run, att, journal, now);
}

// Kept out of start: a closure there would make every call allocate a context, journal or not.
function executeAfterIntent(run: Run, att: Attempt, journal: RunJournal, now: number): void {
  const taskId = att.record.task.id;
  // Commit point: the intent (with its idempotency key) is durable before anything remote happens.
  journal
    .append({
      type: 'intent',
      runId: run.runId,
      taskId,
      attempt: att.number,
      idempotencyKey: run.key(att),
      agent: att.lease.agent,
      ...(att.followUp === undefined ? {} : { followUp: journaledFollowUp(att.followUp.request) }),
      at: now,
    })
    .then(
      () => execute(run, att),
      (error: unknown) => {
        run.events.reportError('journal', error, { taskId });
        att.executorSettled = true;
        settle(run, att, { status: 'failed', error: new Error(`journal write failed: ${run.events.message(error)}`), transient: true });
      }
    );
}

function execute(run: Run, att: Attempt): void {
  if (att.abortReason !== undefined) {
    // Stopped or timed out while the intent was being written: the executor never ran.
    att.executorSettled = true;
    settle(run, att, { status: 'failed', error: att.abortReason, transient: false });
    return;
  }
  let promise: Promise<ExecutorOutcome>;
  try {
    promise = run.o.executor.execute(att.record.task, new AttemptContext(run, att));
  } catch (error) {
    promise = Promise.reject(error);
  }
  void awaitExecutor(run, att, promise);
}

// An async function rather than then() with two closures: one allocation less per attempt.
async function awaitExecutor(run: Run, att: Attempt, promise: Promise<ExecutorOutcome>): Promise<void> {
  let outcome: ExecutorOutcome;
  try {
    outcome = await promise;
  } catch (error) {
    outcome = thrownOutcome(run, att, error);
  }
  executorSettled(run, att, outcome);
}

function executorSettled(run: Run, att: Attempt, outcome: ExecutorOutcome): void {
  att.executorSettled = true;
  if (!att.settled) {
    settle(run, att, outcome);
    return;
  }
  // Settled earlier without the executor (it ignored its abort signal past the grace period):
  // only now is its agent slot really free.
  const taskId = att.record.task.id;
  run.events.reportError('executor', new Error(`the executor settled task ${taskId} only after its abort grace period`), { taskId });
  if (att.pendingRelease !== undefined) {
    att.lease.release(att.pendingRelease);
    att.pendingRelease = undefined;
    pump(run);
  }
}

function thrownOutcome(run: Run, att: Attempt, error: unknown): ExecutorOutcome {
  if (att.abortReason !== undefined && (error === att.abortReason || isAbortError(error))) {
    return { status: 'failed', error: att.abortReason, transient: false };
  }
  const classify = run.o.isTransient ?? isTransientError;
  let transient = false;
  try {
    transient = classify(error);
  } catch {
    transient = false;
  }
  return { status: 'failed', error, transient };
}

function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    ((error as { name?: unknown }).name === 'AbortError' || (error as { code?: unknown }).code === 'ABORT_ERR')
  );
}

/** The whole request goes into the intent: a resume can then finish the follow-up by itself. */
function journaledFollowUp(request: FollowUpRequest): { key: string; reason: string; prompt: string; pullRequest: FollowUpRequest['pullRequest'] } {
  return { key: request.key, reason: request.reason, prompt: request.prompt, pullRequest: request.pullRequest };
}
