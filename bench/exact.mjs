#!/usr/bin/env node
// Scheduler quality, exactly: pco-graph and pco-core on the harness's timed shapes under a
// virtual clock (their `--virtual` mode, virtual.mjs), against the ideal critical-path list
// schedule bound.mjs simulates. With no timer noise and no scheduling cost in the makespan, the
// bar is equality within 0.1 %.
//
//   node bench/exact.mjs [--n 10] [--seed 1] [--seeds 1-20] [--unit 20]
//                        [--shapes "chain fan layered random seedplan"] [--out DIR]
//
// Every figure comes from a separate process, as in the harness: harness/gen.mjs writes the DAG,
// harness/bound.mjs prints the ideal schedule, each runner prints its protocol line (and, with
// --trace, each task's virtual start time). On top of bound.mjs's figure this script simulates
// the same list scheduler with the two rules that could set pco apart from it, to show whether
// they matter on each shape:
//   - ties: bound.mjs breaks equal priorities first-ready-first (FIFO); @pco/graph's ReadyQueue by
//     the lower task index (insertion order);
//   - simultaneous completions: bound.mjs retires every task ending at an instant before it fills
//     the free slots; the Orchestrator fills the freed slot on each completion (pco-graph's loop
//     fills once per instant, like bound.mjs).
// and compares every task's start time with the simulation of the runner's own rules.
// Exit status 1 when a ratio misses the bar. Records: OUT/virtual.jsonl (default bench/.work/exact).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bottomLevels, loadDag } from './harness/dag.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BAR = 1.001;

function options(argv) {
  const o = { n: 10, seed: '1', unit: 20, shapes: 'chain fan layered random seedplan', out: join(here, '.work/exact') };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in o) && key !== 'seeds') throw new Error(`unknown option ${argv[i]}`);
    o[key === 'seeds' ? 'seed' : key] = argv[++i];
  }
  const [lo, hi = lo] = String(o.seed).split('-').map(Number);
  return { n: Number(o.n), seeds: Array.from({ length: hi - lo + 1 }, (_, k) => lo + k), unit: Number(o.unit), shapes: o.shapes.split(/\s+/).filter(Boolean), out: o.out };
}

