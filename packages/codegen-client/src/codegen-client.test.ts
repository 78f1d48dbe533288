import { systemTimers } from '@pco/contract';
import { createAcceleratedTime } from '@pco/testkit/clock';
import { startFakeCodegen, type FakeCodegen, type FakeCodegenOptions } from '@pco/testkit/codegen';
import { rejectionOf, sleep } from '@pco/testkit/helpers';
import { afterEach, describe, expect, it } from 'vitest';
import type { CodegenClientOptions } from './client-options.js';
import { CodegenClient } from './codegen-client.js';
import { CodegenApiError, CodegenInputError, messageFromBody } from './errors.js';

/** API time runs this many times faster than real time (fake and client share the clock). */
const SPEED = 1000;
const fakes: FakeCodegen[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(
  fakeOptions: FakeCodegenOptions = {},
  clientOptions: Partial<CodegenClientOptions> = {},
  speed = SPEED,
): Promise<{ fake: FakeCodegen; client: CodegenClient; time: ReturnType<typeof createAcceleratedTime> }> {
  const time = createAcceleratedTime({ speed });
  const fake = await startFakeCodegen({ now: time.clock.now, tokens: ['secret-token-123'], ...fakeOptions });
  fakes.push(fake);
  const client = new CodegenClient({
    token: fake.token,
    orgId: fake.orgId,
    baseUrl: fake.url,
    clock: time.clock,
    timers: time.timers,
    ...clientOptions,
  });
  return { fake, client, time };
}

function expectNoToken(error: unknown, token: string) {
  const e = error as CodegenApiError;
  const dump = JSON.stringify({ message: e.message, stack: e.stack, context: e.context, body: e.body, detail: e.detail });
  expect(dump).not.toContain(token);
  expect(String(e)).not.toContain(token);
}

/** A fetch that rewrites the JSON the fake sends back (still over HTTP). */
function rewritingFetch(rewrite: (body: any, url: string) => unknown): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const body = rewrite(await response.json(), String(input));
    return new Response(JSON.stringify(body), {
      status: response.status,
      headers: { 'content-type': 'application/json' },
    });
  };
}

