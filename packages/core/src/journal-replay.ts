import type { JournalEntry, LandingMilestone, LandingReaction, PullRequestRef, TaskResult } from '@pco/contract';

/** A follow-up as its intent journaled it. */
export interface JournaledFollowUp {
  readonly key: string;
  readonly reason: string;
  readonly prompt?: string;
  readonly pullRequest?: PullRequestRef;
}

/** An attempt that was dispatched and has no outcome yet (crash, or a detached stop). */
export interface OpenAttempt {
  readonly attempt: number;
  readonly idempotencyKey: string;
  readonly agent?: string;
  /** Set once the remote run was checkpointed. */
  readonly agentRunId?: number | string;
  readonly webUrl?: string;
  /** Last agent-side status recorded. */
  readonly status?: string;
  /** Set when the attempt is a lander's follow-up. */
  readonly followUp?: JournaledFollowUp;
  /** The latest checkpoint's note. */
  readonly note?: Readonly<Record<string, string | number | boolean>>;
}

/** How a follow-up attempt ended, as journaled. */
export interface RecordedFollowUp {
  readonly attempt: number;
  readonly outcome: 'done' | 'failed' | 'needs-input';
  readonly error?: string;
  readonly pullRequests?: readonly PullRequestRef[];
  readonly agentRunId?: number | string;
}

/** A task past its agent run, in review: what a resume continues landing from. */
export interface ReplayedLanding {
  /** The attempt whose run opened the pull requests. */
  readonly attempt: number;
  readonly pullRequests: readonly PullRequestRef[];
  /** The latest remote run on the pull request (the opening run, or the last follow-up's). */
  readonly agentRunId?: number | string;
  readonly webUrl?: string;
  /** Milestones recorded, in the order reached. */
  readonly reached: readonly LandingMilestone[];
  /** Steps and ended follow-ups, oldest first. */
  readonly reactions: readonly LandingReaction[];
  /** Ended follow-ups by key (never run again). */
  readonly followUps: ReadonlyMap<string, RecordedFollowUp>;
}

/** What a journal says about one task. */
export interface ReplayedTask {
  readonly taskId: string;
  /** Highest attempt number with an intent. */
  readonly attempts: number;
  /** Final result of the last run that finished the task (cleared when a new attempt starts). */
  readonly result?: TaskResult;
  /** The attempt to re-attach to or look up, when one is open. */
  readonly open?: OpenAttempt;
  /** Set while the task is in review (its agent run is over; its pull requests have not landed). */
  readonly landing?: ReplayedLanding;
}

/** The state a journal describes: what `orc.run({ resume: true })` continues from. */
export interface JournalReplay {
  /** Correlation id to continue (idempotency keys contain it). Undefined for an empty journal. */
  readonly runId?: string;
  readonly tasks: ReadonlyMap<string, ReplayedTask>;
  /** Entries that did not fit (e.g. `created` for an attempt that was never opened). */
  readonly ignored: number;
}

interface MutableTask {
  taskId: string;
  attempts: number;
  result?: TaskResult;
  open?: { -readonly [K in keyof OpenAttempt]: OpenAttempt[K] };
  landing?: MutableLanding;
}

interface MutableLanding {
  attempt: number;
  pullRequests: readonly PullRequestRef[];
  agentRunId?: number | string;
  webUrl?: string;
  reached: LandingMilestone[];
  reactions: LandingReaction[];
  followUps: Map<string, RecordedFollowUp>;
}

/**
 * Folds journal entries (oldest first) into per-task state. Rules:
 * - `run` with `resumed: false` starts over (earlier entries are history of another run).
 * - `intent` opens attempt N (and clears an older result: the task is running again); the same
 *   attempt's intent again (an open attempt re-dispatched by a resume) keeps its run.
 * - `created` / `status` fill the open attempt with the same number.
 * - `attempt-failed` closes it; `result` closes it too, unless `detached` (the remote run was
 *   left running and a resume re-attaches to it).
 * - `review` closes the attempt that opened pull requests and starts the task's landing; an
 *   `intent` that is not a follow-up (the task runs afresh) or a `done`, `failed` or `skipped`
 *   result ends it; `interrupted` and `needs-input` results keep it (a resume lands again).
 * - `milestone`, `step` and `follow-up` add to the landing; `follow-up` closes its attempt.
 * Used by the orchestrator on resume, and by `pco status` / `pco export` to read a journal.
 */
