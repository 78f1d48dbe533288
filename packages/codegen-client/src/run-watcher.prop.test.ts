import { fc, test } from '@fast-check/vitest';
import { createAcceleratedTime } from '@pco/testkit/clock';
import { startFakeCodegen, type FakeCodegen } from '@pco/testkit/codegen';
import { afterAll, beforeAll, expect } from 'vitest';
import { CodegenClient } from './codegen-client.js';
import { RunWatcher } from './run-watcher.js';

// At this scale a run of 1 API minute lasts 6 ms and the watcher's 1.5 s minimum interval 0.15 ms.
const SCALE = 0.0001;
// The fake, the client and the watcher share one clock that runs 1 / SCALE times faster.
const time = createAcceleratedTime({ speed: 1 / SCALE });
const onTime = { clock: time.clock, timers: time.timers };
const FINALS = ['COMPLETE', 'ERROR', 'FAILED', 'CANCELLED', 'TIMEOUT', 'MAX_ITERATIONS_REACHED', 'OUT_OF_TOKENS', 'PAUSED'] as const;

let fake: FakeCodegen;
beforeAll(async () => {
  fake = await startFakeCodegen({ now: time.clock.now });
});
afterAll(() => fake.close());

const scenario = fc.record({
  runs: fc.array(
    fc.record({
      final: fc.constantFrom(...FINALS),
      minutes: fc.integer({ min: 0, max: 3 }),
      /** Extra watches of the same run (several tasks waiting on one run). */
      extraWatches: fc.integer({ min: 0, max: 2 }),
      /** Abort this run's first watch at a point the scheduler picks. */
      abort: fc.boolean(),
    }),
    { minLength: 1, maxLength: 8 },
  ),
  /** Watch through the run list from this many live runs on (1 = always the list). */
  listThreshold: fc.integer({ min: 1, max: 4 }),
});

// The scheduler decides the order in which the fake's HTTP responses reach the client, and when
// each abort happens relative to them; the fake and the sockets are real.
test.prop([scenario, fc.scheduler()], { numRuns: 40, timeout: 20_000 })(
  'any order of responses and aborts: every watch ends with the run’s final status, or with the abort reason when its abort came first',
  async ({ runs, listThreshold }, s) => {
    const client = new CodegenClient({
      token: fake.token,
      orgId: fake.orgId,
      baseUrl: fake.url,
      ...onTime,
      fetch: s.scheduleFunction((input: string | URL | Request, init?: RequestInit) => fetch(input, init)),
    });
    const created = await s.waitFor(
      Promise.all(runs.map((r, i) => client.createRun({ prompt: `w${i} [[fake:status=${r.final} duration=${r.minutes}m]]` }))),
    );
    const watcher = new RunWatcher(client, { ...onTime, listThreshold });
    const settledEvents = new Map<number, number>();
    const pollErrors: unknown[] = [];
    watcher.on('settled', ({ runId }) => settledEvents.set(runId, (settledEvents.get(runId) ?? 0) + 1));
    watcher.on('poll-error', ({ error }) => pollErrors.push(error));

    type Outcome = { readonly runId: number; readonly final: string; readonly abortAsked: boolean; readonly reason: Error; readonly status?: string | null; readonly error?: unknown };
    const outcomes: Promise<Outcome>[] = [];
    runs.forEach((r, i) => {
      const runId = created[i]!.id;
      for (let w = 0; w <= r.extraWatches; w++) {
        const controller = new AbortController();
        const reason = new Error(`abort ${runId}/${w}`);
        let abortAsked = false;
        if (w === 0 && r.abort) {
          void s.schedule(Promise.resolve(), `abort watch of run ${runId}`).then(() => {
            abortAsked = true;
            controller.abort(reason);
          });
        }
        outcomes.push(
          watcher.watch(runId, { signal: controller.signal }).then(
            (run) => ({ runId, final: r.final, abortAsked, reason, status: run.status }),
            (error: unknown) => ({ runId, final: r.final, abortAsked, reason, error }),
          ),
        );
      }
    });

    const results = await s.waitFor(Promise.all(outcomes));
    try {
      for (const o of results) {
        // Either the run's final status, or — only for a watch whose abort came first — the abort
        // reason itself (never another error, never a hang).
        if ('error' in o) {
          expect(o.abortAsked, `run ${o.runId} rejected without an abort: ${String(o.error)}`).toBe(true);
          expect(o.error, `run ${o.runId}`).toBe(o.reason);
        } else expect(o.status, `run ${o.runId}`).toBe(o.final);
      }
      // The watcher reports a run settled (the event) at most once, however many watches it had.
      for (const [runId, count] of settledEvents) expect(count, `run ${runId}`).toBe(1);
      expect(pollErrors).toEqual([]);
      expect(watcher.watching).toEqual([]);
    } finally {
      // A poll may still be in flight (its watches were aborted meanwhile): closing aborts it, and
      // releasing what is left lets the client see that abort.
      watcher.close();
      await s.waitAll();
    }
  },
);
