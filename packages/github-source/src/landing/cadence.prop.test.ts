import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { nextInterval, queriesPerTick, type CadenceInput } from './cadence.js';

const input = fc.record({
  pullRequests: fc.integer({ min: 1, max: 500 }),
  batchSize: fc.integer({ min: 1, max: 50 }),
  lastCost: fc.integer({ min: 1, max: 100 }),
  remaining: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constant(Number.POSITIVE_INFINITY)),
  msToReset: fc.integer({ min: 0, max: 3_600_000 }),
  minIntervalMs: fc.integer({ min: 1000, max: 60_000 }),
  maxIntervalMs: fc.integer({ min: 60_000, max: 600_000 }),
  budgetShare: fc.double({ min: 0.05, max: 1, noNaN: true }),
  hurry: fc.boolean(),
  hurryMs: fc.integer({ min: 0, max: 10_000 }),
});

describe('cadence', () => {
  it('matches the documented examples', () => {
    const base: CadenceInput = { pullRequests: 50, batchSize: 50, lastCost: 1, remaining: 4000, msToReset: 3_600_000, minIntervalMs: 20_000, maxIntervalMs: 300_000, budgetShare: 0.5, hurry: false, hurryMs: 5000 };
    expect(nextInterval(base)).toBe(20_000);
    expect(nextInterval({ ...base, pullRequests: 120 })).toBe(60_000);
    expect(nextInterval({ ...base, remaining: 100 })).toBe(72_000);
    expect(nextInterval({ ...base, remaining: 0, msToReset: 900_000 })).toBe(900_000);
    expect(queriesPerTick(50, 50)).toBe(1);
    expect(queriesPerTick(51, 50)).toBe(2);
  });

  test.prop([input])('stays within [floor, max], or waits for the reset when no points are left', (i) => {
    const interval = nextInterval(i);
    const queries = queriesPerTick(i.pullRequests, i.batchSize);
    if (i.remaining < queries * i.lastCost) {
      expect(interval).toBeGreaterThanOrEqual(i.msToReset);
      return;
    }
    expect(interval).toBeGreaterThanOrEqual(Math.min(i.maxIntervalMs, i.hurry ? i.hurryMs : i.minIntervalMs));
    expect(interval).toBeLessThanOrEqual(i.maxIntervalMs);
  });

  test.prop([input])('spends at most budgetShare of the points left before the reset, unless capped by maxIntervalMs', (i) => {
    const interval = nextInterval(i);
    const queries = queriesPerTick(i.pullRequests, i.batchSize);
    if (!Number.isFinite(i.remaining) || i.remaining < queries * i.lastCost || interval >= i.maxIntervalMs) return;
    const spent = (i.msToReset / interval) * queries * i.lastCost;
    expect(spent).toBeLessThanOrEqual(i.remaining * i.budgetShare * (1 + 1e-9));
  });

  test.prop([input, fc.integer({ min: 1, max: 500 })], {
    // Found by CI: one more pull request tipped the tick past the points left, and the wait fell
    // from the budget's 20 ms to the 1 ms left to the reset.
    examples: [[{ pullRequests: 1, batchSize: 1, lastCost: 1, remaining: 1, msToReset: 1, minIntervalMs: 1000, maxIntervalMs: 60000, budgetShare: 0.05, hurry: true, hurryMs: 0 }, 1]],
  })('never polls faster with more pull requests waiting', (i, more) => {
    const a = nextInterval(i);
    const b = nextInterval({ ...i, pullRequests: i.pullRequests + more });
    expect(b).toBeGreaterThanOrEqual(a);
  });
});
