// Adapted from the project's shared bench harness (shared/bench/dag.mjs, 2026-11-25).
// Changed: taskBody() takes the sleep to use (`{ sleep }`, default the real-timer sleep below), so
// a virtual-clock runner checks and counts its tasks the same way.
// Shared helpers for the Node side of the bench: load + validate a DAG file, lower bound,
// and the small pieces every Node runner needs (args, sleep, dependency-order check, report).

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

// Load a DAG file into an indexed form. Throws on unknown deps, duplicate ids or cycles.
export function loadDag(file) {
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  const tasks = raw.tasks;
  const index = new Map();
  tasks.forEach((t, i) => {
    if (index.has(t.id)) throw new Error(`duplicate task id ${t.id}`);
    index.set(t.id, i);
  });
  const n = tasks.length;
  const ms = new Float64Array(n);
  const deps = new Array(n);
  const succ = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    const t = tasks[i];
    ms[i] = t.ms;
    deps[i] = t.deps.map((d) => {
      const j = index.get(d);
      if (j === undefined) throw new Error(`task ${t.id} depends on unknown task ${d}`);
      return j;
    });
    // successors in task order (matches how graphlib.TopologicalSorter records them)
    for (const j of deps[i]) succ[j].push(i);
  }
  // Kahn's algorithm: topological order + cycle check.
  const indeg = deps.map((d) => d.length);
  const topo = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) topo.push(i);
  for (let k = 0; k < topo.length; k++) for (const s of succ[topo[k]]) if (--indeg[s] === 0) topo.push(s);
  if (topo.length !== n) throw new Error('DAG has a cycle');
  const shape = raw.shape ?? basename(file).replace(/\.json$/, '');
  return { shape, tasks, ids: tasks.map((t) => t.id), ms, deps, succ, topo, n };
}

// bottom[i] = ms[i] + longest path (in ms) from i to a sink: the critical-path priority.
export function bottomLevels(dag) {
  const bottom = new Float64Array(dag.n);
  for (let k = dag.n - 1; k >= 0; k--) {
    const i = dag.topo[k];
    let best = 0;
    for (const s of dag.succ[i]) if (bottom[s] > best) best = bottom[s];
    bottom[i] = dag.ms[i] + best;
  }
  return bottom;
}

// LB = max(critical-path length, total work / N)
export function lowerBound(dag, nWorkers) {
  let total = 0;
  for (let i = 0; i < dag.n; i++) total += dag.ms[i];
  const bottom = bottomLevels(dag);
  let cp = 0;
  for (let i = 0; i < dag.n; i++) if (bottom[i] > cp) cp = bottom[i];
  return { total, cp, workOverN: total / nWorkers, lb: Math.max(cp, total / nWorkers) };
}

// ---- runner plumbing -------------------------------------------------------------------------

export function parseRunnerArgs(argv = process.argv.slice(2)) {
  const out = { dag: null, n: 10 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dag') out.dag = argv[++i];
    else if (argv[i] === '--n') out.n = Number(argv[++i]);
    else if (argv[i].startsWith('--')) out[argv[i].slice(2)] = true; // runner-specific boolean flags
  }
  if (!out.dag || !(Number.isInteger(out.n) && out.n >= 1)) {
    console.error('usage: RUNNER --dag FILE [--n N]');
    process.exit(2);
  }
  return out;
}

// A task "does" its work by sleeping on a real timer. 0 ms = yield one turn of the event loop
// (setImmediate), the counterpart of Python's asyncio.sleep(0); setTimeout(0) would be clamped to 1 ms.
export function sleep(ms) {
  return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
}

// Wraps the task body: checks that every dependency has finished when the task starts,
// counts executions and tasks running at once, then sleeps (on `sleep`, real timers unless given).
// Returns { run(i), verify() }.
export function taskBody(dag, { sleep: wait = sleep } = {}) {
  const finished = new Uint8Array(dag.n);
  const runs = new Uint32Array(dag.n);
  let violations = 0, active = 0, maxActive = 0;
  return {
    async run(i) {
      for (const d of dag.deps[i]) if (!finished[d]) violations++;
      runs[i]++;
      if (++active > maxActive) maxActive = active;
      await wait(dag.ms[i]);
      active--;
      finished[i] = 1;
    },
    verify() {
      let ranOnce = 0;
      for (let i = 0; i < dag.n; i++) if (runs[i] === 1) ranOnce++;
      return { tasks: dag.n, ran_once: ranOnce, order_violations: violations, max_concurrency: maxActive };
    },
  };
}

export function report(runner, dag, n, makespanMs, check) {
  const { lb } = lowerBound(dag, n);
  const out = {
    runner,
    shape: dag.shape,
    n,
    makespan_ms: round(makespanMs, 2),
    lb_ms: round(lb, 2),
    ratio: lb > 0 ? round(makespanMs / lb, 4) : null,
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
    ...check,
  };
  console.log(JSON.stringify(out));
  if (check.ran_once !== check.tasks || check.order_violations !== 0 || check.max_concurrency > n) process.exitCode = 3;
}

export function round(x, d) {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
