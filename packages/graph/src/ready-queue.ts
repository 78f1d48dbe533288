import { EdgeLists } from './edge-lists.js';
import { GraphError } from './errors.js';
import { findCycles } from './find-cycles.js';
import {
  cycleIssue,
  duplicateIdIssue,
  invalidEstimateIssue,
  selfDependencyIssue,
  unknownDependencyIssue,
} from './issue-messages.js';
import { findGraphIssues, isValidEstimate } from './graph-issues.js';
import { PriorityHeap } from './priority-heap.js';
import type { AddResult, GraphIssue, GraphNode, QueueCounts, QueueTaskState, SkippedTask } from './types.js';

const PENDING = 0;
const READY = 1;
const RUNNING = 2;
const DONE = 3;
const FAILED = 4;
const SKIPPED = 5;

const STATE_NAMES: readonly QueueTaskState[] = ['pending', 'ready', 'running', 'done', 'failed', 'skipped'];
const NONE: readonly never[] = Object.freeze([]);

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

/** The structure both constructors end with: edges as CSR, problems found, unknown references. */
interface Resolved {
  readonly start: Int32Array;
  readonly list: Int32Array;
  readonly structural: GraphIssue[];
  readonly unknown: Map<number, string> | undefined;
}

/** Marks {@link ReadyQueue.fromIndexed} input for the constructor (not part of the public signature). */
class IndexedInput {
  constructor(readonly tasks: IndexedTasks) {}
}

/**
 * The event-driven ready queue: hands out the ready task with the longest remaining path
 * (bottom level, estimates included; ties in insertion order), releases dependents the moment a
 * task is done, and skips every transitive dependent of a failure. No wave barriers, no rescans:
 * each operation costs O(log n) amortised, plus the edges it touches.
 *
 * Priorities count only the dependents still waiting to start: they rise when tasks are added
 * below and fall when dependents are skipped.
 *
 * Tasks with unknown dependencies start `skipped` (see {@link ReadyQueue.initiallySkipped}).
 * Cycles, duplicate ids, self-dependencies and invalid estimates are refused with a
 * {@link GraphError} (`GRAPH_INVALID`): validate the graph first.
 */
export class ReadyQueue<N extends GraphNode = GraphNode> {
  /** Tasks skipped at construction: unknown dependencies, and their dependents. */
  readonly initiallySkipped: readonly SkippedTask[];

  /** Number of tasks. */
  private count: number;
  /** Ids by index; undefined for an indexed queue without ids until an id is first needed. */
  private idList: string[] | undefined;
  private idIndex: Map<string, number> | undefined;
  /**
   * The nodes as given, so {@link nextNode} can hand back the caller's own object (an indexed
   * queue fills it on demand).
   */
  private readonly nodes: (N | undefined)[];
  private capacity!: number;
  private est!: Float64Array;
  /** Bottom level: own estimate plus the longest path of estimates below (unstarted dependents only). */
  private level!: Float64Array;
  /** Dependencies not yet done. */
  private remaining!: Int32Array;
  private status!: Uint8Array;
  private readonly deps: EdgeLists;
  private readonly succ: EdgeLists;
  /** For skipped tasks: the id of the failed or skipped ancestor (or the given reason). */
  private readonly because = new Map<number, string>();
  /** For failed and skipped tasks: the id at the root of the failure (what dependents name). */
  private readonly origin = new Map<number, string>();
  private readonly heap: PriorityHeap;
  private readonly stateCounts = [0, 0, 0, 0, 0, 0];

