import { redisForTests } from '@pco/testkit/helpers';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisBucketStore } from './redis-bucket-store.js';

const redis = await redisForTests();

describe.skipIf(!redis.available)('RedisBucketStore', () => {
  const stores: RedisBucketStore[] = [];
  const store = (staleAfterMs = 120_000) => {
    const s = new RedisBucketStore({ redis: { url: redis.url, prefix: redis.prefix }, staleAfterMs });
    stores.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of stores) await s.close();
    await redis.cleanup();
  });

  it('two processes share one budget: at most `limit` slots in a window, then the wait until the first frees', async () => {
    const a = store();
    const b = store();
    const T = 1_000_000;
    const first = await a.take('k1', 2, 1_000, T);
    expect(first).toHaveProperty('slot');
    expect(await b.take('k1', 2, 1_000, T + 1)).toHaveProperty('slot');
    // Both in flight: wait a window at most.
    expect(await b.take('k1', 2, 1_000, T + 2)).toEqual({ waitMs: 1_000 });
    await a.release('k1', (first as { slot: string }).slot, T + 100);
    // The slot counts until a window after its response arrived.
    expect(await b.take('k1', 2, 1_000, T + 500)).toEqual({ waitMs: 600 });
    expect(await b.take('k1', 2, 1_000, T + 1_100)).toHaveProperty('slot');
  });

  it('a slot never released counts as released staleAfterMs after it was taken (its holder died)', async () => {
    const s = store(5_000);
    expect(await s.take('k2', 1, 1_000, 0 + 2_000_000)).toHaveProperty('slot');
    expect(await s.take('k2', 1, 1_000, 2_000_000 + 5_999)).toHaveProperty('waitMs');
    expect(await s.take('k2', 1, 1_000, 2_000_000 + 6_000)).toHaveProperty('slot');
  });

  it('a block (after a 429) holds every process until it ends, and is never shortened', async () => {
    const a = store();
    const b = store();
    await a.block('k3', 3_000_500);
    await b.block('k3', 3_000_200);
    expect(await b.take('k3', 10, 1_000, 3_000_000)).toEqual({ waitMs: 500 });
    expect(await b.take('k3', 10, 1_000, 3_000_500)).toHaveProperty('slot');
  });

  it('inspect answers from the last reply; usage reads Redis', async () => {
    const s = store();
    const other = store();
    const taken = await s.take('k4', 5, 1_000, 4_000_000);
    await s.release('k4', (taken as { slot: string }).slot, 4_000_010);
    await other.take('k4', 5, 1_000, 4_000_020);
    expect(s.inspect('k4', 4_000_030)).toEqual({ blockedUntil: 0, slots: [[4_000_000, null]] });
    expect(await s.usage('k4', 4_000_030)).toEqual({ blockedUntil: 0, slots: expect.arrayContaining([[4_000_000, 4_000_010], [4_000_020, null]]) });
    expect(s.inspect('unknown', 0)).toBeUndefined();
  });

  it('rejects a URL that is not redis://', () => {
    expect(() => new RedisBucketStore({ redis: { url: 'http://x' } })).toThrow(/RedisBucketStore option redis.url: expected a redis:\/\/ or rediss:\/\/ URL/);
  });
});
