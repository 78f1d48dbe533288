// The executor's time-based decisions follow its injected clock, never Date.now (house style:
// the clock is injected). Here: the window in which a resumed attempt looks up a run whose create
// was sent but never recorded.
import { CodegenClient } from './codegen-client.js';
import { startFakeCodegen, type FakeCodegen } from '@pco/testkit';
import { createAcceleratedTime } from '@pco/testkit/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { CodegenExecutor } from './codegen-executor.js';
import { Orchestrator } from '@pco/core';
import type { Clock, JournalEntry, RunJournal } from '@pco/contract';

const SCALE = 0.0015;
// The fake and the client share one clock that runs 1 / SCALE times faster than real time.
const time = createAcceleratedTime({ speed: 1 / SCALE });
const onTime = { clock: time.clock, timers: time.timers };
const TOKEN = 'cg-secret-token-clock-77';
const DAY = 86_400_000;

let fake: FakeCodegen | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Resumes an attempt whose create reached Codegen but not the journal; `created`: runs created by the resume plus the lost one. */
async function resumeLostCreate(clock: { executor?: Clock; watcher?: Clock }) {
  fake = await startFakeCodegen({ now: time.clock.now, tokens: [TOKEN], seed: 7 });
  const client = new CodegenClient({ token: TOKEN, orgId: fake.orgId, baseUrl: fake.url, ...onTime });
  const executor = new CodegenExecutor({
    client,
    ...(clock.executor ? { clock: clock.executor } : {}),
    watcherOptions: { ...onTime, ...(clock.watcher ? { clock: clock.watcher } : {}) },
  });
  const lost = await client.createRun({ prompt: 'Task B [[fake:status=COMPLETE duration=2m]]', metadata: { pco_idempotency_key: 'run-1:b:1' } });
  // Someone else's run, newer: the lookup scans runs newest first and stops at the first one
  // older than its window, so the window decides whether it reaches the lost run.
  await client.createRun({ prompt: 'Unrelated [[fake:status=COMPLETE duration=2m]]' });
  const entries: JournalEntry[] = [
    { type: 'run', runId: 'run-1', resumed: false, at: 1 },
    { type: 'intent', runId: 'run-1', taskId: 'b', attempt: 1, idempotencyKey: 'run-1:b:1', agent: 'agent-1', at: 2 },
  ];
  const journal: RunJournal = { load: async () => entries, append: async (entry) => void entries.push(entry) };
  const orc = new Orchestrator({ source: { load: async () => [{ id: 'b', title: 'B', body: '[[fake:duration=1m]]' }] }, executor, journal });
  const summary = await orc.run({ resume: true });
  executor.close();
  return { summary, lost, created: fake.created.length - 1 };
}

describe('CodegenExecutor clock', () => {
  it('with the real time, the lost create is found by its key (no second run)', async () => {
    const { summary, lost, created } = await resumeLostCreate({});
    expect(summary.results[0]).toMatchObject({ state: 'done', runId: lost.id });
    expect(created).toBe(1);
  });

  it('the lookup window is measured on the injected clock: two days ahead, the run is outside it', async () => {
    const { summary, lost, created } = await resumeLostCreate({ executor: { now: () => time.clock.now() + 2 * DAY } });
    expect(summary.results[0]!.state).toBe('done');
    expect(summary.results[0]!.runId).not.toBe(lost.id);
    expect(created).toBe(2);
  });

  it('without its own clock it uses the watcher’s', async () => {
    const { created } = await resumeLostCreate({ watcher: { now: () => time.clock.now() + 2 * DAY } });
    expect(created).toBe(2);
  });
});
