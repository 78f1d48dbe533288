/**
 * The link between the fakes over HTTP: a completed Codegen run opens its PR in the fake GitHub
 * with the marker's script, reports its real URL and branch, and follow-ups (resumed, or new runs
 * naming the PR) push to it, so the script's outcome for the next push applies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeCodegen, type FakeCodegen, type FakeCodegenOptions } from './codegen/index.js';
import { startFakeGitHub, type FakeGitHub } from './github/index.js';
import { linkFakes, parseFakeLinkMarker, type FakeLink } from './link-fakes.js';

let codegen: FakeCodegen | undefined;
let github: FakeGitHub | undefined;
afterEach(async () => {
  await codegen?.close();
  await github?.close();
  codegen = undefined;
  github = undefined;
});

let t = Date.parse('2025-10-01T12:00:00Z');
const now = () => t;
const advance = (ms: number) => void (t += ms);

async function setup(options: FakeCodegenOptions = {}, link: Partial<Parameters<typeof linkFakes>[0]> = {}): Promise<{ codegen: FakeCodegen; github: FakeGitHub; link: FakeLink }> {
  codegen = await startFakeCodegen({ now, ...options });
  github = await startFakeGitHub({ repos: [{ owner: 'acme', name: 'app' }] }, { now, mergeabilityDelayMs: 0 });
  return { codegen, github, link: linkFakes({ codegen, github, ...link }) };
}

async function call(f: FakeCodegen, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(f.url + path, {
    method,
    headers: { authorization: `Bearer ${f.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.json();
}

const RUNS = '/v1/organizations/1/agent/run';

describe('linkFakes', () => {
  it('opens the PR of a completed run in the fake GitHub with its script, and the run reports it', async () => {
    const { codegen, github, link } = await setup();
    await call(codegen, 'POST', RUNS, { prompt: 'Add the cart API\n[[fake:duration=2m prfiles=src/cart.ts ci=failure,success review=changes,approve]]' });
    advance(2 * 60_000);
    const run = await call(codegen, 'GET', `${RUNS}/1001`);
    expect(link.errors).toEqual([]);
    expect(link.opened).toEqual([
      { runId: 1001, repo: 'acme/app', number: 1, url: 'https://github.com/acme/app/pull/1', head: 'codegen-bot/add-the-cart-api-1001', title: 'Add the cart API', files: ['src/cart.ts'] },
    ]);
    expect(run.github_pull_requests).toEqual([
      expect.objectContaining({ url: 'https://github.com/acme/app/pull/1', title: 'Add the cart API', head_branch_name: 'codegen-bot/add-the-cart-api-1001' }),
    ]);
    advance(60_000); // the check's default duration
    const pull = github.pulls.get('acme/app', 1);
    expect(pull).toMatchObject({ state: 'OPEN', headRef: 'codegen-bot/add-the-cart-api-1001', files: ['src/cart.ts'], pushes: 0 });
    expect(pull.checks).toEqual([expect.objectContaining({ name: 'ci', status: 'completed', conclusion: 'failure' })]);
    expect(pull.reviews).toEqual([expect.objectContaining({ state: 'CHANGES_REQUESTED' })]);
  });

  it('a resumed run pushes to its PR: the next push’s CI and review apply', async () => {
    const { codegen, github, link } = await setup();
    await call(codegen, 'POST', RUNS, { prompt: 'Cart [[fake:duration=1m ci=failure,success review=changes,approve]]' });
    advance(60_000);
    const [pr] = (await call(codegen, 'GET', `${RUNS}/1001`)).github_pull_requests;
    advance(60_000);
    await call(codegen, 'POST', `${RUNS}/resume`, { agent_run_id: 1001, prompt: 'CI failed: fix it. [[fake:duration=1m]]' });
    advance(60_000);
    expect((await call(codegen, 'GET', `${RUNS}/1001`)).github_pull_requests).toEqual([pr]);
    expect(link.pushes).toEqual([{ runId: 1001, repo: 'acme/app', number: 1, headSha: expect.any(String), mergeBase: false }]);
    advance(60_000);
    const pull = github.pulls.get('acme/app', 1);
    expect(pull.pushes).toBe(1);
    expect(pull.headSha).toBe(link.pushes[0]!.headSha);
    expect(pull.checks).toEqual([expect.objectContaining({ name: 'ci', conclusion: 'success' })]);
    expect(pull.reviews.map((review) => review.state)).toEqual(['CHANGES_REQUESTED', 'APPROVED']);
    expect(link.opened).toHaveLength(1);
  });

  it('a new run whose metadata names the PR pushes to it; a conflict follow-up merges the base in', async () => {
    const { codegen, github, link } = await setup();
    await call(codegen, 'POST', RUNS, { prompt: 'Cart [[fake:duration=1m]]' });
    advance(60_000);
    const [pr] = (await call(codegen, 'GET', `${RUNS}/1001`)).github_pull_requests;
    await call(codegen, 'POST', RUNS, {
      prompt: 'The branch conflicts with main: rebase it. [[fake:duration=1m]]',
      metadata: { pco_follow_up_pr: pr.url, pco_follow_up_reason: 'conflict' },
    });
    // A run that merely mentions the PR (a dependent's prompt lists its prerequisites' PRs) opens its own.
    await call(codegen, 'POST', RUNS, { prompt: `Checkout page, after ${pr.url} [[fake:duration=1m]]` });
    advance(60_000);
    expect((await call(codegen, 'GET', `${RUNS}/1002`)).github_pull_requests).toEqual([pr]);
    expect((await call(codegen, 'GET', `${RUNS}/1003`)).github_pull_requests[0].url).toBe('https://github.com/acme/app/pull/2');
    expect(link.pushes).toEqual([{ runId: 1002, repo: 'acme/app', number: 1, headSha: expect.any(String), mergeBase: true }]);
    expect(github.pulls.get('acme/app', 1).pushes).toBe(1);
  });

  it('runs that end without PRs open nothing; a script callback wins over the marker; close unhooks', async () => {
    const { codegen, github, link } = await setup({}, { script: (run) => (run.prompt.includes('scripted') ? { files: ['a.ts', 'b.ts'], ci: ['failure'] } : undefined), checkName: 'build' });
    await call(codegen, 'POST', RUNS, { prompt: 'Broken [[fake:status=ERROR duration=1m]]' });
    await call(codegen, 'POST', RUNS, { prompt: 'scripted [[fake:duration=1m prfiles=x.ts]]' });
    advance(60_000);
    expect((await call(codegen, 'GET', `${RUNS}/1001`)).github_pull_requests).toEqual([]);
    await call(codegen, 'GET', `${RUNS}/1002`);
    expect(link.opened.map((pull) => pull.files)).toEqual([['a.ts', 'b.ts']]);
    advance(60_000);
    expect(github.pulls.get('acme/app', 1).checks).toEqual([expect.objectContaining({ name: 'build', conclusion: 'failure' })]);
    link.close();
    await call(codegen, 'POST', RUNS, { prompt: 'own [[fake:duration=1m]]' });
    advance(60_000);
    expect((await call(codegen, 'GET', `${RUNS}/1003`)).github_pull_requests[0].head_branch_name).toBe('codegen-bot/run-1003-1');
    expect(link.opened).toHaveLength(1);
  });

  it('a bad marker is recorded, and the run reports the fake’s own PR', async () => {
    const { codegen, link } = await setup();
    await call(codegen, 'POST', RUNS, { prompt: 'x [[fake:duration=1m ci=red]]' });
    advance(60_000);
    expect((await call(codegen, 'GET', `${RUNS}/1001`)).github_pull_requests).toHaveLength(1);
    expect(link.errors.map((error) => error.message)).toEqual(["fake link: unknown ci result 'red' in [[fake:duration=1m ci=red]]"]);
  });
});

describe('linkFakes with autoFix (Codegen’s check-suite auto-fixer)', () => {
  const list = async (f: FakeCodegen, sourceType: string) =>
    ((await call(f, 'GET', `/v1/organizations/1/agent/runs?source_type=${sourceType}`)).items as { id: number }[]).map((run) => run.id);

  it('starts a GITHUB_CHECK_SUITE run per failed head while the settings allow, and its push gets the next CI result', async () => {
    const { codegen, github, link } = await setup({ checkSuiteSettings: { 1: { check_retry_count: 1 } } }, { autoFix: true });
    await call(codegen, 'POST', RUNS, { prompt: 'Cart [[fake:duration=1m ci=failure,failure,success]]' });
    advance(60_000);
    await call(codegen, 'GET', `${RUNS}/1001`); // opens the PR; its check fails a minute later
    advance(60_000);
    expect(await list(codegen, 'GITHUB_CHECK_SUITE')).toEqual([1002]);
    expect(link.autoFixes).toEqual([{ runId: 1002, url: 'https://github.com/acme/app/pull/1', headSha: expect.any(String), checks: ['ci'] }]);
    expect(await list(codegen, 'API')).toEqual([1001]);
    advance(20 * 60_000); // the fix run ends (3 to 12 minutes) and pushes; that push's check fails too
    await call(codegen, 'GET', `${RUNS}/1002`);
    advance(60_000);
    await call(codegen, 'GET', `${RUNS}/1002`);
    expect(github.pulls.get('acme/app', 1)).toMatchObject({ pushes: 1, checks: [expect.objectContaining({ conclusion: 'failure' })] });
    // One fix per PR allowed (check_retry_count 1): no second run.
    expect(link.autoFixes).toHaveLength(1);
    expect(link.errors).toEqual([]);
  });

  it('does nothing when check_retry_count is 0 (pco owns CI fixes)', async () => {
    const { codegen, link } = await setup({ checkSuiteSettings: { 1: { check_retry_count: 0 } } }, { autoFix: true });
    await call(codegen, 'POST', RUNS, { prompt: 'Cart [[fake:duration=1m ci=failure]]' });
    advance(60_000);
    await call(codegen, 'GET', `${RUNS}/1001`);
    advance(60_000);
    expect(await list(codegen, 'GITHUB_CHECK_SUITE')).toEqual([]);
    expect(link.autoFixes).toEqual([]);
  });
});

describe('parseFakeLinkMarker', () => {
  it('reads the PR keys and ignores the run’s', () => {
    expect(parseFakeLinkMarker('t [[fake:duration=5m prfiles=a.ts,b.ts ci=failure,SUCCESS review=changes,none,approve base=dev]]')).toEqual({
      files: ['a.ts', 'b.ts'],
      ci: ['failure', 'success'],
      reviews: ['changes', 'none', 'approve'],
      base: 'dev',
    });
    expect(parseFakeLinkMarker('t [[fake:duration=5m]]')).toBeUndefined();
    expect(parseFakeLinkMarker('no marker')).toBeUndefined();
    expect(() => parseFakeLinkMarker('[[fake:review=lgtm]]')).toThrow(/unknown review 'lgtm'/);
  });
});
