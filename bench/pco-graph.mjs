#!/usr/bin/env node
// Bench runner for @pco/graph's ReadyQueue (runner protocol: harness/README.md).
// Every task goes through the real queue: nextIndex() hands out the ready task with the longest
// remaining path, doneIndex() releases its dependents at once; at most N run at the same time.
//
//   node pco-graph.mjs --dag FILE [--n N] [--no-estimates] [--by-id] [--virtual [--per-completion]]
//
// By default each task's duration is given as its estimate (reported as `pco-graph`);
// --no-estimates gives every task estimate 1, so the priority is the longest remaining chain by
// task count (reported as `pco-graph-noest`).
//
// --virtual: the tasks sleep on a manual clock (virtual.mjs) instead of real timers, and the
// makespan is the virtual time at which the last task ends: exact, no timer noise, no scheduling
// cost; what is left is the order the queue hands tasks out in (reported as `pco-graph-virtual`).
// The loop fills free slots once per instant, after every task ending at that instant is done
// (the event semantics of bound.mjs's simulation); --per-completion fills them after each
// completion instead (`pco-graph-virtual-percompletion`), which is what the Orchestrator does.
// --trace FILE (with --virtual): writes each task's virtual start time, by index, as JSON.
import { ReadyQueue } from '@pco/graph';
import { runnerSetup } from './harness.mjs';
import { virtualTime, writeTrace } from './virtual.mjs';

const virtual = process.argv.includes('--virtual');
const time = virtual ? virtualTime() : undefined;
const { args, dag, body, report, estimates } = runnerSetup(time ? { sleep: time.sleep } : {});
const perCompletion = virtual && Boolean(args['per-completion']);

// The harness has already parsed the DAG into index arrays (dag.deps[i]: the indices task i waits
// for), exactly what plimit_event schedules from; ReadyQueue.fromIndexed takes them as they are,
// so no string ids are resolved. (`--by-id` builds the queue from { id, dependencies } objects
// instead, the path the Orchestrator uses, for comparison.)
const byId = Boolean(args['by-id']);
const estimateOf = (i) => (estimates ? dag.ms[i] : 1);
const nodes = byId ? dag.tasks.map((t, i) => ({ id: t.id, dependencies: t.deps, estimate: estimateOf(i), index: i })) : undefined;
const name = `pco-graph${estimates ? '' : '-noest'}${byId ? '-byid' : ''}${virtual ? '-virtual' : ''}${perCompletion ? '-percompletion' : ''}`;

const t0 = performance.now();
const makespan = virtual ? await runVirtual() : await runReal();
report(name, dag, args.n, makespan, body.verify());

function buildQueue() {
  const queue = byId ? new ReadyQueue(nodes) : ReadyQueue.fromIndexed({ dependencies: dag.deps, estimates: estimates ? dag.ms : undefined });
  const next = byId ? () => queue.nextNode()?.index ?? -1 : () => queue.nextIndex();
  const done = byId ? (i) => queue.done(nodes[i].id) : (i) => queue.doneIndex(i);
  return { next, done };
}

async function runReal() {
  await new Promise((resolve, reject) => {
    if (dag.n === 0) return resolve();
    const { next, done } = buildQueue();
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
  return performance.now() - t0;
}

async function runVirtual() {
  const { next, done } = buildQueue();
  let running = 0;
  let finished = 0;
  let failure;
  const starts = new Array(dag.n).fill(null);
  const pump = () => {
    while (running < args.n) {
      const i = next();
      if (i === -1) return;
      running++;
      starts[i] = time.clock.now();
      body.run(i).then(
        () => {
          running--;
          done(i);
          finished++;
          if (perCompletion) pump();
        },
        (error) => (failure = error),
      );
    }
  };
  const end = await time.drive(() => failure !== undefined || finished === dag.n, pump);
  if (failure !== undefined) throw failure;
  writeTrace(starts);
  return end;
}
