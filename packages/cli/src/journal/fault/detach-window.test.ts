/**
 * Ctrl-C (`stop({ mode: 'detach' })`) while a create call is in flight, then resume: the
 * create reaches Codegen after the stop, so the attempt has an intent and a remote run but no
 * recorded run id. The resume must find that run by its idempotency key instead of paying for a
 * second one.
 *
 * This was a bug (the interrupted result was written `detached: false` while the run id was not
 * known yet, so the resume started attempt 2 and paid for a second run); the orchestrator now keeps
 * every dispatched attempt open on a detach stop, and the executor looks the key up first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodegenClient, CodegenExecutor } from '@pco/codegen-client';
import { startFakeCodegen, type FakeCodegen } from '@pco/testkit';
import { sleep } from '@pco/testkit/helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Orchestrator, FileJournal } from '@pco/core';
import type { Task } from '@pco/contract';
import { scaledCodegenTiming } from '../../cli/time-scale.js';

const SPEED = 1000;
const tasks: Task[] = [{ id: 'acme/app#1', title: 'Only task' }];

describe('detach while a create is in flight', () => {
  let dir: string;
  let fake: FakeCodegen;
  /** Called when a create call has arrived at the fake (and is held there by the latency). */
  let onCreateArrived: (() => void) | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pco-detach-window-'));
    fake = await startFakeCodegen({
      timeScale: 1 / SPEED,
      defaultScript: { durationMs: 60_000 },
      onRequest: (request) => {
        if (request.operation === 'createRun') onCreateArrived?.();
      },
    });
  });
  afterAll(async () => {
    await fake?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function life(stopDuringCreate: boolean) {
    const timing = scaledCodegenTiming(1 / SPEED);
    const client = new CodegenClient({ token: fake.token, orgId: fake.orgId, baseUrl: fake.url, retry: timing.retry, limits: { limits: timing.limits } });
    const executor = new CodegenExecutor({ client, watcherOptions: timing.watcher });
    const journal = await FileJournal.open({ path: join(dir, 'journal.jsonl'), fingerprint: 'fp' });
    const orchestrator = new Orchestrator({ source: { load: async () => tasks }, executor, journal, timeoutMs: 3_600_000 / SPEED });
    if (stopDuringCreate) {
      // The create is held at the fake for 300 ms; stop the moment it has arrived there (not
      // after a guessed real-time delay: on a loaded machine the create may not even have been
      // sent 100 ms after task:start, and then no run is made at all).
      fake.setFaults({ latencyMs: 300, operations: ['createRun'] });
      onCreateArrived = () => {
        onCreateArrived = undefined;
        void orchestrator.stop({ mode: 'detach' });
      };
    } else {
      onCreateArrived = undefined;
      fake.setFaults({});
    }
    try {
      return await orchestrator.run({ resume: true });
    } finally {
      executor.close();
      await journal.close();
    }
  }

  it('re-attaches to the run the in-flight create made: one run in all', async () => {
    const first = await life(true);
    expect(first.results[0]?.state).toBe('interrupted');
    // The held create lands at Codegen after its latency (poll: no guess at how long that takes).
    for (const giveUpAt = Date.now() + 20_000; fake.created.length === 0 && Date.now() < giveUpAt; ) {
      await sleep(10);
    }
    expect(fake.created).toHaveLength(1);
    const second = await life(false);
    expect(second.results[0]?.state).toBe('done');
    expect(fake.created).toHaveLength(1);
    expect(second.results[0]?.runId).toBe(fake.created[0]?.id);
  });
});
