import { describe, expect, it } from 'vitest';
import { AgentPool } from './agent-pool.js';
import { InvalidOptionsError } from '@pco/contract';
import { ManualClock } from '@pco/testkit/clock';
import { catchError, sleep } from '@pco/testkit/helpers';

function make(options: ConstructorParameters<typeof AgentPool>[0] = {}) {
  const clock = new ManualClock(1_000);
  const pool = new AgentPool({ clock, timers: clock, ...options });
  return { clock, pool };
}

describe('AgentPool', () => {
  it('defaults to 10 slots named agent-1..agent-10, all IDLE', () => {
    const pool = new AgentPool();
    expect(pool.capacity).toBe(10);
    expect(pool.idle).toBe(10);
    expect(pool.stats().agents.map((a) => a.id)).toEqual(Array.from({ length: 10 }, (_, i) => `agent-${i + 1}`));
    expect(pool.state('agent-3')).toBe('IDLE');
    expect(pool.state('nope')).toBeUndefined();
  });

  it.each([
    [{ capacity: 0 }, /AgentPool option capacity: expected an integer in 1\.\.10, got 0\./],
    [{ capacity: 11 }, /capacity: expected an integer in 1\.\.10, got 11/],
    [{ capacity: 2.5 }, /capacity/],
    [{ maxCapacity: 0 }, /maxCapacity/],
    [{ quarantineAfter: 0 }, /quarantineAfter/],
    [{ coolDownMs: -1 }, /coolDownMs/],
    [{ capacity: 2, agentIds: ['a'] }, /agentIds: expected 2 ids/],
    [{ capacity: 2, agentIds: ['a', 'a'] }, /agentIds: expected unique ids/],
  ])('rejects bad options %o with an InvalidOptionsError naming the field', (options, message) => {
    const error = catchError(() => new AgentPool(options));
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as InvalidOptionsError).code).toBe('INVALID_OPTIONS');
    expect((error as InvalidOptionsError).component).toBe('AgentPool');
    expect((error as Error).message).toMatch(message);
  });

  it('allows more than 10 slots when maxCapacity is raised', () => {
    const pool = new AgentPool({ capacity: 50, maxCapacity: 100 });
    expect(pool.capacity).toBe(50);
  });

  it('hands out every slot, then queues waiters FIFO and hands released slots straight over', async () => {
    const { pool } = make({ capacity: 2 });
    const a = pool.tryAcquire()!;
    const b = await pool.acquire();
    expect(new Set([a.agent, b.agent])).toEqual(new Set(['agent-1', 'agent-2']));
    expect(pool.tryAcquire()).toBeUndefined();
    const order: string[] = [];
    const w1 = pool.acquire().then((lease) => (order.push('w1'), lease));
    const w2 = pool.acquire().then((lease) => (order.push('w2'), lease));
    expect(pool.waiting).toBe(2);
    b.release();
    // The slot went to w1 synchronously: nobody can steal it with tryAcquire.
    expect(pool.tryAcquire()).toBeUndefined();
    expect(pool.idle).toBe(0);
    const l1 = await w1;
    expect(l1.agent).toBe(b.agent);
    a.release();
    const l2 = await w2;
    expect(l2.agent).toBe(a.agent);
    expect(order).toEqual(['w1', 'w2']);
  });

  it('uses the least recently used idle slot', () => {
    const { pool } = make({ capacity: 3 });
    const first = pool.tryAcquire()!;
    expect(first.agent).toBe('agent-1');
    first.release();
    expect(pool.tryAcquire()!.agent).toBe('agent-2');
    expect(pool.tryAcquire()!.agent).toBe('agent-3');
    expect(pool.tryAcquire()!.agent).toBe('agent-1');
  });

  it('rejects a waiter whose signal aborts, and skips it when a slot frees', async () => {
    const { pool } = make({ capacity: 1 });
    const held = pool.tryAcquire()!;
    const controller = new AbortController();
    const aborted = pool.acquire({ signal: controller.signal });
    const next = pool.acquire();
    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    expect(pool.waiting).toBe(1);
    held.release();
    expect((await next).agent).toBe('agent-1');
    await expect(pool.acquire({ signal: AbortSignal.abort(new Error('already')) })).rejects.toThrow('already');
  });

  it('throws on a double release', () => {
    const { pool } = make({ capacity: 1 });
    const lease = pool.tryAcquire()!;
    lease.release();
    expect(() => lease.release()).toThrow(expect.objectContaining({ code: 'POOL_LEASE_RELEASED' }));
    expect(pool.idle).toBe(1);
  });

  it('quarantines a slot after repeated failures and brings it back half-open after the cool-down', () => {
    const { pool, clock } = make({ capacity: 2, quarantineAfter: 2, coolDownMs: 5_000 });
    const events: string[] = [];
    pool.on('agent:failed', (e) => events.push(`failed ${e.agent} x${e.consecutiveFailures} until ${e.until}`));
    pool.on('agent:recovered', (e) => events.push(`recovered ${e.agent} at ${e.at}`));
    pool.tryAcquire()!.release('failure'); // agent-1: 1 failure
    pool.tryAcquire()!.release('success'); // agent-2
    const again = pool.tryAcquire()!; // agent-1
    expect(again.agent).toBe('agent-1');
    again.release('failure'); // 2nd failure → quarantined
    expect(pool.state('agent-1')).toBe('FAILED');
    expect(pool.idle).toBe(1);
    expect(pool.stats().failed).toBe(1);
    expect(events).toEqual(['failed agent-1 x2 until 6000']);
    clock.advance(4_999);
    expect(pool.state('agent-1')).toBe('FAILED');
    clock.advance(1);
    expect(pool.state('agent-1')).toBe('IDLE');
    expect(events.at(-1)).toBe('recovered agent-1 at 6000');
    // Half-open: a single failure quarantines it again.
    let lease = pool.tryAcquire()!;
    while (lease.agent !== 'agent-1') {
      lease.release('success');
      lease = pool.tryAcquire()!;
    }
    lease.release('failure');
    expect(pool.state('agent-1')).toBe('FAILED');
    expect(pool.stats().agents[0]!.quarantines).toBe(2);
  });

  it('gives a recovered slot to a waiter when every slot was quarantined', async () => {
    const { pool, clock } = make({ capacity: 1, quarantineAfter: 1, coolDownMs: 100 });
    pool.tryAcquire()!.release('failure');
    expect(pool.state('agent-1')).toBe('FAILED');
    const waiting = pool.acquire();
    expect(pool.waiting).toBe(1);
    clock.advance(100);
    expect((await waiting).agent).toBe('agent-1');
    expect(pool.state('agent-1')).toBe('BUSY');
  });

  it('neutral releases leave the failure count alone', () => {
    const { pool } = make({ capacity: 1, quarantineAfter: 2 });
    pool.tryAcquire()!.release('failure');
    pool.tryAcquire()!.release('neutral');
    expect(pool.stats().agents[0]!.consecutiveFailures).toBe(1);
    pool.tryAcquire()!.release('failure');
    expect(pool.state('agent-1')).toBe('FAILED');
  });

  it('computes busy time, utilisation and tasks per agent', () => {
    const { pool, clock } = make({ capacity: 2 });
    const a = pool.tryAcquire()!;
    clock.advance(100);
    const b = pool.tryAcquire()!;
    clock.advance(100);
    a.release();
    b.release();
    clock.advance(200);
    const stats = pool.stats();
    expect(stats.busyMs).toBe(300);
    expect(stats.elapsedMs).toBe(400);
    expect(stats.utilisation).toBeCloseTo(300 / 800);
    expect(stats.agents.map((x) => [x.id, x.tasks, x.busyMs, x.succeeded])).toEqual([
      ['agent-1', 1, 200, 1],
      ['agent-2', 1, 100, 1],
    ]);
  });

  it('counts the running lease in busy time', () => {
    const { pool, clock } = make({ capacity: 1 });
    pool.tryAcquire();
    clock.advance(50);
    expect(pool.stats().busyMs).toBe(50);
    expect(pool.stats().utilisation).toBe(1);
  });

  it('onIdle resolves once no slot is busy', async () => {
    const { pool } = make({ capacity: 2 });
    await pool.onIdle();
    const a = pool.tryAcquire()!;
    const b = pool.tryAcquire()!;
    let idle = false;
    const done = pool.onIdle().then(() => (idle = true));
    a.release();
    await Promise.resolve();
    expect(idle).toBe(false);
    b.release();
    await done;
    expect(idle).toBe(true);
  });

  it('close() rejects waiters, clears cool-downs and refuses new acquisitions', async () => {
    const { pool, clock } = make({ capacity: 1, quarantineAfter: 1 });
    const held = pool.tryAcquire()!;
    const waiting = pool.acquire();
    pool.close();
    await expect(waiting).rejects.toMatchObject({ code: 'POOL_CLOSED' });
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'POOL_CLOSED' });
    held.release('failure');
    expect(clock.pending).toBe(0);
    expect(pool.tryAcquire()).toBeUndefined();
    expect(pool.closed).toBe(true);
  });

  it('a throwing listener is reported and does not break the pool', () => {
    const errors: unknown[] = [];
    const { pool } = make({ capacity: 1, quarantineAfter: 1, onListenerError: (error) => errors.push(error) });
    const seen: string[] = [];
    pool.on('agent:failed', () => {
      throw new Error('listener bug');
    });
    const off = pool.on('agent:failed', (e) => seen.push(e.agent));
    pool.tryAcquire()!.release('failure');
    expect(errors).toEqual([new Error('listener bug')]);
    expect(seen).toEqual(['agent-1']);
    off();
    expect(pool.state('agent-1')).toBe('FAILED');
  });
});

describe('ManualClock', () => {
  it('fires timers in time order, same-time timers in the order they were set', () => {
    const clock = new ManualClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 20);
    clock.setTimeout(() => fired.push('a'), 10);
    clock.setTimeout(() => fired.push('c'), 20);
    const cancelled = clock.setTimeout(() => fired.push('x'), 5);
    clock.clearTimeout(cancelled);
    clock.advance(15);
    expect(fired).toEqual(['a']);
    expect(clock.now()).toBe(15);
    clock.advance(100);
    expect(fired).toEqual(['a', 'b', 'c']);
    expect(clock.now()).toBe(115);
  });

  it('runUntilSettled drives timers until the promise settles, and reports a deadlock', async () => {
    const clock = new ManualClock();
    const value = await clock.runUntilSettled(
      (async () => {
        await sleep(1_000, { timers: clock });
        await sleep(60_000, { timers: clock });
        return 'ok';
      })(),
    );
    expect(value).toBe('ok');
    expect(clock.now()).toBe(61_000);
    await expect(clock.runUntilSettled(new Promise(() => {}))).rejects.toThrow(/deadlock/);
  });
});
