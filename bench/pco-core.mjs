#!/usr/bin/env node
// Bench runner for @pco/core's Orchestrator (runner protocol: ../../shared/bench/README.md).
// The whole orchestrator runs: task source, ReadyQueue (critical-path priority), AgentPool slots,
// per-attempt timeouts, results and the run summary. The executor "works" by sleeping the task's
// duration on a real timer (the harness's taskBody), at most N at once.
//
//   node pco-core.mjs --dag FILE [--n N] [--no-estimates]
//
// By default each task's duration is its estimate (reported as `pco-core`); --no-estimates gives
// every task estimate 1 (reported as `pco-core-noest`).
import { Orchestrator } from '@pco/core';
import { runnerSetup } from './harness.mjs';

const { args, dag, body, report, estimates } = await runnerSetup();

// The orchestrator's input, like the parsed DAG of the other runners: Task objects.
const tasks = new Array(dag.n);
for (let i = 0; i < dag.n; i++) {
  tasks[i] = {
    id: dag.ids[i],
    title: dag.ids[i],
    dependencies: dag.tasks[i].deps,
    estimate: estimates ? dag.ms[i] : 1,
    source: { index: i },
  };
}

// The protocol's makespan runs "to the end of the last task": the time the last executor call
// settles. What run() does after that (the summary; ~1.3 ms cold, see RESULTS.md) is reported
// separately as `summary_ms`, and the run must still resolve with every task done.
const DONE = Object.freeze({ status: 'done' });
let lastEnd = 0;
const done = () => {
  lastEnd = performance.now();
  return DONE;
};

// The clock starts before the Orchestrator is built: like plimit_event's pLimit(n), it is part of
// the scheduler.
const t0 = performance.now();
const orc = new Orchestrator({
  source: { load: async () => tasks },
  executor: { execute: (task) => body.run(task.source.index).then(done) },
  concurrency: args.n,
  pool: { maxConcurrency: Math.max(10, args.n) },
});
const summary = await orc.run();
const resolvedAt = performance.now();
const makespan = (dag.n === 0 ? resolvedAt : lastEnd) - t0;

if (summary.counts.done !== dag.n) {
  console.error(`pco-core: ${summary.counts.done} of ${dag.n} tasks done`);
  process.exitCode = 4;
}
report(estimates ? 'pco-core' : 'pco-core-noest', dag, args.n, makespan, {
  ...body.verify(),
  summary_ms: Math.round((resolvedAt - t0 - makespan) * 100) / 100,
});
