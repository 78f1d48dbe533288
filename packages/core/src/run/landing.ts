// The stage after the agent run (the `landing` option): a task whose run opened pull requests is
// `in-review` while its lander watches them, without an agent slot; its dependents start at the
// configured milestone; it ends done when the change landed. Every milestone, step and follow-up
// is journaled, so a resume lands the task again from where it was. Not public API.
import {
  LANDING_MILESTONES,
  RunStoppedError,
  type ExecutorOutcome,
  type FollowUpRequest,
  type LandingContext,
  type LandingMilestone,
  type LandingOutcome,
  type LandingReaction,
  type PullRequestRef,
  type ReviewUpdate,
  type TaskLanding,
} from '@pco/contract';
import { isoTimestamp } from '../iso-timestamp.js';
import type { OpenAttempt, RecordedFollowUp, ReplayedLanding } from '../journal-replay.js';
import { requestFollowUp } from './follow-ups.js';
import { commit } from './journal-commits.js';
import { notify } from './reporting.js';
import type { Run } from './run.js';
import type { TaskRecord } from './task-record.js';
import { finishDone, finishFailed, finishInterrupted, markReady } from './terminal.js';

/** A task's landing: what its lander has done and what the run must know of it. */
export class Landing {
  readonly controller = new AbortController();
  pullRequests: readonly PullRequestRef[];
  agentRunId: number | string | undefined;
  readonly since: number;
  /** Milestones reached, in order (`run-complete` first). */
  readonly reached: LandingMilestone[];
  readonly reactions: LandingReaction[];
  readonly followUps: Map<string, RecordedFollowUp>;
  /** Follow-ups asked for and not ended yet, by key (a second ask gets the same promise). */
  readonly inflight = new Map<string, Promise<ExecutorOutcome>>();
  /** From the journal on resume: a follow-up attempt an earlier process dispatched. */
  openFollowUp: OpenAttempt | undefined = undefined;
  /** Dependents were released in the ready queue (the task's node is done there). */
  released = false;
  review: ReviewUpdate | undefined = undefined;
  needsHuman = false;
  settled = false;
  outcome: TaskLanding['state'] | undefined = undefined;
  landedAt: number | undefined = undefined;
  graceTimer: unknown = undefined;

  constructor(pullRequests: readonly PullRequestRef[], agentRunId: number | string | undefined, since: number, before?: ReplayedLanding) {
    this.pullRequests = pullRequests;
    this.agentRunId = agentRunId;
    this.since = since;
    this.reached = before ? [...before.reached] : ['run-complete'];
    this.reactions = before ? [...before.reactions] : [];
    this.followUps = before ? new Map(before.followUps) : new Map();
  }

  /** Rank of the furthest milestone reached. */
  get rank(): number {
    return landingRank(this.reached);
  }

  /** As results carry it. */
  toResult(): TaskLanding {
    return {
      state: this.outcome ?? 'in-review',
      ...(this.review === undefined ? {} : { review: this.review.status }),
      ...(this.review?.message === undefined ? {} : { message: this.review.message }),
      ...(this.landedAt === undefined ? {} : { landedAt: isoTimestamp(this.landedAt) }),
      reactions: this.reactions.length,
      reached: [...this.reached],
    };
  }
}

/** Rank (index in LANDING_MILESTONES) of the furthest of `reached`; 0 for none. */
export function landingRank(reached: readonly LandingMilestone[]): number {
  let rank = 0;
  for (const m of reached) rank = Math.max(rank, LANDING_MILESTONES.indexOf(m));
  return rank;
}

