import { describe, expect, it } from 'vitest';
import { delay, type Timers } from './time.js';

/** Timers that fire only when told to, recording what is pending. */
function heldTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 0;
  const timers: Timers = {
    setTimeout: (callback, ms) => (pending.set(++next, { callback, ms }), next),
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  return { timers, pending, fireAll: () => [...pending.entries()].forEach(([id, t]) => (pending.delete(id), t.callback())) };
}

describe('delay', () => {
  it('waits on the given timers (never below 0 ms)', async () => {
    const held = heldTimers();
    let done = false;
    const waiting = delay(-5, { timers: held.timers }).then(() => (done = true));
    expect([...held.pending.values()].map((t) => t.ms)).toEqual([0]);
    await Promise.resolve();
    expect(done).toBe(false);
    held.fireAll();
    await waiting;
    expect(done).toBe(true);
  });

  it('rejects with the signal’s reason and clears its timer; an aborted signal rejects at once', async () => {
    const held = heldTimers();
    const controller = new AbortController();
    const waiting = delay(1_000, { timers: held.timers, signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(held.pending.size).toBe(0);
    await expect(delay(1, { timers: held.timers, signal: controller.signal })).rejects.toThrow('stop');
    expect(held.pending.size).toBe(0);
  });
});
