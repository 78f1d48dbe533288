#!/usr/bin/env node
// Adapted from the project's shared bench harness (shared/bench/plimit_event.mjs, 2026-11-25): unchanged.
// Runner: a plain event-driven DAG scheduler on top of `p-limit`. Each task is handed to the
// limiter the moment its last dependency finishes; the limiter runs at most N at once and
// starts queued tasks in FIFO order. No priorities, no barriers.
//
//   node plimit_event.mjs --dag FILE [--n N]

import pLimit from 'p-limit';
import { loadDag, parseRunnerArgs, taskBody, report } from './dag.mjs';

const args = parseRunnerArgs();
const dag = loadDag(args.dag);
const body = taskBody(dag);

const t0 = performance.now();
await new Promise((resolve, reject) => {
  const limit = pLimit(args.n);
  const waitingOn = dag.deps.map((d) => d.length);
  let finished = 0;
  const dispatch = (i) => {
    limit(() => body.run(i)).then(() => {
      for (const s of dag.succ[i]) if (--waitingOn[s] === 0) dispatch(s);
      if (++finished === dag.n) resolve();
    }, reject);
  };
  if (dag.n === 0) resolve();
  for (let i = 0; i < dag.n; i++) if (waitingOn[i] === 0) dispatch(i);
});
const makespan = performance.now() - t0;

report('plimit_event', dag, args.n, makespan, body.verify());
