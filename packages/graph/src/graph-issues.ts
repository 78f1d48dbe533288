import { findCycles } from './find-cycles.js';
import {
  cycleIssue,
  duplicateIdIssue,
  invalidEstimateIssue,
  selfDependencyIssue,
  unknownDependencyIssue,
  unreachableIssue,
} from './issue-messages.js';
import type { GraphIssue, GraphNode } from './types.js';

/** Options of {@link findGraphIssues}. */
export interface FindGraphIssuesOptions {
  /**
   * Ids that exist outside `nodes` (a running queue's tasks when a batch is added): a reference
   * to one is satisfied, and a node reusing one is a duplicate.
   */
  readonly exists?: (id: string) => boolean;
  /** Also report tasks that wait, directly or not, on an unknown dependency. */
  readonly unreachable?: boolean;
}

/**
 * Every structural problem of `nodes`, in a stable order: duplicates, invalid estimates,
 * self-dependencies, unknown dependencies, unreachable tasks (if asked), cycles. Of duplicate
 * ids only the first node counts for the rest. Shared by `DependencyGraph.validate()` and
 * `ReadyQueue.add()`, so both word and order their findings the same way.
 */
export function findGraphIssues(nodes: readonly GraphNode[], options: FindGraphIssuesOptions = {}): { issues: GraphIssue[]; cycles: string[][] } {
  const exists = options.exists ?? (() => false);
  const counts = new Map<string, number>();
  const first: GraphNode[] = [];
  for (const node of nodes) {
    const count = counts.get(node.id);
    if (count === undefined) first.push(node);
    counts.set(node.id, (count ?? 0) + 1);
  }
  const duplicates: GraphIssue[] = [];
  for (const [id, count] of counts) {
    const total = count + (exists(id) ? 1 : 0);
    if (total > 1) duplicates.push(duplicateIdIssue(id, total));
  }

  const index = new Map(first.map((node, i) => [node.id, i]));
  const estimates: GraphIssue[] = [];
  const selfDeps: GraphIssue[] = [];
  const unknown: GraphIssue[] = [];
  const edges: number[][] = [];
  const dependents: number[][] = first.map(() => []);
  const missingOf = new Map<number, string>();
  first.forEach((node, i) => {
    const e = node.estimate;
    if (e !== undefined && !isValidEstimate(e)) estimates.push(invalidEstimateIssue(node.id, e));
    const out: number[] = [];
    for (const ref of new Set(node.dependencies ?? [])) {
      if (ref === node.id) selfDeps.push(selfDependencyIssue(node.id));
      const j = index.get(ref);
      if (j !== undefined) {
        out.push(j);
        dependents[j]!.push(i);
      } else if (!exists(ref)) {
        unknown.push(unknownDependencyIssue(node.id, ref));
        if (!missingOf.has(i)) missingOf.set(i, ref);
      }
    }
    edges.push(out);
  });

  const unreachable: GraphIssue[] = [];
  if (options.unreachable) {
    // Breadth-first from the tasks with a missing dependency, naming the missing id and the
    // dependency it is reached through; reported in insertion order.
    const found = new Map<number, GraphIssue>();
    const queue = [...missingOf.keys()].sort((a, b) => a - b);
    const cause = new Map<number, string>(missingOf);
    for (let head = 0; head < queue.length; head++) {
      const u = queue[head]!;
      for (const s of dependents[u]!) {
        if (cause.has(s)) continue;
        cause.set(s, cause.get(u)!);
        found.set(s, unreachableIssue(first[s]!.id, cause.get(u)!, first[u]!.id));
        queue.push(s);
      }
    }
    for (const [, issue] of [...found.entries()].sort((a, b) => a[0] - b[0])) unreachable.push(issue);
  }

  const cycles = findCycles(edges).map((cycle) => cycle.map((i) => first[i]!.id));
  return {
    issues: [
      ...duplicates,
      ...estimates,
      ...selfDeps,
      ...unknown,
      ...unreachable,
      // Self-loops are reported once, as self-dependencies.
      ...cycles.filter((path) => path.length > 2).map((path) => cycleIssue(path)),
    ],
    cycles,
  };
}

/** An estimate a task may have: a finite number ≥ 0. */
export function isValidEstimate(e: unknown): e is number {
  return typeof e === 'number' && Number.isFinite(e) && e >= 0;
}
