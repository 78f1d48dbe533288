import { githubClientOptionsForFake, sampleBacklogFixture, startFakeGitHub, type FakeGitHub } from '@pco/testkit/github';
import type { ReviewUpdate, TaskLanding, TaskState, TaskUpdate } from '@pco/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { GitHubReporter } from './github-reporter.js';
import { GitHubIssuesSource } from './issues-source.js';
import { createGitHubClient } from './octokit.js';
import type { GitHubReporterOptions } from './reporter-options.js';
import type { GitHubTask } from './types.js';

const fakes: FakeGitHub[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function setup(options: Omit<GitHubReporterOptions, 'client'> = {}) {
  const fake = await startFakeGitHub(sampleBacklogFixture());
  fakes.push(fake);
  const client = createGitHubClient(githubClientOptionsForFake(fake.url));
  const tasks = await new GitHubIssuesSource({ client, repos: ['acme/shop'], trustEveryone: true }).load();
  fake.resetRequests();
  const task = tasks.find((t) => t.id === 'acme/shop#1')!;
  return { fake, reporter: new GitHubReporter({ client, ...options }), task };
}

const PR = { url: 'https://github.com/acme/shop/pull/25', number: 25, repo: 'acme/shop' };
let clock = Date.UTC(2026, 11, 2, 12);

function update(task: GitHubTask, state: TaskState, extra: { review?: ReviewUpdate; landing?: TaskLanding } = {}): TaskUpdate<GitHubTask> {
  clock += 60_000;
  return {
    runId: 'run-1',
    task,
    state,
    attempt: 1,
    at: clock,
    ...(extra.review ? { review: extra.review } : {}),
    result: { id: task.id, state, attempts: 1, pullRequests: [PR], ...(extra.landing ? { landing: extra.landing } : {}) },
  };
}

const statusLabels = (fake: FakeGitHub) => fake.issue('acme/shop#1').labels.filter((l) => l.startsWith('status:'));

describe('GitHubReporter: the landing states', () => {
  it('labels in-review, changes-requested and landed, and edits one comment with each reaction', async () => {
    const { fake, reporter, task } = await setup({ projectStatus: false });
    await reporter.report(update(task, 'in-review', { landing: { state: 'in-review', reactions: 0, reached: ['run-complete', 'pr-opened'] } }));
    expect(statusLabels(fake)).toEqual(['status:in-review']);
    await reporter.report(update(task, 'in-review', { review: { status: 'checks-failed', message: 'asked the agent to fix it (checks-failed follow-up 1 of 3)', pullRequest: PR } }));
    expect(statusLabels(fake)).toEqual(['status:in-review']);
    await reporter.report(update(task, 'in-review', { review: { status: 'changes-requested', message: 'changes requested by bob', pullRequest: PR } }));
    expect(statusLabels(fake)).toEqual(['status:changes-requested']);
    await reporter.report(update(task, 'in-review', { review: { status: 'merging', message: 'merging', pullRequest: PR } }));
    const landed = { state: 'landed', reactions: 3, reached: ['run-complete', 'pr-opened', 'checks-passed', 'merged'], landedAt: '2026-12-02T13:00:00.000Z' } as const;
    await reporter.report(update(task, 'done', { landing: landed }));
    expect(statusLabels(fake)).toEqual(['status:landed']);

    const comments = fake.issue('acme/shop#1').comments;
    expect(comments).toHaveLength(1); // created once, then edited in place
    const body = comments[0]!.body;
    expect(body).toContain('**done (landed)**');
    expect(body).toContain('| Pull request | landed, merged 2026-12-02T13:00:00.000Z |');
    expect(body).toContain('| Milestones | run-complete → pr-opened → checks-passed → merged |');
    expect(body).toContain('| Reactions | 3 |');
    // Every reaction in order.
    const progress = body.slice(body.indexOf('Review progress'));
    expect(progress.indexOf('`checks-failed`')).toBeGreaterThan(0);
    expect(progress.indexOf('`changes-requested`')).toBeGreaterThan(progress.indexOf('`checks-failed`'));
    expect(progress.indexOf('`merging`')).toBeGreaterThan(progress.indexOf('`changes-requested`'));
    expect(progress).toContain('[acme/shop/pull/25](https://github.com/acme/shop/pull/25)');
    expect(fake.count({ route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments' })).toBe(1);
  });

  it('moves the board item with the review state: in-review and landed fall back to their states\' options', async () => {
    const { fake, reporter, task } = await setup({ project: { owner: 'acme', number: 1 }, commentStates: [], projectStatus: { 'in-review': 'In Progress', 'changes-requested': 'Todo' } });
    await reporter.report(update(task, 'in-review'));
    expect(fake.projectItemFields('acme', 1, 'acme/shop#1').Status).toBe('In Progress');
    await reporter.report(update(task, 'in-review', { review: { status: 'changes-requested', pullRequest: PR } }));
    expect(fake.projectItemFields('acme', 1, 'acme/shop#1').Status).toBe('Todo');
    await reporter.report(update(task, 'done', { landing: { state: 'landed', reactions: 1, reached: ['merged'] } }));
    expect(fake.projectItemFields('acme', 1, 'acme/shop#1').Status).toBe('Done');
  });

  it('leaves merging to the lander: no auto-merge for a task whose result has landing', async () => {
    const { fake, reporter, task } = await setup({ autoMerge: { method: 'squash' }, commentStates: [], projectStatus: false });
    await reporter.report(update(task, 'done', { landing: { state: 'landed', reactions: 0, reached: ['merged'] } }));
    expect(fake.count({ operation: 'graphql query PcoPullRequestState' })).toBe(0);
    expect(fake.count({ operation: 'graphql mutation mergePullRequest' })).toBe(0);
    // Without a lander, auto-merge still works as before.
    await reporter.report(update(task, 'done'));
    expect(fake.count({ operation: 'graphql query PcoPullRequestState' })).toBe(1);
  });
});