export function replayJournal(entries: Iterable<JournalEntry>): JournalReplay {
  let runId: string | undefined;
  let tasks = new Map<string, MutableTask>();
  let ignored = 0;
  const task = (taskId: string): MutableTask => {
    let found = tasks.get(taskId);
    if (found === undefined) {
      found = { taskId, attempts: 0 };
      tasks.set(taskId, found);
    }
    return found;
  };
  for (const entry of entries) {
    switch (entry.type) {
      case 'run':
        if (!entry.resumed) tasks = new Map();
        runId = entry.runId;
        break;
      case 'intent': {
        const t = task(entry.taskId);
        t.attempts = Math.max(t.attempts, entry.attempt);
        t.result = undefined;
        // The same attempt dispatched again (a resume re-attaching to it) keeps what an earlier
        // process recorded of its remote run: a second crash must not forget the run.
        const same = t.open?.attempt === entry.attempt ? t.open : undefined;
        t.open = { attempt: entry.attempt, idempotencyKey: entry.idempotencyKey, agent: entry.agent };
        if (same?.agentRunId !== undefined) t.open.agentRunId = same.agentRunId;
        if (same?.webUrl !== undefined) t.open.webUrl = same.webUrl;
        if (same?.status !== undefined) t.open.status = same.status;
        if (same?.note !== undefined) t.open.note = same.note;
        if (entry.followUp !== undefined) t.open.followUp = entry.followUp;
        else if (same === undefined) t.landing = undefined;
        break;
      }
      case 'created': {
        const t = tasks.get(entry.taskId);
        if (t?.open?.attempt !== entry.attempt) {
          ignored++;
          break;
        }
        t.open.agentRunId = entry.agentRunId;
        if (entry.webUrl !== undefined) t.open.webUrl = entry.webUrl;
        t.open.note = entry.note;
        break;
      }
      case 'status': {
        const t = tasks.get(entry.taskId);
        if (t?.open?.attempt !== entry.attempt) {
          ignored++;
          break;
        }
        t.open.status = entry.status;
        break;
      }
      case 'attempt-failed': {
        const t = tasks.get(entry.taskId);
        if (t?.open?.attempt === entry.attempt) t.open = undefined;
        else ignored++;
        break;
      }
      case 'result': {
        const t = task(entry.result.id);
        t.result = entry.result;
        t.attempts = Math.max(t.attempts, entry.result.attempts);
        if (!entry.detached) t.open = undefined;
        const state = entry.result.state;
        if (state !== 'interrupted' && state !== 'needs-input') t.landing = undefined;
        break;
      }
      case 'review': {
        const t = task(entry.taskId);
        if (t.open?.attempt === entry.attempt) t.open = undefined;
        t.attempts = Math.max(t.attempts, entry.attempt);
        t.landing = {
          attempt: entry.attempt,
          pullRequests: entry.pullRequests,
          ...(entry.agentRunId === undefined ? {} : { agentRunId: entry.agentRunId }),
          ...(entry.webUrl === undefined ? {} : { webUrl: entry.webUrl }),
          reached: ['run-complete'],
          reactions: [],
          followUps: new Map(),
        };
        break;
      }
      case 'milestone': {
        const landing = tasks.get(entry.taskId)?.landing;
        if (landing === undefined) ignored++;
        else if (!landing.reached.includes(entry.milestone)) landing.reached.push(entry.milestone);
        break;
      }
      case 'step': {
        const landing = tasks.get(entry.taskId)?.landing;
        if (landing === undefined) ignored++;
        else landing.reactions.push({ key: entry.key, kind: 'step', at: entry.at, ...(entry.data === undefined ? {} : { data: entry.data }) });
        break;
      }
      case 'follow-up': {
        const t = tasks.get(entry.taskId);
        const landing = t?.landing;
        if (t === undefined || landing === undefined) {
          ignored++;
          break;
        }
        if (t.open?.attempt === entry.attempt) t.open = undefined;
        landing.followUps.set(entry.key, {
          attempt: entry.attempt,
          outcome: entry.outcome,
          ...(entry.error === undefined ? {} : { error: entry.error }),
          ...(entry.pullRequests === undefined ? {} : { pullRequests: entry.pullRequests }),
          ...(entry.agentRunId === undefined ? {} : { agentRunId: entry.agentRunId }),
        });
        if (entry.outcome === 'done' && entry.agentRunId !== undefined) landing.agentRunId = entry.agentRunId;
        landing.reactions.push({ key: entry.key, kind: 'follow-up', at: entry.at, outcome: entry.outcome });
        break;
      }
      default:
        ignored++;
    }
  }
  return { ...(runId === undefined ? {} : { runId }), tasks, ignored };
}
