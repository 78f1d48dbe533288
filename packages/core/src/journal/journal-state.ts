import type { TaskState } from '../types.js';
import type {
  EndRecord,
  HeaderRecord,
  JournaledTaskResult,
  JournalRecord,
  JournalWarning,
  PlannedTask,
  SessionRecord,
} from './types.js';

/** One attempt of a task, as far as the journal knows it. */
export interface JournalAttempt {
  readonly attempt: number;
  /** Idempotency key of the attempt (from its intent). */
  key?: string;
  intentAt?: string;
  /** Remote run id, once the run was created (or found by its key). */
  runId?: number | string;
  webUrl?: string;
  /** Last agent-side status seen (e.g. `ACTIVE`). */
  agentStatus?: string;
  /** True once the attempt is over: a result, or a state change that ends it (retrying, failed...). */
  closed: boolean;
}

/** Everything the journal knows about one task. */
export interface JournalTaskState {
  readonly id: string;
  /** Last orchestrator state recorded (`pending` when only planned). */
  state: TaskState;
  /** Highest attempt number started. */
  attempts: number;
  agent?: string;
  /** Last agent-side status. */
  agentStatus?: string;
  /** Attempts by number. */
  readonly attemptLog: Map<number, JournalAttempt>;
  /** Last result record (terminal state of a session). */
  result?: JournaledTaskResult;
  /** Task description from the latest `tasks` record that named it. */
  planned?: PlannedTask;
  /** Time of the last record about the task. */
  updatedAt?: string;
}

/** The resume state a journal's records reduce to. */
export interface JournalState {
  readonly header: HeaderRecord | undefined;
  readonly sessions: readonly SessionRecord[];
  /** Tasks in first-seen order. */
  readonly tasks: ReadonlyMap<string, JournalTaskState>;
  /** End record of the last session, if it ended (an unfinished last session crashed or was killed). */
  readonly lastEnd: EndRecord | undefined;
  /** True when the last session has no end record. */
  readonly unfinishedSession: boolean;
  readonly warnings: readonly JournalWarning[];
  /** Sequence number of the last record. */
  readonly lastSeq: number;
}

/** Task states after which an attempt's remote run is over. */
const ATTEMPT_ENDING: ReadonlySet<TaskState> = new Set(['retrying', 'done', 'failed', 'skipped']);

/** Mutable reducer behind {@link reduceJournal}; the live journal keeps one and feeds it each append. */
export class JournalStateBuilder {
  header: HeaderRecord | undefined;
  readonly sessions: SessionRecord[] = [];
  readonly tasks = new Map<string, JournalTaskState>();
  lastEnd: EndRecord | undefined;
  warnings: JournalWarning[] = [];
  lastSeq = 0;
  #endedSession = true;

  apply(record: JournalRecord): void {
    this.lastSeq = record.seq;
    switch (record.t) {
      case 'header':
        this.header ??= record;
        return;
      case 'session':
        this.sessions.push(record);
        this.#endedSession = false;
        return;
      case 'end':
        this.lastEnd = record;
        this.#endedSession = true;
        return;
      case 'tasks':
        for (const planned of record.tasks) {
          const task = this.#task(planned.id, record.at);
          task.planned = planned;
        }
        return;
      case 'intent': {
        const task = this.#task(record.task, record.at);
        const attempt = this.#attempt(task, record.attempt);
        attempt.key = record.key;
        attempt.intentAt = record.at;
        task.attempts = Math.max(task.attempts, record.attempt);
        task.state = 'running';
        return;
      }
      case 'run': {
        const task = this.#task(record.task, record.at);
        const attempt = this.#attempt(task, record.attempt);
        attempt.runId = record.runId;
        if (record.key !== undefined) attempt.key ??= record.key;
        if (record.webUrl !== undefined) attempt.webUrl = record.webUrl;
        task.attempts = Math.max(task.attempts, record.attempt);
        return;
      }
      case 'status': {
        const task = this.#task(record.task, record.at);
        if (record.agent !== undefined) task.agent = record.agent;
        if (record.attempt > 0) task.attempts = Math.max(task.attempts, record.attempt);
        const attempt = record.attempt > 0 ? this.#attempt(task, record.attempt) : undefined;
        if (record.agentStatus !== undefined) {
          task.agentStatus = record.agentStatus;
          if (attempt) attempt.agentStatus = record.agentStatus;
        }
        if (record.state !== undefined) {
          task.state = record.state;
          if (attempt && ATTEMPT_ENDING.has(record.state)) attempt.closed = true;
        }
        return;
      }
      case 'result': {
        const task = this.#task(record.task, record.at);
        task.result = record.result;
        task.state = record.result.state;
        task.attempts = Math.max(task.attempts, record.result.attempts);
        if (record.result.agent !== undefined) task.agent = record.result.agent;
        // An interrupted or paused attempt keeps its remote run alive: resume re-attaches to it.
        if (record.result.state !== 'interrupted' && record.result.state !== 'needs-input') {
          for (const attempt of task.attemptLog.values()) attempt.closed = true;
        }
        const last = task.attemptLog.get(record.result.attempts);
        if (last && record.result.runId !== undefined) last.runId ??= record.result.runId;
        return;
      }
    }
  }

