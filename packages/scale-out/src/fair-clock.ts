/**
 * Weighted fair queuing of one organisation's agent slots between backlogs (internal).
 *
 * Each backlog has a virtual finish time F_b; the queue has a global virtual time V (the largest
 * start tag of a job that started). A new job of backlog b gets the start tag S = max(V, F_b)
 * and the finish tag F = S + COST / weight_b, and F_b becomes F. Its BullMQ priority is F (lower
 * runs first), so while two backlogs both have jobs waiting, they start in proportion to their
 * weights; a backlog that was idle starts at V, so it neither jumps ahead with credit saved while
 * idle nor waits behind the other's backlog of work (start-time fair queuing, Goyal et al. 1996).
 *
 * The tag is stored per job id: every process of a backlog asks for the same job, and only the
 * first request may advance F_b (otherwise three processes would charge each job three times).
 *
 * BullMQ priorities are integers in 1..2,097,151 (`guide/jobs/prioritized.md`); tags grow
 * forever, so priorities are F minus a base that moves up to V when F - base passes half the
 * range. The jobs then waiting are re-prioritised on the new base (`changePriority`) by the
 * caller that moved it.
 *
 * Why Lua rather than BullMQ or a library: BullMQ (open source) has no fairness between producers
 * of one queue (groups are BullMQ Pro, fact sheet §1.9), and the tag must be read and advanced in
 * one step across processes: one script does that atomically (redis.io "Scripting with Lua").
 */
import type { Redis } from 'ioredis';

/** Virtual time one job costs at weight 1 (divisible by 1..6, 8, 10, 12, 15: integer costs). */
export const COST_UNIT = 120;
/** BullMQ's highest priority number. */
export const MAX_PRIORITY = 2_097_151;
/** The base moves when a priority would pass this. */
const REBASE_AT = Math.floor(MAX_PRIORITY / 2);

// KEYS: 1 V, 2 finish tags (hash backlog → F), 3 weights (hash), 4 base, 5 the job's tag key
// ARGV: 1 backlog, 2 cost, 3 weight, 4 tag ttl ms, 5 rebase threshold
// Returns { S, F, base, rebased (0/1) }.
const TAG_SCRIPT = `
local existing = redis.call('GET', KEYS[5])
local base = tonumber(redis.call('GET', KEYS[4]) or '0')
if existing then
  local s, f = string.match(existing, '^(%d+) (%d+)$')
  return { tonumber(s), tonumber(f), base, 0 }
end
local v = tonumber(redis.call('GET', KEYS[1]) or '0')
local last = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local s = math.max(v, last)
local f = s + tonumber(ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], f)
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
redis.call('SET', KEYS[5], string.format('%d %d', s, f), 'PX', ARGV[4])
local rebased = 0
if f - base > tonumber(ARGV[5]) then
  base = v
  redis.call('SET', KEYS[4], base)
  rebased = 1
end
return { s, f, base, rebased }
`;

// KEYS: 1 V. ARGV: 1 start tag. V = max(V, S).
const ADVANCE_SCRIPT = `
local v = tonumber(redis.call('GET', KEYS[1]) or '0')
local s = tonumber(ARGV[1])
if s > v then redis.call('SET', KEYS[1], s) return s end
return v
`;

interface FairCommands {
  pcoFairTag(v: string, tags: string, weights: string, base: string, tag: string, backlog: string, cost: number, weight: number, ttl: number, rebaseAt: number): Promise<[number, number, number, number]>;
  pcoFairAdvance(v: string, start: number): Promise<number>;
}

/** A job's tags and BullMQ priority. */
export interface FairTag {
  readonly start: number;
  readonly finish: number;
  readonly priority: number;
  /** True when this call moved the base: re-prioritise the waiting jobs. */
  readonly rebased: boolean;
  readonly base: number;
}

/** The fair-queuing state of one organisation's queue. */
export class FairClock {
  readonly #redis: Redis & FairCommands;
  readonly #keys: { readonly v: string; readonly tags: string; readonly weights: string; readonly base: string; readonly tag: string };

  constructor(redis: Redis, prefix: string, queue: string) {
    const root = `${prefix}:${queue}:wfq`;
    this.#keys = { v: `${root}:v`, tags: `${root}:finish`, weights: `${root}:weights`, base: `${root}:base`, tag: `${root}:tag:` };
    if (!('pcoFairTag' in redis)) {
      redis.defineCommand('pcoFairTag', { numberOfKeys: 5, lua: TAG_SCRIPT });
      redis.defineCommand('pcoFairAdvance', { numberOfKeys: 1, lua: ADVANCE_SCRIPT });
    }
    this.#redis = redis as Redis & FairCommands;
  }

  /** The tag of `jobId` (made on first request, the same for every later one). */
  async tag(jobId: string, backlogId: string, weight: number, ttlMs: number): Promise<FairTag> {
    const k = this.#keys;
    const cost = Math.max(1, Math.round(COST_UNIT / weight));
    const [start, finish, base, rebased] = await this.#redis.pcoFairTag(k.v, k.tags, k.weights, k.base, k.tag + jobId, backlogId, cost, weight, Math.max(1, Math.round(ttlMs)), REBASE_AT);
    return { start, finish, base, rebased: rebased === 1, priority: priorityOf(finish, base) };
  }

  /** A job with start tag `start` began: the virtual time moves up to it. */
  async advance(start: number): Promise<void> {
    await this.#redis.pcoFairAdvance(this.#keys.v, start);
  }

  /** The finish tag and weight of every backlog, and the current base. */
  async state(): Promise<{ readonly v: number; readonly base: number; readonly backlogs: Record<string, { finish: number; weight: number }> }> {
    const k = this.#keys;
    const [v, base, finish, weights] = await Promise.all([this.#redis.get(k.v), this.#redis.get(k.base), this.#redis.hgetall(k.tags), this.#redis.hgetall(k.weights)]);
    const backlogs: Record<string, { finish: number; weight: number }> = {};
    for (const [id, f] of Object.entries(finish)) backlogs[id] = { finish: Number(f), weight: Number(weights[id] ?? 1) };
    return { v: Number(v ?? 0), base: Number(base ?? 0), backlogs };
  }

  /** The tag stored for `jobId`, if any (for re-prioritising after a rebase). */
  async storedFinish(jobId: string): Promise<number | undefined> {
    const text = await this.#redis.get(this.#keys.tag + jobId);
    const finish = text?.split(' ')[1];
    return finish === undefined ? undefined : Number(finish);
  }
}

/** BullMQ priority of a finish tag on `base`: 1..MAX_PRIORITY. */
export function priorityOf(finish: number, base: number): number {
  return Math.min(MAX_PRIORITY, Math.max(1, 1 + finish - base));
}