/** The agent run ended done with pull requests: the task goes into review (its slot is free already). */
export function enterReview(run: Run, r: TaskRecord, attempt: number, pullRequests: readonly PullRequestRef[]): void {
  const x = r.x;
  const landing = new Landing(pullRequests, x.agentRunId, run.o.clock.now());
  x.landing = landing;
  x.pullRequests = pullRequests;
  begin(run, r, landing);
  run.commits++;
  void commit(run, {
    type: 'review',
    runId: run.runId,
    taskId: r.task.id,
    attempt,
    pullRequests,
    ...(x.agentRunId === undefined ? {} : { agentRunId: x.agentRunId }),
    ...(x.webUrl === undefined ? {} : { webUrl: x.webUrl }),
    at: landing.since,
  }).then(() => {
    run.commits--;
    releaseIfReached(run, r, landing);
    startLander(run, r, landing);
    run.pump();
    run.maybeFinish();
  });
}

/** A resumed journal shows the task in review: it lands again (its node is taken from the queue already). */
export function resumeLanding(run: Run, r: TaskRecord): void {
  const x = r.x;
  const before = x.landingBefore!;
  x.landingBefore = undefined;
  x.pullRequests = before.pullRequests;
  if (before.agentRunId !== undefined) x.agentRunId = before.agentRunId;
  if (before.webUrl !== undefined) x.webUrl = before.webUrl;
  const landing = new Landing(before.pullRequests, before.agentRunId, run.o.clock.now(), before);
  if (x.open?.followUp !== undefined) landing.openFollowUp = x.open;
  x.open = undefined;
  x.landing = landing;
  r.firstStartedAt ??= landing.since;
  begin(run, r, landing);
  releaseIfReached(run, r, landing);
  finishOpenFollowUp(run, r, landing);
  startLander(run, r, landing);
}

/**
 * A follow-up an earlier process dispatched and did not see end is finished first (re-attached,
 * or sent if it never was), whether or not the lander asks for it again: its outcome is then
 * journaled like any other, and the lander asking for the key gets it.
 */
function finishOpenFollowUp(run: Run, r: TaskRecord, landing: Landing): void {
  const open = landing.openFollowUp?.followUp;
  if (open?.prompt === undefined || open.pullRequest === undefined) return;
  requestFollowUp(run, r, { key: open.key, reason: open.reason, prompt: open.prompt, pullRequest: open.pullRequest }).catch(() => {
    // Stopped before it ended: the intent stays open for the next resume.
  });
}

function begin(run: Run, r: TaskRecord, landing: Landing): void {
  run.setState(r, 'in-review');
  run.landing.add(r);
  if (run.events.wants('task:review')) run.events.emit('task:review', { ...run.taskBase(r, r.attempts), pullRequests: landing.pullRequests });
  notify(run, r, 'in-review');
}

/** Dependents start once the task reached the configured milestone. */
function releaseIfReached(run: Run, r: TaskRecord, landing: Landing): boolean {
  if (landing.released || landing.rank < run.o.releaseRank) return false;
  landing.released = true;
  const released = run.queue!.doneNodes(r.id);
  for (let i = 0; i < released.length; i++) if (released[i]!.state === 'pending') markReady(run, released[i]!);
  return true;
}

function startLander(run: Run, r: TaskRecord, landing: Landing): void {
  if (landing.settled) return;
  if (run.stopping) {
    landingSettled(run, r, undefined);
    return;
  }
  let promise: Promise<LandingOutcome>;
  try {
    promise = run.o.lander!.land(r.task, new RunLandingContext(run, r, landing));
  } catch (error) {
    promise = Promise.reject(error);
  }
  promise.then(
    (outcome) => landingSettled(run, r, validLanding(run, outcome)),
    (error: unknown) =>
      landingSettled(run, r, run.stopping ? undefined : { status: 'failed', reason: `the lander failed: ${run.events.message(error)}` })
  );
}

