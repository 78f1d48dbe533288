import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { resolveClientOptions, type CodegenClientOptions } from './client-options.js';
import {
  createRunOnce,
  findRunByMetadata,
  type CreateRunOnceOptions,
  type CreateRunOnceResult,
  type CreateRunOutcome,
  type FindRunOptions,
} from './create-once.js';
import { CodegenApiError, CodegenInputError } from './errors.js';
import { RateLimiter } from './rate-limiter.js';
import { resumeRunOnce, type ResumeRunOnceOptions, type ResumeRunOnceResult, type ResumeRunOutcome } from './resume-once.js';
import {
  agentRunSchema,
  agentRunWithLogsSchema,
  checkSuiteSettingsSchema,
  checkSuiteSettingsUpdateSchema,
  createRunInputSchema,
  formatIssues,
  organizationSchema,
  pageQuerySchema,
  pageSchema,
  repoIdSchema,
  repoSchema,
  resumeRunInputSchema,
  runIdSchema,
  userSchema,
} from './schemas.js';
import { Transport } from './transport.js';
import type {
  AgentRun,
  AgentRunWithLogs,
  CheckSuiteSettings,
  CheckSuiteSettingsUpdate,
  CodegenUser,
  CreateRunInput,
  ListRunsQuery,
  Organization,
  Page,
  PageQuery,
  Repo,
  RequestOptions,
  ResumeRunInput,
  RunLogsQuery,
} from './types.js';

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
  readonly #transport: Transport;
  #currentUser: Promise<CodegenUser> | undefined;

  constructor(options: CodegenClientOptions) {
    const resolved = resolveClientOptions(options);
    this.orgId = resolved.orgId;
    this.baseUrl = resolved.baseUrl;
    this.limiter =
      options.limits === false
        ? undefined
        : new RateLimiter({
            ...options.limits,
            // Buckets are per token: key them by a hash, never by the token itself.
            keyPrefix: `codegen:${createHash('sha256').update(resolved.token).digest('hex').slice(0, 16)}:`,
            clock: resolved.clock,
            timers: resolved.timers,
          });
    this.#transport = new Transport(resolved, this.limiter);
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
    return this.#transport.send({
      operation: 'createRun',
      method: 'POST',
      path: `/v1/organizations/${this.orgId}/agent/run`,
      body,
      schema: agentRunSchema as v.GenericSchema<unknown, AgentRun>,
      retry: 'safe',
      signal: options.signal,
      priority: options.priority,
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
    return createRunOnce(this, this.#transport, input, options);
  }

  /** Reads one run (`GET .../agent/run/{id}`, 60/30 s). */
  async getRun(runId: number, options: RequestOptions = {}): Promise<AgentRun> {
    const id = checkInput('getRun', runIdSchema, runId);
    return this.#transport.send({
      operation: 'getRun',
      method: 'GET',
      path: `/v1/organizations/${this.orgId}/agent/run/${id}`,
      schema: agentRunSchema as v.GenericSchema<unknown, AgentRun>,
      retry: 'reads',
      signal: options.signal,
      priority: options.priority,
    });
  }

  /** One page of the org's runs, newest first (`GET .../agent/runs`, 60/30 s). */
  async listRuns(query: ListRunsQuery = {}, options: RequestOptions = {}): Promise<Page<AgentRun>> {
    const checked = checkInput('listRuns', pageQuerySchema, query);
    return this.#transport.send({
      operation: 'listRuns',
      method: 'GET',
      path: `/v1/organizations/${this.orgId}/agent/runs`,
      query: checked,
      schema: pageSchema(agentRunSchema) as unknown as v.GenericSchema<unknown, Page<AgentRun>>,
      retry: 'reads',
      signal: options.signal,
      priority: options.priority,
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
    return findRunByMetadata(this, key, value, options);
  }

  /**
   * Sends a follow-up prompt to a run (`POST .../agent/run/resume`, body `ResumeAgentRunInput`:
   * `agent_run_id`, `prompt`, `images`). The spec: "Resume a paused agent run"; the docs also
   * use it for a follow-up after a run finished ("Resume with Follow-up"), which is unverified:
   * a refusal is a {@link CodegenApiError} ({@link isResumeRefused}). Poll the returned run's
   * `id`: nothing in the spec says it is the resumed run's. Takes its rate-limit slot from the
   * create budget (10/min; see `budgetOf`), and like a create it is never retried when the
   * server may have acted (use {@link resumeRunOnce}).
   */
  async resumeRun(input: ResumeRunInput, options: RequestOptions = {}): Promise<AgentRun> {
    const body = checkInput('resumeRun', resumeRunInputSchema, input);
    return this.#transport.send({
      operation: 'resumeRun',
      method: 'POST',
      path: `/v1/organizations/${this.orgId}/agent/run/resume`,
      body,
      schema: agentRunSchema as v.GenericSchema<unknown, AgentRun>,
      retry: 'safe',
      signal: options.signal,
      priority: options.priority,
      onWait: options.onRateLimitWait,
    });
  }

  /**
   * Like {@link resumeRun}, but returns the outcome instead of throwing API failures: `resumed`,
   * `not-resumed`, or `unknown` (the run may have been resumed). Still throws for invalid input
   * and aborts.
   */
  async tryResumeRun(input: ResumeRunInput, options: RequestOptions = {}): Promise<ResumeRunOutcome> {
    try {
      return { outcome: 'resumed', run: await this.resumeRun(input, options) };
    } catch (error) {
      if (!(error instanceof CodegenApiError)) throw error;
      return error.outcomeUnknown ? { outcome: 'unknown', error } : { outcome: 'not-resumed', error };
    }
  }

  /**
   * Resumes a run at most once: when a resume's outcome is unknown, the run is read before the
   * next resume, and a run that is live again (not PAUSED, COMPLETE or failed) is taken as
   * resumed. A resume carries no metadata, so its status is all there is to go by; if the API
   * answered a resume with a new run id, a lost answer could not be recovered this way (then
   * the resume is sent again after `attempts` reads found the run still settled).
   * Throws the API's refusal (see {@link isResumeRefused}).
   */
  async resumeRunOnce(input: ResumeRunInput, options: ResumeRunOnceOptions = {}): Promise<ResumeRunOnceResult> {
    return resumeRunOnce(this, this.#transport, input, options);
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
    await this.#transport.send({
      operation: 'removeFromPr',
      method: 'POST',
      path: `/v1/organizations/${this.orgId}/agent/run/remove-from-pr`,
      body: { agent_run_id: id },
      schema: v.unknown(),
      retry: 'reads',
      signal: options.signal,
      priority: options.priority,
    });
  }

  /** A run with a page of its logs (alpha: `GET /v1/alpha/.../agent/run/{id}/logs`, 60/60 s). */
  async getRunLogs(runId: number, query: RunLogsQuery = {}, options: RequestOptions = {}): Promise<AgentRunWithLogs> {
    const id = checkInput('getRunLogs', runIdSchema, runId);
    const checked = checkInput('getRunLogs', pageQuerySchema, query);
    return this.#transport.send({
      operation: 'getRunLogs',
      method: 'GET',
      path: `/v1/alpha/organizations/${this.orgId}/agent/run/${id}/logs`,
      query: checked,
      schema: agentRunWithLogsSchema as unknown as v.GenericSchema<unknown, AgentRunWithLogs>,
      retry: 'reads',
      signal: options.signal,
      priority: options.priority,
    });
  }

  // --- repositories ------------------------------------------------------------------------

  /**
   * The repository's settings of Codegen's check-suite auto-fixer
   * (`GET .../repos/check-suite-settings?repo_id=`; no stated rate limit). `repoId` is the
   * Codegen repository id (`listRepos`), not GitHub's.
   */
  async getCheckSuiteSettings(repoId: number, options: RequestOptions = {}): Promise<CheckSuiteSettings> {
    const id = checkInput('getCheckSuiteSettings', repoIdSchema, repoId);
    return this.#transport.send({
      operation: 'getCheckSuiteSettings',
      method: 'GET',
      path: `/v1/organizations/${this.orgId}/repos/check-suite-settings`,
      query: { repo_id: id },
      schema: checkSuiteSettingsSchema as unknown as v.GenericSchema<unknown, CheckSuiteSettings>,
      retry: 'reads',
      signal: options.signal,
      priority: options.priority,
    });
  }

  /**
   * Updates the auto-fixer's settings (`PUT .../repos/check-suite-settings?repo_id=`); fields
   * absent or null are left as they are. The answer's body is untyped in the spec: this resolves
   * with it as an object. Setting the same values again is harmless, so transient failures are
   * retried like reads.
   */
  async putCheckSuiteSettings(
    repoId: number,
    settings: CheckSuiteSettingsUpdate,
    options: RequestOptions = {},
  ): Promise<Readonly<Record<string, unknown>>> {
    const id = checkInput('putCheckSuiteSettings', repoIdSchema, repoId);
    const body = checkInput('putCheckSuiteSettings', checkSuiteSettingsUpdateSchema, settings);
    return this.#transport.send({
      operation: 'putCheckSuiteSettings',
      method: 'PUT',
      path: `/v1/organizations/${this.orgId}/repos/check-suite-settings`,
      query: { repo_id: id },
      body,
      schema: v.record(v.string(), v.unknown()),
      retry: 'reads',
      signal: options.signal,
      priority: options.priority,
    });
  }

  // --- account -----------------------------------------------------------------------------

  /**
   * The token's user (`GET /v1/users/me`). With `cached: true`, the first successful answer is
   * reused (the run watcher needs the user id for every list).
   */
  async getCurrentUser(options: RequestOptions & { readonly cached?: boolean } = {}): Promise<CodegenUser> {
    if (options.cached && this.#currentUser) return this.#currentUser;
    const request = this.#transport.send({
      operation: 'getCurrentUser',
      method: 'GET',
      path: '/v1/users/me',
      schema: userSchema as unknown as v.GenericSchema<unknown, CodegenUser>,
      retry: 'reads',
      signal: options.signal,
      priority: options.priority,
    });
    this.#currentUser = request;
    request.catch(() => {
      if (this.#currentUser === request) this.#currentUser = undefined;
    });
    return request;
  }

  /** Organizations of the token's user (`GET /v1/organizations`). */
  async listOrganizations(query: PageQuery = {}, options: RequestOptions = {}): Promise<Page<Organization>> {
    return this.#transport.send({
      operation: 'listOrganizations',
      method: 'GET',
      path: '/v1/organizations',
      query: checkInput('listOrganizations', pageQuerySchema, query),
      schema: pageSchema(organizationSchema) as unknown as v.GenericSchema<unknown, Page<Organization>>,
      retry: 'reads',
      signal: options.signal,
      priority: options.priority,
    });
  }

  /** Repositories of the organization (`GET .../repos`); their ids are a create's `repo_id`. */
  async listRepos(query: PageQuery = {}, options: RequestOptions = {}): Promise<Page<Repo>> {
    return this.#transport.send({
      operation: 'listRepos',
      method: 'GET',
      path: `/v1/organizations/${this.orgId}/repos`,
      query: checkInput('listRepos', pageQuerySchema, query),
      schema: pageSchema(repoSchema) as unknown as v.GenericSchema<unknown, Page<Repo>>,
      retry: 'reads',
      signal: options.signal,
      priority: options.priority,
    });
  }
}
