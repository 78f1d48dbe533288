import { afterEach, describe, expect, it } from 'vitest';
import { startFakeCodegen, type FakeCodegen, type FakeCodegenOptions } from './index.js';

let fake: FakeCodegen | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeCodegenOptions = {}): Promise<FakeCodegen> {
  fake = await startFakeCodegen(options);
  return fake;
}

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

async function call(
  f: FakeCodegen,
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; raw?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? f.token : options.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(f.url + path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain text (5xx)
  }
  return { status: response.status, body: parsed, headers: response.headers };
}


/** A manual clock for the fake, so timelines and windows do not depend on the machine's speed. */
function manualClock(start = Date.parse('2025-10-01T12:00:00Z')) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

describe('fake Codegen: runs', () => {
  it('creates a run with 200 and a non-terminal status, then moves PENDING → ACTIVE → EVALUATION → COMPLETE', async () => {
    let t = Date.parse('2025-10-01T12:00:00Z');
    const f = await start({ now: () => t, defaultScript: { durationMs: 600_000 } });
    const created = await call(f, 'POST', '/v1/organizations/1/agent/run', {
      body: { prompt: 'Fix the bug', metadata: { task: 'a#1' } },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: 1001,
      organization_id: 1,
      status: 'PENDING',
      created_at: '2025-10-01T12:00:00.000Z',
      result: null,
      summary: null,
      source_type: 'API',
      metadata: { task: 'a#1' },
      web_url: 'https://codegen.com/agent/trace/1001',
    });
    // 10 minutes: PENDING 5 s, ACTIVE until 9 min, EVALUATION for the last minute.
    const at = async (ms: number) => {
      t = Date.parse('2025-10-01T12:00:00Z') + ms;
      return (await call(f, 'GET', '/v1/organizations/1/agent/run/1001')).body;
    };
    for (const [ms, status] of [
      [1_000, 'PENDING'],
      [10_000, 'ACTIVE'],
      [539_000, 'ACTIVE'],
      [545_000, 'EVALUATION'],
      [599_999, 'EVALUATION'],
    ] as const) {
      const run = await at(ms);
      expect(run.status, `at ${ms} ms`).toBe(status);
      expect(run.result).toBeNull();
      expect(run.summary).toBeNull();
      expect(run.github_pull_requests).toEqual([]);
    }
    const last = await at(600_000);
    expect(last.status).toBe('COMPLETE');
    expect(last.result).toMatch(/Fix the bug/);
    expect(last.summary).toMatch(/Fix the bug/);
    expect(last.github_pull_requests).toHaveLength(1);
    expect(last.github_pull_requests[0].url).toMatch(/^https:\/\/github\.com\/acme\/app\/pull\/\d+$/);
    expect(last.github_pull_requests[0].head_branch_name).toBe('codegen-bot/run-1001-1');
    expect(last.github_pull_requests[0].created_at).toBe('2025-10-01T12:10:00.000Z');
  });

  it('scripts runs by prompt marker: final status, duration, PRs', async () => {
    const clock = manualClock();
    const f = await start({ now: clock.now });
    const statuses = ['ERROR', 'FAILED', 'CANCELLED', 'TIMEOUT', 'MAX_ITERATIONS_REACHED', 'OUT_OF_TOKENS', 'PAUSED'];
    for (const status of statuses) {
      await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: `x [[fake:status=${status} duration=1s prs=2]]` } });
    }
    clock.advance(1000);
    for (const [index, status] of statuses.entries()) {
      const run = (await call(f, 'GET', `/v1/organizations/1/agent/run/${1001 + index}`)).body;
      expect(run.status).toBe(status);
      expect(run.github_pull_requests).toHaveLength(2);
      expect(run.summary).toBeNull();
    }
  });

  it('lets a script callback override markers and steps add unknown statuses', async () => {
    const clock = manualClock();
    const f = await start({
      now: clock.now,
      script: (run) => (run.metadata?.['slow'] ? { durationMs: 3_600_000 } : undefined),
    });
    await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: '[[fake:duration=1s]]', metadata: { slow: true } } });
    await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: '[[fake:steps=QUEUED_NEW:10m,ACTIVE:1s]]' } });
    clock.advance(60_000);
    expect(f.run(1001)?.['status']).toBe('ACTIVE');
    expect(f.run(1002)?.['status']).toBe('QUEUED_NEW');
  });

  it('lists runs newest first, filtered by user, with metadata and the page envelope', async () => {
    const f = await start({ tokens: ['t-a', { token: 't-b', id: 7 }] });
    for (let i = 0; i < 3; i++) {
      await call(f, 'POST', '/v1/organizations/1/agent/run', { token: 't-a', body: { prompt: `a${i}`, metadata: { i } } });
    }
    await call(f, 'POST', '/v1/organizations/1/agent/run', { token: 't-b', body: { prompt: 'b' } });
    const all = await call(f, 'GET', '/v1/organizations/1/agent/runs?limit=2', { token: 't-a' });
    expect(all.body).toMatchObject({ total: 4, page: 1, size: 2, pages: 2 });
    expect(all.body.items.map((r: any) => r.id)).toEqual([1004, 1003]);
    const mine = await call(f, 'GET', '/v1/organizations/1/agent/runs?user_id=100&source_type=API&skip=1&limit=2', {
      token: 't-a',
    });
    expect(mine.body).toMatchObject({ total: 3, page: 1, size: 2, pages: 2 });
    expect(mine.body.items.map((r: any) => [r.id, r.metadata])).toEqual([
      [1002, { i: 1 }],
      [1001, { i: 0 }],
    ]);
    const slack = await call(f, 'GET', '/v1/organizations/1/agent/runs?source_type=SLACK', { token: 't-a' });
    expect(slack.body.items).toEqual([]);
  });

  it('resumes a PAUSED run, which then runs to its new script', async () => {
    const clock = manualClock();
    const f = await start({ now: clock.now });
    await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: '[[fake:status=PAUSED duration=1s]]' } });
    clock.advance(1000);
    expect(f.run(1001)?.['status']).toBe('PAUSED');
    const resumed = await call(f, 'POST', '/v1/organizations/1/agent/run/resume', {
      body: { agent_run_id: 1001, prompt: 'go on [[fake:duration=10s]]' },
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('PENDING');
    clock.advance(10_000);
    expect(f.run(1001)?.['status']).toBe('COMPLETE');
    const missing = await call(f, 'POST', '/v1/organizations/1/agent/run/resume', { body: { agent_run_id: 5, prompt: 'x' } });
    expect(missing).toMatchObject({ status: 404, body: { message: 'Agent run not found.', status_code: 404 } });
  });

  it('stops a working run with remove-from-pr (CANCELLED) and flags the PRs of a finished one', async () => {
    const clock = manualClock();
    const f = await start({ now: clock.now });
    const remove = (body: unknown) => call(f, 'POST', '/v1/organizations/1/agent/run/remove-from-pr', { body });
    await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'long [[fake:duration=10m]]' } });
    await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'done [[fake:duration=1s prs=2]]' } });
    clock.advance(2_000);
    expect(f.run(1001)?.['status']).toBe('PENDING'); // still working (the first step of a 10-minute run)
    expect(await remove({ agent_run_id: 1001 })).toMatchObject({ status: 200, body: {} });
    expect(f.run(1001)).toMatchObject({ status: 'CANCELLED', result: null, github_pull_requests: [] });
    clock.advance(20 * 60_000);
    expect(f.run(1001)?.['status']).toBe('CANCELLED');
    const prIds = (f.run(1002)?.['github_pull_requests'] as { id: number }[]).map((pr) => pr.id);
    expect(prIds).toHaveLength(2);
    expect((await remove({ agent_run_id: '1002' })).status).toBe(200); // pydantic's lax int
    expect(f.run(1002)?.['status']).toBe('COMPLETE');
    expect([...f.stopped]).toEqual([1001]);
    expect([...f.removedFromPrs]).toEqual(prIds);
    expect(await remove({ agent_run_id: 5 })).toMatchObject({ status: 404, body: { message: 'Agent run not found.' } });
    expect(await remove({ before_card_order_id: 1 })).toMatchObject({
      status: 422,
      body: {
        detail: [
          { type: 'missing', loc: ['body', 'agent_run_id'], msg: 'Field required' },
          { type: 'string_type', loc: ['body', 'before_card_order_id'], msg: 'Input should be a valid string' },
        ],
      },
    });
  });

  it('serves logs with pagination and reverse', async () => {
    const clock = manualClock();
    const f = await start({ now: clock.now });
    await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'p [[fake:duration=1s]]' } });
    clock.advance(1000);
    const logs = await call(f, 'GET', '/v1/alpha/organizations/1/agent/run/1001/logs?limit=2&skip=2');
    expect(logs.body).toMatchObject({ id: 1001, total_logs: 10, page: 2, size: 2, pages: 5 });
    expect(logs.body.logs).toHaveLength(2);
    const reversed = await call(f, 'GET', '/v1/alpha/organizations/1/agent/run/1001/logs?reverse=true&limit=1');
    expect(reversed.body.logs[0].message_type).toBe('FINAL_ANSWER');
  });

  it('serves users/me, organizations, org users and repos', async () => {
    const f = await start({ tokens: [{ token: 'tok', id: 42, githubUsername: 'octo', orgIds: [1, 2] }] });
    expect((await call(f, 'GET', '/v1/users/me')).body).toMatchObject({ id: 42, github_username: 'octo' });
    const orgs = (await call(f, 'GET', '/v1/organizations')).body;
    expect(orgs.items.map((o: any) => o.id)).toEqual([1, 2]);
    expect((await call(f, 'GET', '/v1/organizations/1/users')).body.items).toHaveLength(1);
    expect((await call(f, 'GET', '/v1/organizations/1/users/42')).status).toBe(200);
    expect((await call(f, 'GET', '/v1/organizations/1/users/9')).body).toEqual({ message: 'User not found.', status_code: 404 });
    expect((await call(f, 'GET', '/v1/organizations/1/repos')).body.items[0]).toMatchObject({ id: 1, full_name: 'acme/app' });
  });
});