/** The lander's outcome (undefined: interrupted by a stop). */
function landingSettled(run: Run, r: TaskRecord, outcome: LandingOutcome | undefined): void {
  const landing = r.x.landing!;
  if (landing.settled) return;
  landing.settled = true;
  run.landing.delete(r);
  if (landing.graceTimer !== undefined) run.o.timers.clearTimeout(landing.graceTimer);
  const events = run.events;
  if (outcome === undefined) {
    const mode = run.stopping ?? 'detach';
    r.x.error = `Interrupted in review: the run was stopped (${mode}); a resume watches the pull requests again.`;
    finishInterrupted(run, r, mode, false);
  } else if (outcome.status === 'landed') {
    landing.outcome = 'landed';
    landing.landedAt = typeof outcome.mergedAt === 'number' ? outcome.mergedAt : run.o.clock.now();
    if (!landing.reached.includes('merged')) landing.reached.push('merged');
    if (Array.isArray(outcome.pullRequests) && outcome.pullRequests.length > 0) r.x.pullRequests = outcome.pullRequests;
    if (typeof outcome.summary === 'string') r.x.summary = outcome.summary;
    r.x.error = undefined;
    finishDone(run, r, landing.since);
  } else if (outcome.status === 'needs-input') {
    landing.outcome = 'needs-human';
    const reason = events.redact(outcome.reason);
    r.x.error = `Needs input: ${reason}`;
    // Its dependents are not skipped: they wait (the node stays running in the queue) and a
    // resume releases them once a human lands the pull request.
    if (!landing.released) run.humanWait++;
    finishFailed(run, r, 'needs-input', reason, false);
  } else {
    landing.outcome = 'closed';
    const reason = events.redact(outcome.reason);
    r.x.error = reason;
    finishFailed(run, r, 'failed', reason, !landing.released);
  }
  run.pump();
  run.maybeFinish();
}

function validLanding(run: Run, outcome: unknown): LandingOutcome {
  const status = typeof outcome === 'object' && outcome !== null ? (outcome as { status?: unknown }).status : undefined;
  if (status === 'landed') return outcome as LandingOutcome;
  if (status === 'failed' || status === 'needs-input') {
    const reason = (outcome as { reason?: unknown }).reason;
    return { status, reason: typeof reason === 'string' ? reason : `the lander returned ${status} without a reason` };
  }
  return { status: 'failed', reason: `the lander returned an invalid outcome (expected { status: 'landed' | 'failed' | 'needs-input' }): ${run.events.message(String(status))}` };
}

/**
 * Stops a task's landing (stop or halt): its lander's signal aborts; one that has not settled
 * `abortGraceMs` later is reported and the task interrupted without it.
 */
export function abortLanding(run: Run, r: TaskRecord, reason: RunStoppedError): void {
  const landing = r.x.landing!;
  if (landing.settled || landing.controller.signal.aborted) return;
  landing.controller.abort(reason);
  landing.graceTimer = run.o.timers.setTimeout(() => {
    landing.graceTimer = undefined;
    run.events.reportError('lander', new Error(`the lander did not settle task ${r.task.id} within ${run.o.abortGraceMs} ms of its abort`), {
      taskId: r.task.id,
    });
    landingSettled(run, r, undefined);
  }, run.o.abortGraceMs);
}

/**
 * Aborts the run's `idle` signal when nothing can move without a human: no attempt runs or
 * waits, nothing is ready, and every lander waits for a person.
 */
export function checkIdle(run: Run): void {
  if (run.landing.size === 0 || run.idleController?.signal.aborted) return;
  if (run.active > 0 || run.followUps.length > 0 || run.retrying.size > 0 || run.commits > 0) return;
  if (run.queue?.peek() !== undefined) return;
  for (const r of run.landing) if (!r._x!.landing!.needsHuman) return;
  (run.idleController ??= new AbortController()).abort();
}

/** The lander's view of one task's landing. */
class RunLandingContext implements LandingContext {
  readonly #run: Run;
  readonly #r: TaskRecord;
  readonly #landing: Landing;

