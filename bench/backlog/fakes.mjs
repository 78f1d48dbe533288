/**
 * Both fakes of @pco/testkit for one generated backlog, on one time scale (real ms = API ms ×
 * timeScale):
 *  - fake GitHub: the backlog's fixture; the primary limit (5,000 requests an hour per resource)
 *    with its window scaled; GitHub's secondary limits (80 content-creating requests a minute,
 *    500 an hour, 100 requests in flight, per token, windows scaled; `GITHUB_SECONDARY=0` turns
 *    them off, `GITHUB_SECONDARY=contentPerMinute=5,concurrent=4` tightens them to watch the
 *    runners meet them); optional 5xx (`githubErrorRate`).
 *  - fake Codegen: the documented limits enforced (creates 10/min, reads 60/30 s, scaled); every
 *    run scripted from the task in its metadata (pco: `pco_task_id`, the peers: `bench_task`):
 *    its lognormal duration, ERROR for the permanent failures; transient 5xx on creates and
 *    reads at `codegenErrorRate`.
 * The parent process (bench.mjs) runs the fakes; the runner under test is a child process, so
 * its CPU time and peak RSS are its own.
 */
import { startFakeCodegen, startFakeGitHub } from '@pco/testkit';
import { REPO } from './generate.mjs';

export const GITHUB_TOKEN = 'bench-github-token';
export const CODEGEN_TOKEN = 'bench-codegen-token';

/** The task number a create names (pco's `pco_task_id`, the peers' `bench_task`). */
export function taskOfRun(metadata) {
  if (!metadata) return undefined;
  if (typeof metadata.bench_task === 'number') return metadata.bench_task;
  if (typeof metadata.pco_task_id === 'string') return Number(metadata.pco_task_id.split('#').pop());
  return undefined;
}

/**
 * GitHub's documented secondary limits
 * (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits):
 * refused with 403, the "secondary rate limit" message and `retry-after` in API seconds.
 */
export const GITHUB_SECONDARY_LIMITS = Object.freeze({ contentPerMinute: 80, contentPerHour: 500, concurrent: 100 });

/**
 * The secondary limits `GITHUB_SECONDARY` asks for: unset or `1` GitHub's, `0` none,
 * `key=value,…` GitHub's with those fields replaced (`contentPerMinute`, `contentPerHour`,
 * `concurrent`, `status`).
 */
export function secondaryLimitsFromEnv(text = process.env.GITHUB_SECONDARY) {
  if (text === undefined || text.trim() === '' || text.trim() === '1') return GITHUB_SECONDARY_LIMITS;
  if (text.trim() === '0') return undefined;
  const limits = { ...GITHUB_SECONDARY_LIMITS };
  for (const pair of text.split(',')) {
    const [key, value] = pair.split('=').map((x) => x.trim());
    if (!(key in limits) && key !== 'status') throw new Error(`GITHUB_SECONDARY: unknown field ${key} (contentPerMinute, contentPerHour, concurrent, status)`);
    limits[key] = Number(value);
  }
  return limits;
}

export async function startFakes(
  backlog,
  { timeScale, seed = 1, codegenErrorRate = 0.01, githubErrorRate = 0.005, githubSecondary = secondaryLimitsFromEnv() },
) {
  const github = await startFakeGitHub(backlog.fixture, {
    token: GITHUB_TOKEN,
    rateLimitWindowMs: 3_600_000 * timeScale,
    // The secondary limits' windows (a minute, an hour) and their retry-after are in API time.
    timeScale,
    ...(githubSecondary ? { secondaryLimits: githubSecondary } : {}),
    serverErrorRate: githubErrorRate,
    seed,
  });
  /** Run id → { task, durationMs } of every run scripted. */
  const scripted = new Map();
  let codegen;
  try {
    codegen = await startFakeCodegen({
      tokens: [CODEGEN_TOKEN],
      orgId: 1,
      repos: [{ id: 1, fullName: REPO }],
      timeScale,
      seed,
      faults: codegenErrorRate > 0 ? { errorRate: codegenErrorRate, errorStatuses: [500, 502, 503], operations: ['createRun', 'getRun', 'listRuns'] } : {},
      script: (run) => {
        const number = taskOfRun(run.metadata);
        const task = number === undefined ? undefined : backlog.byNumber.get(number);
        if (!task) return undefined;
        scripted.set(run.id, { task: number, durationMs: task.durationMs });
        return task.fails
          ? { status: 'ERROR', durationMs: task.durationMs, result: 'Generated failure: the build never passed.' }
          : { status: 'COMPLETE', durationMs: task.durationMs, prs: 1 };
      },
    });
  } catch (error) {
    await github.close();
    throw error;
  }
  return {
    github,
    codegen,
    scripted,
    timeScale,
    /** The secondary limits enforced, or undefined. */
    githubSecondary,
    async close() {
      await Promise.allSettled([github.close(), codegen.close()]);
    },
  };
}
