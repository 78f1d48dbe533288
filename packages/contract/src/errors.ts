import { createRedactor, REDACTED } from './redact.js';

/**
 * The one base class of every error pco throws. Subclasses are flat (one level below this), carry
 * a stable machine-readable `code`, readonly `context` and the underlying `cause`.
 *
 * It lives in @pco/contract, the package every other pco package builds on.
 */
export class PcoError extends Error {
  /** Stable machine-readable code, e.g. `GRAPH_INVALID`, `CODEGEN_API`. */
  readonly code: string;
  /** Structured details; never holds a secret. */
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    options: { readonly cause?: unknown; readonly context?: Readonly<Record<string, unknown>> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.context = Object.freeze({ ...(options.context ?? {}) });
  }
}

/** True when `value` is a {@link PcoError} (also across duplicated package copies). */
export function isPcoError(value: unknown): value is PcoError {
  return (
    value instanceof PcoError ||
    (value instanceof Error && typeof (value as { code?: unknown }).code === 'string' && 'context' in value)
  );
}

/** Which credential an API refused: `github`, `codegen`, or another service's name. */
export type CredentialService = 'github' | 'codegen' | (string & {});

/**
 * An API refused the credentials (HTTP 401, or a 403 that is a permission refusal rather than a
 * rate limit). Not a task's failure: whatever the task, the next request with the same token is
 * refused too. The Orchestrator stops dispatching when an executor or reporter fails with it
 * (running tasks are detached, nothing is marked failed or skipped) and the CLI exits 2.
 *
 * `context` has `service`, `status` and `operation`; never the token.
 */
export class CredentialsRejectedError extends PcoError {
  readonly service: CredentialService;
  /** HTTP status of the refusal (401 or 403), when there was one. */
  readonly status: number | undefined;
  /** What to fix, in one sentence (which setting, which permission). */
  readonly hint: string;

  constructor(
    service: CredentialService,
    message: string,
    options: { readonly status?: number; readonly operation?: string; readonly hint?: string; readonly cause?: unknown } = {},
  ) {
    super('CREDENTIALS_REJECTED', message, {
      cause: options.cause,
      context: { service, status: options.status, operation: options.operation },
    });
    this.service = service;
    this.status = options.status;
    this.hint = options.hint ?? `Check the ${service} token and its permissions.`;
  }
}

/**
 * The {@link CredentialsRejectedError} in `error` or its `cause` chain, if any (also across
 * duplicated package copies: recognised by its code).
 */
export function findCredentialsRejected(error: unknown): CredentialsRejectedError | undefined {
  const seen = new Set<unknown>();
  for (let e = error; e !== undefined && e !== null && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (e instanceof CredentialsRejectedError) return e;
    if (e instanceof Error && (e as { code?: unknown }).code === 'CREDENTIALS_REJECTED') return e as CredentialsRejectedError;
    if (e instanceof AggregateError) {
      for (const inner of e.errors) {
        const found = findCredentialsRejected(inner);
        if (found) return found;
      }
    }
  }
  return undefined;
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

/** Longest string quoted whole in an option error; longer ones are cut (after redaction). */
const MAX_QUOTED = 60;

// No known secrets here: token-shaped text and strings under secret-named keys are enough, and
// an option error must never need the caller's secrets to be safe to print.
const redactValue = createRedactor().value;

/**
 * Describes `value` for an error message, safely: strings quoted (credential-shaped text
 * redacted, long ones cut), numbers and booleans as they are, anything else by its kind
 * (`an array of 3`, `a function`, `an object`), never its contents. With `field`, a string under
 * a secret-named field (`token`, `apiKey`, `auth.password`...) is shown as `[REDACTED]`.
 */
export function describeValue(value: unknown, field?: string): string {
  if (typeof value === 'string') {
    // The last path segment decides, as for a key in a redacted record (`auth.token`); an item
    // of a list named after a secret (`tokens[0]`) is one too.
    const last = field?.split('.').at(-1) ?? '';
    const key = /\[\d+\]$/.test(last) ? last.replace(/\[\d+\]$/, '').replace(/s$/, '') : last;
    const redacted: unknown = redactValue({ [key]: value })[key];
    const safe = typeof redacted === 'string' ? redacted : REDACTED;
    return JSON.stringify(safe.length > MAX_QUOTED ? `${safe.slice(0, MAX_QUOTED)}…` : safe);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object' && typeof value !== 'function') return String(value);
  if (value === null) return 'null';
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : value.toISOString();
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? `an instance of ${name}` : 'an object';
}

/**
 * An option given to a pco constructor or factory is missing, of the wrong type or out of range.
 * Every package throws this one class for its options (`code` `INVALID_OPTIONS`), with one
 * message format: `${component} option ${field}: ${expected}, got ${describeValue(got)}.`, e.g.
 * `AgentPool option capacity: expected an integer in 1..10, got 0.`
 *
 * `context` has `component` and `field`; the value itself only as described (never a secret).
 */
export class InvalidOptionsError extends PcoError {
  declare readonly code: 'INVALID_OPTIONS';
  /** What was being configured: a class (`Orchestrator`, `AgentPool`) or a factory (`createGitHubClient`). */
  readonly component: string;
  /** Dotted path of the bad option, e.g. `retry.attempts`, `reporters[0]`. */
  readonly field: string;

  /**
   * @param expected what the option should be, phrased `expected …` (`expected an integer ≥ 1`).
   * @param got the value given; only {@link describeValue}'s safe description is kept.
   */
  constructor(component: string, field: string, expected: string, got: unknown, options: { readonly cause?: unknown } = {}) {
    super('INVALID_OPTIONS', `${component} option ${field}: ${expected}, got ${describeValue(got, field)}.`, {
      cause: options.cause,
      context: { component, field },
    });
    this.component = component;
    this.field = field;
  }
}
