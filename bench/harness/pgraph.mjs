#!/usr/bin/env node
// Adapted from the project's shared bench harness (shared/bench/pgraph.mjs, 2026-11-25): unchanged.
// Runner: microsoft's p-graph (npm `p-graph`), used as documented: a node map + a dependency
// list, run with { concurrency: N }. p-graph schedules ready tasks by "cumulative priority"
// (a node's priority plus the max over its dependents); with no priorities set -- the default,
// and what a caller who does not know task durations gets -- every ready task ties at 0.
//
//   node pgraph.mjs --dag FILE [--n N] [--prio]
//
// --prio: give each node `priority: ms` (its duration). p-graph then ranks ready tasks by
// longest remaining path, i.e. critical-path priority -- possible only when durations are known
// in advance. Reported as runner "pgraph-prio".

import pGraph from 'p-graph'; // CommonJS package
import { loadDag, parseRunnerArgs, taskBody, report } from './dag.mjs';

const { PGraph } = pGraph;
const args = parseRunnerArgs();
const dag = loadDag(args.dag);
const body = taskBody(dag);

const t0 = performance.now();
const nodeMap = new Map();
const edges = [];
for (let i = 0; i < dag.n; i++) {
  nodeMap.set(dag.ids[i], args.prio ? { run: () => body.run(i), priority: dag.ms[i] } : { run: () => body.run(i) });
  for (const d of dag.deps[i]) edges.push([dag.ids[d], dag.ids[i]]); // [before, after]
}
await new PGraph(nodeMap, edges).run({ concurrency: args.n });
const makespan = performance.now() - t0;

report(args.prio ? 'pgraph-prio' : 'pgraph', dag, args.n, makespan, body.verify());