describe('CodegenClient: methods', () => {
  it('reads the account: users/me, organizations, repos', async () => {
    const { client } = await setup();
    const me = await client.getCurrentUser();
    expect(me).toMatchObject({ id: 100, github_username: 'user-100', role: 'MEMBER' });
    expect(await client.getCurrentUser({ cached: true })).toBe(await client.getCurrentUser({ cached: true }));
    const orgs = await client.listOrganizations();
    expect(orgs.items).toEqual([{ id: 1, name: 'Acme', settings: { enable_pr_creation: true, enable_rules_detection: true } }]);
    const repos = await client.listRepos({ limit: 10 });
    expect(repos).toMatchObject({ total: 1, page: 1, size: 10, pages: 1 });
    expect(repos.items[0]).toMatchObject({ id: 1, full_name: 'acme/app', setup_status: 'COMPLETE' });
  });

  it('creates, reads, lists, iterates, resumes and reads logs of runs', async () => {
    const { fake, client } = await setup();
    const run = await client.createRun({
      prompt: 'Pause please [[fake:status=PAUSED duration=1s]]',
      repo_id: 1,
      metadata: { task: 'octo/app#1', attempt: 1 },
      model: 'claude-sonnet',
      agent_type: 'claude_code',
      images: ['data:image/png;base64,AAAA'],
    });
    expect(run).toMatchObject({ status: 'PENDING', metadata: { task: 'octo/app#1', attempt: 1 }, source_type: 'API' });
    for (let i = 0; i < 4; i++) await client.createRun({ prompt: `task ${i}` });
    await sleep(20);
    expect((await client.getRun(run.id)).status).toBe('PAUSED');

    const page = await client.listRuns({ user_id: 100, source_type: 'API', limit: 2 });
    expect(page).toMatchObject({ total: 5, page: 1, size: 2, pages: 3 });
    expect(page.items.map((r) => r.id)).toEqual([run.id + 4, run.id + 3]);

    const before = fake.stats().byOperation.listRuns ?? 0;
    const ids: number[] = [];
    for await (const item of client.iterateRuns({ limit: 2 })) ids.push(item.id);
    expect(ids).toEqual([run.id + 4, run.id + 3, run.id + 2, run.id + 1, run.id]);
    expect((fake.stats().byOperation.listRuns ?? 0) - before).toBe(3);

    const resumed = await client.resumeRun({ agent_run_id: run.id, prompt: 'continue [[fake:duration=1s]]' });
    expect(resumed.id).toBe(run.id);
    await sleep(20);
    expect((await client.getRun(run.id)).status).toBe('COMPLETE');

    const logs = await client.getRunLogs(run.id, { limit: 2, reverse: true });
    expect(logs).toMatchObject({ id: run.id, status: 'COMPLETE', page: 1, size: 2 });
    expect(logs.logs[0]?.message_type).toBe('FINAL_ANSWER');
  });

  it('stops a run with removeFromPr (the PR-scoped stop), over the wire', async () => {
    const { fake, client } = await setup();
    const run = await client.createRun({ prompt: 'long [[fake:duration=1h]]' });
    await expect(client.removeFromPr(run.id)).resolves.toBeUndefined();
    expect((await client.getRun(run.id)).status).toBe('CANCELLED');
    expect([...fake.stopped]).toEqual([run.id]);
    expect(fake.requests.find((r) => r.operation === 'removeFromPr')).toMatchObject({ method: 'POST', status: 200 });
    expect((await rejectionOf(client.removeFromPr(424242), CodegenApiError)).kind).toBe('not-found');
    await expect(client.removeFromPr(-1)).rejects.toThrowError(CodegenInputError);
  });

  it('finds a run by its metadata in the list (metadata is part of list items)', async () => {
    const { client, time } = await setup();
    const target = await client.createRun({ prompt: 'a', metadata: { pco: 'task-7' } });
    for (let i = 0; i < 3; i++) await client.createRun({ prompt: 'b', metadata: { pco: `other-${i}` } });
    // On the shared (accelerated) clock: every run above was created before this instant.
    const after = time.clock.now() + 1;
    expect((await client.findRunByMetadata('pco', 'task-7'))?.id).toBe(target.id);
    expect(await client.findRunByMetadata('pco', 'task-8')).toBeUndefined();
    expect(await client.findRunByMetadata('pco', 'task-7', { since: after })).toBeUndefined();
  });
});

