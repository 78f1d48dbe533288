import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { CodegenApiError, CodegenInputError, kindForStatus, messageFromBody, type CodegenErrorKind } from './errors.js';
import { RateLimiter, defaultSleep, type BucketStore, type CodegenOperation, type RateLimit, type Sleep } from './rate-limiter.js';
import {
  agentRunSchema,
  agentRunWithLogsSchema,
  createRunInputSchema,
  formatIssues,
  organizationSchema,
  pageQuerySchema,
  pageSchema,
  repoSchema,
  resumeRunInputSchema,
  runIdSchema,
  userSchema,
} from './schemas.js';
import type {
  AgentRun,
  AgentRunWithLogs,
  CodegenUser,
  CreateRunInput,
  JsonValue,
  ListRunsQuery,
  Organization,
  Page,
  PageQuery,
  Repo,
  RequestOptions,
  ResumeRunInput,
  RunLogsQuery,
} from './types.js';

/** Retry policy for transient failures (network, timeout, 5xx, 429). */
export interface RetryOptions {
  /**
   * Retries after the first attempt.
   * @default 4
   */
  readonly retries?: number;
  /**
   * First backoff delay in API milliseconds (scaled by `timeScale`); doubles each attempt,
   * with full jitter.
   * @default 1000
   */
  readonly minDelayMs?: number;
  /**
   * Largest backoff delay in API milliseconds (scaled by `timeScale`).
   * @default 30000
   */
  readonly maxDelayMs?: number;
}

/** Client-side rate limiting; see {@link RateLimiter}. */
export interface ClientLimitsOptions {
  /** Per-endpoint limits merged over the documented ones; `null` removes a bucket. @default DEFAULT_RATE_LIMITS */
  readonly limits?: Partial<Record<CodegenOperation, RateLimit | null>>;
  /** Real milliseconds added to each window as a safety margin. @default 5% of the scaled window, at most 500 */
  readonly marginMs?: number;
  /** Where buckets live; share one store to share one budget. @default in memory, per client */
  readonly store?: BucketStore;
}

/** Options of {@link CodegenClient}. */
export interface CodegenClientOptions {
  /** API token from codegen.com/token. Sent as `Authorization: Bearer`; never logged or put in errors. */
  readonly token: string;
  /** Organization id every org-scoped call uses. */
  readonly orgId: number;
  /** @default 'https://api.codegen.com' */
  readonly baseUrl?: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /**
   * Client-side rate limiting with the documented limits, or `false` to send without waiting.
   * @default the documented limits, in memory
   */
  readonly limits?: ClientLimitsOptions | false;
  /**
   * Multiplies the API's durations this client waits on: rate-limit windows and retry backoff.
   * Set it to the fake's `timeScale` in tests and demos.
   * @default 1
   */
  readonly timeScale?: number;
  /** @default { retries: 4, minDelayMs: 1000, maxDelayMs: 30000 } */
  readonly retry?: RetryOptions;
  /**
   * Per-attempt timeout in real milliseconds; a timed-out create has an unknown outcome.
   * @default 30000
   */
  readonly requestTimeoutMs?: number;
  /** Aborts every call of this client (e.g. on shutdown). */
  readonly signal?: AbortSignal;
  /** Extra headers on every request (e.g. a user agent). Authorization cannot be overridden. */
  readonly headers?: Readonly<Record<string, string>>;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default setTimeout-based */
  readonly sleep?: Sleep;
  /** Source of jitter. @default Math.random */
  readonly random?: () => number;
}

/**
 * What happened to a create:
 * - `created`: the run exists.
 * - `not-created`: the server certainly did not create it (4xx, 429 after retries, connection
 *   refused); `error.retryable` says whether trying again later can help.
 * - `unknown`: the request may have created a run (dropped connection, timeout, 5xx). Look it up
 *   with {@link CodegenClient.findRunByMetadata} before creating again.
 */
