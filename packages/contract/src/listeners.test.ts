import { describe, expect, it } from 'vitest';
import { guardListener } from './listeners.js';

describe('guardListener', () => {
  it('passes the payload, and hands a throw or a rejection to onError instead of the emitter', async () => {
    const errors: unknown[] = [];
    const seen: number[] = [];
    guardListener((n: number) => void seen.push(n), (e) => errors.push(e))(1);
    expect(() => guardListener(() => { throw new Error('boom'); }, (e) => errors.push(e))(2)).not.toThrow();
    guardListener(async () => { throw new Error('later'); }, (e) => errors.push(e))(3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([1]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom', 'later']);
    // A failing onError is dropped too.
    expect(() => guardListener(() => { throw new Error('x'); }, () => { throw new Error('y'); })(4)).not.toThrow();
  });
});
