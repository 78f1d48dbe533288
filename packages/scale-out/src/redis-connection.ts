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

/**
 * The connections one part (an executor, a host) opens: each reports its errors to `onError`
 * (a listener that throws is ignored: its failure is not the part's), all close together.
 */
export class ConnectionSet {
  readonly #redis: RedisCoordination;
  readonly #onError: (error: Error) => void;
  readonly #connections: Redis[] = [];

  constructor(redis: RedisCoordination, onError: (error: Error) => void) {
    this.#redis = redis;
    this.#onError = onError;
  }

  /** A new connection of this set. */
  open(): Redis {
    const connection = connect(this.#redis);
    connection.on('error', (error: Error) => this.report(error));
    this.#connections.push(connection);
    return connection;
  }

  /** Hands `error` to the listener; never throws. */
  report(error: Error): void {
    try {
      this.#onError(error);
    } catch {
      // A listener's failure is not the part's.
    }
  }

  /** Drops every connection of the set. */
  disconnectAll(): void {
    for (const connection of this.#connections) connection.disconnect();
  }
}
