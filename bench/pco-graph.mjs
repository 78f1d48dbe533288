#!/usr/bin/env node
// Bench runner for @pco/graph's ReadyQueue (runner protocol: ../../shared/bench/README.md).
// Every task goes through the real queue: next() hands out the ready task with the longest
// remaining path, done() releases its dependents at once; at most N run at the same time.
//
//   node pco-graph.mjs --dag FILE [--n N] [--no-estimates]
//
// By default each task's duration is given as its estimate (reported as `pco-graph`);
// --no-estimates gives every task estimate 1, so the priority is the longest remaining chain by
// task count (reported as `pco-graph-noest`).
import { ReadyQueue } from '@pco/graph';
import { harness } from './harness.mjs';

const { loadDag, parseRunnerArgs, taskBody, report } = await harness();
const args = parseRunnerArgs();
const dag = loadDag(args.dag);
const body = taskBody(dag);
const estimates = !args['no-estimates'];

// The graph's input, like the parsed DAG the other runners start from: GraphNode objects that
// also carry the harness's task index (nextNode() hands the object back).
const nodes = new Array(dag.n);
for (let i = 0; i < dag.n; i++) {
  nodes[i] = { id: dag.ids[i], dependencies: dag.tasks[i].deps, estimate: estimates ? dag.ms[i] : 1, index: i };
}

const t0 = performance.now();
const queue = new ReadyQueue(nodes);
await new Promise((resolve, reject) => {
  let running = 0;
  let finished = 0;
  if (dag.n === 0) resolve();
  const pump = () => {
    while (running < args.n) {
      const node = queue.nextNode();
      if (node === undefined) return;
      running++;
      body.run(node.index).then(() => {
        running--;
        queue.done(node.id);
        if (++finished === dag.n) resolve();
        else pump();
      }, reject);
    }
  };
  pump();
});
const makespan = performance.now() - t0;

report(estimates ? 'pco-graph' : 'pco-graph-noest', dag, args.n, makespan, body.verify());
