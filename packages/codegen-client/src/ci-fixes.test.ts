/**
 * The check-suite settings calls and `configureCiFixes` over HTTP against the fake Codegen, and
 * the budget a resume takes its slot from.
 */
import { startFakeCodegen, type FakeCodegen, type FakeCodegenOptions } from '@pco/testkit/codegen';
import { ManualClock } from '@pco/testkit/clock';
import { rejectionOf } from '@pco/testkit/helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { configureCiFixes } from './ci-fixes.js';
import { CodegenClient } from './codegen-client.js';
import { CodegenApiError, CodegenInputError } from './errors.js';
import { isResumeRefused } from './resume-once.js';

const TOKEN = 'cg-ci-fixes-token-52';

let fake: FakeCodegen | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(options: FakeCodegenOptions = {}) {
  fake = await startFakeCodegen({ tokens: [TOKEN], repos: [{ id: 1, fullName: 'acme/app' }, { id: 2, fullName: 'acme/web' }], ...options });
  const client = new CodegenClient({ token: TOKEN, orgId: fake.orgId, baseUrl: fake.url, retry: { retries: 0 } });
  return { fake, client };
}

const puts = (f: FakeCodegen) => f.requests.filter((r) => r.operation === 'putCheckSuiteSettings').length;

describe('check-suite settings', () => {
  it('reads and updates a repository’s settings; checks input before sending', async () => {
    const { fake, client } = await setup();
    expect(await client.getCheckSuiteSettings(1)).toEqual({
      check_retry_count: 3,
      ignored_checks: [],
      check_retry_counts: {},
      custom_prompts: {},
      high_priority_apps: [],
      available_check_suite_names: [],
    });
    const answer = await client.putCheckSuiteSettings(1, { check_retry_count: 1, ignored_checks: ['lint'] });
    expect(answer).toMatchObject({ check_retry_count: 1, ignored_checks: ['lint'] });
    expect(fake.checkSuiteSettings(1)).toMatchObject({ check_retry_count: 1, ignored_checks: ['lint'] });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'PUT', path: '/v1/organizations/1/repos/check-suite-settings', query: '?repo_id=1' });

    const bad = await rejectionOf(client.putCheckSuiteSettings(1, { check_retry_count: 11 }), CodegenInputError);
    expect(bad.issues).toEqual(['check_retry_count: Invalid value: Expected <=10 but received 11']);
    await rejectionOf(client.putCheckSuiteSettings(1, { retries: 1 } as never), CodegenInputError);
    await rejectionOf(client.getCheckSuiteSettings(0), CodegenInputError);
    expect(puts(fake)).toBe(1);
    const missing = await rejectionOf(client.getCheckSuiteSettings(9), CodegenApiError);
    expect(missing).toMatchObject({ kind: 'not-found', status: 404, operation: 'getCheckSuiteSettings' });
  });
});

describe('configureCiFixes', () => {
  it('mode pco switches Codegen’s auto-fixer off (every per-check count too), once', async () => {
    const { fake, client } = await setup({ checkSuiteSettings: { 1: { check_retry_counts: { build: 2, lint: 0 } } } });
    const first = await configureCiFixes({ client, repoId: 1, mode: 'pco' });
    expect(first).toMatchObject({ owner: 'pco', codegenRetries: 0, changed: true, settings: { check_retry_count: 3 } });
    expect(fake.checkSuiteSettings(1)).toMatchObject({ check_retry_count: 0, check_retry_counts: { build: 0, lint: 0 } });
    const again = await configureCiFixes({ client, repoId: 1, mode: 'pco' });
    expect(again).toMatchObject({ owner: 'pco', changed: false });
    expect(puts(fake)).toBe(1);
  });

  it('mode codegen leaves the settings alone and says how many fixes Codegen makes; warns when it makes none', async () => {
    const { fake, client } = await setup({ checkSuiteSettings: { 2: { check_retry_count: 0 } } });
    expect(await configureCiFixes({ client, repoId: 1, mode: 'codegen' })).toMatchObject({ owner: 'codegen', codegenRetries: 3, changed: false });
    const off = await configureCiFixes({ client, repoId: 2, mode: 'codegen' });
    expect(off).toMatchObject({ owner: 'codegen', codegenRetries: 0 });
    expect(off.warning).toMatch(/auto-fixer is off for repository 2/);
    expect(puts(fake)).toBe(0);
  });

  it('mode auto: Codegen owns CI fixes when any retry count is above 0, else pco', async () => {
    const { fake, client } = await setup({ checkSuiteSettings: { 2: { check_retry_count: 0, check_retry_counts: { e2e: 1 } } } });
    expect(await configureCiFixes({ client, repoId: 1, mode: 'auto' })).toMatchObject({ owner: 'codegen', codegenRetries: 3 });
    expect(await configureCiFixes({ client, repoId: 2, mode: 'auto' })).toMatchObject({ owner: 'codegen', codegenRetries: 1 });
    await client.putCheckSuiteSettings(2, { check_retry_counts: { e2e: 0 } });
    expect(await configureCiFixes({ client, repoId: 2, mode: 'auto' })).toMatchObject({ owner: 'pco', codegenRetries: 0, changed: false });
    expect(puts(fake)).toBe(1); // the test's own
  });
});

describe('resume and the create budget', () => {
  it('a resume waits for the create budget (10/min shared with creates), not a bucket of its own', async () => {
    const clock = new ManualClock(Date.parse('2025-10-01T12:00:00Z'));
    fake = await startFakeCodegen({ tokens: [TOKEN], now: () => clock.now() });
    const client = new CodegenClient({ token: TOKEN, orgId: fake.orgId, baseUrl: fake.url, clock, timers: clock });
    const run = await client.createRun({ prompt: 'p [[fake:status=PAUSED duration=1s]]' });
    for (let i = 0; i < 9; i++) await client.createRun({ prompt: `filler ${i}` });
    clock.advance(1_000);
    const waits: number[] = [];
    const resumed = client.resumeRun({ agent_run_id: run.id, prompt: 'go on' }, { onRateLimitWait: (ms) => waits.push(ms) });
    const settled = await clock.runUntilSettled(resumed);
    expect(settled).toMatchObject({ id: run.id, status: 'PENDING' });
    expect(waits.length).toBeGreaterThan(0);
    expect(waits[0]).toBeGreaterThan(50_000); // a window after the first create
    expect(fake.requests.filter((r) => r.operation === 'resumeRun')).toHaveLength(1);
  });

  it('a refusal is told apart from other failures (isResumeRefused)', async () => {
    const { client } = await setup({ resumeFinished: 'refuse' });
    const run = await client.createRun({ prompt: 'p [[fake:duration=0]]' });
    const refused = await rejectionOf(client.resumeRun({ agent_run_id: run.id, prompt: 'more' }), CodegenApiError);
    expect(refused).toMatchObject({ status: 400, kind: 'bad-request', message: expect.stringContaining('cannot be resumed') });
    expect(isResumeRefused(refused)).toBe(true);
    const gone = await rejectionOf(client.resumeRun({ agent_run_id: 4242, prompt: 'more' }), CodegenApiError);
    expect(isResumeRefused(gone)).toBe(true);
    expect(isResumeRefused(new CodegenApiError('x', { kind: 'payment-required', status: 402, operation: 'resumeRun', request: 'POST /' }))).toBe(false);
  });
});
