/** The ioredis connections of the scale-out parts (internal). */
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisCoordination } from './types.js';

/** The key prefix in use (BullMQ's `prefix`). */
export function prefixOf(redis: RedisCoordination): string {
  return redis.prefix ?? 'pco';
}

/**
 * A new connection. `maxRetriesPerRequest: null`: commands wait for Redis to come back instead of
 * failing after 20 reconnects, which BullMQ requires of the connections its workers use
 * (`guide/connections.md`), and which makes a Redis outage a pause rather than an error.
 */
export function connect(redis: RedisCoordination, options: RedisOptions = {}): Redis {
  return new Redis(redis.url, { maxRetriesPerRequest: null, ...options });
}
