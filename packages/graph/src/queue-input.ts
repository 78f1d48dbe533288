import { GraphError } from './errors.js';
import { isValidEstimate } from './graph-issues.js';
import { duplicateIdIssue, invalidEstimateIssue, selfDependencyIssue, unknownDependencyIssue } from './issue-messages.js';
import type { GraphIssue, GraphNode } from './types.js';

/** Where a {@link ReadyQueue} gets its initial tasks from (a {@link DependencyGraph} fits). */
export interface ReadyQueueSource<N extends GraphNode = GraphNode> {
  /** Every node, duplicates included, in insertion order. */
  nodes(): Iterable<N>;
}

/**
 * Tasks given by dense index, for callers that already hold their graph as arrays (a parsed
 * file, another scheduler's state): task `i` waits for the tasks listed in `dependencies[i]`.
 * No string ids are resolved, so a 100,000-task queue starts in a few milliseconds; ids are
 * only materialised if an id-based method is called.
 */
export interface IndexedTasks {
  /** `dependencies[i]`: the indices of the tasks task `i` waits for. Its length is the number of tasks. */
  readonly dependencies: readonly ArrayLike<number>[];
  /**
   * `estimates[i]`: task `i`'s duration estimate (finite, ≥ 0).
   * @default 1 for every task
   */
  readonly estimates?: ArrayLike<number>;
  /**
   * `ids[i]`: task `i`'s id (unique). Without ids, task `i` has the id `String(i)`.
   * @default String(i)
   */
  readonly ids?: readonly string[];
}

/** Marks `ReadyQueue.fromIndexed` input for the constructor (not part of the public signature). */
export class IndexedInput {
  constructor(readonly tasks: IndexedTasks) {}
}

/** Node or index input resolved to CSR edges, with the problems found and the unknown references. */
export interface Resolved {
  readonly ids: string[] | undefined;
  readonly index: Map<string, number> | undefined;
  readonly start: Int32Array;
  readonly list: Int32Array;
  readonly structural: GraphIssue[];
  /** Task index → its first unknown reference (node input only: an index is either in range or an issue). */
  readonly unknown: Map<number, string> | undefined;
}

export function isQueueSource(value: unknown): value is ReadyQueueSource {
  return typeof (value as ReadyQueueSource).nodes === 'function';
}

/** The argument checks of `fromIndexed()` that come before any task is looked at. */
export function checkIndexedTasks(tasks: IndexedTasks): void {
  if (!tasks || !Array.isArray(tasks.dependencies)) {
    throw new GraphError('GRAPH_BAD_ARGUMENT', 'fromIndexed() needs { dependencies: number[][] }', { context: { argument: 'dependencies' } });
  }
  const n = tasks.dependencies.length;
  for (const [field, value] of [['ids', tasks.ids], ['estimates', tasks.estimates]] as const) {
    if (value !== undefined && value.length !== n) {
      throw new GraphError('GRAPH_BAD_ARGUMENT', `fromIndexed(): ${field} has ${value.length} entries for ${n} tasks`, {
        context: { argument: field, expected: n, got: value.length },
      });
    }
  }
}