export type CreateRunOutcome =
  | { readonly outcome: 'created'; readonly run: AgentRun }
  | { readonly outcome: 'not-created'; readonly error: CodegenApiError }
  | { readonly outcome: 'unknown'; readonly error: CodegenApiError };

/** Options of {@link CodegenClient.findRunByMetadata}. */
export interface FindRunOptions extends RequestOptions {
  /** Ignore runs created before this instant (ISO string, Date or epoch ms); ends the scan early. */
  readonly since?: string | number | Date;
  /** Pages of 100 runs to scan at most. @default 5 */
  readonly maxPages?: number;
}

/** Options of {@link CodegenClient.createRunOnce}. */
export interface CreateRunOnceOptions extends RequestOptions {
  /** Metadata key that identifies this logical run, e.g. `pco_attempt`. */
  readonly key: string;
  /** Its unique value, e.g. `octo/repo#12:1`. */
  readonly value: string | number | boolean;
  /** Look for an existing run before the first create (crash recovery). @default false */
  readonly lookupFirst?: boolean;
  /** Creates sent at most (each after a lookup found nothing). @default 3 */
  readonly attempts?: number;
  /** Passed to the lookups. @default 10 minutes before the call */
  readonly since?: string | number | Date;
}

/** Result of {@link CodegenClient.createRunOnce}. */
export interface CreateRunOnceResult {
  readonly run: AgentRun;
  /** True when the run was found by its metadata rather than returned by a create. */
  readonly recovered: boolean;
  /** Creates sent. */
  readonly creates: number;
}

// Connection errors that prove nothing was sent (undici / libuv codes).
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CONNECT',
]);

interface Call<T> {
  readonly operation: CodegenOperation;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  readonly schema: v.GenericSchema<unknown, T>;
  /** `reads`: retry every transient failure; `safe`: only those that prove nothing happened. */
  readonly retry: 'reads' | 'safe';
  readonly signal: AbortSignal | undefined;
  readonly onWait?: ((waitMs: number) => void) | undefined;
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function toEpoch(value: string | number | Date): number {
  return typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value.getTime();
}

function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function checkInput<T>(operation: string, schema: v.GenericSchema<unknown, T>, input: unknown): T {
  const result = v.safeParse(schema, input);
  if (!result.success) throw new CodegenInputError(operation, formatIssues(result.issues));
  return result.output;
}

/**
 * Typed client of the Codegen REST API (https://api.codegen.com, spec
 * vendor/codegen-api/openapi3.json).
 *
 * - Every call waits for its endpoint's share of one rate-limit budget (documented limits,
 *   shared by every caller of this client).
 * - Reads retry transient failures (network, timeout, 5xx, 429) with exponential backoff and
 *   jitter, honouring `Retry-After` when present.
 * - Creates are never retried when the server may have acted (see {@link tryCreateRun},
 *   {@link createRunOnce}).
 * - Failures throw {@link CodegenApiError}; responses are checked leniently.
 *
 * @example
 * const client = new CodegenClient({ token: process.env.CODEGEN_TOKEN!, orgId: 42 });
 * const run = await client.createRun({ prompt: 'Fix #12', metadata: { task: 'octo/app#12' } });
 */
export class CodegenClient {
  readonly orgId: number;
  readonly baseUrl: string;
  /** The client's rate limiter (undefined when `limits: false`). */
  readonly limiter: RateLimiter | undefined;
  private readonly token: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeScale: number;
  private readonly retries: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly requestTimeoutMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private currentUser: Promise<CodegenUser> | undefined;