  snapshot(): JournalState {
    return {
      header: this.header,
      sessions: this.sessions,
      tasks: this.tasks,
      lastEnd: this.lastEnd,
      unfinishedSession: !this.#endedSession,
      warnings: this.warnings,
      lastSeq: this.lastSeq,
    };
  }

  #task(id: string, at: string): JournalTaskState {
    let task = this.tasks.get(id);
    if (!task) {
      task = { id, state: 'pending', attempts: 0, attemptLog: new Map() };
      this.tasks.set(id, task);
    }
    task.updatedAt = at;
    return task;
  }

  #attempt(task: JournalTaskState, number: number): JournalAttempt {
    let attempt = task.attemptLog.get(number);
    if (!attempt) {
      attempt = { attempt: number, closed: false };
      task.attemptLog.set(number, attempt);
      // A new attempt ends every earlier one.
      for (const earlier of task.attemptLog.values()) if (earlier.attempt < number) earlier.closed = true;
    }
    return attempt;
  }
}

/** Reduces records (in order) to the journal's state. */
export function reduceJournal(records: Iterable<JournalRecord>, warnings: readonly JournalWarning[] = []): JournalState {
  const builder = new JournalStateBuilder();
  builder.warnings = [...warnings];
  for (const record of records) builder.apply(record);
  return builder.snapshot();
}

/** What resume must do for one task. */
export type ResumeAction =
  /** Finished in an earlier session: do not run; report this result. */
  | { readonly kind: 'completed'; readonly task: string; readonly result: JournaledTaskResult }
  /** A run exists for the open attempt: wait for it (no new run). */
  | {
      readonly kind: 'reattach';
      readonly task: string;
      readonly attempt: number;
      readonly runId: number | string;
      readonly key: string | undefined;
      readonly webUrl: string | undefined;
    }
  /**
   * An intent was recorded but no run id: the process died around the create call. Look the
   * key up on the remote; re-attach if found, else create with this same attempt and key.
   */
  | { readonly kind: 'lookup'; readonly task: string; readonly attempt: number; readonly key: string; readonly intentAt: string | undefined }
  /** Nothing is running for it: start attempt `nextAttempt` when its turn comes. */
  | { readonly kind: 'start'; readonly task: string; readonly nextAttempt: number };

export interface ResumePlanOptions {
  /**
   * Run tasks that failed in an earlier session again (with a new attempt number).
   * @default false
   */
  readonly retryFailed?: boolean;
}

/**
 * Decides, per task, how a resumed run continues: `completed` tasks (done, or failed unless
 * `retryFailed`) are not run again; `reattach` tasks have a live remote run; `lookup` tasks have
 * an intent without a run id; everything else `start`s. Skipped and interrupted tasks are
 * reconsidered (their reason may be gone).
 */
export function planResume(state: JournalState, options: ResumePlanOptions = {}): Map<string, ResumeAction> {
  const actions = new Map<string, ResumeAction>();
  for (const task of state.tasks.values()) actions.set(task.id, resumeActionFor(task, options));
  return actions;
}

/** {@link planResume} for one task. */
export function resumeActionFor(task: JournalTaskState, options: ResumePlanOptions = {}): ResumeAction {
  const result = task.result;
  if (result && (result.state === 'done' || (result.state === 'failed' && !options.retryFailed))) {
    return { kind: 'completed', task: task.id, result };
  }
  const open = [...task.attemptLog.values()].filter((attempt) => !attempt.closed).sort((a, b) => b.attempt - a.attempt)[0];
  if (open && open.attempt === task.attempts) {
    if (open.runId !== undefined) {
      return { kind: 'reattach', task: task.id, attempt: open.attempt, runId: open.runId, key: open.key, webUrl: open.webUrl };
    }
    if (open.key !== undefined) {
      return { kind: 'lookup', task: task.id, attempt: open.attempt, key: open.key, intentAt: open.intentAt };
    }
  }
  return { kind: 'start', task: task.id, nextAttempt: task.attempts + 1 };
}
