/**
 * Measures Bottleneck's clustered limiter on Redis ≥ 7 once its keys are gone (fact sheet
 * scale-out.md §2; SGrondin/bottleneck#205, #219): bottleneck 2.19.5 (what plugin-throttling
 * depends on) against @maselious/bottleneck 2.19.8 (2.19.5 plus the suffix match of the error),
 * which createGitHubClient({ cluster }) uses.
 *
 *   node packages/github-source/scripts/bottleneck-redis7.mjs [redis://127.0.0.1:6379]
 *
 * For each variant, a Group with a 1 s state TTL (plugin-throttling's `timeout`; its default is
 * 2 min) runs one job, then either idles for a given time or loses its keys (as on a Redis
 * restart without persistence), then runs one more job: "ok", or the error and how long until
 * the Group's clean-up (every TTL/2) dropped the limiter and a job worked again.
 * Uses its own key prefix and deletes its keys.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Redis } = require('ioredis');
const url = process.argv[2] ?? 'redis://127.0.0.1:6379';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const variants = ['bottleneck', '@maselious/bottleneck'];
const admin = new Redis(url);
const prefix = `pco-measure-${process.pid}`;

async function once(pkg, scenario) {
  const Bottleneck = require(pkg);
  const connection = new Bottleneck.IORedisConnection({ client: admin.duplicate() });
  const id = `${prefix}-${Math.random().toString(36).slice(2)}`;
  const group = new Bottleneck.Group({ id, maxConcurrent: 1, timeout: 1000, connection });
  const job = () => group.key('gh:someone').schedule(async () => 'ok').catch((error) => error.message);
  await job();
  if (scenario === 'keys-deleted') {
    const keys = await admin.keys(`b_${id}-*`);
    if (keys.length > 0) await admin.del(...keys);
  } else await sleep(scenario);
  const started = Date.now();
  const result = await job();
  let recoveredAfterMs;
  if (result !== 'ok') {
    while ((await job()) !== 'ok') await sleep(25);
    recoveredAfterMs = Date.now() - started;
  }
  await connection.disconnect(false);
  const keys = await admin.keys(`b_${id}-*`);
  if (keys.length > 0) await admin.del(...keys);
  return { bottleneck: `${pkg}@${Bottleneck.version}`, after: scenario === 'keys-deleted' ? 'keys deleted' : `${scenario} ms idle`, result, recoveredAfterMs };
}

const info = await admin.info('server');
console.log(`redis ${/redis_version:(\S+)/.exec(info)?.[1]}, node ${process.version}, ioredis ${require('ioredis/package.json').version}, state TTL 1000 ms`);
for (const pkg of variants) {
  for (const scenario of [900, 1050, 1200, 1350, 1600, 2500, 'keys-deleted']) console.log(JSON.stringify(await once(pkg, scenario)));
}
await admin.quit();
