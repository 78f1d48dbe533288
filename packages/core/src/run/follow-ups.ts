// Follow-ups a lander asks of the agent on a task's pull request: each runs as one more attempt
// of the task (an agent slot, the intent journaled first, the executor with `context.followUp`),
// ahead of tasks that have not started, and at most once per key, also across a crash and resume.
// Not public API.
import {
  findCredentialsRejected,
  RunStoppedError,
  type ExecutorOutcome,
  type FollowUpRequest,
  type PreviousAttempt,
  type PullRequestRef,
} from '@pco/contract';
import type { ReleaseOutcome } from '@pco/pool';
import type { RecordedFollowUp } from '../journal-replay.js';
import { commit } from './journal-commits.js';
import { notify } from './reporting.js';
import type { Run } from './run.js';
import type { Attempt, TaskRecord } from './task-record.js';

/** A follow-up waiting for an agent slot (or running: see Attempt.followUp). */
export interface PendingFollowUp {
  readonly record: TaskRecord;
  readonly request: FollowUpRequest;
  readonly resolve: (outcome: ExecutorOutcome) => void;
  readonly reject: (reason: unknown) => void;
  /** Set when it continues an attempt an earlier process dispatched (resume). */
  readonly resumed?: { readonly attempt: number; readonly idempotencyKey: string; readonly previous: PreviousAttempt };
}

/** See LandingContext.followUp. */
export function requestFollowUp(run: Run, r: TaskRecord, request: FollowUpRequest): Promise<ExecutorOutcome> {
  const landing = r._x?.landing;
  if (landing === undefined || landing.settled) return Promise.reject(new Error(`task ${r.task.id} is not in review`));
  const problem = requestProblem(request);
  if (problem !== undefined) return Promise.reject(new TypeError(`followUp(): ${problem}`));
  if (run.stopping) return Promise.reject(new RunStoppedError(run.stopping));
  const recorded = landing.followUps.get(request.key);
  if (recorded !== undefined) return Promise.resolve(outcomeOf(recorded));
  const inflight = landing.inflight.get(request.key);
  if (inflight !== undefined) return inflight;
  const open = landing.openFollowUp;
  let resumed: PendingFollowUp['resumed'];
  if (open?.followUp?.key === request.key) {
    landing.openFollowUp = undefined;
    resumed = {
      attempt: open.attempt,
      idempotencyKey: open.idempotencyKey,
      previous: {
        ...(open.agentRunId === undefined ? {} : { agentRunId: open.agentRunId }),
        ...(open.webUrl === undefined ? {} : { webUrl: open.webUrl }),
        ...(open.status === undefined ? {} : { status: open.status }),
        ...(open.note === undefined ? {} : { note: open.note }),
      },
    };
  }
  const promise = new Promise<ExecutorOutcome>((resolve, reject) => {
    enqueue(run, { record: r, request, resolve, reject, ...(resumed === undefined ? {} : { resumed }) });
  });
  landing.inflight.set(request.key, promise);
  const forget = (): void => {
    landing.inflight.delete(request.key);
  };
  promise.then(forget, forget);
  run.pump();
  return promise;
}

function requestProblem(request: FollowUpRequest): string | undefined {
  if (typeof request !== 'object' || request === null) return 'expected { key, reason, prompt, pullRequest }';
  if (typeof request.key !== 'string' || request.key === '') return 'key: expected a non-empty string';
  if (typeof request.reason !== 'string' || request.reason === '') return 'reason: expected a non-empty string';
  if (typeof request.prompt !== 'string' || request.prompt === '') return 'prompt: expected a non-empty string';
  if (typeof request.pullRequest?.url !== 'string') return 'pullRequest.url: expected a string';
  return undefined;
}

