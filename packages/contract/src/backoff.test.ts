import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

const retry = { baseDelayMs: 1_000, maxDelayMs: 10_000, jitter: 0 };

describe('backoffDelay', () => {
  it('doubles from baseDelayMs and caps at maxDelayMs', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, retry, () => 0.5))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });
  it('draws jitter from [delay × (1 − jitter), delay]', () => {
    expect(backoffDelay(2, { ...retry, jitter: 1 }, () => 0)).toBe(2_000);
    expect(backoffDelay(2, { ...retry, jitter: 1 }, () => 0.999)).toBe(2);
    expect(backoffDelay(2, { ...retry, jitter: 0.5 }, () => 0.5)).toBe(1_500);
  });
  it('waits at least retryAfterMs', () => {
    expect(backoffDelay(1, retry, () => 0, 30_000)).toBe(30_000);
    expect(backoffDelay(3, retry, () => 0, 10)).toBe(4_000);
  });
});
