/**
 * Follow-ups used up (issue 16): the pull request's checks keep failing after the one follow-up
 * `landing.maxFollowUps.checksFailed` allows, so a human is needed. `pco run` ends the task
 * `needs-input` with the reason on the issue (label and comment); its dependent is not skipped:
 * it waits, without an agent run. A human merges the pull request (the fake GitHub's control
 * API); the next `pco run` resumes the journal, sees it merged, lands the task without another
 * agent run or follow-up, and only then starts the dependent, which lands too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { firstRunOf, linesOf, pullOf, REPO, startLanding, type LandingEnv } from './landing-harness.js';

const id = (n: number) => `${REPO}#${n}`;

let env: LandingEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('attempts exhausted', () => {
  it('needs-input with the reason on the issue, the dependent pending (not skipped), resumed by the next pco run once a human merged', async () => {
    env = await startLanding({
      issues: [
        { number: 1, title: 'Add the cart API' },
        { number: 2, title: 'Add the checkout page', body: 'Depends on #1' },
        { number: 3, title: 'Add the footer' },
      ],
      pulls: (taskId) => (taskId === id(1) ? { ci: ['failure'] } : undefined),
      runs: (_taskId, followUp) => ({ durationMs: followUp ? 60_000 : 120_000 }),
      landing: ['maxFollowUps:', '  checksFailed: 1'],
    });

    // --- the first run: #1 needs a human, #3 lands, #2 waits -----------------------------------
    const first = await env.run();
    expect(first.code).toBe(1);
    const results = new Map(first.summary!.results.map((r) => [r.id, r]));
    expect(results.get(id(3))).toMatchObject({ state: 'done', landing: { state: 'landed' } });
    const stuck = results.get(id(1))!;
    expect(stuck.state).toBe('needs-input');
    expect(stuck.landing).toMatchObject({ state: 'needs-human' });
    expect(stuck.error).toMatch(/checks failed on [0-9a-f]{7} \(ci\): checks-failed follow-ups used up \(1 of 1\)/);
    // One follow-up was sent (and pushed); its push failed CI again.
    expect(linesOf(first.lines, 'task:follow-up', id(1))).toEqual([expect.objectContaining({ reason: 'checks-failed', outcome: 'done' })]);
    expect(env.link.pushes).toHaveLength(1);
    const pull = pullOf(env, id(1))!;
    expect(env.github.pulls.get(REPO, pull.number)).toMatchObject({ state: 'OPEN', merged: false, pushes: 1 });
    expect(linesOf(first.lines, 'task:needs-input', id(1))).toEqual([expect.objectContaining({ reason: expect.stringContaining('follow-ups used up') })]);

    // The reason is on the issue: its status label and its result comment.
    const issue = env.github.issue(id(1));
    expect(issue.labels).toContain('status:needs-input');
    expect(issue.comments.some((c) => c.body.includes('follow-ups used up (1 of 1)'))).toBe(true);

    // The dependent waits: not skipped, no agent run, nothing written as skipped.
    expect(results.get(id(2))).toMatchObject({ state: 'pending', attempts: 0, error: expect.stringContaining('a dependency needs a human') });
    expect(linesOf(first.lines, 'task:skipped')).toEqual([]);
    expect(linesOf(first.lines, 'task:start', id(2))).toEqual([]);
    expect(firstRunOf(env.codegen, id(2))).toBeUndefined();
    expect(env.github.issue(id(2)).labels.filter((l) => /skipped|failed/.test(l))).toEqual([]);
    const runsBefore = env.codegen.created.length;
    const resumesBefore = env.codegen.requests.filter((r) => r.operation === 'resumeRun').length;

    // --- a human merges the pull request as it is -------------------------------------------------
    env.github.pulls.mergeAsHuman(REPO, pull.number, { login: 'octocat' });
    const mergedAt = Date.now();

    // --- the next pco run resumes: #1 lands without an agent, then #2 runs and lands --------------
    const second = await env.run();
    expect(second.stderr).not.toContain('✖');
    expect(second.code).toBe(0);
    expect(linesOf(second.lines, 'run:start')).toEqual([expect.objectContaining({ resumed: true })]);
    const after = new Map(second.summary!.results.map((r) => [r.id, r]));
    expect(after.get(id(1))).toMatchObject({ state: 'done', landing: { state: 'landed' } });
    expect(after.get(id(2))).toMatchObject({ state: 'done', landing: { state: 'landed' } });
    expect(after.get(id(3))).toMatchObject({ state: 'done' });
    // #1: no new agent run, no new follow-up, no merge request by pco (the human merged it).
    expect(linesOf(second.lines, 'task:start', id(1))).toEqual([]);
    expect(linesOf(second.lines, 'task:follow-up')).toEqual([]);
    expect(env.codegen.requests.filter((r) => r.operation === 'resumeRun')).toHaveLength(resumesBefore);
    expect(env.github.pulls.get(REPO, pull.number)).toMatchObject({ merged: true, pushes: 1 });
    // #2: one agent run, created only after the human's merge; #3 is not run again.
    expect(env.codegen.created.slice(runsBefore).map((r) => r.metadata?.pco_task_id)).toEqual([id(2)]);
    expect(firstRunOf(env.codegen, id(2))!.at).toBeGreaterThanOrEqual(mergedAt);
    expect(env.github.pulls.get(REPO, pullOf(env, id(2))!.number).merged).toBe(true);
    expect(env.github.issue(id(1)).labels).not.toContain('status:needs-input');
  });
});
