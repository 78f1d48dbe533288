import { describe, expect, it } from 'vitest';
import { isTransientError } from './retry-policy.js';


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
