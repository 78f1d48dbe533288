// An issue an earlier run finished (status:done with its result comment) keeps its result
// unless the task really runs again in this run (issue 13, point 2). Over HTTP against the fake.
import { githubClientOptionsForFake, startFakeGitHub, type FakeGitHub } from '@pco/testkit/github';
import { afterEach, describe, expect, it } from 'vitest';
import { GitHubReporter } from './github-reporter.js';
import { GitHubIssuesSource } from './issues-source.js';
import { GitHubProjectSource } from './project-source.js';
import type { TaskState, TaskUpdate } from '@pco/contract';
import { createGitHubClient } from './octokit.js';
import type { GitHubTask } from './types.js';

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup() {
  fake = await startFakeGitHub({
    repos: [
      {
        owner: 'acme',
        name: 'web',
        issues: [
          { number: 1, title: 'Finished last week', labels: ['status:done'], comments: [{ body: '<!-- pco:result -->\n✅ done last week' }] },
          { number: 2, title: 'Never run', labels: [] },
        ],
      },
    ],
  });
  const client = createGitHubClient(githubClientOptionsForFake(fake.url));
  const tasks = new Map((await new GitHubIssuesSource({ client, repos: ['acme/web'], trustEveryone: true }).load()).map((t) => [t.id, t]));
  fake.resetRequests();
  const reporter = new GitHubReporter({ client });
  const report = (task: GitHubTask, state: TaskState) => {
    const update: TaskUpdate<GitHubTask> = {
      runId: 'r1',
      task,
      state,
      attempt: 1,
      at: Date.now(),
      ...(state === 'skipped' || state === 'failed' || state === 'interrupted'
        ? { result: { id: task.id, state, attempts: state === 'failed' ? 1 : 0, pullRequests: [], error: `${state} this time` } }
        : {}),
    };
    return reporter.report(update);
  };
  return { fake, tasks, report };
}

describe('an issue an earlier run finished', () => {
  it('is not written over by pending, ready, skipped or interrupted of a run in which it did not run', async () => {
    const { fake, tasks, report } = await setup();
    const done = tasks.get('acme/web#1')!;
    for (const state of ['pending', 'ready', 'skipped', 'interrupted'] as const) await report(done, state);
    expect(fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(fake.issue('acme/web#1').labels).toEqual(['status:done']);
    expect(fake.issue('acme/web#1').comments.map((c) => c.body)).toEqual(['<!-- pco:result -->\n✅ done last week']);
    // An issue without that label is written as usual.
    await report(tasks.get('acme/web#2')!, 'skipped');
    expect(fake.issue('acme/web#2').labels).toEqual(['status:skipped']);
  });

  it('is written when the task really ran again in this run, failure included', async () => {
    const { fake, tasks, report } = await setup();
    const done = tasks.get('acme/web#1')!;
    await report(done, 'running');
    await report(done, 'failed');
    expect(fake.issue('acme/web#1').labels).toEqual(['status:failed']);
    expect(fake.issue('acme/web#1').comments.at(-1)?.body).toContain('failed this time');
  });
});

describe('a board item an earlier run moved to Done (no status labels)', () => {
  it('stays in Done when this run only queues or skips it', async () => {
    const board = await startFakeGitHub({
      repos: [{ owner: 'acme', name: 'web', issues: [{ number: 1, title: 'Finished on the board' }] }],
      projects: [{ owner: 'acme', number: 1, title: 'Board', items: [{ content: 'acme/web#1', fields: { Status: 'Done' } }, { draft: { title: 'A draft done too' }, fields: { Status: 'Done' } }] }],
    });
    fake = board;
    const client = createGitHubClient(githubClientOptionsForFake(board.url));
    const tasks = await new GitHubProjectSource({ client, owner: 'acme', number: 1 }).load();
    expect(tasks).toHaveLength(2);
    board.resetRequests();
    // A board that shows queued and skipped work in Todo (the default leaves those states alone).
    const reporter = new GitHubReporter({ client, statusLabels: false, projectStatus: { pending: 'Todo', ready: 'Todo', skipped: 'Todo' } });
    for (const task of tasks) {
      for (const state of ['pending', 'ready', 'skipped'] as const) {
        await reporter.report({ runId: 'r1', task, state, attempt: 0, at: Date.now(), ...(state === 'skipped' ? { result: { id: task.id, state, attempts: 0, pullRequests: [] } } : {}) });
      }
    }
    expect(board.requests.filter((r) => r.operation?.startsWith('mutation'))).toEqual([]);
    expect(board.projectItemFields('acme', 1, 'acme/web#1').Status).toBe('Done');
  });
});
