/**
 * Two backlogs (weights 1 and 2) in two pco processes on one organisation with a cap of 10:
 * each is a whole node (orchestrator, DistributedExecutor, WorkerHost, Codegen client, journal,
 * own Redis connections), in one OS process to keep the suite light.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeCodegen, type FakeCodegen } from '@pco/testkit/codegen';
import { createAcceleratedTime } from '@pco/testkit/clock';
import { redisForTests } from '@pco/testkit/helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duplicatesOf, flatBacklog, maxLive } from './test-support/fixtures.js';
import { nodeConfig, startNode, type NodeConfig, type ScaleOutNode } from './test-support/scale-out-node.js';

const redis = await redisForTests();
const SPEED = 100;
const RUN_MS = 60_000;

describe.skipIf(!redis.available)('two backlogs share one organisation by weight', () => {
  let fake: FakeCodegen;
  let dir: string;
  const origin = Date.now();
  const nodes: ScaleOutNode[] = [];

  beforeAll(async () => {
    const time = createAcceleratedTime({ speed: SPEED, origin });
    fake = await startFakeCodegen({ now: time.clock.now, script: () => ({ durationMs: RUN_MS }) });
    dir = mkdtempSync(join(tmpdir(), 'pco-scale-out-fair-'));
  });
  afterAll(async () => {
    for (const node of nodes) await node.close();
    await fake?.close();
    await redis.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('never more than 10 live, no 429, shares within 20 % of the weights while both have work', async () => {
    const shared = { redisUrl: redis.url, prefix: redis.prefix, fake, dir, speed: SPEED, origin };
    const node = (name: string, backlogId: string, weight: number): NodeConfig =>
      nodeConfig(shared, { name, backlogId, weight, tasks: flatBacklog(60, `${name}-`), lockDurationMs: 5_000, stalledIntervalMs: 2_000 });
    nodes.push(await startNode(node('a', 'team-a/app', 1)), await startNode(node('b', 'team-b/api', 2)));
    const [a, b] = await Promise.all(nodes.map((n) => n.run));
    expect(a!.counts.done).toBe(60);
    expect(b!.counts.done).toBe(60);

    // Starts (creations at the fake) while both backlogs still had tasks not started.
    const created = [...fake.created].sort((x, y) => x.at - y.at);
    const backlogOf = (run: (typeof created)[number]) => String(run.metadata?.pco_run_id);
    const lastStart = (id: string) => Math.max(...created.filter((run) => backlogOf(run) === id).map((run) => run.at));
    const firstStart = (id: string) => Math.min(...created.filter((run) => backlogOf(run) === id).map((run) => run.at));
    const from = Math.max(firstStart('team-a/app'), firstStart('team-b/api'));
    const until = Math.min(lastStart('team-a/app'), lastStart('team-b/api'));
    const window = created.filter((run) => run.at >= from && run.at <= until);
    const startsA = window.filter((run) => backlogOf(run) === 'team-a/app').length;
    const startsB = window.length - startsA;
    const shareA = startsA / window.length;
    const shareB = startsB / window.length;
    const live = maxLive(created, RUN_MS);
    console.info(`fairness: weights 1:2, ${window.length} starts while both had work, A ${startsA} (${(shareA * 100).toFixed(1)} %), B ${startsB} (${(shareB * 100).toFixed(1)} %), max live ${live}, ${fake.stats().rateLimited} × 429`);

    expect(window.length).toBeGreaterThanOrEqual(60);
    expect(Math.abs(shareA / (1 / 3) - 1)).toBeLessThanOrEqual(0.2);
    expect(Math.abs(shareB / (2 / 3) - 1)).toBeLessThanOrEqual(0.2);
    expect(live).toBeLessThanOrEqual(10);
    expect(fake.stats().rateLimited).toBe(0);
    expect(duplicatesOf(fake).duplicates).toEqual([]);
  }, 120_000);
});