  constructor(options: CodegenClientOptions) {
    if (typeof options.token !== 'string' || options.token.trim() === '') {
      throw new CodegenInputError('CodegenClient', ['token: must be a non-empty string']);
    }
    if (!Number.isInteger(options.orgId) || options.orgId < 1) {
      throw new CodegenInputError('CodegenClient', [`orgId: must be a positive integer, got ${String(options.orgId)}`]);
    }
    this.token = options.token.trim();
    this.orgId = options.orgId;
    this.baseUrl = (options.baseUrl ?? 'https://api.codegen.com').replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.timeScale = options.timeScale ?? 1;
    if (!(this.timeScale > 0)) throw new CodegenInputError('CodegenClient', [`timeScale: must be > 0, got ${this.timeScale}`]);
    this.retries = options.retry?.retries ?? 4;
    this.minDelayMs = options.retry?.minDelayMs ?? 1000;
    this.maxDelayMs = options.retry?.maxDelayMs ?? 30_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.signal = options.signal;
    this.headers = options.headers ?? {};
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.limiter =
      options.limits === false
        ? undefined
        : new RateLimiter({
            ...options.limits,
            timeScale: this.timeScale,
            // Buckets are per token: key them by a hash, never by the token itself.
            keyPrefix: `codegen:${createHash('sha256').update(this.token).digest('hex').slice(0, 16)}:`,
            now: this.now,
            sleep: this.sleep,
          });
  }

  // --- agent runs ----------------------------------------------------------------------------

  /**
   * Creates an agent run (`POST /v1/organizations/{org_id}/agent/run`, 10/min). Resolves with
   * the new run, usually still PENDING. Retries only failures that prove no run was created
   * (429, connection refused); any other failure throws — check `error.outcomeUnknown` before
   * creating again, or use {@link tryCreateRun} / {@link createRunOnce}.
   */
  async createRun(input: CreateRunInput, options: RequestOptions = {}): Promise<AgentRun> {
    const body = checkInput('createRun', createRunInputSchema, input);
    return this.send({
      operation: 'createRun',
      method: 'POST',
      path: `/v1/organizations/${this.orgId}/agent/run`,
      body,
      schema: agentRunSchema as v.GenericSchema<unknown, AgentRun>,
      retry: 'safe',
      signal: options.signal,
      onWait: options.onRateLimitWait,
    });
  }

  /**
   * Like {@link createRun}, but returns the outcome instead of throwing API failures: `created`,
   * `not-created`, or `unknown` (a run may exist). Still throws for invalid input and aborts.
   */
  async tryCreateRun(input: CreateRunInput, options: RequestOptions = {}): Promise<CreateRunOutcome> {
    try {
      return { outcome: 'created', run: await this.createRun(input, options) };
    } catch (error) {
      if (!(error instanceof CodegenApiError)) throw error;
      return error.outcomeUnknown ? { outcome: 'unknown', error } : { outcome: 'not-created', error };
    }
  }

  /**
   * Creates a run at most once per `key=value` metadata pair: the pair is added to the run's
   * metadata; when a create's outcome is unknown, the run list is searched for the pair before
   * the next create. With `lookupFirst`, it searches before the first create too (e.g. after a
   * crash between sending a create and recording its result).
   */
  async createRunOnce(input: CreateRunInput, options: CreateRunOnceOptions): Promise<CreateRunOnceResult> {
    const attempts = options.attempts ?? 3;
    const since = options.since ?? this.now() - 10 * 60_000;
    const lookup = { since, signal: options.signal };
    const request: CreateRunInput = {
      ...input,
      metadata: { ...input.metadata, [options.key]: options.value as JsonValue },
    };
    if (options.lookupFirst) {
      const existing = await this.findRunByMetadata(options.key, options.value, lookup);
      if (existing) return { run: existing, recovered: true, creates: 0 };
    }
    let creates = 0;
    let lastError: CodegenApiError | undefined;
    while (creates < attempts) {
      if (creates > 0) {
        const existing = await this.findRunByMetadata(options.key, options.value, lookup);
        if (existing) return { run: existing, recovered: true, creates };
      }
      creates += 1;
      const outcome = await this.tryCreateRun(request, { ...(options.signal ? { signal: options.signal } : {}), ...(options.onRateLimitWait ? { onRateLimitWait: options.onRateLimitWait } : {}) });
      if (outcome.outcome === 'created') return { run: outcome.run, recovered: false, creates };
      if (outcome.outcome === 'not-created') throw outcome.error;
      lastError = outcome.error;
      await this.sleep(this.backoff(creates - 1), this.mergedSignal(options.signal));
    }
    const existing = await this.findRunByMetadata(options.key, options.value, lookup);
    if (existing) return { run: existing, recovered: true, creates };
    throw lastError as CodegenApiError;
  }