describe('fake Codegen: errors', () => {
  it('answers 401 without a valid token and 403 for another org', async () => {
    const f = await start();
    expect(await call(f, 'GET', '/v1/users/me', { token: null })).toMatchObject({ status: 401 });
    expect(await call(f, 'GET', '/v1/users/me', { token: 'wrong' })).toMatchObject({
      status: 401,
      body: { status_code: 401 },
    });
    expect(await call(f, 'GET', '/v1/organizations/2/agent/runs')).toMatchObject({
      status: 403,
      body: { message: 'You do not have access to this organization.', status_code: 403 },
    });
    // Tokens are never recorded.
    expect(JSON.stringify(f.requests)).not.toContain(f.token);
  });

  it('answers FastAPI-style 422s for bad ids, queries and bodies', async () => {
    const f = await start();
    const badId = await call(f, 'GET', '/v1/organizations/1/agent/run/abc');
    expect(badId.status).toBe(422);
    expect(badId.body.detail[0]).toMatchObject({ type: 'int_parsing', loc: ['path', 'agent_run_id'], input: 'abc' });
    const badLimit = await call(f, 'GET', '/v1/organizations/1/agent/runs?limit=101&skip=-1');
    expect(badLimit.body.detail.map((d: any) => d.loc)).toEqual([
      ['query', 'skip'],
      ['query', 'limit'],
    ]);
    const noPrompt = await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { repo_id: 'x', agent_type: 'gpt' } });
    expect(noPrompt.body.detail.map((d: any) => [d.type, d.loc.join('.')])).toEqual([
      ['missing', 'body.prompt'],
      ['int_parsing', 'body.repo_id'],
      ['literal_error', 'body.agent_type'],
    ]);
    const badJson = await call(f, 'POST', '/v1/organizations/1/agent/run', { raw: '{"prompt":' });
    expect(badJson.body.detail[0].type).toBe('json_invalid');
    // Validation comes before authentication, as in FastAPI.
    expect((await call(f, 'GET', '/v1/organizations/x/repos', { token: null })).status).toBe(422);
    // Unknown body fields are ignored.
    expect((await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'p', extra: 1 } })).status).toBe(200);
  });

  it('answers 404 for unknown routes and runs of other orgs, 405 for wrong methods', async () => {
    const f = await start({ tokens: [{ token: 't', orgIds: [1, 2] }] });
    expect(await call(f, 'GET', '/v1/nope')).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
    expect((await call(f, 'DELETE', '/v1/users/me')).status).toBe(405);
    await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'p' } });
    expect(await call(f, 'GET', '/v1/organizations/2/agent/run/1001')).toMatchObject({
      status: 404,
      body: { message: 'Agent run not found.' },
    });
  });

  it('answers 402 past the run quota and 404 when the org has no repos', async () => {
    const f = await start({ runQuota: 1 });
    expect((await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'p' } })).status).toBe(200);
    expect(await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'p' } })).toMatchObject({
      status: 402,
      body: { status_code: 402 },
    });
    await f.close();
    const g = await start({ repos: [] });
    expect(await call(g, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'p' } })).toMatchObject({
      status: 404,
      body: { message: 'No repos found in the organization. Please add some repos and try again.' },
    });
  });
});