/** Ids, duplicates, estimates (into `est`) and string references of node input, resolved to CSR edges. */
export function resolveNodes(nodes: readonly GraphNode[], est: Float64Array): Resolved {
  const n = nodes.length;
  const ids = new Array<string>(n);
  const index = new Map<string, number>();
  const structural: GraphIssue[] = [];
  let duplicates: Map<string, number> | undefined;
  let totalRefs = 0;
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    const id = node.id;
    if (index.has(id)) {
      duplicates ??= new Map();
      duplicates.set(id, (duplicates.get(id) ?? 1) + 1);
    } else index.set(id, i);
    ids[i] = id;
    const e = node.estimate;
    if (e === undefined) est[i] = 1;
    else if (isValidEstimate(e)) est[i] = e;
    else if (index.get(id) === i) structural.push(invalidEstimateIssue(id, e));
    totalRefs += node.dependencies?.length ?? 0;
  }
  if (duplicates) structural.unshift(...[...duplicates].map(([id, count]) => duplicateIdIssue(id, count)));

  // Dependency edges as CSR; unknown references and self-dependencies.
  const start = new Int32Array(n + 1);
  let list = new Int32Array(totalRefs);
  let m = 0;
  let unknown: Map<number, string> | undefined;
  for (let i = 0; i < n; i++) {
    start[i] = m;
    const refs = nodes[i]!.dependencies;
    if (refs === undefined) continue;
    let selfListed = false;
    for (let r = 0; r < refs.length; r++) {
      const ref = refs[r]!;
      const j = index.get(ref);
      if (j === undefined) {
        unknown ??= new Map();
        if (!unknown.has(i)) unknown.set(i, ref);
        continue;
      }
      if (j === i) {
        // Once per task, however often it lists itself (as validate() reports it).
        if (!selfListed) structural.push(selfDependencyIssue(ref));
        selfListed = true;
        continue;
      }
      let seen = false;
      for (let k = start[i]!; k < m; k++) if (list[k] === j) seen = true;
      if (!seen) list[m++] = j;
    }
  }
  start[n] = m;
  if (m < list.length) list = list.slice(0, m);
  return { ids, index, start, list, structural, unknown };
}

/** Index input: checked ranges and estimates (into `est`), copied to CSR edges; ids only checked if given. */
export function resolveIndexed(tasks: IndexedTasks, est: Float64Array): Resolved {
  const { dependencies, estimates } = tasks;
  const n = dependencies.length;
  const structural: GraphIssue[] = [];
  let ids: string[] | undefined;
  let index: Map<string, number> | undefined;
  if (tasks.ids !== undefined) {
    ids = tasks.ids.slice();
    index = new Map<string, number>();
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      if (index.has(id)) counts.set(id, (counts.get(id) ?? 1) + 1);
      else index.set(id, i);
    }
    for (const [id, count] of counts) structural.push(duplicateIdIssue(id, count));
  }
  const idAt = (i: number): string => (ids !== undefined ? ids[i]! : String(i));
  // Plain loops over locals: this is the path for very large graphs, and it runs cold.
  let totalRefs = 0;
  if (estimates === undefined) est.fill(1, 0, n);
  for (let i = 0; i < n; i++) {
    if (estimates !== undefined) {
      const e = estimates[i];
      if (isValidEstimate(e)) est[i] = e;
      else if (index === undefined || index.get(idAt(i)) === i) structural.push(invalidEstimateIssue(idAt(i), e));
    }
    const refs = dependencies[i];
    if (refs === null || typeof refs !== 'object' || typeof refs.length !== 'number') {
      throw new GraphError('GRAPH_BAD_ARGUMENT', `fromIndexed(): dependencies[${i}] is not a list of indices`, {
        context: { argument: `dependencies[${i}]` },
      });
    }
    totalRefs += refs.length;
  }
  const start = new Int32Array(n + 1);
  let list = new Int32Array(totalRefs);
  let m = 0;
  for (let i = 0; i < n; i++) {
    start[i] = m;
    const first = m;
    const refs = dependencies[i]!;
    let selfListed = false;
    for (let r = 0; r < refs.length; r++) {
      const j = refs[r]!;
      // (j >>> 0) === j: an integer in 0 .. 2^32 - 1 (false for NaN, fractions, negatives).
      if ((j >>> 0) !== j || j >= n) {
        let repeated = false;
        for (let q = 0; q < r; q++) if (Object.is(refs[q], j)) repeated = true;
        if (!repeated) structural.push(unknownDependencyIssue(idAt(i), String(j)));
      } else if (j === i) {
        if (!selfListed) structural.push(selfDependencyIssue(idAt(i)));
        selfListed = true;
      } else {
        let seen = false;
        for (let k = first; k < m; k++) if (list[k] === j) seen = true;
        if (!seen) list[m++] = j;
      }
    }
  }
  start[n] = m;
  if (m < list.length) list = list.slice(0, m);
  return { ids, index, start, list, structural, unknown: undefined };
}