  /** Reads one run (`GET .../agent/run/{id}`, 60/30 s). */
  async getRun(runId: number, options: RequestOptions = {}): Promise<AgentRun> {
    const id = checkInput('getRun', runIdSchema, runId);
    return this.send({
      operation: 'getRun',
      method: 'GET',
      path: `/v1/organizations/${this.orgId}/agent/run/${id}`,
      schema: agentRunSchema as v.GenericSchema<unknown, AgentRun>,
      retry: 'reads',
      signal: options.signal,
    });
  }

  /** One page of the org's runs, newest first (`GET .../agent/runs`, 60/30 s). */
  async listRuns(query: ListRunsQuery = {}, options: RequestOptions = {}): Promise<Page<AgentRun>> {
    const checked = checkInput('listRuns', pageQuerySchema, query);
    return this.send({
      operation: 'listRuns',
      method: 'GET',
      path: `/v1/organizations/${this.orgId}/agent/runs`,
      query: checked,
      schema: pageSchema(agentRunSchema) as unknown as v.GenericSchema<unknown, Page<AgentRun>>,
      retry: 'reads',
      signal: options.signal,
    });
  }

  /**
   * Every run matching `query`, newest first, fetching pages of `query.limit` (default 100) as
   * the iteration goes. Stop iterating to stop fetching.
   */
  async *iterateRuns(query: ListRunsQuery = {}, options: RequestOptions = {}): AsyncGenerator<AgentRun, void, undefined> {
    const limit = query.limit ?? 100;
    let skip = query.skip ?? 0;
    for (;;) {
      const page = await this.listRuns({ ...query, skip, limit }, options);
      yield* page.items;
      skip += page.items.length;
      if (page.items.length < limit || skip >= page.total) return;
    }
  }

  /**
   * Finds the newest run of the current user (source `API`) whose `metadata[key]` equals
   * `value`, scanning the run list newest first. Runs carry their metadata in list responses
   * (`AgentRunResponse.metadata`), so this costs one list call per 100 runs scanned.
   */
  async findRunByMetadata(
    key: string,
    value: string | number | boolean,
    options: FindRunOptions = {},
  ): Promise<AgentRun | undefined> {
    const me = await this.getCurrentUser({ signal: options.signal, cached: true });
    const since = options.since === undefined ? undefined : toEpoch(options.since);
    const maxRuns = (options.maxPages ?? 5) * 100;
    let scanned = 0;
    for await (const run of this.iterateRuns({ user_id: me.id, source_type: 'API', limit: 100 }, options)) {
      if (run.metadata?.[key] === value) return run;
      const created = run.created_at ? Date.parse(run.created_at) : Number.NaN;
      if (since !== undefined && created < since) return undefined;
      if (++scanned >= maxRuns) return undefined;
    }
    return undefined;
  }

  /**
   * Resumes a PAUSED run with a follow-up prompt (`POST .../agent/run/resume`). Like a create,
   * it is not retried when the server may have acted.
   */
  async resumeRun(input: ResumeRunInput, options: RequestOptions = {}): Promise<AgentRun> {
    const body = checkInput('resumeRun', resumeRunInputSchema, input);
    return this.send({
      operation: 'resumeRun',
      method: 'POST',
      path: `/v1/organizations/${this.orgId}/agent/run/resume`,
      body,
      schema: agentRunSchema as v.GenericSchema<unknown, AgentRun>,
      retry: 'safe',
      signal: options.signal,
    });
  }

