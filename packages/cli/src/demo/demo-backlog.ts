/**
 * What the demo's fake agents do: most tasks complete with a pull request; two fail for good (a
 * run that errors, whose parent epic is then skipped, and one that hits its step limit); and the
 * last task of the critical path meets a burst of 429s on its first create, so the orchestrator
 * retries it. Scripted by task id (the executor puts it in the run's metadata).
 *
 * And what happens to their pull requests (the fakes are linked): every one must pass the `ci`
 * check before it merges; one fails CI and is fixed by a follow-up, one gets changes requested
 * and is fixed, and two touch the same file so the second conflicts once the first merged and
 * is rebased by a follow-up.
 */
import type { FakeBranchRules, FakeCodegen, FakeLinkScript, FakeRunCompletion, FakeRunRequest, FakeRunScript } from '@pco/testkit';

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

/** Its pull request fails CI on the opening push; a follow-up with the failing check fixes it. */
export const DEMO_CI_FIX = 'acme/shop#1';

/** A reviewer requests changes on its pull request; a follow-up with the comments fixes it. */
export const DEMO_REVIEW_FIX = 'acme/shop#10';

/**
 * Two independent tasks whose pull requests change the same file, open at the same time: once
 * the first merged, the second conflicts and a follow-up merges the base in.
 */
export const DEMO_CONFLICT: readonly [first: string, second: string] = ['acme/shop#16', 'acme/shop#18'];

/** The demo repository's branch protection: every pull request needs a green `ci` check. */
export const DEMO_RULES: FakeBranchRules = { requiredChecks: ['ci'] };

/** Agent run lengths (API ms) that keep both conflicting pull requests open at once. */
const CONFLICT_RUN_MS: Readonly<Record<string, number>> = { [DEMO_CONFLICT[0]]: 4 * 60_000, [DEMO_CONFLICT[1]]: 4.5 * 60_000 };

function taskIdOf(metadata: Readonly<Record<string, unknown>> | null | undefined): string | undefined {
  return typeof metadata?.pco_task_id === 'string' ? metadata.pco_task_id : undefined;
}

/** The linked fakes' `script` callback: what happens on the pull request of each task's run. */
export function demoPullScript(run: FakeRunCompletion): FakeLinkScript | undefined {
  const taskId = taskIdOf(run.metadata);
  if (taskId === DEMO_CI_FIX) return { ci: ['failure', 'success'] };
  if (taskId === DEMO_REVIEW_FIX) return { ci: ['success'], reviews: ['changes', 'approve'] };
  if (taskId !== undefined && DEMO_CONFLICT.includes(taskId)) return { ci: ['success'], files: ['src/logging.ts'] };
  return { ci: ['success'] };
}

/** The fake Codegen `script` callback of the demo. */
export function demoRunScript(run: FakeRunRequest): FakeRunScript | undefined {
  const taskId = taskIdOf(run.metadata);
  if (taskId === undefined) return undefined;
  const conflictMs = CONFLICT_RUN_MS[taskId];
  if (conflictMs !== undefined && run.metadata?.pco_follow_up_pr === undefined) return { durationMs: conflictMs };
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
