/**
 * The Codegen client's rate-limit budget in Redis: every process using the same organisation's
 * token shares one budget, and it survives restarts.
 */
import type { BucketStore, BucketTake, BucketUsage } from '@pco/codegen-client';
import type { Redis } from 'ioredis';
import { resolveStoreOptions } from './options.js';
import { connect, prefixOf } from './redis-connection.js';
import type { RedisBucketStoreOptions } from './types.js';

// One hash per bucket key: `b` = blocked until, `n` = slot sequence, `s:<id>` = "takenAt endedAt"
// (endedAt -1 while in flight). Times are the caller's epoch ms, as the limiter passes them.
// Every script returns the bucket as it stands: { blockedUntil, taken..., ended... } after its
// own change, so `inspect` can answer from the last reply without a round trip.
const STATE = `
local function state(key, now, window, stale)
  local out = { tonumber(redis.call('HGET', key, 'b') or '0') }
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    local field = all[i]
    if string.sub(field, 1, 2) == 's:' then
      local taken, ended = string.match(all[i + 1], '^(%-?%d+) (%-?%d+)$')
      taken = tonumber(taken)
      ended = tonumber(ended)
      local stop = ended
      if ended < 0 then stop = taken + stale end
      if window >= 0 and stop + window <= now then
        redis.call('HDEL', key, field)
      else
        table.insert(out, taken)
        table.insert(out, ended)
      end
    end
  end
  return out
end
`;

// KEYS[1] bucket. ARGV: now, limit, window, stale. Returns { slot id or 0, wait ms, state... }.
const TAKE = `${STATE}
local key = KEYS[1]
local now, limit, window, stale = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('HSET', key, 'w', window)
local st = state(key, now, window, stale)
local blocked = st[1]
if blocked > now then
  return { 0, blocked - now, unpack(st) }
end
local count = (#st - 1) / 2
if count >= limit then
  local frees = -1
  for i = 2, #st, 2 do
    local ended = st[i + 1]
    if ended >= 0 and (frees < 0 or ended + window < frees) then frees = ended + window end
  end
  local wait = window
  if frees >= 0 then wait = math.max(1, frees - now) end
  return { 0, wait, unpack(st) }
end
local id = redis.call('HINCRBY', key, 'n', 1)
redis.call('HSET', key, 's:' .. id, string.format('%d -1', now))
redis.call('PEXPIRE', key, window + stale + 1000)
table.insert(st, now)
table.insert(st, -1)
return { id, 0, unpack(st) }
`;

// KEYS[1] bucket. ARGV: slot id, at. Ends an in-flight slot; the key lives a window longer.
const RELEASE = `
local field = 's:' .. ARGV[1]
local value = redis.call('HGET', KEYS[1], field)
if not value then return 0 end
local taken, ended = string.match(value, '^(%-?%d+) (%-?%d+)$')
if tonumber(ended) >= 0 then return 0 end
redis.call('HSET', KEYS[1], field, string.format('%d %d', tonumber(taken), tonumber(ARGV[2])))
local window = tonumber(redis.call('HGET', KEYS[1], 'w') or '0')
local ttl = redis.call('PTTL', KEYS[1])
local need = window + 1000
if ttl < need then redis.call('PEXPIRE', KEYS[1], need) end
return 1
`;

// KEYS[1] bucket. ARGV: until, ttl. Blocks the key until `until` (never shortens a block).
const BLOCK = `
local untilMs = tonumber(ARGV[1])
local current = tonumber(redis.call('HGET', KEYS[1], 'b') or '0')
if untilMs > current then redis.call('HSET', KEYS[1], 'b', untilMs) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
`;

// KEYS[1] bucket. ARGV: now, stale. Read-only view (nothing dropped).
const INSPECT = `${STATE}
return state(KEYS[1], tonumber(ARGV[1]), -1, tonumber(ARGV[2]))
`;

interface BucketCommands {
  pcoBucketTake(key: string, now: number, limit: number, window: number, stale: number): Promise<number[]>;
  pcoBucketRelease(key: string, slot: string, at: number): Promise<number>;
  pcoBucketBlock(key: string, until: number, ttl: number): Promise<number>;
  pcoBucketInspect(key: string, now: number, stale: number): Promise<number[]>;
}

/** The bucket as a script returned it. */
function usageOf(values: readonly number[], now: number, window: number | undefined, staleAfterMs: number): BucketUsage | undefined {
  const blockedUntil = values[0] ?? 0;
  const slots: (readonly [number, number | null])[] = [];
  for (let i = 1; i + 1 < values.length; i += 2) {
    const taken = values[i] as number;
    const ended = values[i + 1] as number;
    const end = ended < 0 ? taken + staleAfterMs : ended;
    if (window !== undefined && end + window <= now) continue;
    slots.push([taken, ended < 0 ? null : ended]);
  }
  const blocked = blockedUntil > now ? blockedUntil : 0;
  return slots.length > 0 || blocked > 0 ? { blockedUntil: blocked, slots } : undefined;
}

