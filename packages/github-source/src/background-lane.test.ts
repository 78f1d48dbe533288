import { describe, expect, it } from 'vitest';
import { BackgroundLane } from './background-lane.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('BackgroundLane', () => {
  it('lets one writer through at a time, in call order', async () => {
    const lane = new BackgroundLane();
    const order: string[] = [];
    const writer = async (name: string) => {
      const release = await lane.acquire();
      order.push(`${name} in`);
      await tick();
      order.push(`${name} out`);
      release();
    };
    await Promise.all(['a', 'b', 'c'].map(writer));
    expect(order).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
  });

  it('drops an aborted waiter (rejecting with the reason) and grants the next one', async () => {
    const lane = new BackgroundLane();
    const release = await lane.acquire();
    const controller = new AbortController();
    const aborted = lane.acquire(controller.signal);
    const next = lane.acquire();
    controller.abort(new Error('stale'));
    await expect(aborted).rejects.toThrow('stale');
    release();
    const releaseNext = await next;
    releaseNext();
    await expect(lane.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('counts a release once: a second call cannot let two writers in', async () => {
    const lane = new BackgroundLane();
    const release = await lane.acquire();
    let granted = 0;
    const waiters = [lane.acquire(), lane.acquire()].map((p) => p.then((r) => (granted++, r)));
    release();
    release();
    await tick();
    expect(granted).toBe(1);
    (await waiters[0]!)();
    await waiters[1];
    expect(granted).toBe(2);
  });
});

describe('BackgroundLane: promote', () => {
  it('lets a waiter through at once, outside the lane: the lane stays with its holder and goes on in order', async () => {
    const lane = new BackgroundLane();
    const release = await lane.acquire();
    let promote: (() => void) | undefined;
    const order: string[] = [];
    const promoted = lane.acquire(undefined, (p) => (promote = p)).then((r) => (order.push('promoted'), r));
    const next = lane.acquire().then((r) => (order.push('next'), r));
    promote!();
    const releasePromoted = await promoted;
    releasePromoted(); // frees nothing: the first holder still has the lane
    await tick();
    expect(order).toEqual(['promoted']);
    release();
    (await next)();
    expect(order).toEqual(['promoted', 'next']);
    promote!(); // too late to matter: no effect
    const again = await lane.acquire();
    again();
  });
});
