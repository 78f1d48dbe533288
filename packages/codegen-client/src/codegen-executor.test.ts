import { CodegenClient } from './codegen-client.js';
import { startFakeCodegen, type FakeCodegen, type FakeCodegenOptions } from '@pco/testkit';
import { createAcceleratedTime } from '@pco/testkit/clock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CodegenExecutor } from './codegen-executor.js';
import { renderPrompt } from './prompt.js';
import type { OrchestratorEventName } from '@pco/core';
import { Orchestrator } from '@pco/core';
import type { JournalEntry, RunJournal, Task } from '@pco/contract';

// 1 API minute = 1.5 real ms: a 12-minute run takes 18 ms, the create limit is 10 per 90 ms.
const SCALE = 0.0015;
// The fake and the client share one clock that runs 1 / SCALE times faster than real time.
const time = createAcceleratedTime({ speed: 1 / SCALE });
const onTime = { clock: time.clock, timers: time.timers };
const TOKEN = 'cg-secret-token-4b1d';

let fake: FakeCodegen | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(options: FakeCodegenOptions = {}) {
  fake = await startFakeCodegen({ now: time.clock.now, tokens: [TOKEN], seed: 7, ...options });
  const client = new CodegenClient({
    token: TOKEN,
    orgId: fake.orgId,
    baseUrl: fake.url,
    ...onTime,
    retry: { retries: 4, minDelayMs: 1_000, maxDelayMs: 30_000 },
    requestTimeoutMs: 5_000,
  });
  const executor = new CodegenExecutor({ client, repoId: 1, watcherOptions: onTime });
  return { fake, client, executor };
}

/** The 24-task backlog: four streams of dependent work, a few scripted failures and a pause. */
function backlog(): Task[] {
  const marker = (id: number): string => {
    if (id === 6) return '[[fake:status=ERROR duration=4m]]';
    if (id === 15) return '[[fake:status=MAX_ITERATIONS_REACHED duration=6m]]';
    if (id === 20) return '[[fake:status=PAUSED duration=3m]]';
    return `[[fake:status=COMPLETE duration=${3 + (id % 7)}m prs=${id % 3 === 0 ? 2 : 1}]]`;
  };
  const deps: Record<number, number[]> = {
    2: [1], 3: [1], 4: [2, 3], 5: [4], 7: [6], 8: [7], 9: [1], 10: [9, 3],
    11: [10], 12: [11], 13: [], 14: [13], 16: [15], 17: [14], 18: [17, 12],
    19: [18], 21: [20], 22: [13], 23: [22], 24: [23, 5],
  };
  return Array.from({ length: 24 }, (_, i) => {
    const id = i + 1;
    return {
      id: `acme/app#${id}`,
      title: `Issue ${id}`,
      body: `Implement part ${id}. ${marker(id)}`,
      url: `https://github.com/acme/app/issues/${id}`,
      dependencies: (deps[id] ?? []).map((d) => `acme/app#${d}`),
    };
  });
}

