/**
 * The lander's reactions end to end (issue 16): `pco run`'s pipeline over HTTP against the linked
 * fakes (a follow-up resumes the agent's run, which pushes to its pull request):
 * - checks failed → a follow-up carrying the failing check's name, summary and log excerpt;
 * - changes requested → a follow-up carrying the review and its inline comment;
 * - conflict (two pull requests change the same file) → a follow-up that merges the base in, then
 *   the merge;
 * - behind the base (branches must be up to date) → update-branch, no follow-up, then the merge.
 * Each reaction once, each pull request merged once, by the fakes' records and the run's lines.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { linesOf, pullOf, REPO, startLanding, type LandingEnv, type Line, type RunResult } from './landing-harness.js';

const id = (n: number) => `${REPO}#${n}`;

const open: LandingEnv[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

/** The follow-up segments the fake Codegen ran for `taskId` (resumes of its run). */
const followUpsOf = (env: LandingEnv, taskId: string) => env.segments.filter((s) => s.followUp && s.taskId === taskId);

/** The fake GitHub's GraphQL requests of `operation` (e.g. `mutation PcoLandMerge`) on the pull request `nodeId`. */
function mutations(env: LandingEnv, operation: string, nodeId?: string) {
  return env.github.requests.filter(
    (r) => r.route === 'POST /graphql' && r.operation === `graphql ${operation}` && (nodeId === undefined || (r.body as { variables?: { id?: string } }).variables?.id === nodeId),
  );
}

/** Where in the fake's request log the pull request `nodeId` was merged (its last merge request; GitHub's times are in seconds). */
function mergeOrder(env: LandingEnv, nodeId: string): number {
  const merges = mutations(env, 'mutation PcoLandMerge', nodeId);
  return env.github.requests.indexOf(merges.at(-1)!);
}

/**
 * Every pull request merged once: one merge request carried the head it merged (a merge request
 * on a merged pull request would carry it too), and GitHub refused none as already merged.
 */
function expectMergedOnce(env: LandingEnv, result: RunResult, taskIds: readonly string[]): void {
  for (const taskId of taskIds) {
    const pr = env.github.pulls.get(REPO, pullOf(env, taskId)!.number);
    expect(pr.merged, taskId).toBe(true);
    const merges = mutations(env, 'mutation PcoLandMerge', pr.nodeId).filter((m) => (m.body as { variables: { head: string } }).variables.head === pr.headSha);
    expect(merges, `${taskId}: merge requests on the merged head`).toHaveLength(1);
  }
  expect(result.reactions.filter((r) => /already merged/i.test(r.outcome ?? ''))).toEqual([]);
}

const followUpLines = (lines: readonly Line[], taskId?: string) => linesOf(lines, 'task:follow-up', taskId);

