import { describe, expect, it } from 'vitest';
import { backoffDelay, isTransientError } from './retry-policy.js';

const retry = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 10_000, jitter: 0 };

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

describe('isTransientError', () => {
  it.each([
    [Object.assign(new Error('x'), { status: 429 }), true],
    [Object.assign(new Error('x'), { status: 502 }), true],
    [Object.assign(new Error('x'), { statusCode: 503 }), true],
    [Object.assign(new Error('x'), { status: 404 }), false],
    [Object.assign(new Error('x'), { code: 'ECONNRESET' }), true],
    [new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }) }), true],
    [Object.assign(new Error('x'), { transient: false, status: 503 }), false],
    [Object.assign(new Error('x'), { transient: true }), true],
    [new Error('plain'), false],
    ['a string', false],
    [undefined, false],
  ])('%o → %s', (error, expected) => {
    expect(isTransientError(error)).toBe(expected);
  });
});