  constructor(run: Run, r: TaskRecord, landing: Landing) {
    this.#run = run;
    this.#r = r;
    this.#landing = landing;
  }
  get signal(): AbortSignal {
    return this.#landing.controller.signal;
  }
  get idle(): AbortSignal {
    return (this.#run.idleController ??= new AbortController()).signal;
  }
  get runId(): string {
    return this.#run.runId;
  }
  get pullRequests(): readonly PullRequestRef[] {
    return this.#landing.pullRequests;
  }
  get agentRunId(): number | string | undefined {
    return this.#landing.agentRunId;
  }
  get reactions(): readonly LandingReaction[] {
    return [...this.#landing.reactions];
  }
  get reached(): ReadonlySet<LandingMilestone> {
    return new Set(this.#landing.reached);
  }
  get dependentsStartWhen(): LandingMilestone {
    return LANDING_MILESTONES[this.#run.o.releaseRank]!;
  }
  milestone(milestone: LandingMilestone): Promise<void> {
    if (!LANDING_MILESTONES.includes(milestone)) {
      return Promise.reject(new TypeError(`milestone() needs one of ${LANDING_MILESTONES.join(', ')}, got ${String(milestone)}`));
    }
    return reachMilestone(this.#run, this.#r, this.#landing, milestone);
  }
  review(update: ReviewUpdate): void {
    try {
      reportReview(this.#run, this.#r, this.#landing, update);
    } catch {
      // Reporting a review status must never throw into the lander.
    }
  }
  step(key: string, data?: Readonly<Record<string, unknown>>): Promise<void> {
    if (typeof key !== 'string' || key === '') return Promise.reject(new TypeError('step() needs a non-empty key'));
    return recordStep(this.#run, this.#r, this.#landing, key, data);
  }
  followUp(request: FollowUpRequest): Promise<ExecutorOutcome> {
    return requestFollowUp(this.#run, this.#r, request);
  }
}

async function reachMilestone(run: Run, r: TaskRecord, landing: Landing, milestone: LandingMilestone): Promise<void> {
  if (landing.settled || landing.reached.includes(milestone)) return;
  landing.reached.push(milestone);
  run.commits++;
  await commit(run, { type: 'milestone', runId: run.runId, taskId: r.task.id, milestone, at: run.o.clock.now() });
  run.commits--;
  const released = !landing.settled && releaseIfReached(run, r, landing);
  if (run.events.wants('task:milestone')) run.events.emit('task:milestone', { ...run.taskBase(r, r.attempts), milestone, released });
  if (r.state === 'in-review') notify(run, r, 'in-review');
  run.pump();
  run.maybeFinish();
}

function reportReview(run: Run, r: TaskRecord, landing: Landing, update: ReviewUpdate): void {
  if (landing.settled || typeof update?.status !== 'string') return;
  const redact = run.events.redact;
  landing.review = {
    status: update.status,
    ...(typeof update.message === 'string' ? { message: redact(update.message) } : {}),
    ...(update.pullRequest === undefined ? {} : { pullRequest: update.pullRequest }),
    ...(update.detail === undefined ? {} : { detail: update.detail }),
  };
  landing.needsHuman = update.status === 'needs-human';
  if (run.events.wants('task:review')) {
    run.events.emit('task:review', { ...run.taskBase(r, r.attempts), pullRequests: landing.pullRequests, review: landing.review });
  }
  if (r.state === 'in-review') notify(run, r, 'in-review');
  if (landing.needsHuman) checkIdle(run);
}

function recordStep(run: Run, r: TaskRecord, landing: Landing, key: string, data: Readonly<Record<string, unknown>> | undefined): Promise<void> {
  const at = run.o.clock.now();
  landing.reactions.push({ key, kind: 'step', at, ...(data === undefined ? {} : { data }) });
  if (run.events.wants('task:step')) run.events.emit('task:step', { ...run.taskBase(r, r.attempts), key, ...(data === undefined ? {} : { data }) });
  return commit(run, { type: 'step', runId: run.runId, taskId: r.task.id, key, ...(data === undefined ? {} : { data }), at });
}

/** A stop: every landing is aborted (see abortLanding). */
export function abortLandings(run: Run, mode: RunStoppedError['mode']): void {
  for (const r of [...run.landing]) abortLanding(run, r, new RunStoppedError(mode));
}
