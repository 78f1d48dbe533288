#!/usr/bin/env node
// Bench runner for @pco/core's Orchestrator (runner protocol: harness/README.md).
// The whole orchestrator runs: task source, ReadyQueue (critical-path priority), AgentPool slots,
// per-attempt timeouts, results and the run summary. The executor "works" by sleeping the task's
// duration on a real timer (the harness's taskBody), at most N at once.
//
//   node pco-core.mjs --dag FILE [--n N] [--no-estimates] [--virtual]
//
// By default each task's duration is its estimate (reported as `pco-core`); --no-estimates gives
// every task estimate 1 (reported as `pco-core-noest`).
//
// --virtual: the Orchestrator gets a manual clock as its `clock` and `timers` (virtual.mjs), the
// executor sleeps on it, and the makespan is the virtual time at which the last task ends: exact,
// no timer noise, no scheduling cost (reported as `pco-core-virtual`). `summary_ms` is then 0.
// --trace FILE (with --virtual): writes each task's virtual start time, by index, as JSON.
import { Orchestrator } from '@pco/core';
import { runnerSetup } from './harness.mjs';
import { virtualTime, writeTrace } from './virtual.mjs';

const virtual = process.argv.includes('--virtual');
const time = virtual ? virtualTime() : undefined;
const { args, dag, body, report, estimates } = runnerSetup(time ? { sleep: time.sleep } : {});
const now = time ? () => time.clock.now() : () => performance.now();

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
const starts = time ? new Array(dag.n).fill(null) : undefined;
const execute = time
  ? (task) => {
      starts[task.source.index] = now();
      return body.run(task.source.index).then(done);
    }
  : (task) => body.run(task.source.index).then(done);
let lastEnd = 0;
const done = () => {
  lastEnd = now();
  return DONE;
};

// The clock starts before the Orchestrator is built: like plimit_event's pLimit(n), it is part of
// the scheduler.
const t0 = now();
const orc = new Orchestrator({
  source: { load: async () => tasks },
  executor: { execute },
  concurrency: args.n,
  pool: { maxConcurrency: Math.max(10, args.n) },
  ...(time ? { clock: time.clock, timers: time.clock } : {}),
});
let summary;
if (time) {
  const running = orc.run().then((s) => (summary = s));
  let failure;
  running.catch((error) => (failure = error));
  await time.drive(() => summary !== undefined || failure !== undefined);
  if (failure !== undefined) throw failure;
  writeTrace(starts);
} else {
  summary = await orc.run();
}
const resolvedAt = now();
const makespan = (dag.n === 0 ? resolvedAt : lastEnd) - t0;

if (summary.counts.done !== dag.n) {
  console.error(`pco-core: ${summary.counts.done} of ${dag.n} tasks done`);
  process.exitCode = 4;
}
report(`pco-core${estimates ? '' : '-noest'}${virtual ? '-virtual' : ''}`, dag, args.n, makespan, {
  ...body.verify(),
  summary_ms: Math.round((resolvedAt - t0 - makespan) * 100) / 100,
});