const lastJsonLine = (text) => JSON.parse(text.trim().split('\n').at(-1));
const node = (script, args) => execFileSync(process.execPath, [join(here, script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

/**
 * bound.mjs's event-driven list scheduler (critical-path priority), with the two rules as options:
 * `ties` 'fifo' (bound.mjs) or 'index' (ReadyQueue); `fill` 'instant' (bound.mjs: retire every
 * completion of an instant, then fill) or 'completion' (fill after each completion). Completions
 * of one instant are retired in start order, as bound.mjs and the manual clock do.
 */
function simulate(dag, N, { ties, fill }) {
  const level = bottomLevels(dag);
  const remaining = dag.deps.map((d) => d.length);
  const starts = new Array(dag.n).fill(null);
  const ready = []; // [task, seq]; small shapes: a linear scan is plenty
  const running = []; // [end, seq, task]
  let seq = 0;
  let now = 0;
  const makeReady = (i) => ready.push([i, seq++]);
  const better = (a, b) => level[a[0]] > level[b[0]] || (level[a[0]] === level[b[0]] && (ties === 'fifo' ? a[1] < b[1] : a[0] < b[0]));
  const startBest = () => {
    while (running.length < N && ready.length > 0) {
      let best = 0;
      for (let k = 1; k < ready.length; k++) if (better(ready[k], ready[best])) best = k;
      const [i] = ready.splice(best, 1)[0];
      starts[i] = now;
      running.push([now + dag.ms[i], seq++, i]);
    }
  };
  const retire = () => {
    let first = 0;
    for (let k = 1; k < running.length; k++) if (running[k][0] < running[first][0] || (running[k][0] === running[first][0] && running[k][1] < running[first][1])) first = k;
    const [end, , i] = running.splice(first, 1)[0];
    now = end;
    for (const s of dag.succ[i]) if (--remaining[s] === 0) makeReady(s);
  };
  for (let i = 0; i < dag.n; i++) if (remaining[i] === 0) makeReady(i);
  startBest();
  while (running.length > 0) {
    retire();
    if (fill === 'instant') while (running.some(([end]) => end === now)) retire();
    startBest();
  }
  return { makespan: now, starts };
}

const differing = (a, b) => a.reduce((k, t, i) => k + (t !== b[i] ? 1 : 0), 0);
const fmt = (x, d = 4) => (typeof x === 'number' ? x.toFixed(d) : '-');

const opt = options(process.argv.slice(2));
mkdirSync(opt.out, { recursive: true });
const records = [];
let failed = false;
for (const seed of opt.seeds) {
  for (const shape of opt.shapes) {
    const file = join(opt.out, `${shape}-seed${seed}.json`);
    node('harness/gen.mjs', [shape, '--seed', String(seed), '--unit', String(opt.unit), '--out', file]);
    const bound = lastJsonLine(node('harness/bound.mjs', ['--dag', file, '--n', String(opt.n)]));
    const dag = loadDag(file);
    const sim = {};
    for (const ties of ['fifo', 'index']) for (const fill of ['instant', 'completion']) sim[`${ties}/${fill}`] = simulate(dag, opt.n, { ties, fill });
    if (sim['fifo/instant'].makespan !== bound.list_cp_ms) throw new Error(`exact.mjs's simulation (${sim['fifo/instant'].makespan}) disagrees with bound.mjs (${bound.list_cp_ms}) on ${shape}`);
    const rec = { shape, seed, n: opt.n, tasks: dag.n, lb_ms: bound.lb_ms, ideal_ms: bound.list_cp_ms, sim: Object.fromEntries(Object.entries(sim).map(([k, v]) => [k, v.makespan])) };
    for (const [runner, script, own] of [
      ['pco-graph', 'pco-graph.mjs', 'index/instant'],
      ['pco-core', 'pco-core.mjs', 'index/completion'],
    ]) {
      const trace = join(opt.out, `${runner}-${shape}-seed${seed}.trace.json`);
      const line = lastJsonLine(node(script, ['--dag', file, '--n', String(opt.n), '--virtual', '--trace', trace]));
      const starts = JSON.parse(readFileSync(trace, 'utf8'));
      const ratio = line.makespan_ms / bound.list_cp_ms;
      const ok = ratio <= BAR && ratio >= 1 / BAR && line.ran_once === dag.n && line.order_violations === 0 && line.max_concurrency <= opt.n;
      if (!ok) failed = true;
      rec[runner] = {
        makespan_ms: line.makespan_ms,
        ratio_to_ideal: Math.round(ratio * 1e6) / 1e6,
        ok,
        starts_unlike_ideal: differing(starts, sim['fifo/instant'].starts),
        starts_unlike_own_rules: differing(starts, sim[own].starts),
        own_rules: own,
      };
    }
    records.push(rec);
  }
}
writeFileSync(join(opt.out, 'virtual.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');

const seedCol = opt.seeds.length > 1;
const head = ['shape', ...(seedCol ? ['seed'] : []), 'LB ms', 'ideal ms (bound.mjs)', 'pco-graph ms', 'pco-graph / ideal', 'pco-core ms', 'pco-core / ideal', 'starts unlike ideal (graph / core)', 'ideal, ties by index', 'ideal, fill per completion', 'both'];
console.log(`Virtual clock, N = ${opt.n}, unit ${opt.unit} ms, seed ${opt.seeds.length > 1 ? `${opt.seeds[0]}-${opt.seeds.at(-1)}` : opt.seeds[0]}: makespan in virtual ms; bar: ratio to the ideal within 0.1 %.\n`);
console.log(`| ${head.join(' | ')} |`);
console.log(`|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
for (const r of records) {
  const cell = (x) => `${fmt(x.ratio_to_ideal)}${x.ok ? '' : x.ratio_to_ideal < 1 ? ' ✗ (below)' : ' ✗'}`;
  console.log(`| ${[r.shape, ...(seedCol ? [r.seed] : []), fmt(r.lb_ms, 1), r.ideal_ms, r['pco-graph'].makespan_ms, cell(r['pco-graph']), r['pco-core'].makespan_ms, cell(r['pco-core']), `${r['pco-graph'].starts_unlike_ideal} / ${r['pco-core'].starts_unlike_ideal}`, r.sim['index/instant'], r.sim['fifo/completion'], r.sim['index/completion']].join(' | ')} |`);
}
const ownMismatch = records.flatMap((r) => ['pco-graph', 'pco-core'].filter((k) => r[k].starts_unlike_own_rules > 0).map((k) => `${k} on ${r.shape} seed ${r.seed}: ${r[k].starts_unlike_own_rules} tasks start unlike the simulation of its own rules (${r[k].own_rules})`));
console.log(
  `\n"starts unlike ideal": tasks whose virtual start time differs from bound.mjs's schedule. The last three columns simulate the same scheduler with pco's tie rule (lower index), with the Orchestrator's dispatch on each completion, and with both (pco-core's own rules); pco-graph's loop uses ties by index, one fill per instant.`,
);
console.log(ownMismatch.length ? `\nMISMATCHES:\n${ownMismatch.map((m) => `- ${m}`).join('\n')}` : '\nEvery task of every run started exactly when the simulation of the runner\'s own rules starts it.');
const cells = records.flatMap((r) => [r['pco-graph'], r['pco-core']]);
const count = (f) => cells.filter(f).length;
console.log(
  failed
    ? `\nFAIL: ${count((x) => !x.ok)} of ${cells.length} virtual-clock makespans not within 0.1 % of the ideal schedule (${count((x) => !x.ok && x.ratio_to_ideal > 1)} above, ${count((x) => !x.ok && x.ratio_to_ideal < 1)} below, ${count((x) => x.ok && x.ratio_to_ideal === 1)} exactly equal), or a self-check failed.`
    : `\nAll ${cells.length} virtual-clock makespans within 0.1 % of the ideal schedule (${count((x) => x.ratio_to_ideal === 1)} exactly equal); every self-check passed.`,
);
process.exitCode = failed ? 1 : 0;