describe('reactions on the pull requests of one run', () => {
  it('checks failed, changes requested, conflict: one follow-up each with what to fix, then every pull request merged', async () => {
    const env = await startLanding({
      issues: [
        { number: 1, title: 'Add the cart API' },
        { number: 2, title: 'Add the checkout page' },
        { number: 3, title: 'Log cart events' },
        { number: 4, title: 'Log checkout events' },
      ],
      // No auto-merge: pco's merge train merges.
      autoMergeAllowed: false,
      pulls: (taskId) => {
        if (taskId === id(1)) return { ci: ['failure', 'success'] };
        if (taskId === id(2)) return { ci: ['success'], reviews: ['changes', 'approve'] };
        return { ci: ['success'], files: ['src/logging.ts'] };
      },
      // #3 and #4 open their pull requests at the same time, so one conflicts once the other merged.
      runs: (_taskId, followUp) => ({ durationMs: followUp ? 60_000 : 120_000 }),
    });
    open.push(env);
    const result = await env.run();
    expect(result.code).toBe(0);
    for (const n of [1, 2, 3, 4]) expect(result.summary!.results.find((r) => r.id === id(n)), id(n)).toMatchObject({ state: 'done', landing: { state: 'landed' } });

    // Checks failed: the follow-up resumed the agent's run with the failing check.
    const ci = env.github.pulls.get(REPO, pullOf(env, id(1))!.number);
    const [ciFix, ...moreCi] = followUpsOf(env, id(1));
    expect(moreCi).toEqual([]);
    expect(ciFix).toMatchObject({ runId: pullOf(env, id(1))!.runId, resumeCount: 1 });
    expect(ciFix!.prompt).toContain(`The checks of your pull request failed on commit ${ci.headShas[0]}`);
    expect(ciFix!.prompt).toContain('### ci (failure)');
    expect(ciFix!.prompt).toContain('The ci job failed.');
    expect(ciFix!.prompt).toContain('##[error]Process completed with exit code 1.');
    expect(ciFix!.prompt).toContain(ci.url);
    expect(followUpLines(result.lines, id(1))).toEqual([expect.objectContaining({ key: `checks-failed:${ci.headShas[0]}`, reason: 'checks-failed', outcome: 'done' })]);
    // Merged on the fixed head (the one whose checks passed), never on the failing one.
    expect(ci.headShas).toHaveLength(2);
    expect(mutations(env, 'mutation PcoLandMerge', ci.nodeId).map((m) => (m.body as { variables: { head: string } }).variables.head)).toEqual([ci.headShas[1]]);

    // Changes requested: the follow-up carried the review and its inline comment.
    const reviewed = pullOf(env, id(2))!;
    const [reviewFix, ...moreReview] = followUpsOf(env, id(2));
    expect(moreReview).toEqual([]);
    expect(reviewFix!.prompt).toContain('A reviewer (@reviewer) requested changes on your pull request');
    expect(reviewFix!.prompt).toContain('Please handle the empty case before this lands.');
    expect(reviewFix!.prompt).toContain(`\`${reviewed.files[0]}:1\`: This breaks when the list is empty: handle it and add a test.`);
    expect(followUpLines(result.lines, id(2))).toEqual([expect.objectContaining({ reason: 'changes-requested', outcome: 'done' })]);
    expect(env.github.pulls.get(REPO, reviewed.number).reviewDecision).toBe('APPROVED');

    // Conflict: whichever merged second conflicted, was asked to merge its base in, and merged.
    const logging = [id(3), id(4)].map((taskId) => ({ taskId, pr: env.github.pulls.get(REPO, pullOf(env, taskId)!.number) }));
    const [first, second] = logging.sort((a, b) => mergeOrder(env, a.pr.nodeId) - mergeOrder(env, b.pr.nodeId));
    expect(followUpsOf(env, first!.taskId)).toEqual([]);
    const [rebase, ...moreRebase] = followUpsOf(env, second!.taskId);
    expect(moreRebase).toEqual([]);
    expect(rebase!.prompt).toContain('Your pull request conflicts with `main`');
    expect(followUpLines(result.lines, second!.taskId)).toEqual([expect.objectContaining({ reason: 'conflict', outcome: 'done' })]);
    expect(env.link.pushes.filter((p) => p.number === second!.pr.number)).toEqual([expect.objectContaining({ mergeBase: true })]);

    // One push per follow-up, three in all; every pull request merged once.
    expect(env.link.pushes).toHaveLength(3);
    expect(followUpLines(result.lines)).toHaveLength(3);
    expectMergedOnce(env, result, [id(1), id(2), id(3), id(4)]);
    // The results count the reactions (follow-ups and steps such as the merge).
    expect(result.summary!.results.find((r) => r.id === id(1))!.landing!.reactions).toBeGreaterThanOrEqual(2);
  });

  it('behind the base: the branch is updated (no follow-up), checked again and merged', async () => {
    const env = await startLanding({
      issues: [
        { number: 1, title: 'Add the cart API' },
        { number: 2, title: 'Add the checkout page' },
      ],
      rules: { requiredChecks: ['ci'], strictUpToDate: true },
      runs: () => ({ durationMs: 120_000 }),
    });
    open.push(env);
    const result = await env.run();
    expect(result.code).toBe(0);
    const prs = [id(1), id(2)].map((taskId) => ({ taskId, pr: env.github.pulls.get(REPO, pullOf(env, taskId)!.number) }));
    const [first, second] = prs.sort((a, b) => mergeOrder(env, a.pr.nodeId) - mergeOrder(env, b.pr.nodeId));
    // The second was behind once the first merged: one update-branch on it, none on the first.
    const updates = linesOf(result.lines, 'task:step', second!.taskId).filter((l) => String(l.key).startsWith('update-branch:'));
    expect(updates).toHaveLength(1);
    expect(mutations(env, 'mutation PcoUpdateBranch', second!.pr.nodeId)).toHaveLength(1);
    expect(mutations(env, 'mutation PcoUpdateBranch', first!.pr.nodeId)).toHaveLength(0);
    // The update is a new head (the base merged in), not the agent's push: no follow-up.
    expect(second!.pr.pushes).toBe(0);
    expect(second!.pr.headShas).toHaveLength(2);
    expect(env.segments.filter((s) => s.followUp)).toEqual([]);
    expect(followUpLines(result.lines)).toEqual([]);
    // Merged on the updated head (a merge sent as the first merged was refused: it had fallen behind).
    expect(second!.pr.headSha).toBe(second!.pr.headShas[1]);
    expectMergedOnce(env, result, [id(1), id(2)]);
  });
});
