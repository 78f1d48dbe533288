import { describe, expect, it } from 'vitest';
import { redisForTests, uniqueRedisPrefix } from './redis.js';

describe('redisForTests', () => {
  it('reports an unreachable server, and throws under CI=true', async () => {
    const env = { PCO_TEST_REDIS_URL: 'redis://127.0.0.1:1' };
    const found = await redisForTests(env);
    expect(found).toMatchObject({ available: false, url: 'redis://127.0.0.1:1' });
    await expect(redisForTests({ ...env, CI: 'true' })).rejects.toThrow(/CI=true needs the test Redis at redis:\/\/127\.0\.0\.1:1/);
  });

  it('makes prefixes no other test uses', () => {
    const a = uniqueRedisPrefix('a b:c');
    expect(a).toMatch(/^pco-test-a-b-c-[0-9a-f]{12}$/);
    expect(uniqueRedisPrefix('a b:c')).not.toBe(a);
  });
});

// deleteRedisKeys is exercised against the real server by the suites that use it
// (github-source's throttle-cluster tests): testkit itself has no Redis client.
