import { createAcceleratedTime, ManualClock } from '@pco/testkit/clock';
import { startFakeCodegen, type FakeCodegen, type FakeCodegenOptions } from '@pco/testkit/codegen';
import { rejectionOf } from '@pco/testkit/helpers';
import { afterEach, describe, expect, it } from 'vitest';
import type { CodegenClientOptions } from './client-options.js';
import { CodegenClient } from './codegen-client.js';
import { CodegenApiError, RunWatchTimeoutError } from './errors.js';
import { RunWatcher } from './run-watcher.js';
import { waitForRuns } from './wait-for-runs.js';
import type { RunWatcherEvents } from './watcher-events.js';
import { isTerminal } from './statuses.js';

const fakes: FakeCodegen[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** A fake and a client on one clock running `1 / scale` times faster than real time; `on`: that clock and its timers. */
async function setup(scale: number, fakeOptions: FakeCodegenOptions = {}, clientOptions: Partial<CodegenClientOptions> = {}) {
  const time = createAcceleratedTime({ speed: 1 / scale });
  const on = { clock: time.clock, timers: time.timers };
  const fake = await startFakeCodegen({ now: time.clock.now, ...fakeOptions });
  fakes.push(fake);
  const client = new CodegenClient({ token: fake.token, orgId: fake.orgId, baseUrl: fake.url, ...on, ...clientOptions });
  return { fake, client, on };
}

describe('RunWatcher: budget', () => {
  it('30 concurrent creates and 10 concurrent waits: zero 429s, nothing over a limit, every run seen to its end', async () => {
    // At 0.01: creates 10 per 600 ms, reads 60 per 300 ms; each run lasts 1 API minute (600 ms).
    const scale = 0.01;
    const { fake, client, on } = await setup(scale);
    const finals = ['COMPLETE', 'ERROR', 'COMPLETE', 'TIMEOUT', 'COMPLETE', 'CANCELLED'];
    const runs = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        client.createRun({ prompt: `task ${i} [[fake:status=${finals[i % finals.length]} duration=1m]]`, metadata: { i } }),
      ),
    );
    expect(new Set(runs.map((r) => r.id)).size).toBe(30);

    const seen = new Map<number, string[]>();
    const waits = Array.from({ length: 10 }, (_, w) =>
      waitForRuns(
        client,
        runs.slice(w * 3, w * 3 + 3).map((r) => r.id),
        {
          ...on,
          timeoutMs: 20_000 / scale,
          onStatus: ({ runId, status }) => seen.set(runId, [...(seen.get(runId) ?? []), String(status)]),
        },
      ),
    );
    const results = (await Promise.all(waits)).flat();

    expect(results.every((r) => r.ok)).toBe(true);
    for (const [i, result] of results.entries()) {
      if (!result.ok) continue;
      expect(result.run.status).toBe(finals[i % finals.length]);
      expect(seen.get(result.runId)?.at(-1)).toBe(result.run.status);
    }
    const stats = fake.stats();
    expect(stats.rateLimitedByOperation).toEqual({});
    expect(stats.rateLimited).toBe(0);
    expect(stats.overLimit).toBe(0);
    expect(fake.created).toHaveLength(30);
    expect(stats.maxInWindow['100:createRun']).toBeLessThanOrEqual(10);
    for (const [key, count] of Object.entries(stats.maxInWindow)) {
      expect(count, key).toBeLessThanOrEqual(key.endsWith('createRun') ? 10 : 60);
    }
  });

  it('polls 10 live runs with at most one list call per tick, and one run with GET', async () => {
    const scale = 0.001;
    const { fake, client, on } = await setup(scale);
    const runs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => client.createRun({ prompt: `r${i} [[fake:duration=${5 + i}m]]` })),
    );
    const watcher = new RunWatcher(client, { ...on, minIntervalMs: 20_000 });
    const ticks: RunWatcherEvents['tick'][] = [];
    const listCallsAtTick: number[] = [];
    watcher.on('tick', (tick) => {
      ticks.push(tick);
      listCallsAtTick.push(fake.stats().byOperation.listRuns ?? 0);
    });
    const before = fake.stats().byOperation;
    const done = await Promise.all(runs.map((r) => watcher.watch(r.id, { timeoutMs: 20_000 / scale })));
    expect(done.map((r) => r.status)).toEqual(runs.map(() => 'COMPLETE'));

    const listTicks = ticks.filter((t) => t.mode === 'list');
    expect(listTicks.length).toBeGreaterThan(3);
    for (const tick of listTicks) {
      expect(tick.list).toBe(1);
      expect(tick.get).toBe(0);
    }
    // Counted on the fake: list calls between consecutive ticks never exceed one.
    const perTick = listCallsAtTick.map((count, i) => count - (listCallsAtTick[i - 1] ?? (before.listRuns ?? 0)));
    expect(Math.max(...perTick)).toBeLessThanOrEqual(1);
    // With one run left, the watcher GETs it instead.
    expect(ticks.at(-1)?.mode).toBe('get');
    const after = fake.stats().byOperation;
    expect((after.listRuns ?? 0) - (before.listRuns ?? 0)).toBe(listTicks.length);
    expect((after.getRun ?? 0) - (before.getRun ?? 0)).toBe(ticks.filter((t) => t.mode === 'get').length);
    expect(after.getCurrentUser).toBe(1);
  });

  it('falls back to GET for a live run the list does not show (another user)', async () => {
    const scale = 0.001;
    const { fake, client, on } = await setup(scale, { tokens: ['mine', 'theirs'] });
    const other = new CodegenClient({ token: 'theirs', orgId: 1, baseUrl: fake.url, ...on });
    const mine = await client.createRun({ prompt: '[[fake:duration=1m]]' });
    const theirs = await other.createRun({ prompt: '[[fake:duration=1m]]' });
    const result = await waitForRuns(client, [mine.id, theirs.id], { ...on, timeoutMs: 10_000 / scale });
    expect(result.map((r) => r.ok && r.run.status)).toEqual(['COMPLETE', 'COMPLETE']);
    expect(fake.stats().byOperation.getRun).toBeGreaterThan(0);
  });
});

