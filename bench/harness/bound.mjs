#!/usr/bin/env node
// Adapted from the project's shared bench harness (shared/bench/bound.mjs, 2026-11-25): unchanged.
// Lower bound and ideal (zero-overhead) schedules for a DAG on N workers, by discrete-event
// simulation -- nothing sleeps.
//
//   node bound.mjs --dag FILE [--n N]
//
// Prints one JSON line:
//   lb_ms          = max(cp_ms, total_work_ms / N)            (no schedule can beat it)
//   list_cp_ms     = event-driven list scheduler, critical-path priority (longest remaining path,
//                    task's own duration included), ties FIFO: the ideal reference.
//   list_fifo_ms   = the same event-driven list scheduler with a FIFO ready queue.
//   waves_ms       = wave barriers (graphlib get_ready / gather / done), FIFO inside a wave.
// and each one's ratio to lb_ms.

import { loadDag, lowerBound, bottomLevels, parseRunnerArgs, round } from './dag.mjs';

class Heap {
  constructor(less) { this.a = []; this.less = less; }
  get size() { return this.a.length; }
  push(x) {
    const a = this.a; a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]]; i = p;
    }
  }
  pop() {
    const a = this.a; const top = a[0]; const last = a.pop();
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1; let m = i;
        if (l < a.length && this.less(a[l], a[m])) m = l;
        if (r < a.length && this.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]]; i = m;
      }
    }
    return top;
  }
  peek() { return this.a[0]; }
}

// Event-driven list scheduling: whenever a worker is free and a task is ready, start the best
// ready task. `key(i, seq)` orders the ready queue (smaller first); seq = order it became ready.
function listSchedule(dag, N, key) {
  const remaining = dag.deps.map((d) => d.length);
  const ready = new Heap((x, y) => x.k < y.k || (x.k === y.k && x.seq < y.seq));
  const events = new Heap((x, y) => x.t < y.t || (x.t === y.t && x.seq < y.seq));
  let seq = 0, free = N, now = 0, done = 0;
  const makeReady = (i) => { const s = seq++; ready.push({ i, k: key(i, s), seq: s }); };
  for (let i = 0; i < dag.n; i++) if (remaining[i] === 0) makeReady(i);
  while (done < dag.n) {
    while (free > 0 && ready.size > 0) {
      const { i } = ready.pop();
      free--;
      events.push({ t: now + dag.ms[i], i, seq: seq++ });
    }
    // advance to the next completion time and retire everything that finishes then
    now = events.peek().t;
    while (events.size > 0 && events.peek().t === now) {
      const { i } = events.pop();
      free++; done++;
      for (const s of dag.succ[i]) if (--remaining[s] === 0) makeReady(s);
    }
  }
  return now;
}

// Wave barriers as in the graphlib reference: run the whole ready set (FIFO on N workers, in
// get_ready() order), wait for all of it, mark it done, take the next ready set.
function waves(dag, N) {
  const remaining = dag.deps.map((d) => d.length);
  let wave = [];
  for (let i = 0; i < dag.n; i++) if (remaining[i] === 0) wave.push(i);
  let now = 0;
  while (wave.length > 0) {
    const workers = new Heap((x, y) => x < y);
    for (let w = 0; w < N; w++) workers.push(0);
    let end = 0;
    for (const i of wave) {
      const f = workers.pop() + dag.ms[i];
      workers.push(f);
      if (f > end) end = f;
    }
    now += end;
    const next = [];
    for (const i of wave) for (const s of dag.succ[i]) if (--remaining[s] === 0) next.push(s);
    wave = next;
  }
  return now;
}

function main() {
  const { dag: file, n: N } = parseRunnerArgs();
  const dag = loadDag(file);
  const { total, cp, workOverN, lb } = lowerBound(dag, N);
  const bottom = bottomLevels(dag);
  const cpMs = listSchedule(dag, N, (i) => -bottom[i]);
  const fifoMs = listSchedule(dag, N, (_i, s) => s);
  const wavesMs = waves(dag, N);
  const r = (x) => (lb > 0 ? round(x / lb, 4) : null);
  console.log(JSON.stringify({
    shape: dag.shape, n: N, tasks: dag.n,
    total_work_ms: total, cp_ms: cp, work_over_n_ms: round(workOverN, 2), lb_ms: round(lb, 2),
    list_cp_ms: cpMs, list_cp_ratio: r(cpMs),
    list_fifo_ms: fifoMs, list_fifo_ratio: r(fifoMs),
    waves_ms: wavesMs, waves_ratio: r(wavesMs),
  }));
}

main();