  /**
   * A queue over `tasks` (nodes with string ids and dependencies, or a {@link DependencyGraph}).
   * For tasks already held by index, {@link ReadyQueue.fromIndexed} skips the id resolution.
   */
  constructor(source: ReadyQueueSource<NoInfer<N>> | Iterable<NoInfer<N>>) {
    let resolved: Resolved;
    if (source instanceof IndexedInput) {
      const { tasks } = source;
      const n = tasks.dependencies.length;
      this.count = n;
      this.nodes = [];
      this.allocate(n);
      resolved = this.resolveIndexed(tasks);
    } else {
      const nodes = isQueueSource(source) ? [...source.nodes()] : Array.isArray(source) ? (source as N[]).slice() : [...source];
      const n = nodes.length;
      this.count = n;
      this.nodes = nodes;
      this.allocate(n);
      resolved = this.resolveNodes(nodes);
    }
    const n = this.count;
    const { start, list, structural, unknown } = resolved;
    this.deps = new EdgeLists(start, list);
    this.succ = EdgeLists.reverse(this.deps);
    for (let i = 0; i < n; i++) this.remaining[i] = start[i + 1]! - start[i]!;

    // Topological order (Kahn); nodes left over sit on or behind a cycle.
    const order = this.topologicalOrder(n);
    if (order.length < n) structural.push(...this.cycleIssues(n));
    if (structural.length > 0) throw GraphError.fromReport({ ok: false, issues: structural, cycles: [] });

    this.heap = new PriorityHeap(this.level, this.capacity);
    this.stateCounts[PENDING] = n;
    const skipped: SkippedTask[] = [];
    if (unknown) for (const [i, ref] of unknown) if (this.status[i] === PENDING) this.skipFrom(i, ref, skipped);
    // Bottom levels in reverse topological order, over the unstarted (not skipped) dependents.
    const { level, est, status, remaining } = this;
    const { start: sStart, list: sList } = this.succ;
    for (let k = n - 1; k >= 0; k--) {
      const i = order[k]!;
      let below = 0;
      for (let e = sStart[i]!, end = sStart[i + 1]!; e < end; e++) {
        const s = sList[e]!;
        if (status[s] === PENDING && level[s]! > below) below = level[s]!;
      }
      level[i] = est[i]! + below;
    }
    for (let i = 0; i < n; i++) {
      if (status[i] === PENDING && remaining[i] === 0) this.makeReady(i);
    }
    this.initiallySkipped = skipped;
  }

  /**
   * A queue over tasks given by dense index (see {@link IndexedTasks}): the fast path for large
   * graphs that are already arrays. Validated like the constructor: an index out of range, a
   * self-dependency, an invalid estimate, a duplicate id or a cycle throws a {@link GraphError}
   * (`GRAPH_INVALID`). Pair it with {@link nextIndex} and {@link doneIndex}.
   */
  static fromIndexed(tasks: IndexedTasks): ReadyQueue<GraphNode> {
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
    return new ReadyQueue<GraphNode>(new IndexedInput(tasks) as unknown as GraphNode[]);
  }

  /** Sizes the per-task arrays for `n` tasks. */
  private allocate(n: number): void {
    this.capacity = Math.max(n, 16);
    this.est = new Float64Array(this.capacity);
    this.level = new Float64Array(this.capacity);
    this.remaining = new Int32Array(this.capacity);
    this.status = new Uint8Array(this.capacity);
  }

  /** Ids, duplicates, estimates and string references of node input, resolved to CSR edges. */
  private resolveNodes(nodes: readonly N[]): Resolved {
    const n = nodes.length;
    const ids = new Array<string>(n);
    const index = new Map<string, number>();
    this.idList = ids;
    this.idIndex = index;
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
      if (e === undefined) this.est[i] = 1;
      else if (isValidEstimate(e)) this.est[i] = e;
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
    return { start, list, structural, unknown };
  }