function outcomeOf(recorded: RecordedFollowUp): ExecutorOutcome {
  const base = recorded.agentRunId === undefined ? {} : { agentRunId: recorded.agentRunId };
  if (recorded.outcome === 'done') return { ...base, status: 'done', ...(recorded.pullRequests === undefined ? {} : { pullRequests: recorded.pullRequests }) };
  if (recorded.outcome === 'needs-input') return { ...base, status: 'needs-input', reason: recorded.error ?? 'the agent needs input' };
  return { ...base, status: 'failed', error: new Error(recorded.error ?? 'the follow-up failed'), transient: false };
}

/** Follow-ups wait in the order of their task's remaining critical path (longest first). */
function enqueue(run: Run, pending: PendingFollowUp): void {
  const list = run.followUps;
  const priority = priorityOf(run, pending.record);
  let i = list.length;
  while (i > 0 && priorityOf(run, list[i - 1]!.record) < priority) i--;
  list.splice(i, 0, pending);
}

function priorityOf(run: Run, r: TaskRecord): number {
  const queue = run.queue;
  return queue?.has(r.task.id) ? queue.priority(r.task.id) : 0;
}

/** A stop: follow-ups still waiting for a slot are refused with the stop's reason. */
export function rejectFollowUps(run: Run, mode: RunStoppedError['mode']): void {
  const waiting = run.followUps.splice(0);
  for (const pending of waiting) pending.reject(new RunStoppedError(mode));
}

/**
 * A follow-up attempt's outcome is decided: the slot is freed, the outcome journaled (its key is
 * never run again), and the lander's promise resolved. A stop or refused credentials reject it
 * instead and leave the attempt open in the journal, so a resume re-attaches to its remote run.
 */
export function settleFollowUp(run: Run, att: Attempt, outcome: ExecutorOutcome, stopped: boolean, release: (outcome: ReleaseOutcome) => void): void {
  const r = att.record;
  const pending = att.followUp!;
  const landing = r.x.landing!;
  const key = pending.request.key;
  if (r.state === 'running') run.setState(r, 'in-review');
  const refused = outcome.status === 'failed' ? findCredentialsRejected(outcome.error) : undefined;
  if (stopped || refused !== undefined) {
    release('neutral');
    pending.reject(refused ?? att.abortReason ?? new RunStoppedError(run.stopping ?? 'detach'));
    if (refused !== undefined) run.halt(refused, 'executor', r.task.id);
    return;
  }
  release(outcome.status === 'done' ? 'success' : outcome.status === 'failed' ? 'failure' : 'neutral');
  const events = run.events;
  const error =
    outcome.status === 'failed' ? events.message(outcome.error) : outcome.status === 'needs-input' ? events.redact(outcome.reason) : undefined;
  const pullRequests: readonly PullRequestRef[] | undefined = outcome.status === 'done' ? outcome.pullRequests : undefined;
  const agentRunId = outcome.agentRunId ?? r._x?.agentRunId;
  const recorded: RecordedFollowUp = {
    attempt: att.number,
    outcome: outcome.status,
    ...(error === undefined ? {} : { error }),
    ...(pullRequests === undefined ? {} : { pullRequests }),
    ...(agentRunId === undefined ? {} : { agentRunId }),
  };
  const at = run.o.clock.now();
  landing.followUps.set(key, recorded);
  landing.reactions.push({ key, kind: 'follow-up', at, outcome: outcome.status });
  if (outcome.status === 'done' && agentRunId !== undefined) landing.agentRunId = agentRunId;
  if (events.wants('task:follow-up')) {
    events.emit('task:follow-up', {
      ...run.taskBase(r, att.number),
      key,
      reason: pending.request.reason,
      outcome: outcome.status,
      ...(error === undefined ? {} : { error }),
    });
  }
  notify(run, r, 'in-review');
  run.commits++;
  void commit(run, { type: 'follow-up', runId: run.runId, taskId: r.task.id, attempt: att.number, key, ...recordedFields(recorded), at }).then(() => {
    run.commits--;
    pending.resolve(outcome);
    run.pump();
    run.maybeFinish();
  });
}

function recordedFields(recorded: RecordedFollowUp): Omit<RecordedFollowUp, 'attempt'> {
  const { attempt: _attempt, ...rest } = recorded;
  return rest;
}
