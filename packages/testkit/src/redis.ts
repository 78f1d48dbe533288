/**
 * The real Redis of pco's tests (`@pco/testkit/redis`). Tests that need Redis ask
 * {@link redisForTests} once per file: on a machine without Redis they are skipped, with one line
 * saying how to run them; under `CI=true` a missing Redis is an error, so CI never passes by
 * skipping. Each test isolates itself with {@link uniqueRedisPrefix} and removes its keys with
 * {@link deleteRedisKeys} (never FLUSHDB: the server is shared; fact sheet scale-out.md §4).
 *
 * No Redis client here: the probe speaks one PING over a socket, so testkit stays free of
 * ioredis and the tests bring the client they test with.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { createRedactor } from '@pco/contract';

/** Environment variable naming the test server (a `redis://host:port[/db]` URL). */
export const REDIS_TEST_URL_ENV = 'PCO_TEST_REDIS_URL';

/** The Redis tests use when the environment names none. */
export const DEFAULT_REDIS_TEST_URL = 'redis://127.0.0.1:6379';

/** What {@link redisForTests} found. */
export type RedisForTests =
  | { readonly available: true; readonly url: string }
  | { readonly available: false; readonly url: string; readonly reason: string };

const probes = new Map<string, Promise<RedisForTests>>();

/**
 * Whether the test Redis answers PING (within 1 s). When it does not: throws under `CI=true`;
 * otherwise prints one line (once per process) and returns `available: false`, for
 * `describe.skipIf(!redis.available)`.
 */
export async function redisForTests(env: NodeJS.ProcessEnv = process.env): Promise<RedisForTests> {
  const url = env[REDIS_TEST_URL_ENV] || DEFAULT_REDIS_TEST_URL;
  let probe = probes.get(url);
  if (!probe) {
    probe = ping(url).then(
      (): RedisForTests => ({ available: true, url }),
      (error: Error): RedisForTests => ({ available: false, url, reason: error.message }),
    );
    probes.set(url, probe);
    void probe.then((found) => {
      if (!found.available && env.CI !== 'true') {
        console.warn(`Redis tests skipped: no Redis at ${safeUrl(url)} (${found.reason}); start redis-server or set ${REDIS_TEST_URL_ENV}. Under CI=true they run.`);
      }
    });
  }
  const found = await probe;
  if (!found.available && env.CI === 'true') {
    throw new Error(`CI=true needs the test Redis at ${safeUrl(url)}: ${found.reason}`);
  }
  return found;
}

/** A key prefix no other test (or earlier run) uses: `pco-test-<name>-<random>`. */
export function uniqueRedisPrefix(name: string): string {
  return `pco-test-${name.replace(/[^A-Za-z0-9_-]/g, '-')}-${randomBytes(6).toString('hex')}`;
}

/** The two commands of an ioredis (or node-redis) client {@link deleteRedisKeys} needs. */
export interface RedisKeyCommands {
  keys(pattern: string): Promise<string[]>;
  del(...keys: string[]): Promise<number>;
}

/** Deletes every key starting with `prefix` (a test's own prefix); returns how many. */
export async function deleteRedisKeys(redis: RedisKeyCommands, prefix: string): Promise<number> {
  if (prefix.length < 8) throw new Error(`refusing to delete keys under the short prefix "${prefix}"`);
  const keys = await redis.keys(`${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`);
  let deleted = 0;
  for (let i = 0; i < keys.length; i += 500) deleted += await redis.del(...keys.slice(i, i + 500));
  return deleted;
}

function ping(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new Error(`${REDIS_TEST_URL_ENV} is not a URL`));
      return;
    }
    const socket = connect({ host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || 6379) });
    const done = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(1000, () => done(new Error('no answer within 1 s')));
    socket.once('error', (error) => done(error));
    socket.once('connect', () => {
      const password = decodeURIComponent(parsed.password);
      const user = decodeURIComponent(parsed.username);
      // Inline commands (RESP's "inline" form); an AUTH first when the URL carries a password.
      const auth = password ? `AUTH ${user ? `${user} ` : ''}${password}\r\n` : '';
      socket.write(`${auth}PING\r\n`);
    });
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('+PONG')) done();
      else if (/^-/m.test(reply)) done(new Error(reply.trim().split('\r\n').find((l) => l.startsWith('-'))?.slice(1) ?? 'error'));
    });
  });
}

function safeUrl(url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // not a URL: nothing to hide beyond the token shapes
  }
  return createRedactor(password ? [password] : [])(url);
}
