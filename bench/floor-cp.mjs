#!/usr/bin/env node
// Reference runner, not a pco package: the floor of the timed shapes on this host.
//
// The ideal policy (an event-driven list scheduler, critical-path priority: bound.mjs's "ideal
// list scheduler") written as the least code that can run it: typed arrays over the harness's
// parsed index arrays (and its successor lists), one binary heap, no ids, no validation, no events, no options. Its makespan
// is the harness's own sleeps (timer slack) plus next to no scheduling: a ratio this policy cannot
// beat in the same run, on these timers, however little code runs it. (Critical-path list
// scheduling is not optimal in general, but bound.mjs puts it at 1.000-1.005 on these shapes.)
//
//   node floor-cp.mjs --dag FILE [--n N]
import { runnerSetup } from './harness.mjs';

const { args, dag, body, report, bottomLevels } = await runnerSetup();
const t0 = performance.now();
const n = dag.n;

// The harness's successor lists; the number of unmet dependencies per task.
const { succ } = dag;
const waiting = new Int32Array(n);
for (let i = 0; i < n; i++) waiting[i] = dag.deps[i].length;

// Bottom level (the task's duration plus the longest path after it): the harness's own function.
const level = bottomLevels(dag);

// Max-heap on (level, then lower index).
const heap = new Int32Array(n);
let size = 0;
const before = (a, b) => level[a] > level[b] || (level[a] === level[b] && a < b);
const push = (x) => {
  let i = size++;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!before(x, heap[p])) break;
    heap[i] = heap[p];
    i = p;
  }
  heap[i] = x;
};
const pop = () => {
  const top = heap[0];
  const x = heap[--size];
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= size) break;
    if (c + 1 < size && before(heap[c + 1], heap[c])) c++;
    if (!before(heap[c], x)) break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = x;
  return top;
};
for (let i = 0; i < n; i++) if (waiting[i] === 0) push(i);

await new Promise((resolve, reject) => {
  let running = 0;
  let finished = 0;
  if (n === 0) resolve();
  const pump = () => {
    while (running < args.n && size > 0) {
      const i = pop();
      running++;
      body.run(i).then(() => {
        running--;
        for (const s of succ[i]) if (--waiting[s] === 0) push(s);
        if (++finished === n) resolve();
        else pump();
      }, reject);
    }
  };
  pump();
});
report('floor-cp', dag, args.n, performance.now() - t0, body.verify());
