import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAcceleratedTime } from '@pco/testkit/clock';
import { startFakeCodegen, type FakeCodegen } from '@pco/testkit/codegen';
import { rejectionOf } from '@pco/testkit/helpers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodegenClient } from './codegen-client.js';
import { BucketStoreIOError } from './errors.js';
import { FileBucketStore } from './file-bucket-store.js';

let dir: string;
let file: string;
const fakes: FakeCodegen[] = [];
/** Every store a test makes: their writes are waited for before the folder goes. */
const stores: FileBucketStore[] = [];
class TrackedStore extends FileBucketStore {
  constructor(options: ConstructorParameters<typeof FileBucketStore>[0]) {
    super(options);
    stores.push(this);
  }
}
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pco-budget-'));
  file = join(dir, 'run', 'journal.jsonl.budget.json');
});
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(stores.splice(0).map((store) => store.flush().catch(() => undefined)));
  await rm(dir, { recursive: true, force: true });
});

async function onDisk(): Promise<{ buckets: Record<string, { blockedUntil: number; slots: [number, number | null][] }> }> {
  return JSON.parse(await readFile(file, 'utf8'));
}

describe('FileBucketStore', () => {
  it('has a taken slot on disk before take resolves, and its release soon after', async () => {
    const store = new TrackedStore({ path: file });
    const taken = await store.take('k', 5, 1000, 10_000);
    expect(taken).toEqual({ slot: '1' });
    // A process killed now (before sending) still left the slot for the next one.
    expect((await onDisk()).buckets['k']).toEqual({ windowMs: 1000, blockedUntil: 0, slots: [[10_000, null]] });
    await store.release('k', '1', 10_050);
    expect((await onDisk()).buckets['k']?.slots).toEqual([[10_000, 10_050]]);
    expect((await readdir(join(dir, 'run'))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('a restarted process counts what the dead one sent: released slots for a window, in-flight ones until stale + window', async () => {
    const first = new TrackedStore({ path: file, staleAfterMs: 500 });
    await first.take('k', 2, 1000, 10_000);
    await first.take('k', 2, 1000, 10_010);
    await first.release('k', '1', 10_100); // answered; slot 2 was in flight when "killed"

    const second = new TrackedStore({ path: file, staleAfterMs: 500 });
    // Full: slot 1 frees a window after its response.
    expect(await second.take('k', 2, 1000, 10_200)).toEqual({ waitMs: 10_100 + 1000 - 10_200 });
    const one = await second.take('k', 2, 1000, 11_100);
    expect(one).toHaveProperty('slot');
    // Slot 2 never got an answer: it counts as released at taken + 500, then for a window.
    expect(await second.take('k', 2, 1000, 11_200)).toEqual({ waitMs: 10_010 + 500 + 1000 - 11_200 });
    expect(await second.take('k', 2, 1000, 11_510)).toHaveProperty('slot');
  });

  it('keeps a 429 block across a restart, and forgets what no longer counts', async () => {
    const first = new TrackedStore({ path: file });
    await first.take('a', 10, 100, 1000);
    await first.block('b', 5000);
    const second = new TrackedStore({ path: file });
    expect(await second.take('b', 10, 100, 2000)).toEqual({ waitMs: 3000 });
    expect(Object.keys((await onDisk()).buckets).sort()).toEqual(['a', 'b']);
    await second.take('b', 10, 100, 40_000);
    // `a` (released at 1000 + 30 s stale, window 100) and the block are over: only b's new slot is left.
    expect((await onDisk()).buckets).toEqual({ b: { windowMs: 100, blockedUntil: 0, slots: [[40_000, null]] } });
  });

  it('ignores a file that is not its format, and times from a clock that went back', async () => {
    await mkdir(join(dir, 'run'), { recursive: true });
    await writeFile(file, '{"version": 1, "buckets": {"k": {"windowMs": "soon"}}');
    expect(await new TrackedStore({ path: file }).take('k', 1, 100, 1000)).toEqual({ slot: '1' });
    // A slot stamped an hour ahead of this process's clock counts as taken now, not for an hour.
    await writeFile(file, JSON.stringify({ version: 1, buckets: { k: { windowMs: 100, blockedUntil: 0, slots: [[3_600_000, 3_600_010]] } } }));
    const store = new TrackedStore({ path: file });
    expect(await store.take('k', 1, 100, 1000)).toEqual({ waitMs: 100 });
    expect(await store.take('k', 1, 100, 1100)).toHaveProperty('slot');
  });

  it('throws a typed error naming the file when it cannot write', async () => {
    await writeFile(join(dir, 'run'), 'a file where the folder should be');
    const store = new TrackedStore({ path: file });
    const error = await rejectionOf(store.take('k', 1, 100, 0));
    expect(error).toBeInstanceOf(BucketStoreIOError);
    expect(error).toMatchObject({ code: 'CODEGEN_BUCKET_STORE_IO', path: file, operation: 'write' });
  });

  it('with onError, a file it cannot write or read is reported once per failure and the budget goes on in memory', async () => {
    await writeFile(join(dir, 'run'), 'a file where the folder should be');
    const errors: BucketStoreIOError[] = [];
    const store = new TrackedStore({ path: file, onError: (error) => errors.push(error) });
    expect(await store.take('k', 1, 100, 0)).toEqual({ slot: '1' });
    // Still enforced in memory: the second request in the window waits.
    expect(await store.take('k', 1, 100, 10)).toEqual({ waitMs: 100 });
    expect(errors.map((e) => e.operation)).toEqual(['write']);
    const unreadable = new TrackedStore({ path: join(dir, 'run', 'x', 'budget.json'), onError: (error) => errors.push(error) });
    expect(await unreadable.take('k', 1, 100, 0)).toHaveProperty('slot');
  });

  it('lets a client that restarts on the same file send no request the server refuses', async () => {
    const token = 'budget-secret-token-42';
    const time = createAcceleratedTime({ speed: 100 });
    const fake = await startFakeCodegen({ now: time.clock.now, tokens: [token] });
    fakes.push(fake);
    const client = () =>
      new CodegenClient({ token, orgId: fake.orgId, baseUrl: fake.url, clock: time.clock, timers: time.timers, limits: { store: new TrackedStore({ path: file }) } });
    // The first "process" uses the whole create budget (10 per 600 ms here), then is gone.
    const first = client();
    await Promise.all(Array.from({ length: 10 }, (_, i) => first.createRun({ prompt: `task ${i}` })));
    // The next one starts at once: without the file it would send into a full window.
    const second = client();
    await second.createRun({ prompt: 'task 10' });
    await second.getCurrentUser();
    expect(fake.created).toHaveLength(11);
    expect(fake.stats().rateLimited).toBe(0);

    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(token);
    expect(Object.keys((await onDisk()).buckets).sort()).toEqual([
      expect.stringMatching(/^codegen:[0-9a-f]{16}:createRun$/),
      expect.stringMatching(/^codegen:[0-9a-f]{16}:getCurrentUser$/),
    ]);
  });
});
