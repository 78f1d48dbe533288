#!/usr/bin/env node
// Adapted from the project's shared bench harness (shared/bench/baseline.mjs, 2026-11-25): unchanged.
// Not a scheduler: does what every Node runner does except schedule -- start Node, parse the
// DAG, compute the LB -- and prints the same JSON line (makespan 0). A runner's wall time and
// peak RSS minus these are that scheduler's own cost.   node baseline.mjs --dag FILE [--n N]
import { loadDag, parseRunnerArgs, report } from './dag.mjs';

const args = parseRunnerArgs();
const dag = loadDag(args.dag);
report('baseline-node', dag, args.n, 0, { tasks: dag.n, ran_once: dag.n, order_violations: 0, max_concurrency: 0 });