describe('fake Codegen: rate limits', () => {
  it('answers 429 once a (token, endpoint) bucket is empty, and recovers after the window', async () => {
    // 10 creates per 60 s at 0.001 → per 60 ms of the fake's clock.
    const clock = manualClock();
    const f = await start({ timeScale: 0.001, now: clock.now, tokens: ['a', 'b'] });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await call(f, 'POST', '/v1/organizations/1/agent/run', { token: 'a', body: { prompt: 'p' } })).status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    const limited = await call(f, 'POST', '/v1/organizations/1/agent/run', { token: 'a', body: { prompt: 'p' } });
    expect(limited).toMatchObject({
      status: 429,
      body: { message: 'Rate limit exceeded. Please try again later.', status_code: 429 },
    });
    expect(limited.headers.get('retry-after')).toBeNull();
    // Another token and another endpoint have their own buckets.
    expect((await call(f, 'POST', '/v1/organizations/1/agent/run', { token: 'b', body: { prompt: 'p' } })).status).toBe(200);
    expect((await call(f, 'GET', '/v1/organizations/1/agent/runs', { token: 'a' })).status).toBe(200);
    clock.advance(59);
    expect((await call(f, 'POST', '/v1/organizations/1/agent/run', { token: 'a', body: { prompt: 'p' } })).status).toBe(429);
    clock.advance(1);
    expect((await call(f, 'POST', '/v1/organizations/1/agent/run', { token: 'a', body: { prompt: 'p' } })).status).toBe(200);
    const stats = f.stats();
    expect(stats.rateLimitedByOperation).toEqual({ createRun: 3 });
    expect(stats.maxInWindow['100:createRun']).toBe(10);
    expect(f.created).toHaveLength(12);
  });

  it('counts requests over a limit without refusing them when not enforcing', async () => {
    const f = await start({ rateLimits: { enforce: false } });
    for (let i = 0; i < 12; i++) await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'p' } });
    expect(f.stats()).toMatchObject({ rateLimited: 0, overLimit: 2 });
  });
});

