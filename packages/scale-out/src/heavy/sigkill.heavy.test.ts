/**
 * The SIGKILL suite of the scale-out mode: three child processes on one 100-task backlog (each
 * its own FileJournal, all on one Redis and one fake Codegen), 20 SIGKILLs of random processes,
 * each restarted at once (it resumes its journal). Everything is checked on the fake's records:
 * one run per task, never more than 10 live, no 429. Heavy group: runs alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom, startFakeCodegen, type FakeCodegen } from '@pco/testkit/codegen';
import { createAcceleratedTime } from '@pco/testkit/clock';
import { redisForTests, sleep } from '@pco/testkit/helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duplicatesOf, layeredBacklog, maxLive } from '../test-support/fixtures.js';
import { nodeConfig, type NodeConfig } from '../test-support/scale-out-node.js';

const redis = await redisForTests();
const CHILD = fileURLToPath(new URL('../test-support/scale-out-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SPEED = 100;
const RUN_MS = 120_000;
const KILLS = 20;
const SEED = 17;

interface Life {
  readonly name: string;
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function spawnNode(config: NodeConfig): { readonly child: ChildProcess; readonly exit: Promise<Life> } {
  const child = spawn(process.execPath, ['--conditions=@pco/source', '--import', 'tsx', CHILD], {
    cwd: REPO_ROOT,
    env: { ...process.env, PCO_SCALE_OUT_NODE: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<Life>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ name: config.name, code, signal, stdout, stderr }));
  });
  return { child, exit };
}

describe.skipIf(!redis.available)('scale-out: 3 processes, 100 tasks, 20 SIGKILLs', () => {
  let fake: FakeCodegen;
  let dir: string;
  const origin = Date.now();

  beforeAll(async () => {
    const time = createAcceleratedTime({ speed: SPEED, origin });
    fake = await startFakeCodegen({ now: time.clock.now, script: () => ({ durationMs: RUN_MS }) });
    dir = mkdtempSync(join(tmpdir(), 'pco-scale-out-kill-'));
  });
  afterAll(async () => {
    await fake?.close();
    await redis.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every task done exactly once, no duplicate run, no lost result, ≤ 10 live, no 429', async () => {
    const tasks = layeredBacklog(100);
    const random = seededRandom(SEED);
    const shared = { redisUrl: redis.url, prefix: redis.prefix, fake, dir, speed: SPEED, origin };
    const config = (name: string): NodeConfig =>
      nodeConfig(shared, { name, backlogId: 'acme/app', tasks, lockDurationMs: 2_000, stalledIntervalMs: 1_000, reconcileIntervalMs: 100_000 });
    const names = ['p1', 'p2', 'p3'];
    const current = new Map(names.map((name) => [name, spawnNode(config(name))]));
    const lives: Life[] = [];
    // 20 kills of random processes, each restarted at once (it resumes its journal).
    for (let kill = 0; kill < KILLS; kill++) {
      await sleep(300 + Math.floor(random() * 700));
      const name = names[Math.floor(random() * names.length)]!;
      const running = current.get(name)!;
      running.child.kill('SIGKILL');
      lives.push(await running.exit);
      current.set(name, spawnNode(config(name)));
    }
    const finals = await Promise.all([...current.values()].map((node) => node.exit));
    lives.push(...finals);

    const kills = lives.filter((life) => life.signal === 'SIGKILL').length;
    const finished = finals.map((life) => {
      expect(life.code, `${life.name}: ${life.stderr.slice(-2000)}`).toBe(0);
      return JSON.parse(life.stdout.trim().split('\n').at(-1)!) as { counts: { done: number }; results: { id: string; state: string; runId: number }[] };
    });
    // 0 lost results: every process that finished has every task done, with the same run.
    const runOf = new Map<string, number>();
    for (const summary of finished) {
      expect(summary.counts.done).toBe(100);
      for (const result of summary.results) {
        expect(result.state).toBe('done');
        if (runOf.has(result.id)) expect(result.runId).toBe(runOf.get(result.id));
        else runOf.set(result.id, result.runId);
      }
    }
    // The fake's own records: one run per task, none twice, never more than 10 live, no 429.
    const { duplicates, perTask } = duplicatesOf(fake);
    const live = maxLive(fake.created, RUN_MS);
    const stats = fake.stats();
    console.info(
      `scale-out SIGKILL suite (seed ${SEED}): ${kills} SIGKILLs, ${lives.length} processes, ${fake.created.length} runs for ${tasks.length} tasks, ` +
        `${duplicates.length} duplicates, max live ${live}, ${stats.rateLimited} × 429, ${stats.total} requests`,
    );
    expect(kills).toBe(KILLS);
    expect(duplicates).toEqual([]);
    expect(fake.created).toHaveLength(100);
    expect([...perTask.values()].every((n) => n === 1)).toBe(true);
    expect(live).toBeLessThanOrEqual(10);
    expect(stats.rateLimited).toBe(0);
  }, 240_000);
});
