/**
 * One bucket's sliding-window log, shared by the in-memory and the file-backed bucket stores
 * (internal: not exported from the package).
 */
import type { BucketTake } from './rate-limiter.js';

interface Slot {
  /** Undefined for a slot of an earlier process: nobody can release it any more. */
  readonly id: string | undefined;
  readonly takenAt: number;
  /** Release time; undefined while in flight. */
  endedAt: number | undefined;
}

/** A bucket as a file keeps it: epoch milliseconds throughout. */
export interface BucketLogState {
  /** The window the bucket was last used with (scaled, margin included). */
  readonly windowMs: number;
  /** 0 when not blocked. */
  readonly blockedUntil: number;
  /** `[takenAt, endedAt]`; `endedAt` is null while the request was in flight. */
  readonly slots: readonly (readonly [number, number | null])[];
}

/** The slots of one key that still count, and a block (after a 429). */
export class BucketLog {
  private slots: Slot[] = [];
  private blockedUntil = 0;
  private windowMs = 0;

  /** @param staleAfterMs a slot never released counts as released this long after it was taken */
  constructor(private readonly staleAfterMs: number) {}

  private end(slot: Slot): number {
    return slot.endedAt ?? slot.takenAt + this.staleAfterMs;
  }

  /** Takes slot `id` at `now` when the window allows it; see `BucketStore.take`. */
  take(id: string, limit: number, windowMs: number, now: number): BucketTake {
    this.windowMs = windowMs;
    if (this.blockedUntil > now) return { waitMs: this.blockedUntil - now };
    this.slots = this.slots.filter((slot) => this.end(slot) + windowMs > now);
    if (this.slots.length >= limit) {
      const frees = Math.min(...this.slots.map((slot) => (slot.endedAt === undefined ? Infinity : slot.endedAt + windowMs)));
      // All in flight: ask again after a window at most (a release in this process wakes sooner).
      return { waitMs: Number.isFinite(frees) ? Math.max(1, frees - now) : windowMs };
    }
    this.slots.push({ id, takenAt: now, endedAt: undefined });
    return { slot: id };
  }

  /** Ends slot `id` at `at`; false when it is unknown or already ended. */
  release(id: string, at: number): boolean {
    const found = this.slots.find((slot) => slot.id === id);
    if (!found || found.endedAt !== undefined) return false;
    found.endedAt = at;
    return true;
  }

  block(until: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, until);
  }

  /** What still counts at `now`, or undefined when nothing does (the bucket need not be kept). */
  toState(now: number): BucketLogState | undefined {
    const slots = this.slots
      .filter((slot) => this.end(slot) + this.windowMs > now)
      .map((slot) => [slot.takenAt, slot.endedAt ?? null] as const);
    const blockedUntil = this.blockedUntil > now ? this.blockedUntil : 0;
    return slots.length > 0 || blockedUntil > 0 ? { windowMs: this.windowMs, blockedUntil, slots } : undefined;
  }

  /**
   * Adds what an earlier process left. Its holder is gone, so a slot it had in flight is never
   * released: it counts as released `inFlightMs` after it was taken (the server counted the
   * request at the latest by then). Times after `now` (the clock went back) count as `now`.
   */
  restore(state: BucketLogState, inFlightMs: number, now: number): void {
    if (this.windowMs === 0) this.windowMs = state.windowMs;
    for (const [taken, ended] of state.slots) {
      const takenAt = Math.min(taken, now);
      this.slots.push({ id: undefined, takenAt, endedAt: ended === null ? takenAt + inFlightMs : Math.min(ended, now) });
    }
    this.block(state.blockedUntil);
  }
}

/** The bucket of `key` in `buckets`, made (empty) on first use: one per endpoint key. */
export function bucketOf(buckets: Map<string, BucketLog>, key: string, staleAfterMs: number): BucketLog {
  let bucket = buckets.get(key);
  if (!bucket) {
    bucket = new BucketLog(staleAfterMs);
    buckets.set(key, bucket);
  }
  return bucket;
}