describe('fake Codegen: faults', () => {
  it('injects a 5xx or a dropped connection; a dropped create still creates its run', async () => {
    const f = await start();
    f.injectFault({ operation: 'getCurrentUser', type: 'error', status: 503 });
    const failed = await call(f, 'GET', '/v1/users/me');
    expect(failed).toMatchObject({ status: 503, body: 'Service Unavailable' });
    f.injectFault({ operation: 'createRun', type: 'drop' });
    await expect(call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'p' } })).rejects.toThrow();
    expect(f.created).toHaveLength(1);
    expect(f.created[0]?.responseDropped).toBe(true);
    f.injectFault({ operation: 'createRun', type: 'drop', afterHandling: false });
    await expect(call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'p' } })).rejects.toThrow();
    expect(f.created).toHaveLength(1);
    expect(f.stats()).toMatchObject({ serverErrors: 1, dropped: 2 });
  });

  it('applies an injected fault only to requests whose body passes `when`', async () => {
    const f = await start();
    f.injectFault({ operation: 'createRun', type: 'error', status: 429, count: 2, when: (body) => body['prompt'] === 'mine' });
    const other = await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'theirs' } });
    expect(other.status).toBe(200);
    expect((await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'mine' } })).status).toBe(429);
    expect((await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'theirs' } })).status).toBe(200);
    expect((await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'mine' } })).status).toBe(429);
    expect((await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'mine' } })).status).toBe(200);
    expect(f.created.map((run) => run.prompt)).toEqual(['theirs', 'theirs', 'mine']);
  });

  it('tells onRequest when a call has arrived, before its latency and before it is handled', async () => {
    const arrived: string[] = [];
    const f = await start({
      faults: { latencyMs: 200, operations: ['createRun'] },
      onRequest: (request) => arrived.push(`${request.method} ${request.path} ${String(request.operation)} created=${f.created.length}`),
    });
    await call(f, 'POST', '/v1/organizations/1/agent/run', { body: { prompt: 'p' } });
    await call(f, 'GET', '/v1/nowhere');
    expect(arrived).toEqual(['POST /v1/organizations/1/agent/run createRun created=0', 'GET /v1/nowhere null created=1']);
  });

  it('injects random faults reproducibly from the seed', async () => {
    const pattern = async (seed: number) => {
      const f = await startFakeCodegen({ seed, faults: { errorRate: 0.3, operations: ['getCurrentUser'] } });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await call(f, 'GET', '/v1/users/me')).status);
      await f.close();
      return statuses;
    };
    const first = await pattern(7);
    expect(await pattern(7)).toEqual(first);
    const failures = first.filter((s) => s >= 500).length;
    expect(failures).toBeGreaterThan(2);
    expect(failures).toBeLessThan(20);
  });
});
