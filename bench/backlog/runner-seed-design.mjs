/**
 * `seed-design`: the design pco was started from, reproduced from issue 15's description of it
 * (no code of it is kept in this repository):
 *  - load: the open issues over REST (100 a page) plus each issue's blocked-by and sub-issue
 *    lists (two GETs an issue); prose and `depends:` labels by regex;
 *  - a wave loop: gather every ready task (all dependencies done), run the wave under a
 *    semaphore of N = 10 (`asyncio.gather` style) and wait for the whole wave before the next;
 *  - per task: create the agent run, then one status GET every 2 s (API time) until it ends;
 *    a 429 or 5xx is retried after 2^n s (n = 1, 2, …, capped at 64 s); no client-side rate
 *    limiter, no shared poller;
 *  - on the outcome: the result comment and the `status:done` / `status:failed` label, written
 *    by the task itself before it frees its slot. A failed task's dependents never become ready.
 */
import { codegenClient, finish, loadIssuesRest, restClient, runnerConfig, scaled, sleep, TERMINAL, writeBack } from './runner-common.mjs';

const config = runnerConfig();
const gh = restClient(config);
const cg = codegenClient(config);
const repo = config.github.repo;
const retryWait = (n) => scaled(config, Math.min(64, 2 ** n) * 1000);

const issues = await loadIssuesRest(gh, repo);
const state = new Map([...issues.keys()].map((n) => [n, 'pending']));
const done = {};
const failed = {};
const events = { retries: 0, waves: 0 };

async function withRetry(call) {
  for (let n = 1; ; n++) {
    const res = await call();
    if (res.status < 300) return res;
    if (res.status !== 429 && res.status < 500) return res;
    events.retries++;
    await sleep(retryWait(n));
  }
}

async function runTask(number) {
  state.set(number, 'running');
  const created = await withRetry(() => cg.create(number));
  if (created.status >= 300) {
    state.set(number, 'failed');
    failed[number] = Date.now();
    return;
  }
  const id = created.json.id;
  let run;
  for (;;) {
    await sleep(scaled(config, 2000));
    const res = await withRetry(() => cg.get(id));
    if (res.status >= 300) continue;
    run = res.json;
    if (TERMINAL.has(run.status)) break;
  }
  const ok = run.status === 'COMPLETE';
  if (ok) done[number] = Date.now();
  else failed[number] = Date.now();
  state.set(number, ok ? 'done' : 'failed');
  await writeBack(gh, repo, number, ok ? 'done' : 'failed', run.result ?? run.status);
}

async function semaphoreGather(items, limit, fn) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      while (queue.length > 0) await fn(queue.shift());
    }),
  );
}

for (;;) {
  const ready = [...issues.values()]
    .filter((i) => state.get(i.number) === 'pending' && [...i.deps].every((d) => state.get(d) === 'done' || !issues.has(d)))
    .map((i) => i.number);
  if (ready.length === 0) break;
  events.waves++;
  await semaphoreGather(ready, config.concurrency, runTask);
}
finish({ runner: 'seed-design', done, failed, events });
