#!/usr/bin/env node
// Bench runner for @pco/graph's ReadyQueue (runner protocol: ../../shared/bench/README.md).
// Every task goes through the real queue: nextIndex() hands out the ready task with the longest
// remaining path, doneIndex() releases its dependents at once; at most N run at the same time.
//
//   node pco-graph.mjs --dag FILE [--n N] [--no-estimates] [--by-id]
//
// By default each task's duration is given as its estimate (reported as `pco-graph`);
// --no-estimates gives every task estimate 1, so the priority is the longest remaining chain by
// task count (reported as `pco-graph-noest`).
import { ReadyQueue } from '@pco/graph';
import { runnerSetup } from './harness.mjs';

const { args, dag, body, report, estimates } = await runnerSetup();

// The harness has already parsed the DAG into index arrays (dag.deps[i]: the indices task i waits
// for), exactly what plimit_event schedules from; ReadyQueue.fromIndexed takes them as they are,
// so no string ids are resolved. (`--by-id` builds the queue from { id, dependencies } objects
// instead, the path the Orchestrator uses, for comparison.)
const byId = Boolean(args['by-id']);
const estimateOf = (i) => (estimates ? dag.ms[i] : 1);
const nodes = byId ? dag.tasks.map((t, i) => ({ id: t.id, dependencies: t.deps, estimate: estimateOf(i), index: i })) : undefined;

const t0 = performance.now();
await new Promise((resolve, reject) => {
  if (dag.n === 0) return resolve();
  const queue = byId ? new ReadyQueue(nodes) : ReadyQueue.fromIndexed({ dependencies: dag.deps, estimates: estimates ? dag.ms : undefined });
  const next = byId ? () => queue.nextNode()?.index ?? -1 : () => queue.nextIndex();
  const done = byId ? (i) => queue.done(nodes[i].id) : (i) => queue.doneIndex(i);
  let running = 0;
  let finished = 0;
  const pump = () => {
    while (running < args.n) {
      const i = next();
      if (i === -1) return;
      running++;
      body.run(i).then(() => {
        running--;
        done(i);
        if (++finished === dag.n) resolve();
        else pump();
      }, reject);
    }
  };
  pump();
});
const makespan = performance.now() - t0;

report(`pco-graph${estimates ? '' : '-noest'}${byId ? '-byid' : ''}`, dag, args.n, makespan, body.verify());
