/**
 * What the demo's fake agents do: most tasks complete with a pull request; two fail for good (a
 * run that errors, whose parent epic is then skipped, and one that hits its step limit); and the
 * last task of the critical path meets a burst of 429s on its first create, so the orchestrator
 * retries it. Scripted by task id (the executor puts it in the run's metadata).
 */
import type { FakeCodegen, FakeRunRequest, FakeRunScript } from '@pco/testkit';

/** The repository of the demo backlog (`sampleBacklogFixture`). */
export const DEMO_REPO = 'acme/shop';

/** Tasks scripted to fail, with the final status of their agent run. */
export const DEMO_FAILURES: Readonly<Record<string, 'ERROR' | 'MAX_ITERATIONS_REACHED'>> = {
  'acme/shop#13': 'ERROR',
  'acme/shop#20': 'MAX_ITERATIONS_REACHED',
};

/** Skipped because a scripted failure is among their dependencies (acme/shop#12 waits for its sub-issue #13). */
export const DEMO_SKIPPED_BY_FAILURE: readonly string[] = ['acme/shop#12'];

/**
 * The task whose first attempt is refused with 429s (more than the client's own retries), so the
 * orchestrator retries it. It is the last task of the critical path: when it starts every other
 * task has started, so no other create can take the injected responses.
 */
export const DEMO_RETRY = 'acme/shop#23';

/** 429 responses injected for the first create of {@link DEMO_RETRY}: one more than the client's retries (4). */
export const DEMO_RETRY_REFUSALS = 5;

/** The demo's task timeout (API seconds): longer than any scripted run (3–12 min). */
export const DEMO_TASK_TIMEOUT_SECONDS = 15 * 60;

/** The fake Codegen `script` callback of the demo. */
export function demoRunScript(run: FakeRunRequest): FakeRunScript | undefined {
  const taskId = typeof run.metadata?.pco_task_id === 'string' ? run.metadata.pco_task_id : undefined;
  if (taskId === undefined) return undefined;
  const failure = DEMO_FAILURES[taskId];
  if (failure === 'ERROR') {
    return { status: 'ERROR', durationMs: 5 * 60_000, result: 'The product grid broke 3 visual regression tests.' };
  }
  if (failure === 'MAX_ITERATIONS_REACHED') {
    return { status: 'MAX_ITERATIONS_REACHED', durationMs: 9 * 60_000, result: 'Stopped after 200 steps without a passing build.' };
  }
  return undefined;
}

/**
 * Makes the next creates of {@link DEMO_RETRY} fail with 429 (called when it starts its first
 * attempt). Only its own creates: another task's create in flight at that moment must not use
 * up a refusal, or DEMO_RETRY's first attempt gets through and the demo is not as scripted.
 */
export function refuseNextCreates(codegen: FakeCodegen): void {
  codegen.injectFault({
    operation: 'createRun',
    type: 'error',
    status: 429,
    count: DEMO_RETRY_REFUSALS,
    when: (body) => (body['metadata'] as Record<string, unknown> | null | undefined)?.['pco_task_id'] === DEMO_RETRY,
  });
}