  /**
   * Stops a run the only way the API documents (`POST .../agent/run/remove-from-pr`): it flags
   * the run's pull request so CI check-suite events are ignored and stops every agent working on
   * that PR. PR-scoped, not run-scoped: the public API has no run-scoped stop (research §4). The
   * answer's body is untyped; this resolves once the server accepted the call. Idempotent, so
   * transient failures are retried like reads.
   */
  async removeFromPr(runId: number, options: RequestOptions = {}): Promise<void> {
    const id = checkInput('removeFromPr', runIdSchema, runId);
    await this.send({
      operation: 'removeFromPr',
      method: 'POST',
      path: `/v1/organizations/${this.orgId}/agent/run/remove-from-pr`,
      body: { agent_run_id: id },
      schema: v.unknown(),
      retry: 'reads',
      signal: options.signal,
    });
  }

  /** A run with a page of its logs (alpha: `GET /v1/alpha/.../agent/run/{id}/logs`, 60/60 s). */
  async getRunLogs(runId: number, query: RunLogsQuery = {}, options: RequestOptions = {}): Promise<AgentRunWithLogs> {
    const id = checkInput('getRunLogs', runIdSchema, runId);
    const checked = checkInput('getRunLogs', pageQuerySchema, query);
    return this.send({
      operation: 'getRunLogs',
      method: 'GET',
      path: `/v1/alpha/organizations/${this.orgId}/agent/run/${id}/logs`,
      query: checked,
      schema: agentRunWithLogsSchema as unknown as v.GenericSchema<unknown, AgentRunWithLogs>,
      retry: 'reads',
      signal: options.signal,
    });
  }

  // --- account -----------------------------------------------------------------------------

  /**
   * The token's user (`GET /v1/users/me`). With `cached: true`, the first successful answer is
   * reused (the run watcher needs the user id for every list).
   */
  async getCurrentUser(options: RequestOptions & { readonly cached?: boolean } = {}): Promise<CodegenUser> {
    if (options.cached && this.currentUser) return this.currentUser;
    const request = this.send({
      operation: 'getCurrentUser',
      method: 'GET',
      path: '/v1/users/me',
      schema: userSchema as unknown as v.GenericSchema<unknown, CodegenUser>,
      retry: 'reads',
      signal: options.signal,
    });
    this.currentUser = request;
    request.catch(() => {
      if (this.currentUser === request) this.currentUser = undefined;
    });
    return request;
  }

  /** Organizations of the token's user (`GET /v1/organizations`). */
  async listOrganizations(query: PageQuery = {}, options: RequestOptions = {}): Promise<Page<Organization>> {
    return this.send({
      operation: 'listOrganizations',
      method: 'GET',
      path: '/v1/organizations',
      query: checkInput('listOrganizations', pageQuerySchema, query),
      schema: pageSchema(organizationSchema) as unknown as v.GenericSchema<unknown, Page<Organization>>,
      retry: 'reads',
      signal: options.signal,
    });
  }

  /** Repositories of the organization (`GET .../repos`); their ids are a create's `repo_id`. */
  async listRepos(query: PageQuery = {}, options: RequestOptions = {}): Promise<Page<Repo>> {
    return this.send({
      operation: 'listRepos',
      method: 'GET',
      path: `/v1/organizations/${this.orgId}/repos`,
      query: checkInput('listRepos', pageQuerySchema, query),
      schema: pageSchema(repoSchema) as unknown as v.GenericSchema<unknown, Page<Repo>>,
      retry: 'reads',
      signal: options.signal,
    });
  }

  // --- transport ---------------------------------------------------------------------------

  /** Backoff before retry number `attempt` (0-based): full jitter, scaled. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** attempt) * this.timeScale;
    return ceiling / 2 + (this.random() * ceiling) / 2;
  }

  private mergedSignal(signal: AbortSignal | undefined): AbortSignal | undefined {
    if (!signal) return this.signal;
    if (!this.signal) return signal;
    return AbortSignal.any([signal, this.signal]);
  }

  /**
   * The token scrubbed out of text bound for an error (messages, error bodies). Like the CLI's
   * redactor (`createRedactor` in @pco/core), values shorter than 4 characters are left alone:
   * they cannot be real tokens and would mangle ordinary words.
   */
  private redactText(text: string): string {
    return this.token.length >= 4 ? text.split(this.token).join('[REDACTED]') : text;
  }

