#!/usr/bin/env node
// Adapted from the project's shared bench harness (shared/bench/gen.mjs, 2026-11-25): unchanged.
// Seeded generator of task DAGs.
//
//   node gen.mjs SHAPE [--seed S] [--unit MS] [--out FILE]
//   node gen.mjs all   [--seed S] [--unit MS] --dir DIR     (writes DIR/<shape>.json for every shape)
//
// Output: {"shape", "seed", "unit_ms", "tasks": [{"id", "deps": [ids], "ms"}]}
// Tasks are listed in a topological order (every dep appears before its dependent).
// Ids are strings. Durations are whole milliseconds (>= 1) except for `huge`, which is all 0 ms.

import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const SHAPES = ['chain', 'fan', 'layered', 'random', 'seedplan', 'huge'];

// mulberry32: small, fast, seedable 32-bit PRNG.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Mix the shape name into the seed so each shape gets an independent stream.
function shapeSeed(seed, shape) {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const c of shape) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

// Lognormal-ish heavy tail, in units: median 1 (mu = 0), sigma 0.8, clamped to [0.2, 10].
// About 7% of tasks are >= 3x the median, about 2% are 5-10x.
const SIGMA = 0.8;
function durationUnits(rand) {
  const u1 = 1 - rand(); // (0, 1]
  const u2 = rand();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.min(10, Math.max(0.2, Math.exp(SIGMA * z)));
}

function toMs(units, unitMs) {
  return unitMs > 0 ? Math.max(1, Math.round(units * unitMs)) : 0;
}

// Layered DAG: `layers` layers of equal size. Every task in layer L >= 1 depends on 1-3
// (uniform, so 2 on average) distinct tasks of earlier layers: the first is drawn from layer L-1
// (so a task's layer is its depth), the others from any earlier layer.
function layered(rand, nTasks, layers) {
  const per = Math.floor(nTasks / layers);
  const deps = [];
  for (let L = 0; L < layers; L++) {
    for (let k = 0; k < per; k++) {
      if (L === 0) { deps.push([]); continue; }
      const want = 1 + Math.floor(rand() * 3);
      const chosen = new Set([(L - 1) * per + Math.floor(rand() * per)]);
      const earlier = L * per; // tasks 0 .. earlier-1 are in earlier layers
      while (chosen.size < Math.min(want, earlier)) chosen.add(Math.floor(rand() * earlier));
      deps.push([...chosen].sort((a, b) => a - b));
    }
  }
  return deps;
}

// The 24-task plan, task: its dependencies.
const SEEDPLAN = {
  1: [], 2: [], 3: [1, 2], 4: [3], 5: [4], 6: [], 7: [6], 8: [4, 7], 9: [8], 10: [9], 11: [9],
  12: [9], 13: [12], 14: [13], 15: [14], 16: [14], 17: [14], 18: [13], 19: [13], 20: [13],
  21: [13], 22: [13], 23: [13], 24: [13],
};

function generate(shape, { seed = 1, unit = 20 } = {}) {
  const rand = mulberry32(shapeSeed(seed, shape));
  let deps; // array of index arrays
  let ids = null;
  switch (shape) {
    case 'chain':
      deps = Array.from({ length: 50 }, (_, i) => (i === 0 ? [] : [i - 1]));
      break;
    case 'fan': // 1 -> 48 -> 1
      deps = [[]];
      for (let i = 1; i <= 48; i++) deps.push([0]);
      deps.push(Array.from({ length: 48 }, (_, i) => i + 1));
      break;
    case 'layered':
      deps = layered(rand, 200, 10);
      break;
    case 'random': { // edge i -> j (i < j) with probability p; p chosen for 2 deps per task on average
      const n = 500;
      const p = 4 / (n - 1);
      deps = [];
      for (let j = 0; j < n; j++) {
        const d = [];
        for (let i = 0; i < j; i++) if (rand() < p) d.push(i);
        deps.push(d);
      }
      break;
    }
    case 'seedplan':
      ids = Object.keys(SEEDPLAN);
      deps = ids.map((k) => SEEDPLAN[k].map((d) => ids.indexOf(String(d))));
      break;
    case 'huge':
      deps = layered(rand, 100_000, 100);
      break;
    default:
      throw new Error(`unknown shape ${shape}; known: ${SHAPES.join(', ')}`);
  }
  const unitMs = shape === 'huge' ? 0 : unit;
  ids ??= deps.map((_, i) => `t${i}`);
  const tasks = deps.map((d, i) => ({
    id: ids[i],
    deps: d.map((j) => ids[j]),
    ms: toMs(durationUnits(rand), unitMs),
  }));
  return { shape, seed, unit_ms: unitMs, tasks };
}

function parseArgs(argv) {
  const args = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) args[a.slice(2)] = argv[++i];
    else args._.push(a);
  }
  return args;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const shape = args._[0];
  if (!shape) {
    console.error('usage: node gen.mjs SHAPE|all [--seed S] [--unit MS] [--out FILE | --dir DIR]');
    console.error(`shapes: ${SHAPES.join(', ')}`);
    process.exit(2);
  }
  const opts = { seed: Number(args.seed ?? 1), unit: Number(args.unit ?? 20) };
  if (shape === 'all') {
    const dir = args.dir ?? 'dags';
    mkdirSync(dir, { recursive: true });
    for (const s of SHAPES) writeFileSync(join(dir, `${s}.json`), JSON.stringify(generate(s, opts)));
    return;
  }
  const json = JSON.stringify(generate(shape, opts));
  if (args.out) writeFileSync(args.out, json);
  else process.stdout.write(json + '\n');
}

main();