/**
 * A `BucketStore` (the Codegen client's rate-limit budget) in Redis: a sliding-window log per
 * bucket key in one hash, read and changed by one Lua script per call, so any number of processes
 * take slots from one budget atomically (the store contract's "atomic per key").
 *
 * Why scripts of our own rather than rate-limiter-flexible (fact sheet §3.2): the contract counts
 * a slot from when it is taken until a window after its response arrived (`release`), and a
 * taker must learn how long to wait when the window is full; rate-limiter-flexible's
 * `RateLimiterRedis` counts consumed points in a fixed window from the first request and has no
 * in-flight slot released later, so it would either let a slow request's slot go early (the
 * server counted it later: a 429) or need a second structure beside it. The scripts implement
 * exactly the in-memory `BucketLog` semantics; nothing else of the limiter (queueing, priorities,
 * waking) is reimplemented: that stays in the client's `RateLimiter`.
 *
 * Times are the caller's epoch ms (`now`, `at`), so every process must agree on the clock (NTP;
 * the windows have a margin). Keys expire a window after their last slot ends, in Redis time.
 * `inspect` (synchronous in the contract) answers from this process's last reply for the key;
 * {@link RedisBucketStore.usage} reads Redis.
 *
 * @example
 * const store = new RedisBucketStore({ redis: { url: 'redis://127.0.0.1:6379' } });
 * const client = new CodegenClient({ token, orgId, limits: { store } });
 */
export class RedisBucketStore implements BucketStore {
  readonly #redis: Redis & BucketCommands;
  readonly #prefix: string;
  readonly #staleAfterMs: number;
  readonly #onError: (error: Error) => void;
  readonly #last = new Map<string, { readonly values: readonly number[]; readonly window: number | undefined }>();

  constructor(options: RedisBucketStoreOptions) {
    const o = resolveStoreOptions(options);
    this.#prefix = `${prefixOf(o.redis)}:budget:`;
    this.#staleAfterMs = o.staleAfterMs;
    this.#onError = o.onError;
    const redis = connect(o.redis);
    redis.on('error', (error: Error) => this.#report(error));
    redis.defineCommand('pcoBucketTake', { numberOfKeys: 1, lua: TAKE });
    redis.defineCommand('pcoBucketRelease', { numberOfKeys: 1, lua: RELEASE });
    redis.defineCommand('pcoBucketBlock', { numberOfKeys: 1, lua: BLOCK });
    redis.defineCommand('pcoBucketInspect', { numberOfKeys: 1, lua: INSPECT });
    this.#redis = redis as Redis & BucketCommands;
  }

  async take(key: string, limit: number, windowMs: number, now: number): Promise<BucketTake> {
    const reply = await this.#call(() => this.#redis.pcoBucketTake(this.#prefix + key, Math.round(now), limit, Math.round(windowMs), this.#staleAfterMs));
    const [slot, waitMs, ...values] = reply.map(Number);
    this.#last.set(key, { values, window: windowMs });
    return slot ? { slot: String(slot) } : { waitMs: Math.max(1, waitMs ?? windowMs) };
  }

  async release(key: string, slot: string, at: number): Promise<void> {
    await this.#call(() => this.#redis.pcoBucketRelease(this.#prefix + key, slot, Math.round(at)));
  }

  async block(key: string, until: number): Promise<void> {
    await this.#call(() => this.#redis.pcoBucketBlock(this.#prefix + key, Math.round(until), Math.max(1000, this.#staleAfterMs)));
  }

  /** What of `key` counted at this process's last call for it (see `BucketStore.inspect`). */
  inspect(key: string, now: number): BucketUsage | undefined {
    const last = this.#last.get(key);
    return last && usageOf(last.values, now, last.window, this.#staleAfterMs);
  }

  /** What of `key` counts at `now`, read from Redis (for `pco status`). */
  async usage(key: string, now: number): Promise<BucketUsage | undefined> {
    const values = (await this.#call(() => this.#redis.pcoBucketInspect(this.#prefix + key, Math.round(now), this.#staleAfterMs))).map(Number);
    const window = this.#last.get(key)?.window;
    return usageOf(values, now, window, this.#staleAfterMs);
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  async #call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      this.#report(error as Error);
      throw error;
    }
  }

  #report(error: Error): void {
    try {
      this.#onError(error);
    } catch {
      // A listener's failure is not the store's.
    }
  }
}
