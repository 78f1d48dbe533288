import { afterEach, describe, expect, it } from 'vitest';
import { CI_FAIL_THEN_PASS, startPullFake, type PullTestFake } from './pulls-test-support.js';

let env: PullTestFake | undefined;
afterEach(async () => {
  await env?.fake.close();
  env = undefined;
});

const review = {
  after: 0,
  state: 'CHANGES_REQUESTED' as const,
  body: 'rename x',
  delayMs: 0,
  comments: [{ path: 'src/a.ts', line: 3, body: 'call it y' }],
};

describe('fake GitHub REST: pull requests', () => {
  it('GET pulls/{n}: head, base, computed mergeability, auto_merge; 404 for an issue', async () => {
    env = await startPullFake({ rules: { requiredChecks: ['ci'] }, issues: [{ number: 1, title: 'An issue' }] });
    const pr = env.fake.pulls.open({ repo: 'acme/shop', head: 'feat', title: 'Feat', body: 'Closes #1', script: CI_FAIL_THEN_PASS });
    const { status, body } = await env.rest('GET', `/repos/acme/shop/pulls/${pr.number}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      number: pr.number,
      node_id: pr.nodeId,
      state: 'open',
      merged: false,
      mergeable: true,
      mergeable_state: 'blocked',
      head: { ref: 'feat', sha: pr.headSha },
      base: { ref: 'main', sha: env.fake.branches('acme/shop').main },
      auto_merge: null,
      merge_commit_sha: null,
      user: { login: 'pco-agent' },
    });
    expect((await env.rest('GET', '/repos/acme/shop/pulls/1')).status).toBe(404);
  });

  it('PUT merge: 405 not mergeable, 409 head modified, 422 bad method, 200 with the merge commit', async () => {
    env = await startPullFake({ rules: { requiredChecks: ['ci'] } });
    const { fake, clock, rest } = env;
    const pr = fake.pulls.open({ repo: 'acme/shop', head: 'm', title: 'M', script: CI_FAIL_THEN_PASS });
    expect(await rest('PUT', `/repos/acme/shop/pulls/${pr.number}/merge`, {})).toMatchObject({ status: 405, body: { message: 'Pull Request is not mergeable' } });
    fake.pulls.push('acme/shop', pr.number);
    clock.advance(300_000);
    expect(await rest('PUT', `/repos/acme/shop/pulls/${pr.number}/merge`, { sha: pr.headSha })).toMatchObject({ status: 409, body: { message: 'Head branch was modified. Review and try the merge again.' } });
    expect((await rest('PUT', `/repos/acme/shop/pulls/${pr.number}/merge`, { merge_method: 'fast-forward' })).status).toBe(422);
    const head = fake.pulls.get('acme/shop', pr.number).headSha;
    const ok = await rest('PUT', `/repos/acme/shop/pulls/${pr.number}/merge`, { sha: head, merge_method: 'squash' });
    expect(ok).toMatchObject({ status: 200, body: { merged: true, message: 'Pull Request successfully merged' } });
    expect(fake.branches('acme/shop').main).toBe(ok.body.sha);
    expect(await rest('PUT', `/repos/acme/shop/pulls/${pr.number}/merge`, {})).toMatchObject({ status: 405 });
    expect((await rest('GET', `/repos/acme/shop/pulls/${pr.number}`)).body).toMatchObject({ merged: true, state: 'closed', merge_commit_sha: ok.body.sha, merged_by: { login: 'pco-bot' } });
  });

  it('PUT merge on a branch with a merge queue: 405 "Changes must be made through the merge queue"', async () => {
    env = await startPullFake({ rules: { mergeQueue: true } });
    const pr = env.fake.pulls.open({ repo: 'acme/shop', head: 'q', title: 'Q' });
    expect(await env.rest('PUT', `/repos/acme/shop/pulls/${pr.number}/merge`, {})).toMatchObject({ status: 405, body: { message: 'Changes must be made through the merge queue' } });
  });

  it('update-branch refuses a conflicting PR with 422', async () => {
    env = await startPullFake();
    const a = env.fake.pulls.open({ repo: 'acme/shop', head: 'a', title: 'A', files: ['x.ts'] });
    const b = env.fake.pulls.open({ repo: 'acme/shop', head: 'b', title: 'B', files: ['x.ts'] });
    env.fake.pulls.mergeAsHuman('acme/shop', a.number);
    expect(await env.rest('PUT', `/repos/acme/shop/pulls/${b.number}/update-branch`, {})).toMatchObject({ status: 422, body: { message: 'merge conflict between base and head' } });
  });

  it('lists check runs of a ref (sha or branch, filter, check_name), gets one, its annotations and its job', async () => {
    env = await startPullFake();
    const { fake, clock, rest } = env;
    const pr = fake.pulls.open({
      repo: 'acme/shop',
      head: 'ci',
      title: 'CI',
      script: { checks: [{ name: 'test', results: ['failure', 'success'], durationMs: 60_000, title: '2 failed', summary: 'a.test.ts, b.test.ts', annotations: [{ path: 'src/a.ts', line: 7, message: 'expected 1' }] }, { name: 'lint', app: 'circleci' }] },
    });
    const running = await rest('GET', `/repos/acme/shop/commits/${pr.headSha}/check-runs`);
    expect(running.body.total_count).toBe(2);
    expect(running.body.check_runs[0]).toMatchObject({ name: 'test', status: 'in_progress', conclusion: null, head_sha: pr.headSha, app: { slug: 'github-actions' } });
    clock.advance(60_000);
    const byBranch = await rest('GET', '/repos/acme/shop/commits/ci/check-runs?check_name=test');
    expect(byBranch.body).toMatchObject({ total_count: 1, check_runs: [{ name: 'test', status: 'completed', conclusion: 'failure', output: { title: '2 failed', summary: 'a.test.ts, b.test.ts', annotations_count: 1 } }] });
    const id = byBranch.body.check_runs[0].id as number;
    expect(byBranch.body.check_runs[0].details_url).toMatch(new RegExp(`/actions/runs/\\d+/job/${id}$`));
    expect((await rest('GET', `/repos/acme/shop/check-runs/${id}`)).body).toMatchObject({ id, name: 'test', pull_requests: [{ number: pr.number }] });
    expect((await rest('GET', `/repos/acme/shop/check-runs/${id}/annotations`)).body).toEqual([
      expect.objectContaining({ path: 'src/a.ts', start_line: 7, end_line: 7, annotation_level: 'failure', message: 'expected 1' }),
    ]);
    expect((await rest('GET', `/repos/acme/shop/actions/jobs/${id}`)).body).toMatchObject({ id, status: 'completed', conclusion: 'failure', check_run_url: expect.stringMatching(new RegExp(`/check-runs/${id}$`)) });
    const lint = running.body.check_runs.find((r: { name: string }) => r.name === 'lint');
    expect((await rest('GET', `/repos/acme/shop/actions/jobs/${lint.id}`)).status).toBe(404); // not an Actions run
    fake.pulls.push('acme/shop', pr.number);
    clock.advance(60_000);
    const all = await rest('GET', '/repos/acme/shop/commits/ci/check-runs?filter=all');
    expect(all.body.check_runs.map((r: { conclusion: string }) => r.conclusion)).toEqual(['success', 'success']);
    expect((await rest('GET', '/repos/acme/shop/commits/nope/check-runs')).status).toBe(422);
    expect((await rest('GET', '/repos/acme/shop/check-runs/999999')).status).toBe(404);
  });

  it('job logs: 302 to a plain-text log on the fake host, unauthenticated, expiring after a minute', async () => {
    env = await startPullFake({}, { token: 'sekret' });
    const { fake, clock } = env;
    const pr = fake.pulls.open({ repo: 'acme/shop', head: 'log', title: 'Log', script: CI_FAIL_THEN_PASS });
    clock.advance(300_000);
    const id = fake.pulls.get('acme/shop', pr.number).checks[0]!.id;
    const auth = { authorization: 'token sekret' };
    const res = await fetch(`${fake.url}/repos/acme/shop/actions/jobs/${id}/logs`, { headers: auth, redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location.startsWith(`${fake.url}/`)).toBe(true);
    const log = await fetch(location);
    expect(log.headers.get('content-type')).toContain('text/plain');
    expect(await log.text()).toBe('FAIL src/a.test.ts\n##[error]Process completed with exit code 1.\n');
    const followed = await fetch(`${fake.url}/repos/acme/shop/actions/jobs/${id}/logs`, { headers: auth });
    expect(await followed.text()).toContain('FAIL src/a.test.ts');
    clock.advance(61_000);
    expect((await fetch(location)).status).toBe(403);
  });

  it('combined status of legacy commit statuses: pending with none, then failure / success', async () => {
    env = await startPullFake({ rules: { requiredChecks: ['deploy/preview'] } });
    const { fake, clock, rest } = env;
    const plain = fake.pulls.open({ repo: 'acme/shop', head: 'p', title: 'P' });
    expect((await rest('GET', `/repos/acme/shop/commits/${plain.headSha}/status`)).body).toMatchObject({ state: 'pending', total_count: 0, statuses: [] });
    const pr = fake.pulls.open({ repo: 'acme/shop', head: 's', title: 'S', script: { statuses: [{ context: 'deploy/preview', results: ['failure', 'success'], durationMs: 1000, targetUrl: 'https://preview.example/1' }] } });
    expect((await rest('GET', `/repos/acme/shop/commits/${pr.headSha}/status`)).body).toMatchObject({ state: 'pending', statuses: [{ context: 'deploy/preview', state: 'pending' }] });
    clock.advance(1000);
    expect((await rest('GET', '/repos/acme/shop/commits/s/status')).body).toMatchObject({ state: 'failure', statuses: [{ state: 'failure', target_url: 'https://preview.example/1', required: true }] });
    expect(fake.pulls.get('acme/shop', pr.number).mergeStateStatus).toBe('BLOCKED');
    fake.pulls.push('acme/shop', pr.number);
    clock.advance(1000);
    expect((await rest('GET', '/repos/acme/shop/commits/s/status')).body.state).toBe('success');
    expect(fake.pulls.get('acme/shop', pr.number).mergeStateStatus).toBe('CLEAN');
  });

  it('lists reviews and inline review comments', async () => {
    env = await startPullFake();
    const pr = env.fake.pulls.open({ repo: 'acme/shop', head: 'rv', title: 'Rv', script: { reviews: [review] } });
    const reviews = await env.rest('GET', `/repos/acme/shop/pulls/${pr.number}/reviews`);
    expect(reviews.body).toEqual([expect.objectContaining({ state: 'CHANGES_REQUESTED', body: 'rename x', user: expect.objectContaining({ login: 'reviewer' }), commit_id: pr.headSha })]);
    const comments = await env.rest('GET', `/repos/acme/shop/pulls/${pr.number}/comments`);
    expect(comments.body).toEqual([expect.objectContaining({ path: 'src/a.ts', line: 3, body: 'call it y', pull_request_review_id: reviews.body[0].id })]);
  });
});
