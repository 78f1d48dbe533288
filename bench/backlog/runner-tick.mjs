/**
 * `tick`: the tracker-polling design of the Symphony family (openai/symphony's orchestrator:
 * a fixed poll interval, candidates fetched from the tracker every tick, blocked issues skipped
 * until their blockers are done, free slots filled in the tracker's order), reproduced from
 * issue 15's description of it, on GitHub and Codegen:
 *  - every 30 s of API time, one tick:
 *    1. poll the tracker: the open issues (REST, 100 a page, every tick); the native blocked-by
 *       and sub-issue lists of issues not seen before (two GETs each, then cached);
 *    2. poll the runs: one GET per running run; an ended run's result comment and
 *       `status:done` / `status:failed` label are written back in the tick;
 *    3. fill the free slots (N = 10) in issue-number order with open issues that carry no
 *       `status:` label and whose dependencies all carry `status:done`; a create refused (429,
 *       5xx) is tried again at the next tick;
 *  - it stops when nothing runs and nothing can start.
 */
import { codegenClient, finish, loadIssuesRest, restClient, runnerConfig, scaled, sleep, TERMINAL, writeBack } from './runner-common.mjs';

const config = runnerConfig();
const gh = restClient(config);
const cg = codegenClient(config);
const repo = config.github.repo;
const known = new Map();
const running = new Map(); // issue number → run id
const ended = new Map(); // issue number → 'done' | 'failed' (written back, or being written)
const done = {};
const failed = {};
const events = { ticks: 0, refusedCreates: 0, tickReads: 0, maxReadsPerTick: 0, maxRunsPerTick: 0 };

for (;;) {
  const tickStart = Date.now();
  events.ticks++;
  const issues = await loadIssuesRest(gh, repo, known);
  const labelState = (i) => i.labels.find((l) => l.startsWith('status:'))?.slice('status:'.length);

  // The Codegen reads of this tick: one GET per running run (metrics.mjs: reads per tick).
  events.tickReads += running.size;
  events.maxReadsPerTick = Math.max(events.maxReadsPerTick, running.size);
  events.maxRunsPerTick = Math.max(events.maxRunsPerTick, running.size);
  for (const [number, id] of [...running]) {
    const res = await cg.get(id);
    if (res.status >= 300 || !TERMINAL.has(res.json.status)) continue;
    running.delete(number);
    const ok = res.json.status === 'COMPLETE';
    ended.set(number, ok ? 'done' : 'failed');
    (ok ? done : failed)[number] = Date.now();
    await writeBack(gh, repo, number, ok ? 'done' : 'failed', res.json.result ?? res.json.status);
  }

  const isDone = (n) => ended.get(n) === 'done' || (issues.has(n) && labelState(issues.get(n)) === 'done') || !issues.has(n);
  const candidates = [...issues.values()]
    .filter((i) => labelState(i) === undefined && !running.has(i.number) && !ended.has(i.number))
    .filter((i) => [...i.deps].every(isDone))
    .sort((a, b) => a.number - b.number);
  for (const issue of candidates) {
    if (running.size >= config.concurrency) break;
    const res = await cg.create(issue.number);
    if (res.status >= 300) {
      events.refusedCreates++;
      continue;
    }
    running.set(issue.number, res.json.id);
  }

  const blockedForever = candidates.length === 0;
  if (running.size === 0 && blockedForever) break;
  const wait = tickStart + scaled(config, 30_000) - Date.now();
  if (wait > 0) await sleep(wait);
}
finish({ runner: 'tick', done, failed, events });