describe('CodegenExecutor over HTTP with the fake Codegen', () => {
  it('runs a 24-task backlog on 10 agents: mixed outcomes, exact event sequences, no request over the API limits', async () => {
    const { fake, executor } = await setup();
    const tasks = backlog();
    const orc = new Orchestrator({
      source: { load: async () => tasks },
      executor,
      concurrency: 10,
      retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
      timeoutMs: 60_000,
      secrets: [TOKEN],
    });
    const events: { name: OrchestratorEventName; taskId?: string; payload: unknown }[] = [];
    const names: OrchestratorEventName[] = [
      'run:start', 'task:queued', 'task:ready', 'task:start', 'task:status', 'task:checkpoint', 'task:retry',
      'task:done', 'task:failed', 'task:skipped', 'task:needs-input', 'run:end', 'error',
    ];
    for (const name of names) {
      orc.on(name, (payload) => events.push({ name, taskId: (payload as { taskId?: string }).taskId, payload }));
    }
    let running = 0;
    let maxRunning = 0;
    orc.on('task:start', () => void (maxRunning = Math.max(maxRunning, ++running)));
    for (const end of ['task:retry', 'task:done', 'task:failed', 'task:needs-input'] as const) orc.on(end, () => void running--);

    const summary = await orc.run();
    executor.close();

    const state = (n: number) => summary.results.find((r) => r.id === `acme/app#${n}`)!;
    expect(state(6).state).toBe('failed');
    expect(state(6).error).toMatch(/ended in an error \(ERROR\)/);
    expect(state(15).state).toBe('failed');
    expect(state(15).error).toMatch(/MAX_ITERATIONS_REACHED/);
    expect(state(20).state).toBe('needs-input');
    // Dependents of failures are skipped naming the failed ancestor; nothing else is.
    for (const [n, because] of [[7, 6], [8, 6], [16, 15], [21, 20]] as const) {
      expect(state(n)).toMatchObject({ state: 'skipped', skippedBecause: `acme/app#${because}` });
    }
    const notDone = new Set([6, 7, 8, 15, 16, 20, 21]);
    for (let n = 1; n <= 24; n++) {
      if (notDone.has(n)) continue;
      const r = state(n);
      expect(r.state, r.id).toBe('done');
      expect(r.attempts).toBe(1);
      expect(r.pullRequests).toHaveLength(n % 3 === 0 ? 2 : 1);
      expect(r.pullRequests[0]!.url).toMatch(/^https:\/\/github\.com\/acme\/app\/pull\/\d+$/);
      expect(typeof r.runId).toBe('number');
      expect(r.webUrl).toBeTruthy();
      expect(r.summary).toBeTruthy();
    }
    expect(summary.counts).toMatchObject({ total: 24, done: 17, failed: 2, skipped: 4, 'needs-input': 1 });
    expect(maxRunning).toBeLessThanOrEqual(10);
    expect(maxRunning).toBeGreaterThan(1);

    // Every task: queued → ready → start → checkpoint → status+ → one terminal event; skipped
    // tasks: queued → skipped.
    for (const task of tasks) {
      const seq = events.filter((e) => e.taskId === task.id).map((e) => e.name.replace('task:', ''));
      const text = seq.join(' ').replace(/( status)+/g, ' status+');
      if (summary.results.find((r) => r.id === task.id)!.state === 'skipped') expect(text, task.id).toBe('queued skipped');
      else expect(text, task.id).toMatch(/^queued ready start checkpoint status\+ (done|failed|needs-input)$/);
      // Agent-side statuses are real Codegen statuses, ending in the final one.
      const statuses = events
        .filter((e) => e.taskId === task.id && e.name === 'task:status')
        .map((e) => (e.payload as { status: string }).status);
      if (statuses.length > 0) expect(['COMPLETE', 'ERROR', 'MAX_ITERATIONS_REACHED', 'PAUSED']).toContain(statuses.at(-1));
    }
    expect(events[0]!.name).toBe('run:start');
    expect(events.at(-1)!.name).toBe('run:end');
    expect(events.filter((e) => e.name === 'error')).toEqual([]);

    // One create per task that ran, none duplicated, each carrying its idempotency key.
    const keys = fake.created.map((c) => c.metadata?.['pco_idempotency_key']);
    expect(fake.created).toHaveLength(20);
    expect(new Set(keys).size).toBe(20);
    expect(fake.created.every((c) => c.metadata?.['pco_attempt'] === 1 && c.metadata?.['pco_run_id'] === summary.runId)).toBe(true);
    const stats = fake.stats();
    expect(stats.overLimit).toBe(0);
    expect(stats.rateLimited).toBe(0);
    // Dependencies' results reach the prompt.
    const prompt4 = fake.created.find((c) => c.metadata?.['pco_task_id'] === 'acme/app#4')!.prompt;
    expect(prompt4).toContain('- acme/app#2 (done)');
    expect(prompt4).toContain('https://github.com/acme/app/issues/4');
    expect(JSON.stringify(summary)).not.toContain(TOKEN);
  });

  it('a create whose response is lost is found by its idempotency key, not sent twice', async () => {
    const { fake, executor } = await setup();
    fake.injectFault({ operation: 'createRun', type: 'drop', afterHandling: true });
    const orc = new Orchestrator({
      source: { load: async () => [{ id: 'a', title: 'A', body: '[[fake:status=COMPLETE duration=2m]]' }] },
      executor,
      retry: { attempts: 1 },
    });
    const summary = await orc.run();
    executor.close();
    expect(summary.results[0]).toMatchObject({ state: 'done', attempts: 1 });
    expect(fake.created).toHaveLength(1);
    expect(fake.created[0]!.responseDropped).toBe(true);
  });

  it('maps 402 (quota) to a permanent failure, not retried', async () => {
    const { fake, executor } = await setup({ runQuota: 1 });
    const orc = new Orchestrator({
      source: {
        load: async () => [
          { id: 'a', title: 'A', body: '[[fake:duration=1m]]' },
          { id: 'b', title: 'B', body: '[[fake:duration=1m]]', dependencies: ['a'] },
        ],
      },
      executor,
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const summary = await orc.run();
    executor.close();
    expect(summary.results[0]!.state).toBe('done');
    expect(summary.results[1]).toMatchObject({ state: 'failed', attempts: 1 });
    expect(summary.results[1]!.error).toMatch(/Could not create the agent run/);
    expect(fake.created).toHaveLength(1);
  });

  it('a 5xx storm at create is transient: looked up, never duplicated, retried as a new attempt', async () => {
    const { fake, executor } = await setup();
    fake.injectFault({ operation: 'createRun', type: 'error', status: 503, count: 3 });
    const retries: number[] = [];
    const orc = new Orchestrator({
      source: { load: async () => [{ id: 'a', title: 'A', body: '[[fake:duration=1m]]' }] },
      executor,
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    });
    orc.on('task:retry', (e) => void retries.push(e.attempt));
    const summary = await orc.run();
    executor.close();
    expect(summary.results[0]).toMatchObject({ state: 'done', attempts: 2 });
    expect(retries).toEqual([1]);
    expect(fake.created).toHaveLength(1);
    expect(fake.created[0]!.metadata?.['pco_attempt']).toBe(2);
    // Before each repeated create, the run list was searched for the key.
    expect(fake.stats().byOperation.listRuns).toBeGreaterThanOrEqual(2);
  });

  it('API down at start: network failures are transient, retried, then reported as failures; the run still resolves', async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = new CodegenClient({ token: TOKEN, orgId: 1, baseUrl: `http://127.0.0.1:${port}`, ...onTime, retry: { retries: 1 } });
    const executor = new CodegenExecutor({ client, watcherOptions: onTime });
    const orc = new Orchestrator({
      source: { load: async () => [{ id: 'a', title: 'A' }, { id: 'b', title: 'B', dependencies: ['a'] }] },
      executor,
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
      secrets: [TOKEN],
    });
    const retries: string[] = [];
    orc.on('task:retry', (e) => void retries.push(e.error));
    const summary = await orc.run();
    executor.close();
    expect(summary.results[0]).toMatchObject({ state: 'failed', attempts: 2 });
    expect(summary.results[0]!.error).toMatch(/Could not create the agent run/);
    expect(summary.results[1]).toMatchObject({ state: 'skipped', skippedBecause: 'a' });
    expect(retries).toHaveLength(1);
    expect(JSON.stringify(summary)).not.toContain(TOKEN);
  });

  it('429 storms on create and polling are absorbed: every task done, one run each', async () => {
    const { fake, executor } = await setup();
    fake.injectFault({ operation: 'createRun', type: 'error', status: 429, count: 3 });
    fake.injectFault({ operation: 'getRun', type: 'error', status: 429, count: 3 });
    fake.injectFault({ operation: 'listRuns', type: 'error', status: 429, count: 3 });
    const tasks = Array.from({ length: 6 }, (_, i) => ({ id: `t${i}`, title: `T${i}`, body: '[[fake:duration=2m]]' }));
    const orc = new Orchestrator({ source: { load: async () => tasks }, executor, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
    const summary = await orc.run();
    executor.close();
    expect(summary.counts.done).toBe(6);
    expect(fake.created).toHaveLength(6);
    expect(new Set(fake.created.map((c) => c.metadata?.['pco_task_id'])).size).toBe(6);
  });

  it('a task timeout fails the task (not retried; the run id stays in the result) and stops the run with remove-from-pr', async () => {
    const { fake, executor } = await setup();
    const orc = new Orchestrator({
      source: { load: async () => [{ id: 'slow', title: 'S', body: '[[fake:duration=600m]]' }] },
      executor,
      timeoutMs: 150,
      retry: { attempts: 3, baseDelayMs: 1 },
    });
    const statuses: string[] = [];
    orc.on('task:status', (e) => void statuses.push(e.status));
    const summary = await orc.run();
    executor.close();
    const runId = fake.created[0]!.id;
    expect(summary.results[0]).toMatchObject({ state: 'failed', attempts: 1, runId });
    expect(summary.results[0]!.error).toMatch(/timed out after 150 ms/);
    expect(fake.created).toHaveLength(1);
    expect([...fake.stopped]).toEqual([runId]);
    expect(fake.run(runId)?.['status']).toBe('CANCELLED');
    expect(statuses.at(-1)).toBe('STOP_REQUESTED');
  });

  it('stop(cancel) stops the remote runs; stop(detach) and stopRunOnCancel: false leave them working', async () => {
    const tasks: Task[] = ['a', 'b'].map((id) => ({ id, title: id, body: '[[fake:duration=600m]]' }));
    const outcome = async (mode: 'cancel' | 'detach', stopRunOnCancel?: boolean) => {
      const { fake, client } = await setup();
      const executor = new CodegenExecutor({ client, repoId: 1, watcherOptions: onTime, ...(stopRunOnCancel === undefined ? {} : { stopRunOnCancel }) });
      const orc = new Orchestrator({ source: { load: async () => tasks }, executor });
      let started = 0;
      orc.on('task:status', () => {
        if (++started === 2) void orc.stop({ mode });
      });
      const summary = await orc.run();
      executor.close();
      const result = { states: summary.results.map((r) => r.state), stopped: fake.stopped.size, created: fake.created.length };
      await fake.close();
      return result;
    };
    expect(await outcome('cancel')).toEqual({ states: ['interrupted', 'interrupted'], stopped: 2, created: 2 });
    expect(await outcome('detach')).toEqual({ states: ['interrupted', 'interrupted'], stopped: 0, created: 2 });
    expect(await outcome('cancel', false)).toEqual({ states: ['interrupted', 'interrupted'], stopped: 0, created: 2 });
  });

  it('a cancel that lands during the create finds the run by its idempotency key and stops it; detach leaves it', async () => {
    const outcome = async (mode: 'cancel' | 'detach') => {
      let orc: Orchestrator | undefined;
      // The stop lands while the create is at the server, which makes the run after the client gave up.
      const { fake, executor } = await setup({
        faults: { latencyMs: 30 },
        onRequest: (r) => {
          if (r.operation === 'createRun') void orc?.stop({ mode });
        },
      });
      orc = new Orchestrator({ source: { load: async () => [{ id: 'a', title: 'A', body: '[[fake:duration=600m]]' }] }, executor });
      const statuses: string[] = [];
      orc.on('task:status', (e) => void statuses.push(e.status));
      const summary = await orc.run();
      executor.close();
      // A detached create is still at the server when run() resolves: the run appears after.
      await vi.waitFor(() => expect(fake.created).toHaveLength(1));
      const result = { state: summary.results[0]!.state, created: fake.created.map((c) => c.id), stopped: [...fake.stopped], statuses };
      await fake.close();
      return result;
    };
    const cancelled = await outcome('cancel');
    expect(cancelled.state).toBe('interrupted');
    expect(cancelled.created).toHaveLength(1);
    expect(cancelled.stopped).toEqual(cancelled.created);
    expect(cancelled.statuses).toEqual(['STOP_REQUESTED']);
    const detached = await outcome('detach');
    expect(detached).toMatchObject({ state: 'interrupted', stopped: [], statuses: [] });
    expect(detached.created).toHaveLength(1);
  });

  it('re-attaches to the run a journal recorded instead of creating another', async () => {
    const { fake, client, executor } = await setup();
    // A first process created the run, then died before the result.
    const created = await client.createRun({ prompt: 'Task A [[fake:status=COMPLETE duration=2m]]', metadata: { pco_idempotency_key: 'run-1:a:1' } });
    const entries: JournalEntry[] = [
      { type: 'run', runId: 'run-1', resumed: false, at: 1 },
      { type: 'intent', runId: 'run-1', taskId: 'a', attempt: 1, idempotencyKey: 'run-1:a:1', agent: 'agent-1', at: 2 },
      { type: 'created', runId: 'run-1', taskId: 'a', attempt: 1, idempotencyKey: 'run-1:a:1', agentRunId: created.id, at: 3 },
    ];
    // And an intent whose create was sent but never recorded: found by metadata.
    const lost = await client.createRun({ prompt: 'Task B [[fake:status=COMPLETE duration=2m]]', metadata: { pco_idempotency_key: 'run-1:b:1' } });
    entries.push({ type: 'intent', runId: 'run-1', taskId: 'b', attempt: 1, idempotencyKey: 'run-1:b:1', agent: 'agent-2', at: 4 });
    const journal: RunJournal = { load: async () => entries, append: async (entry) => void entries.push(entry) };
    const orc = new Orchestrator({
      source: { load: async () => [{ id: 'a', title: 'A' }, { id: 'b', title: 'B' }, { id: 'c', title: 'C [[fake:duration=1m]]', body: '[[fake:duration=1m]]' }] },
      executor,
      journal,
    });
    const summary = await orc.run({ resume: true });
    executor.close();
    expect(summary.runId).toBe('run-1');
    expect(summary.results.map((r) => [r.id, r.state, r.runId])).toEqual([
      ['a', 'done', created.id],
      ['b', 'done', lost.id],
      ['c', 'done', expect.any(Number)],
    ]);
    // Only c was created by the resumed run.
    expect(fake.created).toHaveLength(3);
  });
});

describe('CodegenExecutor re-attach', () => {
  it('a journal run that Codegen no longer knows (404) fails that attempt transiently; the next attempt creates a new run', async () => {
    const { fake, executor } = await setup();
    const entries: JournalEntry[] = [
      { type: 'run', runId: 'r9', resumed: false, at: 1 },
      { type: 'intent', runId: 'r9', taskId: 'a', attempt: 1, idempotencyKey: 'r9:a:1', agent: 'agent-1', at: 2 },
      { type: 'created', runId: 'r9', taskId: 'a', attempt: 1, idempotencyKey: 'r9:a:1', agentRunId: 987_654, at: 3 },
    ];
    const journal: RunJournal = { load: async () => entries, append: async (entry) => void entries.push(entry) };
    const orc = new Orchestrator({
      source: { load: async () => [{ id: 'a', title: 'A', body: '[[fake:duration=1m]]' }] },
      executor,
      journal,
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const retries: string[] = [];
    orc.on('task:retry', (e) => void retries.push(e.error));
    const summary = await orc.run({ resume: true });
    executor.close();
    expect(retries).toEqual(['Agent run 987654 recorded for this attempt was not found on Codegen']);
    expect(summary.results[0]).toMatchObject({ state: 'done', attempts: 2 });
    expect(fake.created).toHaveLength(1);
    expect(fake.created[0]!.metadata?.['pco_idempotency_key']).toBe('r9:a:2');
  });
});

describe('renderPrompt', () => {
  it('fills every placeholder and lists dependency results', () => {
    const text = renderPrompt('{{title}}|{{body}}|{{url}}|{{labels}}|{{attempt}}|{{id}}|{{unknown}}\n{{dependencies}}', {
      task: { id: 'o/r#2', title: 'T', body: 'B', url: 'U', labels: ['x', 'y'] },
      attempt: 2,
      dependencyResults: new Map([
        ['o/r#1', { id: 'o/r#1', state: 'done', attempts: 1, pullRequests: [{ url: 'https://github.com/o/r/pull/9' }], summary: 'Added\nthing' }],
      ]),
    });
    expect(text).toBe('T|B|U|x, y|2|o/r#2|{{unknown}}\n- o/r#1 (done) — PRs: https://github.com/o/r/pull/9\n  Added\n  thing');
  });
});
