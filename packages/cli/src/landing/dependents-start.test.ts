/**
 * `landing.dependentsStartWhen` end to end (issue 16): `pco run`'s pipeline over HTTP against the
 * linked fakes, a diamond backlog (#1 ← #2, #3 ← #4) whose pull requests need a green `ci` check.
 * For every setting, no dependent's agent run was created before each of its prerequisites
 * reached that point: by the run's JSON lines (the order of `task:start` and `task:milestone`)
 * and by the fakes' own records (the fake Codegen's create times against the fake GitHub's PR
 * creation, check completion and merge times). And the setting is not stricter than asked: some
 * dependent starts before its prerequisite reaches the next point.
 */
import { LANDING_MILESTONES, type LandingMilestone } from '@pco/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { firstRunOf, linesOf, pullOf, REPO, startLanding, type LandingEnv, type Line } from './landing-harness.js';

const RUN_MS = 120_000;
const CI_MS = 240_000;
const DIAMOND = [
  { number: 1, title: 'Add the cart API' },
  { number: 2, title: 'Add the checkout page', body: 'Depends on #1' },
  { number: 3, title: 'Add the cart badge', body: 'Depends on #1' },
  { number: 4, title: 'Add the order summary', body: 'Depends on #2\n\nDepends on #3' },
];
const id = (n: number) => `${REPO}#${n}`;
/** [dependent, prerequisite] */
const EDGES: readonly [string, string][] = [
  [id(2), id(1)],
  [id(3), id(1)],
  [id(4), id(2)],
  [id(4), id(3)],
];
const rank = (m: unknown) => LANDING_MILESTONES.indexOf(m as LandingMilestone);

let env: LandingEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

/**
 * When (epoch ms, the fakes' clock) the prerequisite reached `setting`, by the fakes' records: its
 * agent run's end (created + its scripted length), its pull request opened, its check done (opened
 * + the scripted CI time), the merge request that merged it (GitHub's own times are in seconds).
 */
function reachedAt(e: LandingEnv, taskId: string, setting: LandingMilestone): number {
  const run = firstRunOf(e.codegen, taskId)!;
  if (setting === 'run-complete') return run.at + RUN_MS * e.timeScale;
  const pull = pullOf(e, taskId)!;
  const opened = e.openedAt.get(pull.url)!;
  if (setting === 'pr-opened') return opened;
  if (setting === 'checks-passed') return opened + CI_MS * e.timeScale;
  const pr = e.github.pulls.get(REPO, pull.number);
  const merges = e.github.requests.filter((r) => r.operation === 'graphql mutation PcoLandMerge' && (r.body as { variables: { id: string } }).variables.id === pr.nodeId);
  expect(merges.length, `${taskId} merged by the lander`).toBeGreaterThan(0);
  return merges.at(-1)!.at;
}

/** Index of the line at which `taskId` reached `setting` (`run-complete`: it went into review). */
function reachedLine(lines: readonly Line[], taskId: string, setting: LandingMilestone): number {
  if (setting === 'run-complete') return lines.findIndex((l) => l.event === 'task:review' && l.taskId === taskId);
  return lines.findIndex((l) => l.event === 'task:milestone' && l.taskId === taskId && rank(l.milestone) >= rank(setting));
}

const startLine = (lines: readonly Line[], taskId: string) => lines.findIndex((l) => l.event === 'task:start' && l.taskId === taskId && l.followUp === undefined);

describe.each(LANDING_MILESTONES.map((m) => [m]))('landing.dependentsStartWhen: %s', (setting) => {
  it('no dependent’s agent run is created before its prerequisites reached that point; every task lands', async () => {
    env = await startLanding({
      issues: DIAMOND,
      pullScript: { checks: [{ name: 'ci', results: ['success'], durationMs: CI_MS }] },
      runs: () => ({ durationMs: RUN_MS }),
      landing: [`dependentsStartWhen: ${setting}`],
    });
    const result = await env.run();
    expect(result.stderr).not.toContain('✖');
    expect(result.code).toBe(0);
    const { lines } = result;

    // Every task landed: its pull request merged once, by the lander.
    for (const n of [1, 2, 3, 4]) {
      const task = result.summary!.results.find((r) => r.id === id(n))!;
      expect(task, id(n)).toMatchObject({ state: 'done', landing: { state: 'landed' } });
      expect(env.github.pulls.get(REPO, pullOf(env, id(n))!.number).merged, id(n)).toBe(true);
      expect(linesOf(lines, 'task:start', id(n)).filter((l) => l.followUp === undefined), id(n)).toHaveLength(1);
    }
    expect(env.link.opened).toHaveLength(4);
    expect(env.codegen.created).toHaveLength(4);

    for (const [dependent, prerequisite] of EDGES) {
      // The run's own account: the dependent started after the prerequisite's milestone line…
      const reached = reachedLine(lines, prerequisite, setting);
      expect(reached, `${prerequisite} reached ${setting}`).toBeGreaterThanOrEqual(0);
      expect(startLine(lines, dependent), `${dependent} started after ${prerequisite} reached ${setting}`).toBeGreaterThan(reached);
      // …and the fakes': its agent run was created after the prerequisite got there.
      const created = firstRunOf(env.codegen, dependent)!.at;
      expect(created, `${dependent} created after ${prerequisite} reached ${setting}`).toBeGreaterThanOrEqual(reachedAt(env, prerequisite, setting));
    }

    // Not stricter than asked: before `merged`, some dependent started before its prerequisite
    // reached the next point (so the setting, not the pipeline's speed, decided).
    const next = LANDING_MILESTONES[rank(setting) + 1];
    if (next !== undefined) {
      const early = EDGES.filter(([dependent, prerequisite]) => startLine(lines, dependent) < reachedLine(lines, prerequisite, next));
      expect(early.length, `a dependent started before its prerequisite reached ${next}`).toBeGreaterThan(0);
    }
  });
});
