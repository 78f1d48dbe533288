/** How a Codegen run, or a failure to create or follow it, becomes the attempt's outcome. */
import { CredentialsRejectedError, RunStoppedError, TaskTimeoutError } from '@pco/contract';
import type { ExecutionContext, ExecutorOutcome } from '@pco/contract';
import { CodegenApiError } from './errors.js';
import { pullRequestsOf } from './pull-requests.js';
import { isSuccess, needsInput } from './statuses.js';
import type { AgentRun } from './types.js';

/** Codegen statuses that end a run without success (research §5). */
const FAILURE_TEXT: Readonly<Record<string, string>> = {
  ERROR: 'ended in an error',
  FAILED: 'failed',
  CANCELLED: 'was cancelled',
  STOPPED: 'was stopped',
  TIMEOUT: 'hit its time limit',
  MAX_ITERATIONS_REACHED: 'reached its step limit',
  OUT_OF_TOKENS: 'ran out of tokens',
};

export function isSettledRun(run: AgentRun): boolean {
  return isSuccess(run.status) || needsInput(run.status) || (run.status !== null && run.status in FAILURE_TEXT);
}

/** Maps a settled run to an outcome. */
export function mapRun(run: AgentRun): ExecutorOutcome {
  const summary = run.summary ?? undefined;
  const result = run.result ?? undefined;
  const common = {
    agentRunId: run.id,
    ...(summary === undefined ? {} : { summary }),
  };
  if (isSuccess(run.status)) {
    return { status: 'done', ...common, ...(result === undefined ? {} : { result }), pullRequests: pullRequestsOf(run) };
  }
  if (needsInput(run.status)) {
    return { status: 'needs-input', ...common, reason: `Agent run ${run.id} is paused and waits for input${result ? `: ${result}` : ''}.` };
  }
  const status = run.status ?? 'UNKNOWN';
  const what = FAILURE_TEXT[status] ?? `ended with status ${status}`;
  return {
    status: 'failed',
    ...common,
    ...(result === undefined ? {} : { result }),
    error: new Error(`Agent run ${run.id} ${what} (${status})${result ? `: ${result}` : ''}`),
    transient: false,
  };
}

/** A timeout or a cancel stop: the remote work should stop too (a detach stop leaves it running). */
export function cancels(reason: unknown): boolean {
  return reason instanceof TaskTimeoutError || (reason instanceof RunStoppedError && reason.mode === 'cancel');
}

function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

/** The outcome of an attempt whose create or watch threw; rethrows the signal's reason on a timeout or stop. */
export function failureOutcome(error: unknown, ctx: ExecutionContext, stage: 'create' | 'watch'): ExecutorOutcome {
  // Timeouts and stops: hand the signal's reason back; the orchestrator knows what it means.
  if (ctx.signal.aborted && (error === ctx.signal.reason || isAbort(error))) throw ctx.signal.reason;
  if (error instanceof CodegenApiError && error.kind === 'not-found' && ctx.previous?.agentRunId !== undefined) {
    // The journal's run is gone on Codegen's side: nothing to re-attach to, so this attempt
    // fails in a way that lets the orchestrator start a new one (a new run) if attempts remain.
    return {
      status: 'failed',
      error: new Error(`Agent run ${String(ctx.previous.agentRunId)} recorded for this attempt was not found on Codegen`, { cause: error }),
      transient: true,
    };
  }
  if (error instanceof CodegenApiError && (error.kind === 'unauthorized' || error.kind === 'forbidden')) {
    // The token or the organisation is refused: every other task would get the same answer,
    // so this is the run's problem, not this task's (the orchestrator stops dispatching).
    return {
      status: 'failed',
      error: new CredentialsRejectedError('codegen', `Codegen refused the credentials (${error.status}): ${error.message}`, {
        status: error.status,
        operation: error.operation,
        hint:
          error.kind === 'unauthorized'
            ? 'Check codegen.token (CODEGEN_TOKEN): Codegen does not accept it.'
            : 'Check codegen.orgId (CODEGEN_ORG_ID): the token has no access to this organization.',
        cause: error,
      }),
      transient: false,
    };
  }
  if (error instanceof CodegenApiError) {
    const what = stage === 'create' ? 'Could not create the agent run' : 'Could not follow the agent run';
    return {
      status: 'failed',
      error: new Error(`${what}: ${error.message}`, { cause: error }),
      transient: error.transient,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    };
  }
  return { status: 'failed', error, transient: false };
}
