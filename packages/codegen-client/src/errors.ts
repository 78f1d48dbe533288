import { PcoError } from '@pco/contract';

/**
 * What went wrong, as far as the caller needs to decide what to do next.
 *
 * - `unauthorized` (401), `payment-required` (402), `forbidden` (403), `not-found` (404),
 *   `validation` (422), `bad-request` (other 4xx): permanent; repeating the request will not help.
 * - `rate-limited` (429): transient; the server did not act on the request.
 * - `server` (5xx): transient; the server may or may not have acted on it.
 * - `network`: the connection could not be made; the request was not sent.
 * - `connection-lost`: the request was sent but the connection dropped before a response; the
 *   server may or may not have acted on it.
 * - `timeout`: no response within the request timeout; the server may or may not have acted.
 * - `invalid-response`: a 2xx whose body does not fit the API's shape.
 */
export type CodegenErrorKind =
  | 'unauthorized'
  | 'payment-required'
  | 'forbidden'
  | 'not-found'
  | 'validation'
  | 'bad-request'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'connection-lost'
  | 'timeout'
  | 'invalid-response';

/** The kinds that are temporary conditions: waiting and trying again can succeed. */
const TRANSIENT: ReadonlySet<CodegenErrorKind> = new Set<CodegenErrorKind>([
  'rate-limited',
  'server',
  'network',
  'connection-lost',
  'timeout',
]);

/** The kinds after which the server may have acted on the request (e.g. created the run). */
const OUTCOME_UNKNOWN: ReadonlySet<CodegenErrorKind> = new Set<CodegenErrorKind>(['server', 'connection-lost', 'timeout']);

/** Operations that set an agent to work. */
const STARTS_AGENTS: ReadonlySet<string> = new Set(['createRun', 'resumeRun']);

/** One entry of a FastAPI validation error (`{detail: [{loc, msg, type}]}`). */
export interface CodegenValidationIssue {
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly type: string;
}

/** Fields of a {@link CodegenApiError}. */
export interface CodegenApiErrorInit {
  readonly kind: CodegenErrorKind;
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  /** Endpoint, e.g. `createRun`. */
  readonly operation: string;
  /** `METHOD /path` (never the query's secrets: the API takes none; never the token). */
  readonly request: string;
  readonly body?: unknown;
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

/** Maps an HTTP status to its kind. */
export function kindForStatus(status: number): CodegenErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 402) return 'payment-required';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 422) return 'validation';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server';
  return 'bad-request';
}

/**
 * The message an error body carries: `message` (current API), else `detail` as a string or a
 * FastAPI issue list (older API versions and 422s), else undefined (research §7).
 */
export function messageFromBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) {
    return typeof body === 'string' && body.trim() !== '' && body.length < 500 ? body.trim() : undefined;
  }
  const record = body as Record<string, unknown>;
  if (typeof record['message'] === 'string' && record['message'] !== '') return record['message'];
  const detail = record['detail'];
  if (typeof detail === 'string' && detail !== '') return detail;
  if (Array.isArray(detail) && detail.length > 0) {
    return detail
      .map((issue) => {
        if (typeof issue !== 'object' || issue === null) return String(issue);
        const { loc, msg } = issue as { loc?: unknown; msg?: unknown };
        const path = Array.isArray(loc) ? loc.join('.') : '';
        return `${path}${path ? ': ' : ''}${typeof msg === 'string' ? msg : 'invalid'}`;
      })
      .join('; ');
  }
  return undefined;
}

/**
 * Every failure of a Codegen API call: an HTTP error status, a network failure, a timeout or a
 * response that does not fit the API's shape. Never contains the API token.
 *
 * Decide with `kind`, `transient` and `outcomeUnknown`:
 * - `transient`: the condition is temporary (network, timeout, 5xx, 429); the client already
 *   retried reads, so reaching the caller means the retries ran out.
 * - `outcomeUnknown`: the server may have acted on the request (dropped connection after
 *   sending, timeout, 5xx). For a create, look the run up (`findRunByMetadata`) before sending
 *   it again.
 * - `retryable`: repeating the identical request is safe and may succeed (transient and, for a
 *   create, the outcome is known not to have created a run).
 */
