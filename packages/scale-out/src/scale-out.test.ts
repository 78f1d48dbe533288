import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeCodegen, type FakeCodegen } from '@pco/testkit/codegen';
import { createAcceleratedTime } from '@pco/testkit/clock';
import { redisForTests } from '@pco/testkit/helpers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { duplicatesOf, layeredBacklog, maxLive } from './test-support/fixtures.js';
import { nodeConfig, startNode, type NodeConfig, type ScaleOutNode } from './test-support/scale-out-node.js';

const redis = await redisForTests();
const SPEED = 100;
const RUN_MS = 120_000;

describe.skipIf(!redis.available)('scale-out in one process', () => {
  let fake: FakeCodegen;
  let dir: string;
  let origin: number;
  const nodes: ScaleOutNode[] = [];

  beforeAll(async () => {
    origin = Date.now();
    const time = createAcceleratedTime({ speed: SPEED, origin });
    fake = await startFakeCodegen({ now: time.clock.now, script: () => ({ durationMs: RUN_MS }) });
    dir = mkdtempSync(join(tmpdir(), 'pco-scale-out-'));
  });
  afterEach(async () => {
    for (const node of nodes.splice(0)) await node.close();
  });
  afterAll(async () => {
    await fake.close();
    await redis.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  function config(name: string, backlogId: string, tasks: NodeConfig['tasks'], prefix: string): NodeConfig {
    return nodeConfig(
      { redisUrl: redis.url, prefix, fake, dir, speed: SPEED, origin },
      { name, backlogId, tasks, journalPath: join(dir, `${prefix}-${name}.jsonl`), lockDurationMs: 5_000, stalledIntervalMs: 2_000 },
    );
  }

  it('two processes on one backlog: each task runs once, both journal every result', async () => {
    const tasks = layeredBacklog(30);
    const prefix = `${redis.prefix}-a`;
    const before = fake.created.length;
    const a = await startNode(config('a', 'acme/app', tasks, prefix));
    const b = await startNode(config('b', 'acme/app', tasks, prefix));
    nodes.push(a, b);
    const [sa, sb] = await Promise.all([a.run, b.run]);
    expect(sa.counts.done).toBe(30);
    expect(sb.counts.done).toBe(30);
    const created = fake.created.slice(before);
    if (created.length !== 30) console.log(a.retries, b.retries, a.errors.map(String), b.errors.map(String), JSON.stringify(sa.results.filter((r) => r.attempts > 1)));
    expect(created).toHaveLength(30);
    expect(duplicatesOf({ ...fake, created } as FakeCodegen).duplicates).toEqual([]);
    // Both processes hold the same run for each task.
    const runsA = new Map(sa.results.map((r) => [r.id, r.runId]));
    for (const r of sb.results) expect(r.runId).toBe(runsA.get(r.id));
    expect(maxLive(created, RUN_MS)).toBeLessThanOrEqual(10);
    expect(fake.stats().rateLimited).toBe(0);
  });
});