describe('RunWatcher: outcomes', () => {
  it('polls run by run when users/me or the list is refused', async () => {
    const scale = 0.001;
    const { fake, client, on } = await setup(scale);
    fake.injectFault({ operation: 'getCurrentUser', type: 'error', status: 403, count: 100 });
    const runs = await Promise.all([0, 1].map(() => client.createRun({ prompt: '[[fake:duration=1m]]' })));
    const result = await waitForRuns(
      client,
      runs.map((r) => r.id),
      { ...on, timeoutMs: 10_000 / scale },
    );
    expect(result.map((r) => r.ok && r.run.status)).toEqual(['COMPLETE', 'COMPLETE']);
    expect(fake.stats().byOperation.listRuns ?? 0).toBe(0);
    expect(fake.stats().byOperation.getRun).toBeGreaterThanOrEqual(2);
  });


  it('emits every status change, settles on PAUSED, and resolves again after a resume', async () => {
    const scale = 0.001;
    const { client, on } = await setup(scale);
    const run = await client.createRun({ prompt: '[[fake:status=PAUSED duration=2m]]' });
    const watcher = new RunWatcher(client, { ...on });
    const statuses: string[] = [];
    watcher.on('status', ({ status }) => statuses.push(String(status)));
    const paused = await watcher.watch(run.id, { timeoutMs: 10_000 / scale });
    expect(paused.status).toBe('PAUSED');
    expect(statuses.at(-1)).toBe('PAUSED');
    expect(statuses).toContain('ACTIVE');
    await client.resumeRun({ agent_run_id: run.id, prompt: 'go on [[fake:duration=1m prs=2]]' });
    const done = await watcher.watch(run.id, { timeoutMs: 10_000 / scale });
    expect(done.status).toBe('COMPLETE');
    expect(done.github_pull_requests).toHaveLength(2);
  });

  it('reports an unknown status once, treats it as non-terminal, and survives a throwing listener', async () => {
    const scale = 0.001;
    const { client, on } = await setup(scale);
    const runs = await Promise.all(
      [0, 1].map(() => client.createRun({ prompt: '[[fake:steps=ACTIVE:10s,REVIEWING_NEW:60s]]' })),
    );
    const listenerErrors: unknown[] = [];
    const watcher = new RunWatcher(client, { ...on, onListenerError: (error) => listenerErrors.push(error) });
    const unknown: RunWatcherEvents['unknown-status'][] = [];
    watcher.on('unknown-status', (event) => unknown.push(event));
    watcher.on('status', () => {
      throw new Error('listener bug');
    });
    const done = await Promise.all(runs.map((r) => watcher.watch(r.id, { timeoutMs: 10_000 / scale })));
    expect(done.map((r) => r.status)).toEqual(['COMPLETE', 'COMPLETE']);
    expect(unknown.map((u) => u.status)).toEqual(['REVIEWING_NEW']);
    expect(listenerErrors.length).toBeGreaterThan(0);
  });

  it('rejects on timeout, abort, and a permanent error, without disturbing other watches', async () => {
    const scale = 0.001;
    const { client, on } = await setup(scale);
    const long = await client.createRun({ prompt: '[[fake:duration=10h]]' });
    const short = await client.createRun({ prompt: '[[fake:duration=1m]]' });
    const watcher = new RunWatcher(client, { ...on });
    const timedOut = watcher.watch(long.id, { timeoutMs: 150 / scale });
    const controller = new AbortController();
    const aborted = watcher.watch(long.id, { signal: controller.signal });
    const missing = rejectionOf(watcher.watch(999_999, { timeoutMs: 5000 / scale }));
    const fine = watcher.watch(short.id, { timeoutMs: 10_000 / scale });
    controller.abort(new Error('user cancelled'));
    await expect(aborted).rejects.toThrow('user cancelled');
    const timeoutError = await rejectionOf(timedOut);
    expect(timeoutError).toBeInstanceOf(RunWatchTimeoutError);
    expect(timeoutError).toMatchObject({ code: 'CODEGEN_WATCH_TIMEOUT', runId: long.id, lastStatus: 'ACTIVE' });
    const missingError = await missing;
    expect(missingError).toBeInstanceOf(CodegenApiError);
    expect(missingError).toMatchObject({ kind: 'not-found' });
    expect((await fine).status).toBe('COMPLETE');
    expect(watcher.watching).toEqual([]);
    watcher.close();
    await expect(watcher.watch(short.id)).rejects.toThrow('RunWatcher closed');
  });

  it('sees every run to its end under 10% 5xx and dropped connections', async () => {
    const scale = 0.001;
    const { fake, client, on } = await setup(scale, { seed: 3 });
    const runs = await Promise.all(Array.from({ length: 10 }, (_, i) => client.createRun({ prompt: `[[fake:duration=${2 + i}m]]` })));
    fake.setFaults({ errorRate: 0.1, dropRate: 0.1, operations: ['getRun', 'listRuns', 'getCurrentUser'] });
    const results = await waitForRuns(
      client,
      runs.map((r) => r.id),
      { ...on, timeoutMs: 20_000 / scale },
    );
    expect(results.map((r) => r.ok && isTerminal(r.run.status))).toEqual(runs.map(() => true));
    const stats = fake.stats();
    expect(stats.serverErrors + stats.dropped).toBeGreaterThan(0);
    expect(fake.created).toHaveLength(10);
  });
});

