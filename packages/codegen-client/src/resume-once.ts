/**
 * Resuming a run without setting the agent to work twice: a resume whose outcome is unknown
 * (dropped connection, timeout, 5xx) is checked by reading the run before anything is sent again.
 * A resume carries no metadata (`ResumeAgentRunInput`: `agent_run_id`, `prompt`, `images`), so
 * the run's status is the only trace it leaves: a settled run (PAUSED, COMPLETE, …) that is live
 * again was resumed.
 */
import type { CodegenApiError } from './errors.js';
import type { OnceTiming } from './create-once.js';
import { isSettled } from './statuses.js';
import type { AgentRun, RequestOptions, ResumeRunInput } from './types.js';

/**
 * What happened to a resume:
 * - `resumed`: the API accepted it; `run` is its answer (poll `run.id`: it may differ from the
 *   resumed run's, which the spec does not rule out).
 * - `not-resumed`: the server certainly did not act (4xx, 429 after retries, connection refused);
 *   see {@link isResumeRefused} for the answers that mean the run cannot be resumed.
 * - `unknown`: the request may have resumed the run (dropped connection, timeout, 5xx).
 */
export type ResumeRunOutcome =
  | { readonly outcome: 'resumed'; readonly run: AgentRun }
  | { readonly outcome: 'not-resumed'; readonly error: CodegenApiError }
  | { readonly outcome: 'unknown'; readonly error: CodegenApiError };

/** Options of {@link CodegenClient.resumeRunOnce}. */
export interface ResumeRunOnceOptions extends RequestOptions {
  /** Resumes sent at most (each after a read showed the run still settled). @default 3 */
  readonly attempts?: number;
}

/** Result of {@link CodegenClient.resumeRunOnce}. */
export interface ResumeRunOnceResult {
  /** The run to follow: the resume's answer, or the resumed run as read after an unknown outcome. */
  readonly run: AgentRun;
  /** True when an unknown outcome was resolved by reading the run (it was live again). */
  readonly recovered: boolean;
  /** Resumes sent. */
  readonly resumes: number;
}

/** What a resume-once needs of the client. */
export interface OnceResumer {
  tryResumeRun(input: ResumeRunInput, options: RequestOptions): Promise<ResumeRunOutcome>;
  getRun(runId: number, options: RequestOptions): Promise<AgentRun>;
}

/**
 * True when a resume was refused because of the run, not the caller: 400 / 409 (the run is not
 * in a state that can be resumed; the spec declares no status for this, so any such 4xx), 404
 * (the run is gone) or 422 (the server would not take this resume). Creating a new run is the way
 * on then. Not for 401 / 403 (credentials), 402 (quota: a create would be refused too), 429.
 */
export function isResumeRefused(error: CodegenApiError): boolean {
  return error.status === 400 || error.status === 404 || error.status === 409 || error.status === 422;
}

/** See {@link CodegenClient.resumeRunOnce}. */
export async function resumeRunOnce(
  client: OnceResumer,
  timing: OnceTiming,
  input: ResumeRunInput,
  options: ResumeRunOnceOptions,
): Promise<ResumeRunOnceResult> {
  const attempts = options.attempts ?? 3;
  const read: RequestOptions = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.priority === undefined ? {} : { priority: options.priority }),
  };
  const send: RequestOptions = { ...read, ...(options.onRateLimitWait ? { onRateLimitWait: options.onRateLimitWait } : {}) };
  // After an unknown outcome: a run that is live again took the resume.
  const taken = async (): Promise<AgentRun | undefined> => {
    const run = await client.getRun(input.agent_run_id, read);
    return isSettled(run.status) ? undefined : run;
  };
  let resumes = 0;
  let lastError: CodegenApiError | undefined;
  while (resumes < attempts) {
    if (resumes > 0) {
      const live = await taken();
      if (live) return { run: live, recovered: true, resumes };
    }
    resumes += 1;
    const outcome = await client.tryResumeRun(input, send);
    if (outcome.outcome === 'resumed') return { run: outcome.run, recovered: false, resumes };
    if (outcome.outcome === 'not-resumed') throw outcome.error;
    lastError = outcome.error;
    await timing.sleep(timing.backoff(resumes - 1), timing.signalFor(options.signal));
  }
  const live = await taken();
  if (live) return { run: live, recovered: true, resumes };
  throw lastError as CodegenApiError;
}
