// Executors of one client share its RunWatcher (a `pco worker` runs its own backlog's jobs and
// other backlogs' through executors of their own): their runs are polled together, one read per
// tick in all, not one per executor.
import { startFakeCodegen, type FakeCodegen } from '@pco/testkit';
import { createAcceleratedTime } from '@pco/testkit/clock';
import { Orchestrator } from '@pco/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CodegenClient } from './codegen-client.js';
import { CodegenExecutor } from './codegen-executor.js';
import { RunWatcher } from './run-watcher.js';

let fake: FakeCodegen | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('executors sharing one RunWatcher', () => {
  it('two backlogs with runs live at once: every tick sends one read, every task is done', async () => {
    // The fake, the client, the watcher and the orchestrators share one clock 1,000 times faster
    // than real time: a run of 3 API minutes lasts 180 ms.
    const time = createAcceleratedTime({ speed: 1000 });
    const f = (fake = await startFakeCodegen({ now: time.clock.now, repos: [{ id: 1, fullName: 'acme/web' }, { id: 2, fullName: 'acme/api' }] }));
    const on = { clock: time.clock, timers: time.timers };
    const client = new CodegenClient({ token: f.token, orgId: f.orgId, baseUrl: f.url, ...on });
    const watcher = new RunWatcher(client, on);
    const executors = [1, 2].map((repoId) => new CodegenExecutor({ client, watcher, repoId }));
    const reads = () => {
      const ops = f.stats().byOperation;
      return (ops.getRun ?? 0) + (ops.listRuns ?? 0) + (ops.getCurrentUser ?? 0);
    };
    const perTick: number[] = [];
    const runsPerTick: number[] = [];
    let before = reads();
    watcher.on('tick', ({ runs }) => {
      perTick.push(reads() - before);
      runsPerTick.push(runs);
      before = reads();
    });
    const backlog = (name: string) =>
      Array.from({ length: 4 }, (_, i) => ({ id: `${name}#${i + 1}`, title: `${name} ${i + 1}`, body: `[[fake:duration=${3 + i}m]]` }));
    const runs = executors.map((executor, i) => new Orchestrator({ source: { load: async () => backlog(i === 0 ? 'web' : 'api') }, executor, concurrency: 4, ...on }).run());
    const summaries = await Promise.all(runs);
    for (const executor of executors) executor.close();
    watcher.close();
    expect(summaries.map((s) => s.counts.done)).toEqual([4, 4]);
    expect(f.created.map((r) => String(r.metadata?.pco_task_id).split('#')[0]).sort()).toEqual(['api', 'api', 'api', 'api', 'web', 'web', 'web', 'web']);
    // Runs of both executors were live in one tick, and no tick sent more than one read.
    expect(Math.max(...runsPerTick)).toBe(8);
    expect(perTick.length).toBeGreaterThan(20);
    expect(perTick.every((n) => n === 1), String(perTick)).toBe(true);
  });
});