describe('RunWatcher: schedule', () => {
  it('with intervalFactor, polls fast at first and slower for long runs (virtual clock)', async () => {
    const { client } = await setup(1, { defaultScript: { durationMs: 3_600_000 } });
    const run = await client.createRun({ prompt: 'long' });
    const clock = new ManualClock(Date.now());
    const watcher = new RunWatcher(client, { clock, timers: clock, intervalFactor: 0.1 });
    const intervals: number[] = [];
    watcher.on('tick', (tick) => intervals.push(tick.nextInMs));
    const error = await clock.runUntilSettled(rejectionOf(watcher.watch(run.id, { timeoutMs: 10 * 60_000 })));
    expect(error).toBeInstanceOf(RunWatchTimeoutError);
    expect(intervals[0]).toBe(1500);
    expect(Math.max(...intervals)).toBe(30_000);
    for (let i = 1; i < intervals.length; i++) expect(intervals[i]).toBeGreaterThanOrEqual(intervals[i - 1] as number);
    // Ten virtual minutes cost a few dozen GETs, not 400 (one per 1.5 s).
    expect(intervals.length).toBeLessThan(60);
  });

  it('sends one read per tick with 10 live runs, a foreign run among them included (virtual clock)', async () => {
    const clock = new ManualClock(Date.now());
    const fake = await startFakeCodegen({ now: () => clock.now(), tokens: ['mine', 'theirs'] });
    fakes.push(fake);
    const on = { clock, timers: clock };
    const client = new CodegenClient({ token: 'mine', orgId: 1, baseUrl: fake.url, ...on });
    const other = new CodegenClient({ token: 'theirs', orgId: 1, baseUrl: fake.url, ...on });
    const runs = await Promise.all(Array.from({ length: 9 }, (_, i) => client.createRun({ prompt: `r${i} [[fake:duration=${3 + i}m]]` })));
    runs.push(await other.createRun({ prompt: '[[fake:duration=4m]]' }));
    const reads = () => {
      const ops = fake.stats().byOperation;
      return (ops.getRun ?? 0) + (ops.listRuns ?? 0) + (ops.getCurrentUser ?? 0);
    };
    const watcher = new RunWatcher(client, on);
    const perTick: number[] = [];
    let before = reads();
    watcher.on('tick', () => {
      perTick.push(reads() - before);
      before = reads();
    });
    const done = await clock.runUntilSettled(Promise.all(runs.map((r) => watcher.watch(r.id, { timeoutMs: 30 * 60_000 }))));
    expect(done.map((r) => r.status)).toEqual(runs.map(() => 'COMPLETE'));
    expect(perTick.length).toBeGreaterThan(50);
    expect(perTick.every((n) => n === 1)).toBe(true);
  });

  it('sees a run end within one 1.5 s tick after the runs have been live for an hour (virtual clock)', async () => {
    const clock = new ManualClock(Date.now());
    const fake = await startFakeCodegen({ now: () => clock.now() });
    fakes.push(fake);
    const on = { clock, timers: clock };
    const client = new CodegenClient({ token: fake.token, orgId: fake.orgId, baseUrl: fake.url, ...on });
    // 10 runs live for over an hour, ending off the 1.5 s grid of the ticks (61 min 0.3 s, then every 61.7 s).
    const endsAfter = (i: number) => 3_660_300 + i * 61_700;
    const startedAt = clock.now();
    const runs = await Promise.all(Array.from({ length: 10 }, (_, i) => client.createRun({ prompt: `r${i} [[fake:duration=${endsAfter(i)}ms]]` })));
    const watcher = new RunWatcher(client, on);
    const lateness: number[] = [];
    const settledAt = new Map<number, number>();
    watcher.on('settled', ({ runId }) => settledAt.set(runId, clock.now()));
    await clock.runUntilSettled(Promise.all(runs.map((r) => watcher.watch(r.id, { timeoutMs: 2 * 3_600_000 }))));
    runs.forEach((run, i) => lateness.push((settledAt.get(run.id) as number) - (startedAt + endsAfter(i))));
    expect(lateness.every((ms) => ms >= 0 && ms <= 1500), String(lateness)).toBe(true);
    expect(lateness.some((ms) => ms > 0)).toBe(true);
  });
});
