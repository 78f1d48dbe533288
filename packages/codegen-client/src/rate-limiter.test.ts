import { ManualClock } from '@pco/testkit/clock';
import { sleep } from '@pco/testkit/helpers';
import { describe, expect, it } from 'vitest';
import { MemoryBucketStore, RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('adds a safety margin to each window', () => {
    const limiter = new RateLimiter({ limits: { createRun: { limit: 10, windowMs: 600 }, getRun: { limit: 60, windowMs: 300 } } });
    expect(limiter.windowOf('createRun')).toEqual({ limit: 10, windowMs: 600 + 30 });
    expect(limiter.windowOf('getRun')).toEqual({ limit: 60, windowMs: 300 + 15 });
    expect(new RateLimiter().windowOf('getRunLogs')).toEqual({ limit: 60, windowMs: 60_500 });
    expect(limiter.windowOf('resumeRun')).toBeUndefined();
    expect(new RateLimiter({ limits: { getRun: null } }).windowOf('getRun')).toBeUndefined();
  });

  it('counts a slot until a window after its response, however long the request takes', async () => {
    const limiter = new RateLimiter({ limits: { getRun: { limit: 1, windowMs: 30 } }, marginMs: 0 });
    const release = await limiter.acquire('getRun');
    let grantedAt: number | undefined;
    const next = limiter.acquire('getRun').then((r) => {
      grantedAt = Date.now();
      return r;
    });
    // The request is still in flight after several windows: no new slot yet.
    await sleep(120);
    expect(grantedAt).toBeUndefined();
    const releasedAt = Date.now();
    release();
    (await next)();
    expect((grantedAt as number) - releasedAt).toBeGreaterThanOrEqual(29);
  });

  it('tells each waiter how long it will wait for budget, counting its place in the queue', async () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new RateLimiter({ limits: { createRun: { limit: 2, windowMs: 1_000 } }, marginMs: 0, clock, timers: clock });
    // Two creates take the window; three more wait.
    (await limiter.acquire('createRun'))();
    (await limiter.acquire('createRun'))();
    const heard: number[][] = [[], [], []];
    const waiting = heard.map((list) => limiter.acquire('createRun', undefined, (ms) => list.push(ms)));
    const releases = await clock.runUntilSettled(Promise.all(waiting));
    for (const release of releases) release();
    // First notice: the head and the next one wait for the window (1 s), the third one more window.
    expect(heard.map((list) => list[0])).toEqual([1_000, 1_000, 2_000]);
  });

  it('lets a waiter leave the queue on abort without losing anyone else', async () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new RateLimiter({ limits: { listRuns: { limit: 1, windowMs: 100 } }, marginMs: 0, clock, timers: clock });
    (await limiter.acquire('listRuns'))();
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(limiter.acquire('listRuns', controller.signal)).rejects.toThrow('gone');
    await expect(clock.runUntilSettled(limiter.acquire('listRuns'))).resolves.toBeTypeOf('function');
  });

  it('rejects a queued waiter when its signal aborts while it waits', async () => {
    const limiter = new RateLimiter({ limits: { listRuns: { limit: 1, windowMs: 60_000 } }, marginMs: 0 });
    (await limiter.acquire('listRuns'))();
    const controller = new AbortController();
    const waiting = limiter.acquire('listRuns', controller.signal);
    controller.abort(new Error('stop waiting'));
    await expect(waiting).rejects.toThrow('stop waiting');
  });

  it('holds a bucket after penalize (e.g. a 429) and passes unlimited endpoints through', async () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new RateLimiter({ clock, timers: clock });
    await limiter.penalize('getRun', 5000);
    const start = clock.now();
    (await clock.runUntilSettled(limiter.acquire('getRun')))();
    expect(clock.now() - start).toBe(5000);
    (await limiter.acquire('resumeRun'))();
    expect(clock.now() - start).toBe(5000);
  });

  it('shares one budget between limiters on one store', async () => {
    const clock = new ManualClock(1_000_000);
    const store = new MemoryBucketStore();
    const options = { store, keyPrefix: 'same-token:', limits: { createRun: { limit: 2, windowMs: 1000 } }, marginMs: 0, clock, timers: clock };
    const a = new RateLimiter(options);
    const b = new RateLimiter(options);
    (await a.acquire('createRun'))();
    (await b.acquire('createRun'))();
    const start = clock.now();
    (await clock.runUntilSettled(a.acquire('createRun')))();
    expect(clock.now() - start).toBe(1000);
  });

  it('treats a slot never released as released after staleAfterMs', () => {
    const store = new MemoryBucketStore({ staleAfterMs: 100 });
    expect(store.take('k', 1, 50, 0)).toEqual({ slot: '1' });
    expect(store.take('k', 1, 50, 10)).toEqual({ waitMs: 50 });
    expect(store.take('k', 1, 50, 150)).toEqual({ slot: '2' });
  });

  it('serves the waiters of one endpoint highest priority first, equal ones in arrival order', async () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new RateLimiter({ limits: { createRun: { limit: 1, windowMs: 1_000 } }, marginMs: 0, clock, timers: clock });
    (await limiter.acquire('createRun'))();
    const served: string[] = [];
    const ask = (name: string, priority?: number) =>
      limiter.acquire('createRun', undefined, undefined, priority).then((release) => {
        served.push(name);
        release();
      });
    // Asked in this order while the window is full; NaN counts as no priority (0).
    const waits = [ask('none'), ask('p1', 1), ask('p5-first', 5), ask('p3', 3), ask('p5-second', 5), ask('nan', Number.NaN)];
    // One slot later, a more urgent caller arrives: it goes before everyone still waiting.
    await clock.runUntilSettled(waits[2]!);
    const late = ask('p9-late', 9);
    await clock.runUntilSettled(Promise.all([...waits, late]));
    expect(served).toEqual(['p5-first', 'p9-late', 'p5-second', 'p3', 'p1', 'none', 'nan']);
  });

  it('gives a slot whose request was never sent back at once', async () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new RateLimiter({ limits: { createRun: { limit: 1, windowMs: 60_000 } }, marginMs: 0, clock, timers: clock });
    (await limiter.acquire('createRun'))(false);
    const start = clock.now();
    (await clock.runUntilSettled(limiter.acquire('createRun')))();
    expect(clock.now() - start).toBe(0);
    // A sent request's slot counts for the window after its response.
    (await clock.runUntilSettled(limiter.acquire('createRun')))();
    expect(clock.now() - start).toBe(60_000);
  });
  it('shows a budget without taking from it: slots left, waiters, when the next slot frees', async () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new RateLimiter({ limits: { createRun: { limit: 2, windowMs: 1_000 } }, marginMs: 0, clock, timers: clock });
    expect(limiter.budget('createRun')).toEqual({ operation: 'createRun', limit: 2, windowMs: 1_000, remaining: 2, waiting: 0 });
    (await limiter.acquire('createRun'))();
    clock.advance(100);
    (await limiter.acquire('createRun'))();
    const queued = limiter.acquire('createRun');
    expect(limiter.budget('createRun')).toEqual({ operation: 'createRun', limit: 2, windowMs: 1_000, remaining: 0, waiting: 1, nextFreeAt: 1_001_000 });
    expect(limiter.budget('resumeRun')).toBeUndefined();
    (await clock.runUntilSettled(queued))();
    expect(clock.now()).toBe(1_001_000);
    expect(limiter.budget('createRun')).toMatchObject({ remaining: 0, waiting: 0 });
  });
});
