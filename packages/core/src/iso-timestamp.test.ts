import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { isoTimestamp } from './iso-timestamp.js';

describe('isoTimestamp', () => {
  it('formats like Date#toISOString', () => {
    expect(isoTimestamp(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoTimestamp(Date.UTC(2026, 10, 25, 9, 5, 7, 42))).toBe('2026-11-25T09:05:07.042Z');
    expect(isoTimestamp(-1)).toBe('1969-12-31T23:59:59.999Z');
    expect(isoTimestamp(Date.UTC(10000, 0, 1))).toBe('+010000-01-01T00:00:00.000Z');
    expect(() => isoTimestamp(Number.NaN)).toThrowError(RangeError);
  });

  test.prop([fc.integer({ min: -8.64e15, max: 8.64e15 })])('agrees with toISOString on every valid time value', (ms) => {
    expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
  });
});