describe('CodegenClient: errors', () => {
  it('distinguishes 401, 402, 403, 404 and reads the message', async () => {
    const { fake, client } = await setup({ runQuota: 0 }, { retry: { retries: 0 } });
    const unauthorized = await rejectionOf(
      new CodegenClient({ token: 'wrong-token', orgId: 1, baseUrl: fake.url }).getCurrentUser(),
      CodegenApiError,
    );
    expect(unauthorized).toMatchObject({ kind: 'unauthorized', status: 401, code: 'CODEGEN_API', transient: false, retryable: false });
    expectNoToken(unauthorized, 'wrong-token');

    const quota = await rejectionOf(client.createRun({ prompt: 'p' }), CodegenApiError);
    expect(quota).toMatchObject({ kind: 'payment-required', status: 402, outcomeUnknown: false });
    expect(quota.message).toContain('Alloted agent runs');

    const forbidden = await rejectionOf(new CodegenClient({ token: fake.token, orgId: 2, baseUrl: fake.url }).listRuns(), CodegenApiError);
    expect(forbidden).toMatchObject({ kind: 'forbidden', status: 403, body: { status_code: 403 } });
    expect(forbidden.message).toContain('You do not have access to this organization.');

    const notFound = await rejectionOf(client.getRun(424242), CodegenApiError);
    expect(notFound).toMatchObject({ kind: 'not-found', status: 404, retryable: false });
    expect(notFound.message).toContain('Agent run not found.');
    for (const error of [quota, forbidden, notFound]) expectNoToken(error, fake.token);
  });

  it('reads a 422 detail list and redacts a token the server echoes back', async () => {
    const token = 'secret-token-123';
    const corrupting: typeof fetch = (input, init) =>
      fetch(input, { ...init, body: JSON.stringify({ prompt: 5, images: token }) });
    const { client } = await setup({}, { fetch: corrupting });
    const error = await rejectionOf(client.createRun({ prompt: 'fine' }), CodegenApiError);
    expect(error).toMatchObject({ kind: 'validation', status: 422, transient: false });
    expect(error.message).toContain('body.prompt: Input should be a valid string');
    expect(Array.isArray(error.detail)).toBe(true);
    expect(JSON.stringify(error.body)).toContain('[REDACTED]');
    expectNoToken(error, token);
  });

  it('never alters parsed data: a short token inside a key or value stays intact; errors still hide it', async () => {
    // The shortest token the redactor acts on (4 characters), found inside `organization_id`.
    const token = 'tion';
    const echo = rewritingFetch((body, url) =>
      url.endsWith('/agent/run/424242') ? { ...body, message: `No run 424242 visible to token ${token} (description)` } : body,
    );
    const { fake, client } = await setup({ tokens: [token] }, { fetch: echo, retry: { retries: 0 } });
    const run = await client.createRun({ prompt: 'Add a description section', metadata: { note: 'organization' } });
    expect(run.organization_id).toBe(fake.orgId);
    const read = await client.getRun(run.id);
    expect(read).toMatchObject({ id: run.id, organization_id: fake.orgId, metadata: { note: 'organization' } });
    expect((await client.listRuns()).items[0]).toMatchObject({ id: run.id, organization_id: fake.orgId });

    const error = await rejectionOf(client.getRun(424242), CodegenApiError);
    expect(error.message).toContain('visible to token [REDACTED]');
    expect(error.body).toMatchObject({ status_code: 404, message: 'No run 424242 visible to token [REDACTED] (descrip[REDACTED])' });
    expect(String(error)).not.toContain(token);
  });

  it('reports 429 as rate-limited and transient, with Retry-After when sent', async () => {
    const { fake, client } = await setup(
      { retryAfterHeader: true, rateLimits: { limits: { getRun: { limit: 1, windowMs: 60_000_000 } } } },
      { limits: false, retry: { retries: 0 } },
    );
    const run = await client.createRun({ prompt: 'p' });
    await client.getRun(run.id);
    const error = await rejectionOf(client.getRun(run.id), CodegenApiError);
    expect(error).toMatchObject({ kind: 'rate-limited', status: 429, transient: true, retryable: true, outcomeUnknown: false });
    expect(error.message).toContain('Rate limit exceeded');
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(fake.stats().rateLimited).toBe(1);
  });

  it('reports 5xx with a text body as server errors; the outcome of a create is unknown', async () => {
    const { fake, client } = await setup({}, { retry: { retries: 0 } });
    fake.injectFault({ operation: 'getCurrentUser', type: 'error', status: 502 });
    const read = await rejectionOf(client.getCurrentUser(), CodegenApiError);
    expect(read).toMatchObject({ kind: 'server', status: 502, transient: true, retryable: true, outcomeUnknown: true });
    expect(read.message).toContain('Bad Gateway');
    fake.injectFault({ operation: 'createRun', type: 'error', status: 500 });
    const create = await rejectionOf(client.createRun({ prompt: 'p' }), CodegenApiError);
    expect(create).toMatchObject({ kind: 'server', outcomeUnknown: true, retryable: false });
  });

  it('reports a refused connection as network (nothing sent) and a slow one as timeout', async () => {
    const { fake } = await setup();
    const url = fake.url;
    await fake.close();
    fakes.splice(0);
    const refused = new CodegenClient({ token: 't', orgId: 1, baseUrl: url, retry: { retries: 0 } });
    const error = await rejectionOf(refused.getCurrentUser(), CodegenApiError);
    expect(error).toMatchObject({ kind: 'network', status: 0, transient: true, outcomeUnknown: false });
    expect(await refused.tryCreateRun({ prompt: 'p' })).toMatchObject({ outcome: 'not-created' });

    const slow = await setup({ faults: { latencyMs: 300 } }, { requestTimeoutMs: 50, retry: { retries: 0 } });
    const timeout = await rejectionOf(slow.client.getCurrentUser(), CodegenApiError);
    expect(timeout).toMatchObject({ kind: 'timeout', transient: true, outcomeUnknown: true });
  });

  it('rejects with the abort reason, from a call signal or the client signal', async () => {
    const { fake } = await setup({ faults: { latencyMs: 200 } });
    const controller = new AbortController();
    const client = new CodegenClient({ token: fake.token, orgId: 1, baseUrl: fake.url, signal: controller.signal });
    const call = client.getCurrentUser();
    controller.abort(new Error('shutting down'));
    await expect(call).rejects.toThrow('shutting down');
    const other = new CodegenClient({ token: fake.token, orgId: 1, baseUrl: fake.url });
    await expect(other.getCurrentUser({ signal: AbortSignal.timeout(20) })).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('validates input before sending and names the field', async () => {
    const { fake, client } = await setup();
    await expect(client.createRun({ prompt: '  ' })).rejects.toThrow(CodegenInputError);
    await expect(client.createRun({ prompt: '  ' })).rejects.toThrow('prompt: must not be empty');
    await expect(client.createRun({ prompt: 'x', images: ['not-a-uri'] })).rejects.toThrow('images.0: must be a data URI');
    await expect(client.getRun(-3)).rejects.toThrow('Invalid input for getRun');
    await expect(client.listRuns({ limit: 500 })).rejects.toThrow(/limit: Invalid value: Expected <=100/);
    expect(() => new CodegenClient({ token: '', orgId: 1 })).toThrow('CodegenClient option token: expected a non-blank string');
    expect(() => new CodegenClient({ token: 't', orgId: 0 })).toThrow('CodegenClient option orgId: expected a positive integer');
    expect(fake.requests).toHaveLength(0);
  });

  it('takes the message from `message`, else `detail` (string or list), else nothing', () => {
    expect(messageFromBody({ message: 'm', detail: 'd' })).toBe('m');
    expect(messageFromBody({ detail: 'Rate limit exceeded', status_code: 429 })).toBe('Rate limit exceeded');
    expect(messageFromBody({ detail: [{ loc: ['query', 'limit'], msg: 'too big', type: 'x' }] })).toBe('query.limit: too big');
    expect(messageFromBody({})).toBeUndefined();
    expect(messageFromBody('Bad Gateway')).toBe('Bad Gateway');
  });
});

describe('CodegenClient: lenient parsing', () => {
  it('keeps unknown fields, turns missing or mistyped optional fields into null, accepts unknown statuses', async () => {
    const lenient = rewritingFetch((body) => {
      if (typeof body?.id !== 'number') return body;
      const { result, summary, web_url, ...rest } = body;
      void result;
      void summary;
      void web_url;
      return {
        ...rest,
        status: 'BRAND_NEW_STATUS',
        metadata: 'not-an-object',
        github_pull_requests: [{ id: 9, url: 'https://github.com/a/b/pull/3' }],
        new_field: { nested: true },
      };
    });
    const { client } = await setup({}, { fetch: lenient });
    const run = await client.createRun({ prompt: 'p' });
    expect(run).toMatchObject({
      status: 'BRAND_NEW_STATUS',
      result: null,
      summary: null,
      web_url: null,
      metadata: null,
      github_pull_requests: [{ id: 9, url: 'https://github.com/a/b/pull/3', title: null, created_at: null, head_branch_name: null }],
    });
    expect((run as unknown as Record<string, unknown>)['new_field']).toEqual({ nested: true });
  });

  it('rejects a body without the fields a caller cannot do without', async () => {
    const broken = rewritingFetch((body) => ({ ...body, id: 'one' }));
    const { client } = await setup({}, { fetch: broken, retry: { retries: 0 } });
    const error = await rejectionOf(client.getCurrentUser(), CodegenApiError);
    expect(error).toMatchObject({ kind: 'invalid-response', status: 200, transient: false });
    expect(error.message).toContain('id:');
  });
});

describe('CodegenClient: retries and creates', () => {
  it('completes every read within its retries under 10% 5xx and 10% dropped connections', async () => {
    const { fake, client } = await setup({ seed: 42, faults: { errorRate: 0.1, dropRate: 0.1 } });
    fake.setFaults({});
    const run = await client.createRun({ prompt: 'p' });
    fake.setFaults({ errorRate: 0.1, dropRate: 0.1 });
    const reads = 120;
    for (let i = 0; i < reads; i++) {
      if (i % 3 === 0) expect((await client.listRuns({ limit: 5 })).items.length).toBe(1);
      else if (i % 3 === 1) expect((await client.getRun(run.id)).id).toBe(run.id);
      else expect((await client.getCurrentUser()).id).toBe(100);
    }
    const stats = fake.stats();
    // Faults really happened, and every read still succeeded.
    expect(stats.serverErrors).toBeGreaterThan(5);
    expect(stats.dropped).toBeGreaterThan(5);
    expect(stats.total).toBe(1 + reads + stats.serverErrors + stats.dropped);
  });

  it('never retries a create whose response was lost, and says so', async () => {
    const { fake, client } = await setup();
    fake.injectFault({ operation: 'createRun', type: 'drop' });
    const error = await rejectionOf(client.createRun({ prompt: 'p', metadata: { key: 'k1' } }), CodegenApiError);
    expect(error).toMatchObject({ kind: 'connection-lost', outcomeUnknown: true, retryable: false });
    expect(fake.created).toHaveLength(1);
    fake.injectFault({ operation: 'createRun', type: 'drop' });
    const outcome = await client.tryCreateRun({ prompt: 'p', metadata: { key: 'k2' } });
    expect(outcome.outcome).toBe('unknown');
    expect(fake.created).toHaveLength(2);
    expect((await client.findRunByMetadata('key', 'k2'))?.id).toBe(fake.created[1]?.id);
  });

  it('createRunOnce recovers a run whose response was lost instead of creating a duplicate', async () => {
    const { fake, client } = await setup();
    fake.injectFault({ operation: 'createRun', type: 'drop', afterHandling: true });
    const result = await client.createRunOnce({ prompt: 'p' }, { key: 'pco_attempt', value: 'task-1:1' });
    expect(result).toMatchObject({ recovered: true, creates: 1 });
    expect(fake.created.map((c) => c.metadata)).toEqual([{ pco_attempt: 'task-1:1' }]);

    // Lost before the server saw it: the lookup finds nothing, so it creates again (once).
    fake.injectFault({ operation: 'createRun', type: 'drop', afterHandling: false });
    const second = await client.createRunOnce({ prompt: 'p' }, { key: 'pco_attempt', value: 'task-2:1' });
    expect(second).toMatchObject({ recovered: false, creates: 2 });
    expect(fake.created.filter((c) => c.metadata?.['pco_attempt'] === 'task-2:1')).toHaveLength(1);

    // After a crash: look first, create nothing.
    const third = await client.createRunOnce({ prompt: 'p' }, { key: 'pco_attempt', value: 'task-2:1', lookupFirst: true });
    expect(third).toMatchObject({ recovered: true, creates: 0, run: { id: second.run.id } });
    expect(fake.created).toHaveLength(2);
  });

  it('retries a create refused with 429 (nothing was created), honouring Retry-After', async () => {
    const waits: number[] = [];
    const { fake, client } = await setup(
      { retryAfterHeader: true, rateLimits: { limits: { createRun: { limit: 1, windowMs: 500 } } } },
      {
        limits: false,
        retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 },
        timers: {
          setTimeout: (callback, ms) => {
            waits.push(ms);
            return systemTimers.setTimeout(callback, ms);
          },
          clearTimeout: systemTimers.clearTimeout,
        },
      },
      1,
    );
    await client.createRun({ prompt: 'a' });
    const second = await client.createRun({ prompt: 'b' });
    // Retry-After: 1 (second) was honoured rather than the 1 ms backoff.
    expect(waits).toEqual([1000]);
    expect(second.id).toBeGreaterThan(0);
    expect(fake.stats().rateLimitedByOperation.createRun).toBeGreaterThanOrEqual(1);
    expect(fake.created).toHaveLength(2);
  });
});
