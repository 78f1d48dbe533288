import { PcoError } from './pco-error.js';

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
