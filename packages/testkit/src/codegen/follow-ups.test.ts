/**
 * The fake Codegen's side of follow-ups over HTTP: which runs take a resume, what a resumed run
 * reports, the completion hook that links it to a fake GitHub, and the check-suite settings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeCodegen, type FakeCodegen, type FakeCodegenOptions, type FakeRunCompletion } from './index.js';

let fake: FakeCodegen | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

let t = Date.parse('2025-10-01T12:00:00Z');
const now = () => t;
const advance = (ms: number) => void (t += ms);

async function start(options: FakeCodegenOptions = {}): Promise<FakeCodegen> {
  fake = await startFakeCodegen({ now, ...options });
  return fake;
}

async function call(f: FakeCodegen, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(f.url + path, {
    method,
    headers: { authorization: `Bearer ${f.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const RUNS = '/v1/organizations/1/agent/run';
const SETTINGS = '/v1/organizations/1/repos/check-suite-settings';

describe('fake Codegen: resume', () => {
  it('a COMPLETE run takes a follow-up by default: same id, working again, then the same PR', async () => {
    const f = await start();
    await call(f, 'POST', RUNS, { prompt: 'task [[fake:duration=1m]]' });
    advance(60_000);
    const done = await call(f, 'GET', `${RUNS}/1001`);
    expect(done.body).toMatchObject({ status: 'COMPLETE' });
    const [pr] = done.body.github_pull_requests;
    const resumed = await call(f, 'POST', `${RUNS}/resume`, { agent_run_id: 1001, prompt: 'fix CI [[fake:duration=2m]]' });
    expect(resumed).toMatchObject({ status: 200, body: { id: 1001, status: 'PENDING', github_pull_requests: [] } });
    advance(120_000);
    const again = await call(f, 'GET', `${RUNS}/1001`);
    // The follow-up continued the run's PR: same Codegen PR id, URL and branch.
    expect(again.body).toMatchObject({ status: 'COMPLETE', github_pull_requests: [pr] });
    const logs = await call(f, 'GET', '/v1/alpha/organizations/1/agent/run/1001/logs');
    expect(logs.body.logs[0]).toMatchObject({ message_type: 'USER_MESSAGE', observation: 'fix CI [[fake:duration=2m]]' });
  });

  it('with resumeFinished: refuse, a finished run answers 400 in Codegen’s error shape; a PAUSED one still resumes', async () => {
    const f = await start({ resumeFinished: 'refuse' });
    await call(f, 'POST', RUNS, { prompt: 'done [[fake:duration=1m]]' });
    await call(f, 'POST', RUNS, { prompt: 'paused [[fake:status=PAUSED duration=1m]]' });
    await call(f, 'POST', RUNS, { prompt: 'failed [[fake:status=ERROR duration=1m]]' });
    advance(60_000);
    expect(await call(f, 'POST', `${RUNS}/resume`, { agent_run_id: 1001, prompt: 'more' })).toEqual({
      status: 400,
      body: { message: 'Agent run 1001 is COMPLETE and cannot be resumed.', status_code: 400 },
    });
    expect((await call(f, 'POST', `${RUNS}/resume`, { agent_run_id: 1003, prompt: 'more' })).status).toBe(400);
    expect(await call(f, 'POST', `${RUNS}/resume`, { agent_run_id: 1002, prompt: 'go on' })).toMatchObject({
      status: 200,
      body: { id: 1002, status: 'PENDING' },
    });
    expect(f.run(1001)?.['status']).toBe('COMPLETE');
  });

  it('with resumeFinished: new-run, a new run continues a finished one and its PR; a PAUSED one resumes in place', async () => {
    const f = await start({ resumeFinished: 'new-run' });
    await call(f, 'POST', RUNS, { prompt: 'done [[fake:duration=1m]]', metadata: { key: 'a' } });
    await call(f, 'POST', RUNS, { prompt: 'paused [[fake:status=PAUSED duration=1m]]' });
    advance(60_000);
    const [pr] = (await call(f, 'GET', `${RUNS}/1001`)).body.github_pull_requests;
    const resumed = await call(f, 'POST', `${RUNS}/resume`, { agent_run_id: 1001, prompt: 'fix [[fake:duration=1m]]' });
    expect(resumed.body).toMatchObject({ id: 1003, status: 'PENDING', metadata: { key: 'a' } });
    expect((await call(f, 'POST', `${RUNS}/resume`, { agent_run_id: 1002, prompt: 'go on' })).body.id).toBe(1002);
    advance(60_000);
    expect(f.run(1003)).toMatchObject({ status: 'COMPLETE', github_pull_requests: [pr] });
    expect(f.created.map((record) => record.id)).toEqual([1001, 1002]); // a resume is no create request
  });

  it('validates the body per ResumeAgentRunInput: required fields, types, no unknown fields', async () => {
    const f = await start();
    const reply = await call(f, 'POST', `${RUNS}/resume`, { agent_run_id: 'x', images: [1], run: 3 });
    expect(reply.status).toBe(422);
    expect(reply.body.detail.map((issue: { loc: unknown[]; type: string }) => [issue.loc.join('.'), issue.type])).toEqual([
      ['body.prompt', 'missing'],
      ['body.images.0', 'string_type'],
      ['body.agent_run_id', 'int_parsing'],
      ['body.run', 'extra_forbidden'],
    ]);
  });
});

describe('fake Codegen: completion hook', () => {
  it('decides the PRs of a finished run once per segment, with the earlier PRs of a resumed run', async () => {
    const f = await start();
    const seen: FakeRunCompletion[] = [];
    f.setRunCompletion((run) => {
      seen.push(run);
      return run.earlierPullRequests.length > 0
        ? run.earlierPullRequests
        : [{ title: 'Linked', url: 'https://github.com/acme/app/pull/77', headBranchName: 'agent/linked' }];
    });
    await call(f, 'POST', RUNS, { prompt: 'task [[fake:duration=1m]]', metadata: { k: 'v' } });
    advance(60_000);
    const first = await call(f, 'GET', `${RUNS}/1001`);
    await call(f, 'GET', `/v1/organizations/1/agent/runs`);
    expect(first.body.github_pull_requests).toEqual([
      expect.objectContaining({ title: 'Linked', url: 'https://github.com/acme/app/pull/77', head_branch_name: 'agent/linked' }),
    ]);
    await call(f, 'POST', `${RUNS}/resume`, { agent_run_id: 1001, prompt: 'follow-up [[fake:duration=1m]]' });
    advance(60_000);
    const second = await call(f, 'GET', `${RUNS}/1001`);
    expect(second.body.github_pull_requests).toEqual(first.body.github_pull_requests);
    expect(seen.map((run) => [run.resumeCount, run.prompt, run.repo, run.prCount, run.earlierPullRequests.length])).toEqual([
      [0, 'task [[fake:duration=1m]]', 'acme/app', 1, 0],
      [1, 'follow-up [[fake:duration=1m]]', 'acme/app', 1, 1],
    ]);
    expect(seen[0]!.metadata).toEqual({ k: 'v' });
  });

  it('is not asked about runs without PRs; without a hook the fake makes its own', async () => {
    const f = await start();
    let calls = 0;
    f.setRunCompletion(() => {
      calls += 1;
      return undefined;
    });
    await call(f, 'POST', RUNS, { prompt: 'error [[fake:status=ERROR duration=1m]]' });
    await call(f, 'POST', RUNS, { prompt: 'own [[fake:duration=1m prs=2]]' });
    advance(60_000);
    expect((await call(f, 'GET', `${RUNS}/1001`)).body.github_pull_requests).toEqual([]);
    const own = (await call(f, 'GET', `${RUNS}/1002`)).body.github_pull_requests;
    expect(calls).toBe(1);
    expect(own.map((pr: { url: string; head_branch_name: string }) => [pr.url, pr.head_branch_name])).toEqual([
      ['https://github.com/acme/app/pull/1', 'codegen-bot/run-1002-1'],
      ['https://github.com/acme/app/pull/2', 'codegen-bot/run-1002-2'],
    ]);
  });
});

describe('fake Codegen: check-suite settings', () => {
  it('GET answers the defaults merged with the options; PUT changes the given fields and leaves null ones', async () => {
    const f = await start({ repos: [{ id: 1, fullName: 'acme/app' }, { id: 2, fullName: 'acme/web' }], checkSuiteSettings: { 2: { check_retry_count: 0 } } });
    expect(await call(f, 'GET', `${SETTINGS}?repo_id=1`)).toEqual({
      status: 200,
      body: {
        check_retry_count: 3,
        ignored_checks: [],
        check_retry_counts: {},
        custom_prompts: {},
        high_priority_apps: [],
        available_check_suite_names: [],
      },
    });
    expect((await call(f, 'GET', `${SETTINGS}?repo_id=2`)).body.check_retry_count).toBe(0);
    const put = await call(f, 'PUT', `${SETTINGS}?repo_id=1`, { check_retry_count: '0', ignored_checks: ['lint'], custom_prompts: null });
    expect(put).toMatchObject({ status: 200, body: { check_retry_count: 0, ignored_checks: ['lint'], custom_prompts: {} } });
    expect(f.checkSuiteSettings(1)).toMatchObject({ check_retry_count: 0, ignored_checks: ['lint'] });
    expect(f.checkSuiteSettings(9)).toBeUndefined();
  });

  it('refuses bad values with 422 (check_retry_count outside 0..10, wrong types, unknown fields) and an unknown repository with 404', async () => {
    const f = await start();
    const issues = async (path: string, body?: unknown, method = 'PUT') =>
      (await call(f, method, path, body)).body.detail.map((issue: { loc: unknown[]; type: string }) => `${issue.loc.join('.')}:${issue.type}`);
    expect(await issues(`${SETTINGS}?repo_id=1`, { check_retry_count: 11 })).toEqual(['body.check_retry_count:less_than_equal']);
    expect(await issues(`${SETTINGS}?repo_id=1`, { check_retry_count: -1 })).toEqual(['body.check_retry_count:greater_than_equal']);
    expect(
      await issues(`${SETTINGS}?repo_id=1`, { check_retry_counts: { lint: 'x' }, ignored_checks: 'lint', custom_prompts: { a: 1 }, retries: 2 }),
    ).toEqual(['body.retries:extra_forbidden', 'body.ignored_checks:list_type', 'body.check_retry_counts.lint:int_parsing', 'body.custom_prompts.a:string_type']);
    expect(await issues(SETTINGS, {})).toEqual(['query.repo_id:missing']);
    expect(await issues(`${SETTINGS}?repo_id=x`, undefined, 'GET')).toEqual(['query.repo_id:int_parsing']);
    expect(await issues(`${SETTINGS}?repo_id=1`)).toEqual(['body:missing']);
    expect(await call(f, 'GET', `${SETTINGS}?repo_id=9`)).toEqual({ status: 404, body: { message: 'Repository not found.', status_code: 404 } });
    expect(f.checkSuiteSettings(1)?.check_retry_count).toBe(3);
  });
});
