import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { typicalEstimate } from './typical-estimate.js';

describe('typicalEstimate', () => {
  it('is 1 when no node has a valid estimate', () => {
    expect(typicalEstimate([])).toBe(1);
    expect(typicalEstimate([{}, { estimate: undefined }, { estimate: -3 }, { estimate: Number.NaN }, { estimate: Infinity }])).toBe(1);
  });

  it('is the median of the valid estimates, whatever the order and the nodes without one', () => {
    expect(typicalEstimate([{ estimate: 30 }, {}, { estimate: 10 }, {}, { estimate: 20 }])).toBe(20);
    expect(typicalEstimate([{ estimate: 40 }, { estimate: 10 }, {}, { estimate: 20 }, { estimate: 30 }])).toBe(25);
    expect(typicalEstimate([{ estimate: 0 }, { estimate: 0 }, { estimate: 7 }])).toBe(0);
  });
});

test.prop([fc.array(fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }), { maxLength: 50 })])(
  'lies between the smallest and the largest estimate, with as many at or below it as at or above it',
  (estimates) => {
    const known = estimates.filter((e): e is number => e !== undefined);
    const t = typicalEstimate(estimates.map((estimate) => ({ estimate })));
    if (known.length === 0) {
      expect(t).toBe(1);
    } else {
      expect(t).toBeGreaterThanOrEqual(Math.min(...known));
      expect(t).toBeLessThanOrEqual(Math.max(...known));
      expect(known.filter((e) => e <= t).length * 2).toBeGreaterThanOrEqual(known.length);
      expect(known.filter((e) => e >= t).length * 2).toBeGreaterThanOrEqual(known.length);
    }
  },
);
