import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock/index.js';
import { catchError, parseCsv, rejectionOf, sleep } from './test-helpers.js';

describe('sleep', () => {
  it('waits on the given timers: virtual time with a ManualClock', async () => {
    const clock = new ManualClock(1_000);
    const woke = await clock.runUntilSettled(sleep(60_000, { timers: clock }).then(() => clock.now()));
    expect(woke).toBe(61_000);
  });

  it('rejects with the signal reason on abort (at once when already aborted) and clears its timer', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const slept = sleep(10_000, { timers: clock, signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(slept).rejects.toThrow('stop');
    expect(clock.pending).toBe(0);
    await expect(sleep(1, { signal: AbortSignal.abort(new Error('early')) })).rejects.toThrow('early');
  });

  it('waits in real time by default', async () => {
    const start = Date.now();
    await sleep(5);
    expect(Date.now() - start).toBeGreaterThanOrEqual(4);
  });
});

describe('catchError and rejectionOf', () => {
  it('return what was thrown or rejected, checked against a class when given', async () => {
    const boom = new RangeError('boom');
    expect(catchError(() => { throw boom; })).toBe(boom);
    expect(catchError(() => { throw boom; }, RangeError).message).toBe('boom');
    expect(await rejectionOf(Promise.reject(boom))).toBe(boom);
    expect((await rejectionOf(Promise.reject(boom), RangeError)).message).toBe('boom');
  });

  it('throw when nothing was thrown, or the wrong kind', async () => {
    expect(() => catchError(() => 1)).toThrow('expected the call to throw');
    expect(() => catchError(() => { throw new Error('x'); }, TypeError)).toThrow('expected an instance of TypeError, got Error: x');
    await expect(rejectionOf(Promise.resolve(1))).rejects.toThrow('expected a rejection');
    await expect(rejectionOf(Promise.reject(new Error('y')), TypeError)).rejects.toThrow('expected an instance of TypeError, got Error: y');
  });
});

describe('parseCsv', () => {
  it('reads CRLF records with quoted fields and doubled quotes', () => {
    expect(parseCsv('a,b\r\n"x, ""y""","line\r\nbreak"\r\n,\r\n')).toEqual([
      ['a', 'b'],
      ['x, "y"', 'line\r\nbreak'],
      ['', ''],
    ]);
  });

  it('refuses what RFC 4180 does not allow', () => {
    expect(() => parseCsv('"open\r\n')).toThrow('unterminated quote');
    expect(() => parseCsv('a"b\r\n')).toThrow('bare');
    expect(() => parseCsv('a\nb\r\n')).toThrow('bare');
    expect(() => parseCsv('"a"b\r\n')).toThrow('unexpected');
  });
});
