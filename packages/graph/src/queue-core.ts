import type { EdgeLists } from './edge-lists.js';
import { GraphError } from './errors.js';
import { PriorityHeap } from './priority-heap.js';
import type { GraphNode, QueueTaskState } from './types.js';

// Task states, as stored in the Uint8Array `status` (indices into STATE_NAMES and stateCounts).
export const PENDING = 0;
export const READY = 1;
export const RUNNING = 2;
export const DONE = 3;
export const FAILED = 4;
export const SKIPPED = 5;

export const STATE_NAMES: readonly QueueTaskState[] = ['pending', 'ready', 'running', 'done', 'failed', 'skipped'];
export const NONE: readonly never[] = Object.freeze([]);

/** What the builder hands the core: the resolved tasks and their edges. */
export interface CoreInit<N extends GraphNode> {
  readonly count: number;
  readonly capacity: number;
  /** Estimates by index, `capacity` long. */
  readonly est: Float64Array;
  readonly nodes: (N | undefined)[];
  readonly ids: string[] | undefined;
  readonly index: Map<string, number> | undefined;
  readonly deps: EdgeLists;
  readonly succ: EdgeLists;
}

/**
 * The ready queue's state and its hot transitions (ready → running → done and the release of
 * dependents): per-task typed arrays indexed by insertion order, the ready heap over the bottom
 * levels, the dependency edges both ways. The other queue modules (build, priorities, skips,
 * changes) are functions over this object, so the state lives in one place and the hot paths stay
 * plain method calls on typed arrays (no per-node objects or closures).
 */
export class QueueCore<N extends GraphNode = GraphNode> {
  /** Number of tasks. */
  count: number;
  /** Ids by index; undefined for an indexed queue without ids until an id is first needed. */
  idList: string[] | undefined;
  idIndex: Map<string, number> | undefined;
  /**
   * The nodes as given, so `nextNode()` can hand back the caller's own object (an indexed queue
   * fills it on demand).
   */
  readonly nodes: (N | undefined)[];
  capacity: number;
  est: Float64Array;
  /** Bottom level: own estimate plus the longest path of estimates below (unstarted dependents only). */
  level: Float64Array;
  /** Dependencies not yet done. */
  remaining: Int32Array;
  status: Uint8Array;
  readonly deps: EdgeLists;
  readonly succ: EdgeLists;
  /** For skipped tasks: the id of the failed or skipped ancestor (or the given reason). */
  readonly because = new Map<number, string>();
  /** For failed and skipped tasks: the id at the root of the failure (what dependents name). */
  readonly origin = new Map<number, string>();
  readonly heap: PriorityHeap;
  readonly stateCounts = [0, 0, 0, 0, 0, 0];

  /** All tasks start pending with their dependency counts set; levels and the heap are the builder's job. */
  constructor(init: CoreInit<N>) {
    const { count: n, capacity } = init;
    this.count = n;
    this.capacity = capacity;
    this.est = init.est;
    this.nodes = init.nodes;
    this.idList = init.ids;
    this.idIndex = init.index;
    this.level = new Float64Array(capacity);
    this.remaining = new Int32Array(capacity);
    this.status = new Uint8Array(capacity);
    this.deps = init.deps;
    this.succ = init.succ;
    const { start } = init.deps;
    const remaining = this.remaining;
    for (let i = 0; i < n; i++) remaining[i] = start[i + 1]! - start[i]!;
    this.heap = new PriorityHeap(this.level, capacity);
    this.stateCounts[PENDING] = n;
  }

  // ---- ids ---------------------------------------------------------------------------------

  /** The id of task `i`; an indexed queue without ids names task `i` `String(i)`. */
  idAt(i: number): string {
    return this.idList !== undefined ? this.idList[i]! : String(i);
  }

  /** The index of `id`, or undefined. An indexed queue without ids answers without building a map. */
  lookup(id: string): number | undefined {
    if (this.idIndex !== undefined) return this.idIndex.get(id);
    if (!/^(?:0|[1-9][0-9]*)$/.test(id)) return undefined;
    const i = Number(id);
    return i < this.count ? i : undefined;
  }

  /** The index of `id`; throws `GRAPH_UNKNOWN_TASK` for an unknown id. */
  indexOf(id: string): number {
    const i = this.lookup(id);
    if (i === undefined) {
      throw new GraphError('GRAPH_UNKNOWN_TASK', `unknown task "${id}"`, { context: { task: id } });
    }
    return i;
  }

  /** Ids and the id map, materialised on first use for an indexed queue without ids. */
  table(): { ids: string[]; index: Map<string, number> } {
    if (this.idList === undefined) this.idList = Array.from({ length: this.count }, (_, i) => String(i));
    if (this.idIndex === undefined) {
      this.idIndex = new Map();
      for (let i = 0; i < this.count; i++) this.idIndex.set(this.idList[i]!, i);
    }
    return { ids: this.idList, index: this.idIndex };
  }

  /** The caller's node for task `i`; an indexed queue makes one on demand. */
  nodeAt(i: number): N {
    let node = this.nodes[i];
    if (node === undefined) {
      node = { id: this.idAt(i), dependencies: this.deps.toArray(i).map((d) => this.idAt(d)), estimate: this.est[i]! } as GraphNode as N;
      this.nodes[i] = node;
    }
    return node;
  }

  checkIndex(index: number): void {
    if (!(Number.isInteger(index) && index >= 0 && index < this.count)) {
      throw new GraphError('GRAPH_UNKNOWN_TASK', `no task at index ${String(index)} (the queue has ${this.count})`, {
        context: { index },
      });
    }
  }

  badTransition(i: number, op: string): never {
    const id = this.idAt(i);
    const state = STATE_NAMES[this.status[i]!];
    throw new GraphError('GRAPH_BAD_TRANSITION', `cannot ${op}() task "${id}": it is ${state}`, {
      context: { task: id, state, operation: op },
    });
  }

  // ---- state transitions -------------------------------------------------------------------

  setState(i: number, s: number): void {
    this.stateCounts[this.status[i]!]!--;
    this.status[i] = s;
    this.stateCounts[s]!++;
  }

  makeReady(i: number): void {
    this.setState(i, READY);
    this.heap.push(i);
  }

  /** Takes the highest-priority ready task (it becomes running); -1 when none is ready. */
  take(): number {
    const i = this.heap.pop();
    if (i === undefined) return -1;
    this.setState(i, RUNNING);
    return i;
  }

  /** Takes ready task `i` out of priority order (it becomes running). */
  takeAt(i: number): void {
    this.heap.remove(i);
    this.setState(i, RUNNING);
  }

  /** One dependency of pending task `s` is done; true when `s` became ready. */
  release(s: number): boolean {
    if (this.status[s] !== PENDING) return false;
    if (--this.remaining[s]! !== 0) return false;
    this.makeReady(s);
    return true;
  }

  /** Marks running task `i` done and releases its dependents (their indices collected when asked). */
  complete(i: number, collect: boolean): number[] | undefined {
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

  // ---- storage -----------------------------------------------------------------------------

  /** Appends a pending task (no edges yet), growing the arrays as needed. */
  append(node: N): void {
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
}
