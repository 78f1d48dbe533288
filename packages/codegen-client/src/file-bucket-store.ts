/**
 * A {@link BucketStore} kept in a JSON file, so a process that restarts (a crash, a kill, a
 * resumed run) starts from the budget the server still counts instead of a full one.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidOptionsError } from '@pco/contract';
import * as v from 'valibot';
import { bucketOf, type BucketLog, type BucketLogState } from './bucket-log.js';
import { BucketStoreIOError } from './errors.js';
import type { BucketStore, BucketTake, BucketUsage } from './rate-limiter.js';

/** Options of {@link FileBucketStore}. */
export interface FileBucketStoreOptions {
  /** The budget file (created with its folder on the first write). */
  readonly path: string;
  /**
   * How long after it was taken a slot of an earlier process, whose response never came (the
   * process died with the request in flight), still counts as in flight: the server counted the
   * request by then at the latest. It then counts for one more window, like any released slot.
   * Also bounds slots of this process that are never released.
   * @default 30000 (the client's default request timeout: an answer not in by then was abandoned)
   */
  readonly staleAfterMs?: number;
  /**
   * Called when the file cannot be read or written (disk full, permissions). With it the store
   * goes on in memory: this process keeps its budget, only a restart after the failure may meet
   * 429s. Without it the failure rejects the call that needed the file (a `BucketStoreIOError`).
   * @default undefined (reject)
   */
  readonly onError?: (error: BucketStoreIOError) => void;
}

const FILE_VERSION = 1;
const time = v.pipe(v.number(), v.finite());
const fileSchema = v.object({
  version: v.literal(FILE_VERSION),
  buckets: v.record(
    v.string(),
    v.object({
      windowMs: v.pipe(time, v.minValue(0)),
      blockedUntil: time,
      slots: v.array(v.tuple([time, v.nullable(time)])),
    }),
  ),
});

/**
 * A {@link BucketStore} that keeps every bucket in one JSON file, rewritten (temporary file, then
 * rename) after each change. A slot is in the file before `take` resolves, that is before its
 * request is sent, so a process killed at any moment leaves every request the server counted on
 * disk; the next process on the same file waits for them. Keys are whatever the limiter uses
 * (the client's: a hash of the token and the endpoint), never a token. Times are epoch ms, as
 * the limiter passes them.
 *
 * One process at a time per file (pco's journal lock guarantees it): each process writes what it
 * knows, so two at once would overwrite each other's slots. A file that is not valid is ignored
 * (the worst outcome is a 429, which the client retries) and replaced by the next write. Writes
 * are not fsynced: the file serves a restart within one window (at most a minute), which a
 * killed process gets (the kernel keeps its writes) and a machine that lost power does not need.
 *
 * @example
 * const client = new CodegenClient({ token, orgId, limits: { store: new FileBucketStore({ path: '.pco/budget.json' }) } });
 */
export class FileBucketStore implements BucketStore {
  /** The budget file. */
  readonly path: string;
  private readonly staleAfterMs: number;
  private readonly onError: ((error: BucketStoreIOError) => void) | undefined;
  private readonly buckets = new Map<string, BucketLog>();
  private readonly tmpPath: string;
  private loaded: Promise<void> | undefined;
  /** What an earlier process left, until this process's first call adopts it. */
  private restored: Record<string, BucketLogState> | undefined;
  private latest = 0;
  private nextId = 1;
  private queued: Promise<void> | undefined;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(options: FileBucketStoreOptions) {
    if (typeof options?.path !== 'string' || options.path === '') {
      throw new InvalidOptionsError('FileBucketStore', 'path', 'expected a non-empty string', options?.path);
    }
    this.path = options.path;
    this.staleAfterMs = options.staleAfterMs ?? 30_000;
    if (!(this.staleAfterMs >= 0)) throw new InvalidOptionsError('FileBucketStore', 'staleAfterMs', 'expected a number ≥ 0', this.staleAfterMs);
    this.tmpPath = `${this.path}.${process.pid}.tmp`;
    this.onError = options.onError;
  }

  /** A file failure: reported and survived with `onError`, else thrown. */
  private failed(error: BucketStoreIOError): void {
    if (!this.onError) throw error;
    try {
      this.onError(error);
    } catch {
      // The listener's failure is not the store's.
    }
  }

  async take(key: string, limit: number, windowMs: number, now: number): Promise<BucketTake> {
    await this.load(now);
    const taken = this.bucket(key).take(String(this.nextId), limit, windowMs, now);
    if (!('slot' in taken)) return taken;
    this.nextId += 1;
    // The server counts the request once sent: the slot must be on disk first.
    await this.persist();
    return taken;
  }

  async release(key: string, slot: string, at: number): Promise<void> {
    await this.load(at);
    if (this.buckets.get(key)?.release(slot, at)) await this.persist();
  }

  async block(key: string, until: number): Promise<void> {
    await this.load(undefined);
    this.bucket(key).block(until);
    await this.persist();
  }

  /** What of `key` still counts at `now` (read-only; see `BucketStore.inspect`). */
  inspect(key: string, now: number): BucketUsage | undefined {
    return this.buckets.get(key)?.toState(now);
  }

  /** Waits for the writes under way (e.g. before the process exits). */
  async flush(): Promise<void> {
    await (this.queued ?? this.writing);
  }

  private bucket(key: string): BucketLog {
    return bucketOf(this.buckets, key, this.staleAfterMs);
  }

  /** Reads the file once, then adopts what it held at this call's time `now`. */
  private async load(now: number | undefined): Promise<void> {
    this.loaded ??= (async () => {
      let text: string;
      try {
        text = await readFile(this.path, 'utf8');
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return; // nothing there yet
        this.failed(new BucketStoreIOError(this.path, 'read', error));
        return;
      }
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        return;
      }
      const parsed = v.safeParse(fileSchema, data);
      if (parsed.success) this.restored = parsed.output.buckets;
    })();
    // A load that failed is tried again by the next call rather than failing it for good.
    await this.loaded.catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    if (now !== undefined) this.latest = Math.max(this.latest, now);
    if (this.restored) {
      // Times later than this process's first (the clock went back) count as that time; a
      // `block` first (never in practice: a 429 follows a take) has no time to compare.
      const first = now ?? Infinity;
      for (const [key, state] of Object.entries(this.restored)) this.bucket(key).restore(state, this.staleAfterMs, first);
      this.restored = undefined;
    }
  }

  /** The file as it should be now: every bucket that still counts (the others are dropped). */
  private snapshot(): string {
    const buckets: Record<string, BucketLogState> = {};
    for (const [key, bucket] of this.buckets) {
      const state = bucket.toState(this.latest);
      if (state) buckets[key] = state;
      else this.buckets.delete(key);
    }
    return JSON.stringify({ version: FILE_VERSION, buckets });
  }

  /**
   * Writes the current state. At most one write runs and one waits; the waiting one writes the
   * state as it is when it starts, so every change is covered by a write that began after it.
   */
  private persist(): Promise<void> {
    if (this.queued) return this.queued;
    const queued = this.writing.then(async () => {
      this.queued = undefined;
      const text = this.snapshot();
      try {
        await mkdir(dirname(this.path), { recursive: true });
        await writeFile(this.tmpPath, text);
        await rename(this.tmpPath, this.path);
      } catch (error) {
        await rm(this.tmpPath, { force: true }).catch(() => undefined);
        this.failed(new BucketStoreIOError(this.path, 'write', error));
      }
    });
    this.queued = queued;
    this.writing = queued.catch(() => undefined);
    return queued;
  }
}
