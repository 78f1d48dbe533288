import { findGraphIssues } from './graph-issues.js';
import { cycleIssue, selfDependencyIssue, unknownDependencyIssue } from './issue-messages.js';
import { DONE, FAILED, NONE, PENDING, READY, RUNNING, SKIPPED, type QueueCore } from './queue-core.js';
import { levelFromDependents, lowerAncestors, raise } from './queue-priorities.js';
import { blockedCause, skipFrom } from './queue-skips.js';
import type { AddResult, GraphNode, SkippedTask } from './types.js';

// Changes to a running queue: tasks and dependencies added while it runs. Each is checked first
// and refused whole (nothing changes) on any problem.

/** `ReadyQueue.add()`: appends `nodes` atomically, skipping those blocked by a failure, raising their ancestors' levels. */
export function addTasks<N extends GraphNode>(core: QueueCore<N>, nodes: readonly N[]): AddResult {
  const { issues } = findGraphIssues(nodes, { exists: (id) => core.lookup(id) !== undefined });
  if (issues.length > 0) return { ok: false, issues };
  const first = core.count;
  for (const node of nodes) core.append(node);
  for (let k = 0; k < nodes.length; k++) {
    const i = first + k;
    for (const ref of nodes[k]!.dependencies ?? NONE) {
      const d = core.lookup(ref)!;
      if (core.deps.includes(i, d)) continue;
      core.deps.add(i, d);
      core.succ.add(d, i);
      if (core.status[d] !== DONE) core.remaining[i]!++;
    }
  }
  const skipped: SkippedTask[] = [];
  // New tasks in topological order (Kahn restricted to the batch), so a task sees whether a
  // dependency in the same batch was skipped.
  const order = batchOrder(core, first);
  for (const i of order) {
    if (core.status[i] !== PENDING) continue;
    const cause = blockedCause(core, i);
    if (cause !== undefined) skipFrom(core, i, cause, skipped, cause);
  }
  for (let k = order.length - 1; k >= 0; k--) core.level[order[k]!] = levelFromDependents(core, order[k]!);
  const ready: string[] = [];
  for (const i of order) {
    if (core.status[i] !== PENDING) continue;
    if (core.remaining[i] === 0) {
      core.makeReady(i);
      ready.push(core.idAt(i));
    }
    for (const d of core.deps.toArray(i)) if (d < first) raise(core, d, core.est[d]! + core.level[i]!);
  }
  return { ok: true, ready, skipped };
}

/** `ReadyQueue.addDependency()`: task `id` (not started) also waits for `dependsOn`, unless that closes a cycle. */
export function addDependency(core: QueueCore, id: string, dependsOn: string): AddResult {
  const i = core.indexOf(id);
  const s = core.status[i]!;
  if (s !== PENDING && s !== READY) core.badTransition(i, 'addDependency');
  if (id === dependsOn) return { ok: false, issues: [selfDependencyIssue(id)] };
  const d = core.lookup(dependsOn);
  if (d === undefined) return { ok: false, issues: [unknownDependencyIssue(id, dependsOn)] };
  if (core.deps.includes(i, d)) return { ok: true, ready: NONE, skipped: NONE };
  const path = pathThroughDependencies(core, d, i);
  if (path !== undefined) {
    return { ok: false, issues: [cycleIssue([id, ...path.map((x) => core.idAt(x))])] };
  }
  core.deps.add(i, d);
  core.succ.add(d, i);
  const skipped: SkippedTask[] = [];
  const ds = core.status[d]!;
  if (ds === FAILED || ds === SKIPPED) {
    const root = core.origin.get(d)!;
    skipFrom(core, i, root, skipped, root);
    lowerAncestors(core, skipped);
    return { ok: true, ready: NONE, skipped };
  }
  if (ds !== DONE) {
    core.remaining[i]!++;
    if (s === READY) {
      core.heap.remove(i);
      core.setState(i, PENDING);
    }
  }
  raise(core, d, core.est[d]! + core.level[i]!);
  return { ok: true, ready: NONE, skipped };
}

/** Topological order of tasks `first..`, counting only edges inside that range. */
function batchOrder(core: QueueCore, first: number): number[] {
  const n = core.count - first;
  const indegree = new Int32Array(n);
  for (let i = first; i < core.count; i++) {
    for (const d of core.deps.toArray(i)) if (d >= first) indegree[i - first]!++;
  }
  const order: number[] = [];
  for (let k = 0; k < n; k++) if (indegree[k] === 0) order.push(first + k);
  for (let head = 0; head < order.length; head++) {
    for (const s of core.succ.toArray(order[head]!)) {
      if (s >= first && --indegree[s - first]! === 0) order.push(s);
    }
  }
  return order;
}

/**
 * A path `from → ... → to` following dependency edges, or undefined. When `to` has not
 * started, no done or running task lies on such a path (their dependencies are all done).
 */
function pathThroughDependencies(core: QueueCore, from: number, to: number): number[] | undefined {
  const parent = new Map<number, number>([[from, -1]]);
  const stack = [from];
  while (stack.length > 0) {
    const u = stack.pop()!;
    if (u === to) {
      const path: number[] = [];
      for (let x = u; x !== -1; x = parent.get(x)!) path.push(x);
      return path.reverse();
    }
    const su = core.status[u];
    if (su === DONE || su === RUNNING) continue;
    for (const d of core.deps.toArray(u)) {
      if (!parent.has(d)) {
        parent.set(d, u);
        stack.push(d);
      }
    }
  }
  return undefined;
}
