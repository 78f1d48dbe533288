/**
 * Creating a run without paying twice: a create whose outcome is unknown (dropped connection,
 * timeout, 5xx) is looked up by its metadata before anything is sent again.
 */
import type { Clock } from '@pco/contract';
import type { CodegenApiError } from './errors.js';
import type { Sleep } from './sleep.js';
import type { AgentRun, CodegenUser, CreateRunInput, JsonValue, ListRunsQuery, RequestOptions } from './types.js';

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
  /** Passed to the lookups. @default 10 minutes before the call, on the client's clock */
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

/** What the lookup needs of the client. */
export interface RunLister {
  getCurrentUser(options: RequestOptions & { readonly cached?: boolean }): Promise<CodegenUser>;
  iterateRuns(query: ListRunsQuery, options: RequestOptions): AsyncGenerator<AgentRun, void, undefined>;
}

/** What a create-once needs of the client. */
export interface OnceCreator {
  tryCreateRun(input: CreateRunInput, options: RequestOptions): Promise<CreateRunOutcome>;
  findRunByMetadata(key: string, value: string | number | boolean, options: FindRunOptions): Promise<AgentRun | undefined>;
}

/** The waits between creates. */
export interface OnceTiming {
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** Delay before create number `attempt + 1` (0-based). */
  backoff(attempt: number): number;
  signalFor(signal: AbortSignal | undefined): AbortSignal | undefined;
}

function toEpoch(value: string | number | Date): number {
  return typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value.getTime();
}

/** See {@link CodegenClient.findRunByMetadata}. */
export async function findRunByMetadata(
  client: RunLister,
  key: string,
  value: string | number | boolean,
  options: FindRunOptions,
): Promise<AgentRun | undefined> {
  const me = await client.getCurrentUser({ ...(options.signal ? { signal: options.signal } : {}), cached: true });
  const since = options.since === undefined ? undefined : toEpoch(options.since);
  const maxRuns = (options.maxPages ?? 5) * 100;
  let scanned = 0;
  for await (const run of client.iterateRuns({ user_id: me.id, source_type: 'API', limit: 100 }, options)) {
    if (run.metadata?.[key] === value) return run;
    const created = run.created_at ? Date.parse(run.created_at) : Number.NaN;
    if (since !== undefined && created < since) return undefined;
    if (++scanned >= maxRuns) return undefined;
  }
  return undefined;
}

/** See {@link CodegenClient.createRunOnce}. */
export async function createRunOnce(
  client: OnceCreator,
  timing: OnceTiming,
  input: CreateRunInput,
  options: CreateRunOnceOptions,
): Promise<CreateRunOnceResult> {
  const attempts = options.attempts ?? 3;
  const since = options.since ?? timing.clock.now() - 10 * 60_000;
  const ordered = options.priority === undefined ? {} : { priority: options.priority };
  const lookup = { since, ...(options.signal ? { signal: options.signal } : {}), ...ordered };
  const request: CreateRunInput = {
    ...input,
    metadata: { ...input.metadata, [options.key]: options.value as JsonValue },
  };
  if (options.lookupFirst) {
    const existing = await client.findRunByMetadata(options.key, options.value, lookup);
    if (existing) return { run: existing, recovered: true, creates: 0 };
  }
  const createOptions: RequestOptions = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onRateLimitWait ? { onRateLimitWait: options.onRateLimitWait } : {}),
    ...ordered,
  };
  let creates = 0;
  let lastError: CodegenApiError | undefined;
  while (creates < attempts) {
    if (creates > 0) {
      const existing = await client.findRunByMetadata(options.key, options.value, lookup);
      if (existing) return { run: existing, recovered: true, creates };
    }
    creates += 1;
    const outcome = await client.tryCreateRun(request, createOptions);
    if (outcome.outcome === 'created') return { run: outcome.run, recovered: false, creates };
    if (outcome.outcome === 'not-created') throw outcome.error;
    lastError = outcome.error;
    await timing.sleep(timing.backoff(creates - 1), timing.signalFor(options.signal));
  }
  const existing = await client.findRunByMetadata(options.key, options.value, lookup);
  if (existing) return { run: existing, recovered: true, creates };
  throw lastError as CodegenApiError;
}
