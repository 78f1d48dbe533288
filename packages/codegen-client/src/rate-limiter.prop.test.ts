import { ManualClock } from '@pco/testkit/clock';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  let max = 0;
  for (let i = 0; i < times.length; i++) {
    let count = 0;
    for (let j = i; j < times.length && (times[j] as number) < (times[i] as number) + windowMs; j++) count++;
    max = Math.max(max, count);
  }
  return max;
}

describe('RateLimiter (properties)', () => {
  test.prop([fc.integer({ min: 1, max: 10 }), fc.integer({ min: 10, max: 5000 }), fc.integer({ min: 1, max: 60 })])(
    'never grants more than the limit in any window, in FIFO order',
    async (limit, windowMs, requests) => {
      const clock = new ManualClock(1_000_000);
      const limiter = new RateLimiter({ limits: { getRun: { limit, windowMs } }, marginMs: 0, clock, timers: clock });
      const grants: { index: number; at: number }[] = [];
      await clock.runUntilSettled(
        Promise.all(
          Array.from({ length: requests }, (_, index) =>
            limiter.acquire('getRun').then((release) => {
              grants.push({ index, at: clock.now() });
              release();
            }),
          ),
        ),
      );
      expect(grants.map((g) => g.index)).toEqual(Array.from({ length: requests }, (_, i) => i));
      expect(maxInAnyWindow(grants.map((g) => g.at), windowMs)).toBeLessThanOrEqual(limit);
      // And it is not slower than needed: the last grant is at most one window per `limit` requests.
      expect((grants.at(-1)?.at ?? 0) - 1_000_000).toBeLessThanOrEqual(Math.floor((requests - 1) / limit) * windowMs);
    },
  );

});
