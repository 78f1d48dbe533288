// Who gets the create budget when creates are rate-limited: the ready task with the longest
// critical path, not the one that asked first; and a retry's back-off leaves the budget to others.
import type { Task } from '@pco/contract';
import { Orchestrator } from '@pco/core';
import { createAcceleratedTime, ManualClock } from '@pco/testkit/clock';
import { startFakeCodegen, type FakeCodegen } from '@pco/testkit/codegen';
import { afterEach, describe, expect, it } from 'vitest';
import { CodegenClient } from './codegen-client.js';
import { CodegenExecutor } from './codegen-executor.js';

const TOKEN = 'cg-secret-token-order-31';
let fake: FakeCodegen | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('create order under the create limit', () => {
  it('a task dispatched later but with a longer critical path is created before shorter ones that asked first', async () => {
    // 1 API second = 2 real ms: one create per 2 API minutes is one per 240 real ms, ample for
    // G's run (10 s) to end and H to be dispatched and queued before the second create.
    const time = createAcceleratedTime({ speed: 500 });
    const onTime = { clock: time.clock, timers: time.timers };
    const createLimit = { limit: 1, windowMs: 120_000 };
    fake = await startFakeCodegen({ now: time.clock.now, tokens: [TOKEN], seed: 3, rateLimits: { limits: { createRun: createLimit } } });
    const client = new CodegenClient({ token: TOKEN, orgId: fake.orgId, baseUrl: fake.url, ...onTime, limits: { limits: { createRun: createLimit } } });
    const executor = new CodegenExecutor({ client, repoId: 1, watcherOptions: { ...onTime, minIntervalMs: 1_000 } });
    const task = (id: string, estimate: number, duration: string, dependencies: string[] = []): Task => ({
      id,
      title: id,
      body: `[[fake:status=COMPLETE duration=${duration}]]`,
      estimate,
      dependencies,
    });
    // Dispatched at once: G (the gate of the long chain G → H → H2, so the most urgent) and the
    // short leaves L1..L3. H is dispatched only once G is done, H2 once H is, both long after
    // the leaves asked for their creates; their remaining paths (10, then 5) are the longest.
    const tasks = [
      task('L1', 1, '10s'),
      task('L2', 1, '10s'),
      task('L3', 1, '10s'),
      task('G', 1, '10s'),
      task('H', 5, '10s', ['G']),
      task('H2', 5, '10s', ['H']),
    ];
    const started: string[] = [];
    const orc = new Orchestrator({ source: { load: async () => tasks }, executor, concurrency: 5, timeoutMs: 3_600_000, ...onTime });
    orc.on('task:start', ({ taskId }) => void started.push(taskId));
    const summary = await orc.run();
    executor.close();

    expect(summary.counts).toMatchObject({ total: 6, done: 6 });
    expect(started.slice(0, 4).sort()).toEqual(['G', 'L1', 'L2', 'L3']);
    expect(started.slice(4)).toEqual(['H', 'H2']);
    const created = fake.created.map((record) => record.metadata?.['pco_task_id']);
    // FIFO would be G, then the leaves, then H and H2 (each dispatched after every leaf asked).
    expect(created.slice(0, 3)).toEqual(['G', 'H', 'H2']);
    expect(created.slice(3).sort()).toEqual(['L1', 'L2', 'L3']);
    expect(fake.stats().rateLimited).toBe(0);
  });
});

describe('a retry back-off and the create budget', () => {
  it('a create refused before it was sent gives its slot back: another create goes during its back-off', async () => {
    const clock = new ManualClock(1_000_000);
    const sent: { prompt: string; at: number; refused: boolean }[] = [];
    let refuseA = true;
    const fetchStub: typeof fetch = async (_input, init) => {
      const prompt = (JSON.parse(String(init?.body)) as { prompt: string }).prompt;
      const refused = prompt === 'A' && refuseA;
      sent.push({ prompt, at: clock.now(), refused });
      if (refused) {
        refuseA = false;
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      }
      const run = { id: sent.length, organization_id: 1, status: 'PENDING', created_at: null, web_url: null, result: null };
      return new Response(JSON.stringify(run), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const client = new CodegenClient({
      token: TOKEN,
      orgId: 1,
      baseUrl: 'http://127.0.0.1:9',
      fetch: fetchStub,
      clock,
      timers: clock,
      random: () => 1,
      retry: { retries: 2, minDelayMs: 1_000, maxDelayMs: 1_000 },
      limits: { limits: { createRun: { limit: 1, windowMs: 60_000 } }, marginMs: 0 },
    });
    const a = client.createRun({ prompt: 'A' });
    const b = client.createRun({ prompt: 'B' });
    await clock.runUntilSettled(Promise.all([a, b]));
    // A refused at once (nothing sent), B created during A's 1 s back-off, A's retry after B's window.
    expect(sent).toEqual([
      { prompt: 'A', at: 1_000_000, refused: true },
      { prompt: 'B', at: 1_000_000, refused: false },
      { prompt: 'A', at: 1_060_000, refused: false },
    ]);
  });
});
