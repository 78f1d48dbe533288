/**
 * Redis for tests (`@pco/testkit/helpers`): the shared server (REDIS_URL, else 127.0.0.1:6379)
 * under a key prefix of the test's own, cleaned up afterwards (never FLUSHDB: other suites and a
 * developer's data share the server), or a private `redis-server` on a free port that a test may
 * stop and restart. ioredis is loaded only when a helper is called.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';

/** What {@link redisForTests} found. */
export interface TestRedis {
  /** False when no Redis answered: skip the suite (`describe.skipIf(!redis.available)`). */
  readonly available: boolean;
  /** The server's URL. */
  readonly url: string;
  /** A key prefix no other test uses, e.g. `pcotest-1a2b3c4d` (use it as BullMQ's `prefix`). */
  readonly prefix: string;
  /** A new connection (closed by `cleanup`). Throws when `available` is false. */
  connect(): Promise<Redis>;
  /** Deletes every key starting with `prefix` (also `${prefix}-a:…`) and closes the connections made by `connect`. */
  cleanup(): Promise<void>;
}

/** Options of {@link redisForTests}. */
export interface RedisForTestsOptions {
  /** @default process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' */
  readonly url?: string;
  /** @default process.env.CI === 'true' (then an unreachable Redis throws instead of skipping) */
  readonly required?: boolean;
}

async function loadRedis(): Promise<typeof import('ioredis').Redis> {
  return (await import('ioredis')).Redis;
}

/** Whether a Redis answers PING at `url` within a second. */
async function reachable(url: string): Promise<boolean> {
  const RedisClass = await loadRedis();
  const probe = new RedisClass(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * The test Redis. When none answers, prints one line saying how to get one and returns
 * `available: false` (the suite skips), except under `CI=true`, where it throws: on CI the
 * Redis tests must run.
 */
export async function redisForTests(options: RedisForTestsOptions = {}): Promise<TestRedis> {
  const url = options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `pcotest-${randomUUID().slice(0, 8)}`;
  const available = await reachable(url);
  if (!available) {
    const where = url.replace(/\/\/[^@/]*@/, '//');
    if (options.required ?? process.env.CI === 'true') throw new Error(`Redis not reachable at ${where} (CI=true: the Redis tests must run)`);
    console.warn(`skipped: Redis not reachable at ${where}; start one with \`redis-server --port 6379\` or set REDIS_URL`);
  }
  const connections: Redis[] = [];
  return {
    available,
    url,
    prefix,
    async connect() {
      if (!available) throw new Error('Redis is not available');
      const RedisClass = await loadRedis();
      const connection = new RedisClass(url, { maxRetriesPerRequest: null });
      connections.push(connection);
      return connection;
    },
    async cleanup() {
      if (!available) return;
      const RedisClass = await loadRedis();
      const redis = new RedisClass(url, { maxRetriesPerRequest: 3 });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await redis.unlink(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
        for (const connection of connections.splice(0)) connection.disconnect();
      }
    },
  };
}

/** A private `redis-server` (see {@link startRedisServer}). */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** Kills the server (SIGKILL: its data is gone, it has no persistence). */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty) after `kill()`. */
  start(): Promise<void>;
  /** Kills it for good and removes its directory (`afterAll`). */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound to port 0, read, closed: the small race is fine in tests). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts `redis-server` on a free port of 127.0.0.1 without persistence (`--save "" --appendonly
 * no`; `--port 0` would turn TCP off rather than pick a port). Throws when `redis-server` is not
 * installed. Stop it with `stop()` in `afterAll`.
 */
export async function startRedisServer(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pco-redis-'));
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const start = async () => {
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      proc.once('error', reject);
      proc.once('spawn', () => resolve());
    });
    for (let i = 0; i < 100; i++) {
      if (await reachable(url)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const kill = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  };
  await start();
  return {
    url,
    port,
    start,
    kill,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