  /**
   * A copy of an error's body with the token scrubbed from its string values. Keys are left as
   * they are: the body stays the shape the server sent, and a key is never a secret.
   */
  private redactBody(value: unknown): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (Array.isArray(value)) return value.map((item) => this.redactBody(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.redactBody(item)]));
    }
    return value;
  }

  private async send<T>(call: Call<T>): Promise<T> {
    const signal = this.mergedSignal(call.signal);
    const url = new URL(this.baseUrl + call.path);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const request = `${call.method} ${call.path}`;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      const release = await this.limiter?.acquire(call.operation, signal, call.onWait);
      let error: CodegenApiError;
      try {
        return await this.attempt(call, url, request, signal);
      } catch (caught) {
        if (!(caught instanceof CodegenApiError)) throw caught;
        error = caught;
      } finally {
        // The slot counts until a window after the response: the server saw the request earlier.
        release?.();
      }
      const retryable = error.transient && (call.retry === 'reads' || !error.outcomeUnknown);
      if (!retryable || attempt >= this.retries) throw error;
      let delay = this.backoff(attempt);
      if (error.kind === 'rate-limited') {
        // Our budget and the server's disagree (another process on the same token?): hold the
        // whole bucket, not just this caller.
        delay = error.retryAfterMs ?? delay;
        await this.limiter?.penalize(call.operation, delay);
      }
      await this.sleep(delay, signal);
    }
  }

  private async attempt<T>(call: Call<T>, url: URL, request: string, signal: AbortSignal | undefined): Promise<T> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.requestTimeoutMs);
    const fail = (kind: CodegenErrorKind, message: string, extra: Partial<ConstructorParameters<typeof CodegenApiError>[1]> = {}) =>
      new CodegenApiError(this.redactText(`Codegen ${call.operation} (${request}) failed: ${message}`), {
        kind,
        status: 0,
        operation: call.operation,
        request,
        ...extra,
      });
    let response: Response;
    let text: string;
    try {
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...this.headers,
        authorization: `Bearer ${this.token}`,
      };
      if (call.body !== undefined) headers['content-type'] = 'application/json';
      response = await this.fetchFn(url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal,
      });
      text = await response.text();
    } catch (cause) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.signal.aborted) {
        throw fail('timeout', `no response within ${this.requestTimeoutMs} ms`, { cause });
      }
      const code = errorCode(cause);
      const sent = !(code && NOT_SENT_CODES.has(code));
      throw fail(
        sent ? 'connection-lost' : 'network',
        sent ? `connection lost before a response (${code ?? 'unknown error'})` : `could not connect (${code})`,
        { cause },
      );
    } finally {
      clearTimeout(timer);
    }

    let body: unknown = text;
    if (text !== '' && /json/i.test(response.headers.get('content-type') ?? 'json')) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    // The parsed body is data: it is never rewritten. Only what goes into an error is scrubbed
    // (a server may echo the token back in a message).
    if (!response.ok) {
      const kind = kindForStatus(response.status);
      const message = messageFromBody(body) ?? (response.statusText || `HTTP ${response.status}`);
      throw new CodegenApiError(this.redactText(`Codegen ${call.operation} (${request}) failed: ${response.status} ${message}`), {
        kind,
        status: response.status,
        operation: call.operation,
        request,
        body: this.redactBody(body),
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.now()),
      });
    }
    const parsed = v.safeParse(call.schema, body);
    if (!parsed.success) {
      throw new CodegenApiError(
        this.redactText(
          `Codegen ${call.operation} (${request}) returned an unexpected body: ${formatIssues(parsed.issues).slice(0, 5).join('; ')}`,
        ),
        { kind: 'invalid-response', status: response.status, operation: call.operation, request, body: this.redactBody(body) },
      );
    }
    return parsed.output;
  }
}
