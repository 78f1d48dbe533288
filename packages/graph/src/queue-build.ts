import { EdgeLists } from './edge-lists.js';
import { GraphError } from './errors.js';
import { findCycles } from './find-cycles.js';
import { cycleIssue } from './issue-messages.js';
import { PENDING, QueueCore } from './queue-core.js';
import { IndexedInput, isQueueSource, resolveIndexed, resolveNodes, type ReadyQueueSource, type Resolved } from './queue-input.js';
import { initialLevels } from './queue-priorities.js';
import { skipFrom } from './queue-skips.js';
import type { GraphIssue, GraphNode, SkippedTask } from './types.js';

/**
 * A validated queue state for the constructor's input (nodes, a source, or `fromIndexed`'s
 * marker): edges resolved, cycles refused with `GRAPH_INVALID`, tasks with unknown
 * dependencies (and their dependents) skipped, bottom levels computed, roots ready.
 */
export function buildCore<N extends GraphNode>(
  source: ReadyQueueSource<N> | Iterable<N> | IndexedInput,
): { core: QueueCore<N>; initiallySkipped: SkippedTask[] } {
  let nodes: (N | undefined)[];
  let n: number;
  let capacity: number;
  let est: Float64Array;
  let resolved: Resolved;
  if (source instanceof IndexedInput) {
    const { tasks } = source;
    n = tasks.dependencies.length;
    nodes = [];
    capacity = Math.max(n, 16);
    est = new Float64Array(capacity);
    resolved = resolveIndexed(tasks, est);
  } else {
    const given = isQueueSource(source) ? [...source.nodes()] : Array.isArray(source) ? (source as N[]).slice() : [...source];
    n = given.length;
    nodes = given;
    capacity = Math.max(n, 16);
    est = new Float64Array(capacity);
    resolved = resolveNodes(given, est);
  }
  const { start, list, structural, unknown } = resolved;
  const deps = new EdgeLists(start, list);
  const core = new QueueCore<N>({ count: n, capacity, est, nodes, ids: resolved.ids, index: resolved.index, deps, succ: EdgeLists.reverse(deps) });

  // Topological order (Kahn); nodes left over sit on or behind a cycle.
  const order = topologicalOrder(core, n);
  if (order.length < n) structural.push(...cycleIssues(core, n));
  if (structural.length > 0) throw GraphError.fromReport({ ok: false, issues: structural, cycles: [] });

  const skipped: SkippedTask[] = [];
  if (unknown) for (const [i, ref] of unknown) if (core.status[i] === PENDING) skipFrom(core, i, ref, skipped);
  initialLevels(core, order);
  const { status, remaining } = core;
  for (let i = 0; i < n; i++) {
    if (status[i] === PENDING && remaining[i] === 0) core.makeReady(i);
  }
  return { core, initiallySkipped: skipped };
}

/** Kahn's order of the first `n` nodes (those in the CSR block). */
function topologicalOrder(core: QueueCore, n: number): Int32Array {
  const indegree = core.remaining.slice(0, n);
  const order = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (indegree[i] === 0) order[tail++] = i;
  const { start, list } = core.succ;
  for (let head = 0; head < tail; head++) {
    const u = order[head]!;
    for (let k = start[u]!, end = start[u + 1]!; k < end; k++) {
      const s = list[k]!;
      if (--indegree[s]! === 0) order[tail++] = s;
    }
  }
  return order.subarray(0, tail);
}

/** The cycle issues of the initial graph (slow path, only when Kahn's order came up short). */
function cycleIssues(core: QueueCore, n: number): GraphIssue[] {
  const edges: number[][] = [];
  // Of duplicate ids only the first takes part (the others are reported as duplicates).
  const index = core.idIndex;
  for (let i = 0; i < n; i++) edges.push(index === undefined || index.get(core.idAt(i)) === i ? core.deps.toArray(i) : []);
  return findCycles(edges).map((cycle) => cycleIssue(cycle.map((i) => core.idAt(i))));
}
