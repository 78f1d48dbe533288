// The scale-out bench (issue 17): dispatch latency (a task ready → its create request at the fake
// Codegen) p50 / p95, embedded mode vs the scale-out mode on a loopback Redis, in one run, and
// Redis commands per task (INFO commandstats before and after, on a private redis-server so no
// other client is counted). Real time; the fake's runs last RUN_MS; the limits are lifted (enforce
// off, client budget large but still taken from the Redis store in scale-out mode) so the
// latency is dispatch alone, not waiting for budget. Every ready task has a free slot (a layered
// DAG 5 wide, cap 10).
//
//   node bench/scale-out/bench.mjs            # TASKS=100 REPS=3 RUN_MS=200
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodegenClient, CodegenExecutor, RunWatcher } from '@pco/codegen-client';
import { FileJournal, Orchestrator } from '@pco/core';
import { DistributedExecutor, RedisBucketStore, WorkerHost } from '@pco/scale-out';
import { startFakeCodegen } from '@pco/testkit/codegen';
import { startRedisServer } from '@pco/testkit/helpers';
import { Redis } from 'ioredis';

const TASKS = Number(process.env.TASKS ?? 100);
const REPS = Number(process.env.REPS ?? 3);
const RUN_MS = Number(process.env.RUN_MS ?? 200);
const WIDTH = 5;

function backlog(prefix) {
  return Array.from({ length: TASKS }, (_, i) => {
    const layer = Math.floor(i / WIDTH);
    return { id: `${prefix}${i}`, title: `Task ${i}`, dependencies: layer === 0 ? [] : [`${prefix}${(layer - 1) * WIDTH + (i % WIDTH)}`] };
  });
}

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Calls per command so far (INFO commandstats). */
async function commandStats(url) {
  const redis = new Redis(url);
  const info = await redis.info('commandstats');
  redis.disconnect();
  const stats = new Map();
  for (const match of info.matchAll(/cmdstat_([\w|]+):calls=(\d+)/g)) stats.set(match[1], Number(match[2]));
  return stats;
}

async function oneRun(mode, fake, redisUrl, dir, rep) {
  const prefix = `${mode}${rep}-`;
  const tasks = backlog(prefix);
  const big = { limit: 100_000, windowMs: 60_000 };
  const limits = { limits: { createRun: big, getRun: big, listRuns: big, getCurrentUser: big } };
  const store = mode === 'scale-out' ? new RedisBucketStore({ redis: { url: redisUrl } }) : undefined;
  const client = new CodegenClient({ token: fake.token, orgId: fake.orgId, baseUrl: fake.url, limits: store ? { ...limits, store } : limits });
  const watcher = new RunWatcher(client, { minIntervalMs: 50, maxIntervalMs: 200 });
  const codegen = new CodegenExecutor({ client, watcher });
  let host;
  let executor = codegen;
  if (mode === 'scale-out') {
    host = new WorkerHost({ redis: { url: redisUrl }, orgId: fake.orgId, executor: codegen, agentCap: 10 });
    await host.start();
    executor = new DistributedExecutor({ redis: { url: redisUrl }, orgId: fake.orgId, backlogId: `bench-${rep}` });
  }
  const journal = await FileJournal.open({ path: join(dir, `${prefix}journal.jsonl`), fingerprint: prefix });
  const orchestrator = new Orchestrator({
    source: { load: async () => tasks },
    executor,
    journal,
    concurrency: mode === 'scale-out' ? 1000 : 10,
    pool: { maxConcurrency: 1000 },
    runId: prefix,
  });
  const ready = new Map();
  orchestrator.on('task:ready', (event) => {
    if (!ready.has(event.taskId)) ready.set(event.taskId, Date.now());
  });
  const before = fake.created.length;
  const started = Date.now();
  const summary = await orchestrator.run();
  const wallMs = Date.now() - started;
  await host?.close();
  await executor.close?.();
  watcher.close();
  codegen.close();
  await store?.close();
  await journal.close();
  if (summary.counts.done !== TASKS) throw new Error(`${mode}: ${summary.counts.done} of ${TASKS} done`);
  const latencies = fake.created.slice(before).map((run) => run.at - ready.get(String(run.metadata.pco_task_id)));
  return { latencies, wallMs };
}

const server = await startRedisServer();
const fake = await startFakeCodegen({ script: () => ({ durationMs: RUN_MS }), rateLimits: { enforce: false } });
const dir = mkdtempSync(join(tmpdir(), 'pco-bench-scale-out-'));
try {
  const results = { embedded: { latencies: [], wallMs: [] }, 'scale-out': { latencies: [], wallMs: [] } };
  const perCommand = new Map();
  for (let rep = 0; rep < REPS; rep++) {
    for (const mode of ['embedded', 'scale-out']) {
      const before = mode === 'scale-out' ? await commandStats(server.url) : undefined;
      const { latencies, wallMs } = await oneRun(mode, fake, server.url, dir, rep);
      if (before) {
        for (const [command, calls] of await commandStats(server.url)) perCommand.set(command, (perCommand.get(command) ?? 0) + calls - (before.get(command) ?? 0));
        // The INFO call itself.
        perCommand.set('info', (perCommand.get('info') ?? 0) - 1);
      }
      results[mode].latencies.push(...latencies);
      results[mode].wallMs.push(wallMs);
    }
  }
  const row = (mode) => {
    const { latencies, wallMs } = results[mode];
    return `| ${mode} | ${latencies.length} | ${quantile(latencies, 0.5)} | ${quantile(latencies, 0.95)} | ${Math.max(...latencies)} | ${quantile(wallMs, 0.5)} |`;
  };
  const p95 = (mode) => quantile(results[mode].latencies, 0.95);
  console.log(`Scale-out bench: ${TASKS} tasks (layered, ${WIDTH} wide, cap 10), runs of ${RUN_MS} ms, ${REPS} reps per mode, Redis ${server.url} (private, loopback)\n`);
  console.log('| mode | tasks | ready → create p50 ms | p95 ms | max ms | wall ms (median) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(row('embedded'));
  console.log(row('scale-out'));
  console.log(`\np95 ratio scale-out / embedded: ${(p95('scale-out') / Math.max(1, p95('embedded'))).toFixed(2)} (${p95('scale-out') - p95('embedded')} ms more)`);
  const commands = [...perCommand.values()].reduce((a, b) => a + b, 0);
  const top = [...perCommand].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(`Redis commands per task (INFO commandstats delta, every client of the run): ${(commands / (TASKS * REPS)).toFixed(1)}`);
  console.log(`  by command, per task: ${top.map(([command, n]) => `${command} ${(n / (TASKS * REPS)).toFixed(1)}`).join(', ')}`);
} finally {
  await fake.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
