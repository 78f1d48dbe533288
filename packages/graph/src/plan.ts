import { GraphError } from './errors.js';
import { PriorityHeap } from './priority-heap.js';
import { ReadyQueue } from './ready-queue.js';
import type { PlanStats } from './types.js';

/** Tasks of the queue that can run (not skipped at construction), in insertion order. */
function runnable(queue: ReadyQueue): string[] {
  return queue.taskIds().filter((id) => queue.state(id) !== 'skipped');
}

/** Topological order of the runnable tasks, ties in insertion order (Kahn with a min-index heap). */
export function topologicalOrder(queue: ReadyQueue): string[] {
  const ids = runnable(queue);
  const local = new Map(ids.map((id, i) => [id, i]));
  const indegree = ids.map((id) => queue.dependenciesOf(id).filter((d) => local.has(d)).length);
  const heap = new PriorityHeap(ids.map(() => 0));
  ids.forEach((_, i) => {
    if (indegree[i] === 0) heap.push(i);
  });
  const order: string[] = [];
  for (let i = heap.pop(); i !== undefined; i = heap.pop()) {
    order.push(ids[i]!);
    for (const s of queue.dependentsOf(ids[i]!)) {
      const j = local.get(s);
      if (j !== undefined && --indegree[j]! === 0) heap.push(j);
    }
  }
  return order;
}

/** The longest chain by summed estimates: start at the highest bottom level, follow the highest child. */
export function criticalPath(queue: ReadyQueue): { ids: string[]; length: number } {
  const ids = runnable(queue);
  let current: string | undefined;
  for (const id of ids) {
    if (queue.dependenciesOf(id).length > 0) continue;
    if (current === undefined || queue.priority(id) > queue.priority(current)) current = id;
  }
  if (current === undefined) return { ids: [], length: 0 };
  const length = queue.priority(current);
  const path: string[] = [];
  while (current !== undefined) {
    path.push(current);
    let best: string | undefined;
    for (const s of queue.dependentsOf(current)) {
      if (queue.state(s) === 'skipped') continue;
      if (best === undefined || queue.priority(s) > queue.priority(best)) best = s;
    }
    current = best;
  }
  return { ids: path, length };
}

/**
 * Simulates the queue's own policy (critical-path list scheduling, no overhead) on `workers`
 * workers and returns the makespan. Consumes the queue.
 */
export function simulateMakespan(queue: ReadyQueue, workers: number): number {
  const finish: number[] = [];
  // Max-heap on -finish time = earliest completion first; ties in insertion order.
  const running = new PriorityHeap(finish);
  const index = new Map(queue.taskIds().map((id, i) => [id, i]));
  const ids = queue.taskIds();
  let now = 0;
  let busy = 0;
  for (;;) {
    while (busy < workers) {
      const id = queue.next();
      if (id === undefined) break;
      const i = index.get(id)!;
      finish[i] = -(now + queue.estimate(id));
      running.push(i);
      busy++;
    }
    const i = running.pop();
    if (i === undefined) break;
    busy--;
    now = -finish[i]!;
    queue.done(ids[i]!);
  }
  return now;
}

export function computePlan(queue: ReadyQueue, workers: number): PlanStats {
  if (!Number.isInteger(workers) || workers < 1) {
    throw new GraphError('GRAPH_BAD_ARGUMENT', `plan() needs a whole number of workers ≥ 1, got ${String(workers)}`, {
      context: { workers },
    });
  }
  const order = topologicalOrder(queue);
  const path = criticalPath(queue);
  let totalWork = 0;
  for (const id of order) totalWork += queue.estimate(id);
  const lowerBound = Math.max(path.length, totalWork / workers);
  const simulatedMakespan = simulateMakespan(queue, workers);
  return { order, criticalPath: path, totalWork, workers, lowerBound, simulatedMakespan };
}