  /** Index input: checked ranges and estimates, copied to CSR edges; ids only checked if given. */
  private resolveIndexed(tasks: IndexedTasks): Resolved {
    const { dependencies, estimates, ids } = tasks;
    const n = dependencies.length;
    const structural: GraphIssue[] = [];
    if (ids !== undefined) {
      this.idList = ids.slice();
      const index = new Map<string, number>();
      const counts = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const id = ids[i]!;
        if (index.has(id)) counts.set(id, (counts.get(id) ?? 1) + 1);
        else index.set(id, i);
      }
      this.idIndex = index;
      for (const [id, count] of counts) structural.push(duplicateIdIssue(id, count));
    }
    // Plain loops over locals: this is the path for very large graphs, and it runs cold.
    const est = this.est;
    let totalRefs = 0;
    if (estimates === undefined) est.fill(1, 0, n);
    for (let i = 0; i < n; i++) {
      if (estimates !== undefined) {
        const e = estimates[i];
        if (isValidEstimate(e)) est[i] = e;
        else if (this.idIndex === undefined || this.idIndex.get(this.idAt(i)) === i) structural.push(invalidEstimateIssue(this.idAt(i), e));
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
          if (!repeated) structural.push(unknownDependencyIssue(this.idAt(i), String(j)));
        } else if (j === i) {
          if (!selfListed) structural.push(selfDependencyIssue(this.idAt(i)));
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
    return { start, list, structural, unknown: undefined };
  }

  /** Number of tasks, in every state. */
  get size(): number {
    return this.count;
  }

  /** Counts by state. */
  get counts(): QueueCounts {
    const c = this.stateCounts;
    return {
      total: this.count,
      pending: c[PENDING]!,
      ready: c[READY]!,
      running: c[RUNNING]!,
      done: c[DONE]!,
      failed: c[FAILED]!,
      skipped: c[SKIPPED]!,
    };
  }

  /** True when nothing is pending, ready or running. */
  isFinished(): boolean {
    const c = this.stateCounts;
    return c[PENDING] === 0 && c[READY] === 0 && c[RUNNING] === 0;
  }

  has(id: string): boolean {
    return this.lookup(id) !== undefined;
  }

  /** The task's state, or undefined for an unknown id. */
  state(id: string): QueueTaskState | undefined {
    const i = this.lookup(id);
    return i === undefined ? undefined : STATE_NAMES[this.status[i]!];
  }

  /** Why a skipped task was skipped: the failed/skipped ancestor's id or the given reason. */
  skippedBecause(id: string): string | undefined {
    const i = this.lookup(id);
    return i === undefined ? undefined : this.because.get(i);
  }

  /** Bottom level of the task: its estimate plus the longest chain of estimates still waiting on it. */
  priority(id: string): number {
    return this.level[this.indexOf(id)]!;
  }

  /** The task's estimate. */
  estimate(id: string): number {
    return this.est[this.indexOf(id)]!;
  }

  dependenciesOf(id: string): readonly string[] {
    return this.deps.toArray(this.indexOf(id)).map((d) => this.idAt(d));
  }

  dependentsOf(id: string): readonly string[] {
    return this.succ.toArray(this.indexOf(id)).map((s) => this.idAt(s));
  }

  /** Every id, in insertion order. */
  taskIds(): readonly string[] {
    return this.table().ids;
  }

  /** The index of a task (its position in insertion order), for the index-based methods. */
  indexOf(id: string): number {
    const i = this.lookup(id);
    if (i === undefined) {
      throw new GraphError('GRAPH_UNKNOWN_TASK', `unknown task "${id}"`, { context: { task: id } });
    }
    return i;
  }

  /** The id of the task at `index` (see {@link indexOf}). */
  idOf(index: number): string {
    this.checkIndex(index);
    return this.idAt(index);
  }

  /** The ready task that {@link next} would hand out, without taking it. */
  peek(): string | undefined {
    const i = this.heap.peek();
    return i === undefined ? undefined : this.idAt(i);
  }

  /** Hands out the highest-priority ready task (it becomes `running`), or undefined when none is ready. */
  next(): string | undefined {
    const i = this.heap.pop();
    if (i === undefined) return undefined;
    this.setState(i, RUNNING);
    return this.idAt(i);
  }

  /**
   * Like {@link next}, but returns the task's index (see {@link fromIndexed}), or -1 when none is
   * ready: the allocation-free path for large graphs.
   */
  nextIndex(): number {
    const i = this.heap.pop();
    if (i === undefined) return -1;
    this.setState(i, RUNNING);
    return i;
  }

  /**
   * Like {@link next}, but returns the node object the task was added with (the caller's own
   * object, with whatever else it carries), so no id lookup is needed to find the task's data.
   */
  nextNode(): N | undefined {
    const i = this.heap.pop();
    if (i === undefined) return undefined;
    this.setState(i, RUNNING);
    return this.nodeAt(i);
  }

  /** Marks a running task done and returns the ids of the dependents that became ready. */
  done(id: string): readonly string[] {
    const i = this.indexOf(id);
    if (this.status[i] !== RUNNING) this.badTransition(i, 'done');
    const released = this.complete(i, true);
    return released === undefined ? NONE : released.map((s) => this.idAt(s));
  }

  /**
   * Like {@link done}, returning the dependents that became ready as the nodes this queue was
   * given (the counterpart of {@link nextNode}: no id lookups on the caller's side).
   */
  doneNodes(id: string): readonly N[] {
    const i = this.indexOf(id);
    if (this.status[i] !== RUNNING) this.badTransition(i, 'done');
    const released = this.complete(i, true);
    return released === undefined ? NONE : released.map((s) => this.nodeAt(s));
  }

  /**
   * Like {@link done}, by index; returns how many dependents became ready (their indices come
   * out of {@link nextIndex}).
   */
  doneIndex(index: number): number {
    this.checkIndex(index);
    if (this.status[index] !== RUNNING) this.badTransition(index, 'done');
    const before = this.stateCounts[READY]!;
    this.complete(index, false);
    return this.stateCounts[READY]! - before;
  }

  /** Marks running task `i` done and releases its dependents (their indices collected when asked). */
  private complete(i: number, collect: boolean): number[] | undefined {
    this.setState(i, DONE);
    let released: number[] | undefined;
    const { start, list, base, extra } = this.succ;
    if (i < base) {
      const { status, remaining } = this;
      for (let k = start[i]!, end = start[i + 1]!; k < end; k++) {
        const s = list[k]!;
        // release(s), written out for the hot path
        if (status[s] !== PENDING || --remaining[s]! !== 0) continue;
        this.makeReady(s);
        if (collect) (released ??= []).push(s);
      }
    }
    const more = extra[i];
    if (more) for (const s of more) if (this.release(s) && collect) (released ??= []).push(s);
    return released;
  }

  /**
   * Marks a running (or ready) task failed; every transitive dependent that has not started is
   * skipped with `because` = this id. Independent tasks are untouched.
   */
  fail(id: string): readonly SkippedTask[] {
    const i = this.indexOf(id);
    const s = this.status[i]!;
    if (s !== RUNNING && s !== READY) this.badTransition(i, 'fail');
    if (s === READY) this.heap.remove(i);
    this.setState(i, FAILED);
    this.origin.set(i, id);
    const skipped: SkippedTask[] = [];
    this.skipDependents(i, id, skipped);
    this.lowerAncestors(skipped);
    return skipped;
  }

  /**
   * Skips a task that has not started (e.g. its author is untrusted), with `because` as the
   * reason, and every transitive dependent with `because` = this id. Returns all of them.
   */
  skip(id: string, because: string): readonly SkippedTask[] {
    const i = this.indexOf(id);
    const s = this.status[i]!;
    if (s !== PENDING && s !== READY) this.badTransition(i, 'skip');
    const skipped: SkippedTask[] = [];
    this.skipFrom(i, because, skipped);
    this.lowerAncestors(skipped);
    return skipped;
  }

  /** Puts a running task back among the ready ones (a retry after backoff, or an interrupted run). */
  requeue(id: string): void {
    const i = this.indexOf(id);
    if (this.status[i] !== RUNNING) this.badTransition(i, 'requeue');
    this.makeReady(i);
  }

  /**
   * Adds tasks while the queue runs. Atomic: on any problem (duplicate id, unknown dependency,
   * self-dependency, invalid estimate, a cycle among the new tasks) nothing changes and the issues
   * are returned. New tasks may depend on existing tasks and on each other; priorities of the
   * affected ancestors are raised at once.
   */
  add(nodes: readonly N[]): AddResult {
    const { issues } = findGraphIssues(nodes, { exists: (id) => this.lookup(id) !== undefined });
    if (issues.length > 0) return { ok: false, issues };
    const first = this.count;
    for (const node of nodes) this.append(node);
    for (let k = 0; k < nodes.length; k++) {
      const i = first + k;
      for (const ref of nodes[k]!.dependencies ?? NONE) {
        const d = this.lookup(ref)!;
        if (this.deps.includes(i, d)) continue;
        this.deps.add(i, d);
        this.succ.add(d, i);
        if (this.status[d] !== DONE) this.remaining[i]!++;
      }
    }
    const skipped: SkippedTask[] = [];
    // New tasks in topological order (Kahn restricted to the batch), so a task sees whether a
    // dependency in the same batch was skipped.
    const order = this.batchOrder(first);
    for (const i of order) {
      if (this.status[i] !== PENDING) continue;
      const cause = this.blockedCause(i);
      if (cause !== undefined) this.skipFrom(i, cause, skipped, cause);
    }
    for (let k = order.length - 1; k >= 0; k--) this.level[order[k]!] = this.levelFromDependents(order[k]!);
    const ready: string[] = [];
    for (const i of order) {
      if (this.status[i] !== PENDING) continue;
      if (this.remaining[i] === 0) {
        this.makeReady(i);
        ready.push(this.idAt(i));
      }
      for (const d of this.deps.toArray(i)) if (d < first) this.raise(d, this.est[d]! + this.level[i]!);
    }
    return { ok: true, ready, skipped };
  }

  /**
   * Adds a dependency to a task that has not started. Refused (nothing changes) when it would
   * close a cycle (the issue carries the path) or names an unknown task. If `dependsOn` already
   * failed or was skipped, the task is skipped at once.
   */
  addDependency(id: string, dependsOn: string): AddResult {
    const i = this.indexOf(id);
    const s = this.status[i]!;
    if (s !== PENDING && s !== READY) this.badTransition(i, 'addDependency');
    if (id === dependsOn) return { ok: false, issues: [selfDependencyIssue(id)] };
    const d = this.lookup(dependsOn);
    if (d === undefined) return { ok: false, issues: [unknownDependencyIssue(id, dependsOn)] };
    if (this.deps.includes(i, d)) return { ok: true, ready: NONE, skipped: NONE };
    const path = this.pathThroughDependencies(d, i);
    if (path !== undefined) {
      return { ok: false, issues: [cycleIssue([id, ...path.map((x) => this.idAt(x))])] };
    }
    this.deps.add(i, d);
    this.succ.add(d, i);
    const skipped: SkippedTask[] = [];
    const ds = this.status[d]!;
    if (ds === FAILED || ds === SKIPPED) {
      const root = this.origin.get(d)!;
      this.skipFrom(i, root, skipped, root);
      this.lowerAncestors(skipped);
      return { ok: true, ready: NONE, skipped };
    }
    if (ds !== DONE) {
      this.remaining[i]!++;
      if (s === READY) {
        this.heap.remove(i);
        this.setState(i, PENDING);
      }
    }
    this.raise(d, this.est[d]! + this.level[i]!);
    return { ok: true, ready: NONE, skipped };
  }

  // ---- internals ---------------------------------------------------------------------------

  /** The id of task `i`; an indexed queue without ids names task `i` `String(i)`. */
  private idAt(i: number): string {
    return this.idList !== undefined ? this.idList[i]! : String(i);
  }

  /** The index of `id`, or undefined. An indexed queue without ids answers without building a map. */
  private lookup(id: string): number | undefined {
    if (this.idIndex !== undefined) return this.idIndex.get(id);
    if (!/^(?:0|[1-9][0-9]*)$/.test(id)) return undefined;
    const i = Number(id);
    return i < this.count ? i : undefined;
  }

  /** Ids and the id map, materialised on first use for an indexed queue without ids. */
  private table(): { ids: string[]; index: Map<string, number> } {
    if (this.idList === undefined) this.idList = Array.from({ length: this.count }, (_, i) => String(i));
    if (this.idIndex === undefined) {
      this.idIndex = new Map();
      for (let i = 0; i < this.count; i++) this.idIndex.set(this.idList[i]!, i);
    }
    return { ids: this.idList, index: this.idIndex };
  }

  /** The caller's node for task `i`; an indexed queue makes one on demand. */
  private nodeAt(i: number): N {
    let node = this.nodes[i];
    if (node === undefined) {
      node = { id: this.idAt(i), dependencies: this.deps.toArray(i).map((d) => this.idAt(d)), estimate: this.est[i]! } as GraphNode as N;
      this.nodes[i] = node;
    }
    return node;
  }

  private checkIndex(index: number): void {
    if (!(Number.isInteger(index) && index >= 0 && index < this.count)) {
      throw new GraphError('GRAPH_UNKNOWN_TASK', `no task at index ${String(index)} (the queue has ${this.count})`, {
        context: { index },
      });
    }
  }

  private badTransition(i: number, op: string): never {
    const id = this.idAt(i);
    const state = STATE_NAMES[this.status[i]!];
    throw new GraphError('GRAPH_BAD_TRANSITION', `cannot ${op}() task "${id}": it is ${state}`, {
      context: { task: id, state, operation: op },
    });
  }

  private setState(i: number, s: number): void {
    this.stateCounts[this.status[i]!]!--;
    this.status[i] = s;
    this.stateCounts[s]!++;
  }

  private makeReady(i: number): void {
    this.setState(i, READY);
    this.heap.push(i);
  }

  /** One dependency of pending task `s` is done; true when `s` became ready. */
  private release(s: number): boolean {
    if (this.status[s] !== PENDING) return false;
    if (--this.remaining[s]! !== 0) return false;
    this.makeReady(s);
    return true;
  }

  private append(node: N): void {
    const i = this.count;
    if (i >= this.capacity) this.grow(2 * this.capacity);
    const { ids, index } = this.table();
    ids.push(node.id);
    index.set(node.id, i);
    this.nodes[i] = node;
    this.count++;
    this.est[i] = node.estimate ?? 1;
    this.level[i] = 0;
    this.remaining[i] = 0;
    this.status[i] = PENDING;
    this.stateCounts[PENDING]!++;
  }

  private grow(capacity: number): void {
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.est = grow(this.est, (c) => new Float64Array(c));
    this.level = grow(this.level, (c) => new Float64Array(c));
    this.remaining = grow(this.remaining, (c) => new Int32Array(c));
    this.status = grow(this.status, (c) => new Uint8Array(c));
    this.capacity = capacity;
    this.heap.reset(this.level, capacity);
  }

  /** Kahn's order of the first `n` nodes (those in the CSR block). */
  private topologicalOrder(n: number): Int32Array {
    const indegree = this.remaining.slice(0, n);
    const order = new Int32Array(n);
    let tail = 0;
    for (let i = 0; i < n; i++) if (indegree[i] === 0) order[tail++] = i;
    const { start, list } = this.succ;
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
  private cycleIssues(n: number): GraphIssue[] {
    const edges: number[][] = [];
    // Of duplicate ids only the first takes part (the others are reported as duplicates).
    const index = this.idIndex;
    for (let i = 0; i < n; i++) edges.push(index === undefined || index.get(this.idAt(i)) === i ? this.deps.toArray(i) : []);
    return findCycles(edges).map((cycle) => cycleIssue(cycle.map((i) => this.idAt(i))));
  }

  /** Own estimate plus the highest level among the dependents still waiting to start. */
  private levelFromDependents(i: number): number {
    let below = 0;
    const { start, list, base, extra } = this.succ;
    if (i < base) {
      for (let k = start[i]!, end = start[i + 1]!; k < end; k++) {
        const s = list[k]!;
        const st = this.status[s];
        if ((st === PENDING || st === READY) && this.level[s]! > below) below = this.level[s]!;
      }
    }
    const more = extra[i];
    if (more) {
      for (const s of more) {
        const st = this.status[s];
        if ((st === PENDING || st === READY) && this.level[s]! > below) below = this.level[s]!;
      }
    }
    return this.est[i]! + below;
  }

  /**
   * After tasks were skipped, their unstarted ancestors no longer wait on them: lower the
   * ancestors' bottom levels (transitively, only as far as a level actually drops).
   */
  private lowerAncestors(skipped: readonly SkippedTask[]): void {
    const work: number[] = [];
    for (const s of skipped) work.push(...this.deps.toArray(this.lookup(s.id)!));
    while (work.length > 0) {
      const i = work.pop()!;
      const st = this.status[i];
      if (st !== PENDING && st !== READY) continue;
      const value = this.levelFromDependents(i);
      if (value >= this.level[i]!) continue;
      this.level[i] = value;
      if (st === READY) this.heap.update(i);
      work.push(...this.deps.toArray(i));
    }
  }

  /** Topological order of tasks `first..`, counting only edges inside that range. */
  private batchOrder(first: number): number[] {
    const n = this.count - first;
    const indegree = new Int32Array(n);
    for (let i = first; i < this.count; i++) {
      for (const d of this.deps.toArray(i)) if (d >= first) indegree[i - first]!++;
    }
    const order: number[] = [];
    for (let k = 0; k < n; k++) if (indegree[k] === 0) order.push(first + k);
    for (let head = 0; head < order.length; head++) {
      for (const s of this.succ.toArray(order[head]!)) {
        if (s >= first && --indegree[s - first]! === 0) order.push(s);
      }
    }
    return order;
  }

  /** Raises the bottom level of `start` (and, transitively, of its unstarted ancestors). */
  private raise(start: number, candidate: number): void {
    const stack: number[] = [start];
    const values: number[] = [candidate];
    while (stack.length > 0) {
      const i = stack.pop()!;
      const value = values.pop()!;
      const s = this.status[i];
      if (value <= this.level[i]! || (s !== PENDING && s !== READY)) continue;
      this.level[i] = value;
      if (s === READY) this.heap.update(i);
      for (const d of this.deps.toArray(i)) {
        stack.push(d);
        values.push(this.est[d]! + value);
      }
    }
  }

  /** The root cause that blocks a new task: a failed dependency, or what its skip goes back to. */
  private blockedCause(i: number): string | undefined {
    for (const d of this.deps.toArray(i)) {
      const s = this.status[d];
      if (s === FAILED || s === SKIPPED) return this.origin.get(d);
    }
    return undefined;
  }

  /**
   * Skips task `i` with `because`; its dependents name `root` (the task itself when it is the
   * root of the skip, or the failed/skipped ancestor it inherits).
   */
  private skipFrom(i: number, because: string, out: SkippedTask[], root: string = this.idAt(i)): void {
    if (this.status[i] === READY) this.heap.remove(i);
    this.setState(i, SKIPPED);
    this.because.set(i, because);
    this.origin.set(i, root);
    out.push({ id: this.idAt(i), because });
    this.skipDependents(i, root, out);
  }

  private skipDependents(start: number, because: string, out: SkippedTask[]): void {
    const stack = [start];
    while (stack.length > 0) {
      const i = stack.pop()!;
      for (const s of this.succ.toArray(i)) {
        const st = this.status[s];
        if (st !== PENDING && st !== READY) continue;
        if (st === READY) this.heap.remove(s);
        this.setState(s, SKIPPED);
        this.because.set(s, because);
        this.origin.set(s, because);
        out.push({ id: this.idAt(s), because });
        stack.push(s);
      }
    }
  }

  /**
   * A path `from → ... → to` following dependency edges, or undefined. When `to` has not
   * started, no done or running task lies on such a path (their dependencies are all done).
   */
  private pathThroughDependencies(from: number, to: number): number[] | undefined {
    const parent = new Map<number, number>([[from, -1]]);
    const stack = [from];
    while (stack.length > 0) {
      const u = stack.pop()!;
      if (u === to) {
        const path: number[] = [];
        for (let x = u; x !== -1; x = parent.get(x)!) path.push(x);
        return path.reverse();
      }
      const su = this.status[u];
      if (su === DONE || su === RUNNING) continue;
      for (const d of this.deps.toArray(u)) {
        if (!parent.has(d)) {
          parent.set(d, u);
          stack.push(d);
        }
      }
    }
    return undefined;
  }
}

function isQueueSource(value: unknown): value is ReadyQueueSource {
  return typeof (value as ReadyQueueSource).nodes === 'function';
}

