import type { JournalEntry, TaskResult } from '@pco/contract';

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
}

/**
 * Folds journal entries (oldest first) into per-task state. Rules:
 * - `run` with `resumed: false` starts over (earlier entries are history of another run).
 * - `intent` opens attempt N (and clears an older result: the task is running again).
 * - `created` / `status` fill the open attempt with the same number.
 * - `attempt-failed` closes it; `result` closes it too, unless `detached` (the remote run was
 *   left running and a resume re-attaches to it).
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
        t.open = { attempt: entry.attempt, idempotencyKey: entry.idempotencyKey, agent: entry.agent };
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
        break;
      }
      default:
        ignored++;
    }
  }
  return { ...(runId === undefined ? {} : { runId }), tasks, ignored };
}
