import { createRedactor, CredentialsRejectedError, PcoError } from '@pco/contract';

/**
 * A GitHub API call failed (HTTP error, GraphQL error, network) after the client's retries.
 * `context` has `status`, `operation` and, for GraphQL, the error `types`; never the token.
 */
export class GitHubApiError extends PcoError {
  /** HTTP status, or 200 for GraphQL errors, or undefined for network failures. */
  readonly status: number | undefined;
  constructor(message: string, options: { readonly cause?: unknown; readonly context?: Readonly<Record<string, unknown>>; readonly status?: number | undefined } = {}) {
    super('GITHUB_API', message, { cause: options.cause, context: { ...options.context, status: options.status } });
    this.status = options.status;
  }
}

/** A repository, project or issue named in the options does not exist or is not visible to the token. */
export class GitHubNotFoundError extends PcoError {
  constructor(message: string, context: Readonly<Record<string, unknown>> = {}, cause?: unknown) {
    super('GITHUB_NOT_FOUND', message, { cause, context });
  }
}

/**
 * GitHub answered, but not in the shape pco reads (a schema change, a proxy's page parsed as
 * data). `context.issues` lists every mismatch as `path: message`.
 */
export class GitHubResponseError extends PcoError {
  constructor(message: string, context: { readonly operation: string; readonly issues: readonly string[] }) {
    super('GITHUB_RESPONSE_INVALID', message, { context });
  }
}

/** The operation was aborted through its AbortSignal. */
export class GitHubAbortError extends PcoError {
  constructor(message = 'The GitHub operation was aborted', cause?: unknown) {
    super('GITHUB_ABORTED', message, { cause });
  }
}

/**
 * Scrubs anything shaped like a token from text GitHub or an agent wrote (API error messages,
 * a task's error and summary in the result comment): pco's one redactor, with no known secrets
 * because this package never holds the token outside the Octokit client.
 */
export const redactTokens = createRedactor();

interface OctokitLikeError {
  readonly name?: string;
  readonly message?: string;
  readonly status?: number;
  readonly response?: { readonly headers?: Readonly<Record<string, string | number | undefined>> };
  readonly errors?: readonly { readonly type?: string; readonly message?: string; readonly path?: readonly unknown[] }[];
}

/**
 * Whether GitHub refused the token itself, so that every further request with it fails too:
 * - 401 (bad, expired or revoked token);
 * - a 403 that names the token's permissions: "Resource not accessible by personal access token
 *   / by integration" (fine-grained PATs, Apps; `X-Accepted-GitHub-Permissions` says what would
 *   do) or "Must have admin rights" (the user's role);
 *   https://docs.github.com/rest/authentication/permissions-required-for-fine-grained-personal-access-tokens
 * - GraphQL `INSUFFICIENT_SCOPES`, or `FORBIDDEN` for the whole document (no `path`).
 * Not a refusal: rate limits (403 saying so), a 403 about one resource (an archived repository,
 * a locked issue, branch protection), and a `FORBIDDEN` on one field with a `path` (e.g. a
 * repository behind SAML SSO or an IP allow list): those concern one task or one reference.
 */
function isCredentialRefusal(e: OctokitLikeError): boolean {
  if (e.status === 401) return true;
  const errors = e.errors ?? [];
  if (errors.some((x) => x.type === 'INSUFFICIENT_SCOPES')) return true;
  if (errors.length > 0 && errors.every((x) => x.type === 'FORBIDDEN' && (x.path === undefined || x.path.length === 0))) return true;
  if (e.status !== 403) return false;
  if (e.response?.headers?.['x-accepted-github-permissions'] !== undefined) return true;
  return /resource not accessible by (personal access token|integration)|must have admin rights/i.test(String(e.message ?? ''));
}

/**
 * Wraps whatever Octokit threw into a {@link GitHubApiError} / {@link GitHubNotFoundError} /
 * {@link GitHubAbortError} / `CredentialsRejectedError` (401, or a 403 that is no rate limit),
 * naming the operation. Pass through PcoErrors unchanged.
 */
export function toGitHubError(error: unknown, operation: string): PcoError {
  if (error instanceof PcoError) return error;
  const e = (error ?? {}) as OctokitLikeError;
  if (e.name === 'AbortError' || (error instanceof DOMException && error.name === 'AbortError')) {
    return new GitHubAbortError(`${operation} was aborted`, error);
  }
  const types = (e.errors ?? []).map((x) => x.type).filter((t): t is string => typeof t === 'string');
  const message = redactTokens(String(e.message ?? error));
  if (isCredentialRefusal(e)) {
    const what = e.status === 401 || e.status === 403 ? String(e.status) : types.join(', ');
    return new CredentialsRejectedError('github', `${operation}: GitHub refused the token (${what}): ${message}`, {
      ...(e.status === undefined ? {} : { status: e.status }),
      operation,
      hint:
        e.status === 401
          ? 'Check github.token (GITHUB_TOKEN): GitHub does not accept it (expired, revoked or mistyped).'
          : 'Check github.token (GITHUB_TOKEN): it lacks a permission this request needs (fine-grained: Issues, Pull requests, Contents, Projects; classic: repo, project).',
      cause: error,
    });
  }
  if (e.status === 404 || (types.length > 0 && types.every((t) => t === 'NOT_FOUND'))) {
    return new GitHubNotFoundError(`${operation}: ${message}`, { operation, status: e.status, types }, error);
  }
  return new GitHubApiError(`${operation} failed: ${message}`, {
    cause: error,
    status: e.status ?? (e.name === 'GraphqlResponseError' ? 200 : undefined),
    context: { operation, ...(types.length > 0 ? { types } : {}) },
  });
}