export class CodegenApiError extends PcoError {
  readonly kind: CodegenErrorKind;
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  readonly operation: string;
  /** The raw response body (parsed JSON, or text), if any. */
  readonly body: unknown;
  /** FastAPI `detail`: a string, or the validation issues of a 422. */
  readonly detail: string | readonly CodegenValidationIssue[] | undefined;
  /** Milliseconds from a `Retry-After` header, when the server sent one. */
  readonly retryAfterMs: number | undefined;
  readonly transient: boolean;
  readonly outcomeUnknown: boolean;
  readonly retryable: boolean;

  constructor(message: string, init: CodegenApiErrorInit) {
    super('CODEGEN_API', message, {
      cause: init.cause,
      context: { kind: init.kind, status: init.status, operation: init.operation, request: init.request },
    });
    this.kind = init.kind;
    this.status = init.status;
    this.operation = init.operation;
    this.body = init.body;
    const detail =
      typeof init.body === 'object' && init.body !== null ? (init.body as Record<string, unknown>)['detail'] : undefined;
    this.detail =
      typeof detail === 'string' || Array.isArray(detail)
        ? (detail as string | readonly CodegenValidationIssue[])
        : undefined;
    this.retryAfterMs = init.retryAfterMs;
    this.transient = TRANSIENT.has(init.kind);
    this.outcomeUnknown = OUTCOME_UNKNOWN.has(init.kind);
    // A create or a resume whose outcome is unknown may have set an agent to work: repeating it
    // blindly could pay twice (createRunOnce / resumeRunOnce look first).
    this.retryable = this.transient && !(STARTS_AGENTS.has(init.operation) && this.outcomeUnknown);
  }
}

/** True when `error` is a {@link CodegenApiError}. */
export function isCodegenApiError(error: unknown): error is CodegenApiError {
  return error instanceof CodegenApiError;
}

/** A watched run did not settle within its timeout. */
export class RunWatchTimeoutError extends PcoError {
  readonly runId: number;
  readonly timeoutMs: number;
  /** Last status seen, or null if the run was never observed. */
  readonly lastStatus: string | null;

  constructor(runId: number, timeoutMs: number, lastStatus: string | null) {
    super('CODEGEN_WATCH_TIMEOUT', `Agent run ${runId} did not finish within ${timeoutMs} ms (last status: ${lastStatus ?? 'unknown'}).`, {
      context: { runId, timeoutMs, lastStatus },
    });
    this.runId = runId;
    this.timeoutMs = timeoutMs;
    this.lastStatus = lastStatus;
  }
}

/** A call was made with invalid input (caught before anything is sent). */
export class CodegenInputError extends PcoError {
  /** `path: message` for every problem found. */
  readonly issues: readonly string[];

  constructor(operation: string, issues: readonly string[]) {
    super('CODEGEN_INPUT', `Invalid input for ${operation}: ${issues.join('; ')}`, { context: { operation, issues } });
    this.issues = issues;
  }
}

/** A `FileBucketStore` could not read or write its file (permissions, disk full, ...). */
export class BucketStoreIOError extends PcoError {
  /** The budget file. */
  readonly path: string;
  readonly operation: 'read' | 'write';

  constructor(path: string, operation: 'read' | 'write', cause: unknown) {
    const reason = (cause as { code?: unknown } | undefined)?.code;
    super('CODEGEN_BUCKET_STORE_IO', `Could not ${operation} the rate-limit budget file ${path}${typeof reason === 'string' ? ` (${reason})` : ''}.`, {
      cause,
      context: { path, operation },
    });
    this.path = path;
    this.operation = operation;
  }
}
