import { githubClientOptionsForFake, sampleBacklogFixture, startFakeGitHub, type FakeGitHub, type FakeGitHubFixture } from '@pco/testkit/github';
import { rejectionOf } from '@pco/testkit/helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { GitHubAbortError, GitHubApiError } from './errors.js';
import type { TaskResult, TaskState, TaskUpdate } from '@pco/contract';
import type { GitHubReporterEvents } from './events.js';
import { GitHubReporter } from './github-reporter.js';
import type { GitHubReporterOptions } from './reporter-options.js';
import { resultCommentMarker } from './result-comment.js';
import { GitHubIssuesSource } from './issues-source.js';
import { createGitHubClient, type GitHubClientOptions } from './octokit.js';
import { GitHubProjectSource } from './project-source.js';
import type { GitHubTask, GitHubTaskSourceRef } from './types.js';

const fakes: FakeGitHub[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

function fixture(): FakeGitHubFixture {
  const base = sampleBacklogFixture();
  const [shop, ...rest] = base.repos;
  return {
    ...base,
    repos: [
      {
        ...shop!,
        pulls: [
          ...(shop!.pulls ?? []),
          { number: 28, title: 'Conflicting', mergeStateStatus: 'DIRTY' },
          { number: 29, title: 'Red checks', mergeStateStatus: 'UNSTABLE' },
        ],
      },
      ...rest,
      { owner: 'acme', name: 'legacy', autoMergeAllowed: false, issues: [{ number: 1, title: 'Old', body: '' }], pulls: [{ number: 2, title: 'Needs review', mergeStateStatus: 'BLOCKED' }] },
    ],
  };
}

async function setup(reporterOptions: Omit<GitHubReporterOptions, 'client'> = {}, clientOptions: Partial<GitHubClientOptions> = {}) {
  const fake = await startFakeGitHub(fixture());
  fakes.push(fake);
  const client = createGitHubClient(githubClientOptionsForFake(fake.url, clientOptions));
  const reporter = new GitHubReporter({ client, ...reporterOptions });
  const events: { [K in keyof GitHubReporterEvents]: GitHubReporterEvents[K][] } = { merge: [], branch: [], warning: [] };
  reporter.on('merge', (e) => events.merge.push(e));
  reporter.on('branch', (e) => events.branch.push(e));
  reporter.on('warning', (e) => events.warning.push(e));
  const { issues, board } = await loadTasks(client);
  fake.resetRequests();
  return { fake, client, reporter, events, issues, board };
}

let loaded: Promise<{ issues: Map<string, GitHubTask>; board: Map<string, GitHubTask> }> | undefined;
/**
 * Tasks loaded through the real sources once: node ids are deterministic per fixture, so the
 * tasks fit every fresh fake built from the same fixture.
 */
function loadTasks(client: ReturnType<typeof createGitHubClient>) {
  loaded ??= (async () => ({
    issues: new Map((await new GitHubIssuesSource({ client, repos: ['acme/shop', 'acme/legacy'], trustEveryone: true }).load()).map((t) => [t.id, t])),
    board: new Map((await new GitHubProjectSource({ client, owner: 'acme', number: 1 }).load()).map((t) => [t.id, t])),
  }))();
  return loaded;
}

function update(task: GitHubTask, state: TaskState, result: Partial<TaskResult> = {}, attempt = 1): TaskUpdate<GitHubTask> {
  const terminal = ['done', 'failed', 'skipped', 'needs-input', 'interrupted'].includes(state);
  return {
    runId: 'run-1',
    task,
    state,
    attempt,
    at: Date.UTC(2026, 10, 25, 12),
    ...(terminal ? { result: { id: task.id, state, attempts: attempt, pullRequests: [], ...result } } : {}),
  };
}

const pr = (n: number, repo = 'acme/shop') => ({ url: `https://github.com/${repo}/pull/${n}`, number: n, repo });

describe('GitHubReporter: status labels', () => {
  it('replaces the previous status label', async () => {
    const { fake, reporter, issues } = await setup();
    const t = issues.get('acme/shop#1')!;
    await reporter.report(update(t, 'ready'));
    expect(fake.issue('acme/shop#1').labels).toEqual(['agent', 'backend', 'status:queued']);
    await reporter.report(update(t, 'running'));
    expect(fake.issue('acme/shop#1').labels).toEqual(['agent', 'backend', 'status:running']);
    await reporter.report(update(t, 'failed'));
    await reporter.report(update(t, 'interrupted')); // mapped to null: labels untouched
    expect(fake.issue('acme/shop#1').labels).toEqual(['agent', 'backend', 'status:failed']);
    expect(fake.count({ route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels' })).toBe(3);
    expect(fake.count({ route: 'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}' })).toBe(2);
  });

  it('writes nothing for a state that maps to the label (or board option) it already wrote', async () => {
    const { fake, reporter, board } = await setup({ commentStates: [] });
    const t = board.get('acme/shop#2')!;
    for (const state of ['pending', 'ready', 'running', 'retrying', 'running', 'done'] as const) await reporter.report(update(t, state));
    expect(fake.issue('acme/shop#2').labels.filter((l) => l.startsWith('status:'))).toEqual(['status:done']);
    // queued, running, done: one add each, and the two labels they replace removed
    expect(fake.count({ route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels' })).toBe(3);
    expect(fake.count({ route: 'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}' })).toBe(2);
    // In Progress (running; retrying and running again map to it too), Done
    expect(fake.count({ operation: 'graphql mutation PcoSetStatus' })).toBe(2);
    expect(fake.projectItemFields('acme', 1, 'acme/shop#2').Status).toBe('Done');
  });

  it('writes the label again when its previous write failed', async () => {
    let failNext = true;
    const flakyFetch: typeof fetch = async (input, init) => {
      if (failNext && init?.method === 'POST' && String(input).endsWith('/issues/4/labels')) {
        failNext = false;
        return new Response(JSON.stringify({ message: 'Validation Failed' }), { status: 422, headers: { 'content-type': 'application/json' } });
      }
      return fetch(input, init);
    };
    const fake = await startFakeGitHub(fixture());
    fakes.push(fake);
    const reporter = new GitHubReporter({ client: createGitHubClient(githubClientOptionsForFake(fake.url, { fetch: flakyFetch })), commentStates: [], projectStatus: false });
    const task = { id: 'acme/shop#4', title: 'x', source: { kind: 'issue', repo: 'acme/shop', number: 4 } } as const;
    await expect(reporter.report({ runId: 'r', task, state: 'running', attempt: 1, at: 0 })).rejects.toThrowError(GitHubApiError);
    await reporter.report({ runId: 'r', task, state: 'running', attempt: 1, at: 0 });
    expect(fake.issue('acme/shop#4').labels).toContain('status:running');
    expect(fake.count({ route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels' })).toBe(1);
  });

  it('takes a custom prefix and names', async () => {
    const { fake, reporter, issues } = await setup({ statusLabels: { prefix: 'pco/', names: { running: 'working', ready: null } } });
    const t = issues.get('acme/shop#2')!;
    await reporter.report(update(t, 'ready'));
    expect(fake.issue('acme/shop#2').labels).toEqual(['agent', 'backend']);
    await reporter.report(update(t, 'running'));
    expect(fake.issue('acme/shop#2').labels).toEqual(['agent', 'backend', 'pco/working']);
  });

  it('treats a label removed meanwhile (404) as removed', async () => {
    let fakeUrl = '';
    let raced = false;
    // Someone else removes the old status label between our add and our remove.
    const racingFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!raced && init?.method === 'POST' && String(input).endsWith('/issues/3/labels')) {
        raced = true;
        await fetch(`${fakeUrl}/repos/acme/shop/issues/3/labels/${encodeURIComponent('status:queued')}`, { method: 'DELETE' });
      }
      return res;
    };
    const fake = await startFakeGitHub(fixture());
    fakes.push(fake);
    fakeUrl = fake.url;
    await fetch(`${fake.url}/repos/acme/shop/issues/3/labels`, { method: 'POST', body: JSON.stringify({ labels: ['status:queued'] }) });
    const reporter = new GitHubReporter({ client: createGitHubClient(githubClientOptionsForFake(fake.url, { fetch: racingFetch })), commentStates: [], projectStatus: false });
    const task = { id: 'acme/shop#3', title: 'x', source: { kind: 'issue', repo: 'acme/shop', number: 3 } } as const;
    await expect(reporter.report({ runId: 'r', task, state: 'running', attempt: 1, at: 0 })).resolves.toBeUndefined();
    expect(raced).toBe(true);
    expect(fake.requests.some((r) => r.method === 'DELETE' && r.status === 404)).toBe(true);
    expect(fake.issue('acme/shop#3').labels).toEqual(['agent', 'backend', 'status:running']);
  });
});

describe('GitHubReporter: background writes', () => {
  const labelAdds = (fake: FakeGitHub) =>
    fake.requests
      .filter((r) => r.method === 'POST' && r.path.endsWith('/labels'))
      .map((r) => `${r.path.split('/')[5]}:${(r.body as { labels: string[] }).labels[0]}`);

  it('writes queued labels one at a time, so running and final states do not wait behind them', async () => {
    // GitHub write spacing (plugin-throttling's one FIFO for every write), scaled down.
    const { fake, reporter, issues } = await setup({ commentStates: [], projectStatus: false }, { writeSpacingMs: 15 });
    const queued = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => reporter.report(update(issues.get(`acme/shop#${n}`)!, 'ready')));
    const urgent = [reporter.report(update(issues.get('acme/shop#10')!, 'running')), reporter.report(update(issues.get('acme/shop#11')!, 'done'))];
    await Promise.all([...queued, ...urgent]);
    const adds = labelAdds(fake);
    expect(adds).toHaveLength(10);
    // At most one queued label was ahead of them (the one on its way), not all eight.
    const urgentAt = ['10:status:running', '11:status:done'].map((add) => adds.indexOf(add));
    expect(Math.min(...urgentAt)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...urgentAt)).toBeLessThanOrEqual(2);
    // The queued ones all went, in call order.
    expect(adds.filter((add) => add.endsWith(':status:queued'))).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `${n}:status:queued`));
  });

  it('a queued write aborted while it waits for its turn costs no request', async () => {
    const { fake, reporter, issues } = await setup({ commentStates: [], projectStatus: false }, { writeSpacingMs: 15 });
    const first = reporter.report(update(issues.get('acme/shop#1')!, 'ready'));
    const controller = new AbortController();
    const second = reporter.report(update(issues.get('acme/shop#2')!, 'pending'), controller.signal);
    // #1 holds the lane for its HTTP round trip: #2 is waiting for its turn by now.
    await new Promise((resolve) => setImmediate(resolve));
    const reason = new Error('superseded');
    controller.abort(reason);
    await expect(second).rejects.toMatchObject({ name: 'GitHubAbortError', cause: reason });
    await first;
    expect(labelAdds(fake)).toEqual(['1:status:queued']);
    // The lane goes on: the next queued write is not stuck behind the aborted one.
    await reporter.report(update(issues.get('acme/shop#3')!, 'ready'));
    expect(labelAdds(fake)).toEqual(['1:status:queued', '3:status:queued']);
  });

  it('lets a waiting queued write through when a newer update of its task comes (direct callers)', async () => {
    const { fake, reporter, issues } = await setup({ commentStates: [], projectStatus: false }, { writeSpacingMs: 15 });
    const queued = [1, 2, 3, 4, 5, 6].map((n) => reporter.report(update(issues.get(`acme/shop#${n}`)!, 'ready')));
    // #6's ready is still waiting in the lane when #6 starts: dropped, and running is not held up.
    await new Promise((resolve) => setImmediate(resolve));
    const running = reporter.report(update(issues.get('acme/shop#6')!, 'running'));
    await Promise.all([...queued, running]);
    const adds = labelAdds(fake);
    expect(adds).not.toContain('6:status:queued');
    expect(adds.indexOf('6:status:running')).toBeLessThanOrEqual(2);
    expect(adds.filter((add) => add.endsWith(':status:queued'))).toEqual([1, 2, 3, 4, 5].map((n) => `${n}:status:queued`));
  });

  it('does not queue an update that writes nothing (its label is already there)', async () => {
    const { fake, reporter, issues } = await setup({ commentStates: [], projectStatus: false }, { writeSpacingMs: 15 });
    const t = issues.get('acme/shop#1')!;
    await reporter.report(update(t, 'pending'));
    // ready maps to the same label: no request, and no wait behind another task's queued write.
    const other = reporter.report(update(issues.get('acme/shop#2')!, 'ready'));
    await reporter.report(update(t, 'ready'));
    // Resolved without an event-loop turn: #2's write (an HTTP round trip) cannot be through yet.
    expect(labelAdds(fake)).toEqual(['1:status:queued']);
    await other;
    expect(labelAdds(fake)).toEqual(['1:status:queued', '2:status:queued']);
  });
});

describe('GitHubReporter: result comment', () => {
  it('writes one comment per task and edits it on later attempts', async () => {
    const { fake, reporter, client, issues } = await setup();
    const t = issues.get('acme/shop#4')!;
    await reporter.report(update(t, 'failed', { error: 'tests failed', runId: 41, webUrl: 'https://codegen.com/run/41', durationMs: 192_000 }));
    let comments = fake.issue('acme/shop#4').comments;
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.startsWith(resultCommentMarker('acme/shop#4'))).toBe(true);
    expect(comments[0]!.body).toContain('| Outcome | **failed** |');
    expect(comments[0]!.body).toContain('tests failed');
    // A new reporter (e.g. after a restart) finds the comment by its marker.
    const again = new GitHubReporter({ client });
    await again.report(
      update(t, 'done', { runId: 42, webUrl: 'https://codegen.com/run/42', durationMs: 3_723_000, summary: 'Added GET /orders.', pullRequests: [pr(25)] }, 2),
    );
    comments = fake.issue('acme/shop#4').comments;
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body;
    expect(body).toContain('| Outcome | **done** |');
    expect(body).toContain('| Attempts | 2 |');
    expect(body).toContain('| Duration | 1h 2m |');
    expect(body).toContain('| Agent run | [42](https://codegen.com/run/42) |');
    expect(body).toContain('[acme/shop#25](https://github.com/acme/shop/pull/25)');
    expect(body).toContain('Added GET /orders.');
    expect(body).not.toContain('tests failed');
    expect(fake.count({ route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments' })).toBe(1);
    expect(fake.count({ route: 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}' })).toBe(1);
    // The same reporter remembers the comment id: no listing the second time.
    const listed = fake.count({ route: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments' });
    expect(listed).toBe(2); // once per reporter instance
    await again.report(update(t, 'done', { summary: 'Again.' }, 3));
    expect(fake.count({ route: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments' })).toBe(listed);
    expect(fake.issue('acme/shop#4').comments).toHaveLength(1);
  });

  it('comments only on the configured states and never echoes a token', async () => {
    const { fake, reporter, issues } = await setup({ commentStates: ['failed'] });
    const t = issues.get('acme/shop#5')!;
    await reporter.report(update(t, 'done'));
    expect(fake.issue('acme/shop#5').comments).toHaveLength(0);
    await reporter.report(update(t, 'failed', { error: 'push rejected for ghp_abcdefghijklmnopqrstuvwxyz0123456789' }));
    const body = fake.issue('acme/shop#5').comments[0]!.body;
    expect(body).toContain('[REDACTED]');
    expect(body).not.toContain('ghp_abcdefghij');
  });
});

describe('GitHubReporter: project Status', () => {
  it('sets the board item Status for board tasks, with a configurable mapping', async () => {
    const { fake, reporter, board, events } = await setup({ projectStatus: { failed: 'Failed', skipped: 'Blocked' } });
    const t = board.get('acme/shop#2')!;
    await reporter.report(update(t, 'running'));
    expect(fake.projectItemFields('acme', 1, 'acme/shop#2').Status).toBe('In Progress');
    await reporter.report(update(t, 'failed'));
    expect(fake.projectItemFields('acme', 1, 'acme/shop#2').Status).toBe('Failed');
    await reporter.report(update(t, 'skipped'));
    expect(fake.projectItemFields('acme', 1, 'acme/shop#2').Status).toBe('Failed');
    expect(events.warning).toEqual([{ taskId: 'acme/shop#2', message: expect.stringContaining('no option "Blocked"') }]);
    expect(fake.count({ operation: 'graphql mutation PcoSetStatus' })).toBe(2);
  });

  it('updates only the board for draft tasks', async () => {
    const { fake, reporter, board } = await setup();
    const draft = [...board.values()].find((t) => t.source?.kind === 'draft')!;
    await reporter.report(update(draft, 'done', { summary: 'Posted.' }));
    expect(fake.projectItemFields('acme', 1, draft.source!.projectItemId!).Status).toBe('Done');
    expect(fake.requests.map((r) => r.operation ?? r.route)).toEqual(['graphql mutation PcoSetStatus']);
  });

  it('finds the board item of an issue task when `project` is configured', async () => {
    const { fake, reporter, issues, events } = await setup({ project: { owner: 'acme', number: 1 } });
    await reporter.report(update(issues.get('acme/shop#3')!, 'running'));
    expect(fake.projectItemFields('acme', 1, 'acme/shop#3').Status).toBe('In Progress');
    await reporter.report(update(issues.get('acme/shop#3')!, 'done'));
    expect(fake.projectItemFields('acme', 1, 'acme/shop#3').Status).toBe('Done');
    expect(fake.count({ operation: 'graphql query PcoIssueBoardItem' })).toBe(1); // cached
    await reporter.report(update(issues.get('acme/shop#7')!, 'running'));
    expect(events.warning).toEqual([{ taskId: 'acme/shop#7', message: 'acme/shop#7 is not on project acme/1; board status not updated' }]);
  });
});

describe('GitHubReporter: auto-merge', () => {
  it('merges clean PRs, enables auto-merge on blocked ones and says why not otherwise', async () => {
    const { fake, reporter, issues, events } = await setup({ autoMerge: { method: 'squash' } });
    const prs = [pr(25), pr(27), pr(26), pr(28), pr(29), pr(2, 'acme/legacy'), pr(404)];
    await reporter.report(update(issues.get('acme/shop#6')!, 'done', { pullRequests: prs }));
    expect(events.merge.map((e) => [e.pullRequest.number, e.outcome])).toEqual([
      [25, { status: 'merged' }],
      [27, { status: 'auto-merge-enabled' }],
      [26, { status: 'not-merged', reason: 'the pull request is a draft' }],
      [28, { status: 'not-merged', reason: 'merge conflicts with the base branch' }],
      [29, { status: 'not-merged', reason: 'checks are failing' }],
      [2, { status: 'not-merged', reason: 'auto-merge is not allowed in acme/legacy, and blocked by required checks or reviews' }],
      [404, { status: 'not-merged', reason: 'acme/shop#404 does not exist or is not accessible' }],
    ]);
    expect(fake.issue('acme/shop#25').merged).toBe(true);
    expect(fake.issue('acme/shop#27').autoMerge).toEqual({ mergeMethod: 'SQUASH' });
    const body = fake.issue('acme/shop#6').comments[0]!.body;
    expect(body).toContain('[acme/shop#25](https://github.com/acme/shop/pull/25) (merged)');
    expect(body).toContain('(auto-merge enabled)');
    expect(body).toContain('(not merged: checks are failing)');
    // A retried report is harmless.
    await reporter.report(update(issues.get('acme/shop#6')!, 'done', { pullRequests: [pr(25), pr(27)] }));
    expect(events.merge.slice(-2).map((e) => e.outcome.status)).toEqual(['already-merged', 'auto-merge-already-enabled']);
  });

  it('reports a head that moved before the merge', async () => {
    let fake: FakeGitHub | undefined;
    const movingFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (typeof init?.body === 'string' && init.body.includes('PcoPullRequestState')) fake!.setMergeState('acme/shop#25', 'CLEAN', 'f'.repeat(40));
      return res;
    };
    const s = await setup({ autoMerge: {} }, { fetch: movingFetch });
    fake = s.fake;
    await s.reporter.report(update(s.issues.get('acme/shop#1')!, 'done', { pullRequests: [pr(25)] }));
    expect(s.events.merge[0]!.outcome).toEqual({ status: 'not-merged', reason: 'the head branch moved since the task finished' });
    expect(fake.issue('acme/shop#25').merged).toBe(false);
  });

  it('never enables auto-merge in merge-when-clean mode', async () => {
    const { fake, reporter, issues, events } = await setup({ autoMerge: { mode: 'merge-when-clean' } });
    await reporter.report(update(issues.get('acme/shop#1')!, 'done', { pullRequests: [pr(27)] }));
    expect(events.merge[0]!.outcome).toEqual({ status: 'not-merged', reason: 'blocked by required checks or reviews' });
    expect(fake.issue('acme/shop#27').autoMerge).toBeNull();
  });

  it('does nothing with PRs when auto-merge is off', async () => {
    const { fake, reporter, issues, events } = await setup();
    await reporter.report(update(issues.get('acme/shop#1')!, 'done', { pullRequests: [pr(25)] }));
    expect(events.merge).toEqual([]);
    expect(fake.issue('acme/shop#25').merged).toBe(false);
  });
});

describe('GitHubReporter: branches and failures', () => {
  it('creates a branch per task from the default branch when it starts', async () => {
    const { fake, reporter, issues, events } = await setup({ branches: { prefix: 'agents/' } });
    const t = issues.get('acme/shop#2')!;
    expect(reporter.branchName(t)).toBe('agents/2-add-the-order-model-and-repository');
    await reporter.report(update(t, 'running'));
    const branches = fake.branches('acme/shop');
    expect(branches['agents/2-add-the-order-model-and-repository']).toBe(branches.main);
    await reporter.report(update(t, 'retrying', {}, 2));
    expect(events.branch).toEqual([
      { taskId: 'acme/shop#2', repo: 'acme/shop', branch: 'agents/2-add-the-order-model-and-repository', created: true },
      { taskId: 'acme/shop#2', repo: 'acme/shop', branch: 'agents/2-add-the-order-model-and-repository', created: false },
    ]);
    expect(fake.count({ route: 'GET /repos/{owner}/{repo}' })).toBe(1); // default branch cached
  });

  it('tries every step and rejects with the failures named', async () => {
    const { fake, reporter, issues } = await setup({}, { retries: 0 });
    fake.failNext({ kind: 'server-error' }, { match: { route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels' } });
    const error = await rejectionOf(reporter.report(update(issues.get('acme/shop#1')!, 'done', { summary: 'ok' })));
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as Error).message).toMatch(/^reporting done for acme\/shop#1: status label for acme\/shop#1 failed/);
    expect(fake.issue('acme/shop#1').comments).toHaveLength(1); // the comment was still written
    await reporter.report(update(issues.get('acme/shop#1')!, 'done', { summary: 'ok' })); // the retry succeeds
    expect(fake.issue('acme/shop#1').labels).toContain('status:done');
  });

  it('runs reports of one task in call order, even when called concurrently, skipping those a later one makes redundant', async () => {
    const { fake, reporter, issues } = await setup();
    const t = issues.get('acme/shop#9')!;
    await Promise.all((['ready', 'running', 'failed', 'done'] as const).map((state) => reporter.report(update(t, state))));
    expect(fake.issue('acme/shop#9').labels.filter((l) => l.startsWith('status:'))).toEqual(['status:done']);
    // ready and running were overtaken before they were written (done replaces their label);
    // failed writes a comment, so it is written. Each report finished before the next started.
    const labelOps = fake.requests
      .filter((r) => r.path.includes('/labels'))
      .map((r) => (r.method === 'POST' ? `add ${(r.body as { labels: string[] }).labels[0]}` : `remove ${decodeURIComponent(r.path.split('/').pop()!)}`));
    expect(labelOps).toEqual(['add status:failed', 'add status:done', 'remove status:failed']);
  });

  it('never skips an update whose label or board Status the later one would not replace', async () => {
    const { fake, reporter, board } = await setup({ commentStates: [] });
    const t = board.get('acme/shop#2')!;
    // failed moves no board column (default mapping): running's "In Progress" must still be written.
    await Promise.all((['pending', 'running', 'failed'] as const).map((state) => reporter.report(update(t, state))));
    expect(fake.projectItemFields('acme', 1, 'acme/shop#2').Status).toBe('In Progress');
    expect(fake.issue('acme/shop#2').labels.filter((l) => l.startsWith('status:'))).toEqual(['status:failed']);
    // interrupted leaves the labels alone: running's label is written, not skipped.
    const u = board.get('acme/shop#3') ?? t;
    await Promise.all((['ready', 'running', 'interrupted'] as const).map((state) => reporter.report(update(u, state))));
    expect(fake.issue(u.id).labels.filter((l) => l.startsWith('status:'))).toEqual(['status:running']);
    expect(reporter.canSkip(update(t, 'ready'), update(t, 'running'))).toBe(true);
    expect(reporter.canSkip(update(t, 'running'), update(t, 'interrupted'))).toBe(false);
  });

  it('still writes an overtaken running update when task branches are on (the agent needs its branch)', async () => {
    const { fake, reporter, issues, events } = await setup({ commentStates: [], branches: {}, projectStatus: false });
    const t = issues.get('acme/shop#9')!;
    await Promise.all((['pending', 'running', 'done'] as const).map((state) => reporter.report(update(t, state))));
    expect(events.branch.map((e) => e.branch)).toEqual([reporter.branchName(t)]);
    expect(fake.count({ route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels' })).toBe(2); // running, done
  });

  it('stops at an aborted signal', async () => {
    const { fake, reporter, issues } = await setup();
    const controller = new AbortController();
    controller.abort();
    await expect(reporter.report(update(issues.get('acme/shop#1')!, 'done'), controller.signal)).rejects.toThrow(GitHubAbortError);
    expect(fake.requests).toHaveLength(0);
  });

  it('ignores tasks that did not come from GitHub', async () => {
    const { fake, reporter } = await setup();
    // The orchestrator hands every reporter every task: a source the types do not describe too.
    await reporter.report({ runId: 'r', task: { id: 'x', title: 'x', source: { kind: 'jira' } as unknown as GitHubTaskSourceRef }, state: 'done', attempt: 1, at: 0 });
    await reporter.report({ runId: 'r', task: { id: 'y', title: 'y' }, state: 'done', attempt: 1, at: 0 });
    expect(fake.requests).toHaveLength(0);
  });
});
