import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { AgentPool } from './agent-pool.js';
import { ManualClock } from '@pco/testkit/clock';
import type { ReleaseOutcome } from './types.js';

const outcome = fc.constantFrom<ReleaseOutcome>('success', 'success', 'failure', 'neutral');
const round = fc.record({ abort: fc.boolean(), outcome });
const scenario = fc.record({
  capacity: fc.integer({ min: 1, max: 10 }),
  quarantineAfter: fc.integer({ min: 1, max: 4 }),
  clients: fc.array(fc.array(round, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 15 }),
});

test.prop([scenario, fc.scheduler()], { numRuns: 150 })(
  'any interleaving: never over capacity, never one slot held twice, FIFO hand-over, no lost slot',
  async ({ capacity, quarantineAfter, clients }, s) => {
    const clock = new ManualClock();
    const pool = new AgentPool({ capacity, quarantineAfter, coolDownMs: 1_000, clock, timers: clock });
    const holders = new Set<string>();
    const violations: string[] = [];
    let granted = 0;
    let aborted = 0;
    let expected = 0;
    const check = (where: string): void => {
      if (pool.busy > capacity) violations.push(`${where}: busy ${pool.busy} > ${capacity}`);
      if (pool.waiting > 0 && pool.idle > 0) violations.push(`${where}: ${pool.waiting} waiting while ${pool.idle} idle`);
      if (pool.busy + pool.idle + pool.stats().failed !== capacity) violations.push(`${where}: slots do not add up`);
    };

    const client = async (rounds: readonly { abort: boolean; outcome: ReleaseOutcome }[]): Promise<void> => {
      for (const { abort, outcome: result } of rounds) {
        const controller = new AbortController();
        if (abort) {
          void s.schedule(Promise.resolve(), 'abort').then(() => controller.abort(new Error('aborted')));
        } else {
          expected++;
        }
        let lease;
        try {
          // Only settled promises go through the scheduler (a pending acquire picked by it would wait forever).
          lease = await pool.acquire({ signal: controller.signal });
          await s.schedule(Promise.resolve(), 'acquired');
        } catch {
          if (!abort) violations.push('a caller that never aborted was rejected');
          aborted++;
          continue;
        }
        granted++;
        if (holders.has(lease.agent)) violations.push(`${lease.agent} handed out twice`);
        holders.add(lease.agent);
        check('after acquire');
        await s.schedule(Promise.resolve(), 'work');
        holders.delete(lease.agent);
        lease.release(result);
        check('after release');
      }
    };

    let finished = false;
    const all = Promise.all(clients.map(client)).then(() => {
      finished = true;
    });
    // Time passes in between, so quarantined slots come back.
    const ticker = (async () => {
      while (!finished) {
        await s.schedule(Promise.resolve(), 'tick');
        clock.advance(250);
        check('after tick');
      }
    })();
    await s.waitFor(all);
    finished = true;
    await s.waitAll();
    await ticker;

    expect(violations).toEqual([]);
    expect(granted).toBeGreaterThanOrEqual(expected);
    expect(granted + aborted).toBe(clients.flat().length);
    expect(pool.busy).toBe(0);
    expect(pool.waiting).toBe(0);
    clock.advance(1_000);
    expect(pool.idle).toBe(capacity);
    const stats = pool.stats();
    expect(stats.agents.reduce((sum, a) => sum + a.tasks, 0)).toBe(granted);
  },
);
