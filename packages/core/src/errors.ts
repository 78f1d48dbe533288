import { PcoError } from '@pco/graph';

/** Codes of {@link OrchestratorError}. */
export type OrchestratorErrorCode =
  /** An option is out of range or of the wrong type; `context.field` names it. */
  | 'ORCHESTRATOR_INVALID_OPTIONS'
  /** `run()` while a run is in progress, `add()` after the run ended, ... */
  | 'ORCHESTRATOR_MISUSE'
  /** The task source rejected; `cause` holds its error. */
  | 'SOURCE_LOAD_FAILED'
  /** The journal could not be loaded for a resume; `cause` holds its error. */
  | 'JOURNAL_LOAD_FAILED';

/** Misuse of the orchestrator, or a failure that prevents a run from starting. */
export class OrchestratorError extends PcoError {
  declare readonly code: OrchestratorErrorCode;
  constructor(
    code: OrchestratorErrorCode,
    message: string,
    options: { readonly cause?: unknown; readonly context?: Readonly<Record<string, unknown>> } = {},
  ) {
    super(code, message, options);
  }
}

/** The reason of `context.signal` when a task attempt ran past its timeout. */
export class TaskTimeoutError extends PcoError {
  declare readonly code: 'TASK_TIMEOUT';
  readonly taskId: string;
  readonly timeoutMs: number;
  constructor(taskId: string, attempt: number, timeoutMs: number) {
    super('TASK_TIMEOUT', `Task ${taskId} (attempt ${attempt}) timed out after ${timeoutMs} ms.`, {
      context: { taskId, attempt, timeoutMs },
    });
    this.taskId = taskId;
    this.timeoutMs = timeoutMs;
  }
}

/** How running tasks are stopped: `cancel` remote work, or `detach` from it (left running, resumable). */
export type StopMode = 'cancel' | 'detach';

/** The reason of `context.signal` when the run is stopped (`stop()` or the run's AbortSignal). */
export class RunStoppedError extends PcoError {
  declare readonly code: 'RUN_STOPPED';
  readonly mode: StopMode;
  constructor(mode: StopMode, cause?: unknown) {
    super(
      'RUN_STOPPED',
      mode === 'cancel' ? 'The run was stopped; running tasks are cancelled.' : 'The run was stopped; running tasks are detached.',
      { cause, context: { mode } },
    );
    this.mode = mode;
  }
}

/**
 * The reason of the signal a reporter gets with an update when a newer update of the same task
 * made it redundant while it was being delivered (the reporter's `canSkip` said so). Not a
 * failure: the orchestrator neither retries nor reports it.
 */
export class UpdateSupersededError extends PcoError {
  declare readonly code: 'UPDATE_SUPERSEDED';
  readonly taskId: string;
  /** The state of the update that was cut short. */
  readonly state: string;
  /** The state of the update that made it redundant. */
  readonly newer: string;
  constructor(update: { readonly task: { readonly id: string }; readonly state: string }, newer: { readonly state: string }) {
    super('UPDATE_SUPERSEDED', `The ${update.state} update of task ${update.task.id} was superseded by ${newer.state}.`, {
      context: { taskId: update.task.id, state: update.state, newer: newer.state },
    });
    this.taskId = update.task.id;
    this.state = update.state;
    this.newer = newer.state;
  }
}
