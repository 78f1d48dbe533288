/**
 * Redis restarted in the middle of a run (a private server without persistence: everything in it
 * is lost): the processes pause while it is down, then continue; every task is done once, with
 * one agent run, and both journals hold every result.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeCodegen, type FakeCodegen } from '@pco/testkit/codegen';
import { createAcceleratedTime } from '@pco/testkit/clock';
import { redisForTests, sleep, startRedisServer, type PrivateRedis } from '@pco/testkit/helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duplicatesOf, layeredBacklog } from './test-support/fixtures.js';
import { nodeConfig, startNode, type NodeConfig, type ScaleOutNode } from './test-support/scale-out-node.js';

// The shared Redis only tells whether Redis tests run here; this suite starts its own server.
const shared = await redisForTests();
const SPEED = 100;
const RUN_MS = 120_000;

describe.skipIf(!shared.available)('Redis restarted mid-run', () => {
  let fake: FakeCodegen;
  let server: PrivateRedis;
  let dir: string;
  const origin = Date.now();
  const nodes: ScaleOutNode[] = [];

  beforeAll(async () => {
    const time = createAcceleratedTime({ speed: SPEED, origin });
    fake = await startFakeCodegen({ now: time.clock.now, script: () => ({ durationMs: RUN_MS }) });
    server = await startRedisServer();
    dir = mkdtempSync(join(tmpdir(), 'pco-scale-out-restart-'));
  });
  afterAll(async () => {
    for (const node of nodes) await node.close();
    await server?.stop();
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pauses while Redis is down, then continues: nothing lost, nothing duplicated', async () => {
    const tasks = layeredBacklog(40);
    const shared = { redisUrl: server.url, prefix: 'pco', fake, dir, speed: SPEED, origin };
    const node = (name: string): NodeConfig =>
      // reconcileIntervalMs: 500 ms of real time at SPEED.
      nodeConfig(shared, { name, backlogId: 'acme/app', tasks, lockDurationMs: 3_000, stalledIntervalMs: 1_000, reconcileIntervalMs: 50_000 });
    nodes.push(await startNode(node('a')), await startNode(node('b')));
    // Down once a third of the runs exist, for a second and a half; back up empty.
    while (fake.created.length < 14) await sleep(20);
    await server.kill();
    const createdWhileDown = fake.created.length;
    await sleep(1_500);
    const createdAfterOutage = fake.created.length;
    await server.start();
    const [a, b] = await Promise.all(nodes.map((n) => n.run));

    const { duplicates, perTask } = duplicatesOf(fake);
    console.info(
      `Redis restart: ${createdWhileDown} runs before the outage, ${createdAfterOutage - createdWhileDown} created while down, ` +
        `${fake.created.length} runs for ${tasks.length} tasks, ${duplicates.length} duplicates, ${fake.stats().rateLimited} × 429, ` +
        `${a!.counts.done} / ${b!.counts.done} done`,
    );
    expect(a!.counts.done).toBe(40);
    expect(b!.counts.done).toBe(40);
    expect(duplicates).toEqual([]);
    expect([...perTask.values()].every((n) => n === 1)).toBe(true);
    expect(fake.created).toHaveLength(40);
    const runOf = new Map(a!.results.map((r) => [r.id, r.runId]));
    for (const r of b!.results) expect(r.runId).toBe(runOf.get(r.id));
  }, 120_000);
});
