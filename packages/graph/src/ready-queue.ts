import { addDependency, addTasks } from './queue-changes.js';
import { buildCore } from './queue-build.js';
import { DONE, FAILED, NONE, PENDING, READY, RUNNING, SKIPPED, STATE_NAMES, type QueueCore } from './queue-core.js';
import { checkIndexedTasks, IndexedInput, type IndexedTasks, type ReadyQueueSource } from './queue-input.js';
import { failTask, skipTask } from './queue-skips.js';
import type { AddResult, GraphNode, QueueCounts, QueueTaskState, SkippedTask } from './types.js';

export type { IndexedTasks, ReadyQueueSource } from './queue-input.js';

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

  // The state and its transitions live in QueueCore; this class is the public facade over it
  // and the build, priority, skip and change modules.
  private readonly core: QueueCore<N>;

  /**
   * A queue over `tasks` (nodes with string ids and dependencies, or a {@link DependencyGraph}).
   * For tasks already held by index, {@link ReadyQueue.fromIndexed} skips the id resolution.
   */
  constructor(source: ReadyQueueSource<NoInfer<N>> | Iterable<NoInfer<N>>) {
    const { core, initiallySkipped } = buildCore<N>(source);
    this.core = core;
    this.initiallySkipped = initiallySkipped;
  }

  /**
   * A queue over tasks given by dense index (see {@link IndexedTasks}): the fast path for large
   * graphs that are already arrays. Validated like the constructor: an index out of range, a
   * self-dependency, an invalid estimate, a duplicate id or a cycle throws a {@link GraphError}
   * (`GRAPH_INVALID`). Pair it with {@link nextIndex} and {@link doneIndex}.
   */
  static fromIndexed(tasks: IndexedTasks): ReadyQueue<GraphNode> {
    checkIndexedTasks(tasks);
    return new ReadyQueue<GraphNode>(new IndexedInput(tasks) as unknown as GraphNode[]);
  }

  /** Number of tasks, in every state. */
  get size(): number {
    return this.core.count;
  }

  /** Counts by state. */
  get counts(): QueueCounts {
    const c = this.core.stateCounts;
    return {
      total: this.core.count,
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
    const c = this.core.stateCounts;
    return c[PENDING] === 0 && c[READY] === 0 && c[RUNNING] === 0;
  }

  has(id: string): boolean {
    return this.core.lookup(id) !== undefined;
  }

  /** The task's state, or undefined for an unknown id. */
  state(id: string): QueueTaskState | undefined {
    const i = this.core.lookup(id);
    return i === undefined ? undefined : STATE_NAMES[this.core.status[i]!];
  }

  /** Why a skipped task was skipped: the failed/skipped ancestor's id or the given reason. */
  skippedBecause(id: string): string | undefined {
    const i = this.core.lookup(id);
    return i === undefined ? undefined : this.core.because.get(i);
  }

  /** Bottom level of the task: its estimate plus the longest chain of estimates still waiting on it. */
  priority(id: string): number {
    return this.core.level[this.core.indexOf(id)]!;
  }

  /** The task's estimate. */
  estimate(id: string): number {
    return this.core.est[this.core.indexOf(id)]!;
  }

  dependenciesOf(id: string): readonly string[] {
    const core = this.core;
    return core.deps.toArray(core.indexOf(id)).map((d) => core.idAt(d));
  }

  dependentsOf(id: string): readonly string[] {
    const core = this.core;
    return core.succ.toArray(core.indexOf(id)).map((s) => core.idAt(s));
  }

  /** Every id, in insertion order. */
  taskIds(): readonly string[] {
    return this.core.table().ids;
  }

  /** The index of a task (its position in insertion order), for the index-based methods. */
  indexOf(id: string): number {
    return this.core.indexOf(id);
  }

  /** The id of the task at `index` (see {@link indexOf}). */
  idOf(index: number): string {
    this.core.checkIndex(index);
    return this.core.idAt(index);
  }

  /** The ready task that {@link next} would hand out, without taking it. */
  peek(): string | undefined {
    const i = this.core.heap.peek();
    return i === undefined ? undefined : this.core.idAt(i);
  }

  /** Hands out the highest-priority ready task (it becomes `running`), or undefined when none is ready. */
  next(): string | undefined {
    const i = this.core.take();
    return i === -1 ? undefined : this.core.idAt(i);
  }

  /**
   * Like {@link next}, but returns the task's index (see {@link fromIndexed}), or -1 when none is
   * ready: the allocation-free path for large graphs.
   */
  nextIndex(): number {
    return this.core.take();
  }

  /**
   * Like {@link next}, but returns the node object the task was added with (the caller's own
   * object, with whatever else it carries), so no id lookup is needed to find the task's data.
   */
  nextNode(): N | undefined {
    const i = this.core.take();
    return i === -1 ? undefined : this.core.nodeAt(i);
  }

  /**
   * Takes one particular ready task (it becomes running), out of priority order: e.g. a task a
   * resumed journal shows past its agent run, which continues without waiting for a slot.
   */
  take(id: string): N {
    const core = this.core;
    const i = core.indexOf(id);
    if (core.status[i] !== READY) core.badTransition(i, 'take');
    core.takeAt(i);
    return core.nodeAt(i);
  }

  /** Marks a running task done and returns the ids of the dependents that became ready. */
  done(id: string): readonly string[] {
    const core = this.core;
    const i = core.indexOf(id);
    if (core.status[i] !== RUNNING) core.badTransition(i, 'done');
    const released = core.complete(i, true);
    return released === undefined ? NONE : released.map((s) => core.idAt(s));
  }

  /**
   * Like {@link done}, returning the dependents that became ready as the nodes this queue was
   * given (the counterpart of {@link nextNode}: no id lookups on the caller's side).
   */
  doneNodes(id: string): readonly N[] {
    const core = this.core;
    const i = core.indexOf(id);
    if (core.status[i] !== RUNNING) core.badTransition(i, 'done');
    const released = core.complete(i, true);
    return released === undefined ? NONE : released.map((s) => core.nodeAt(s));
  }

  /**
   * Like {@link done}, by index; returns how many dependents became ready (their indices come
   * out of {@link nextIndex}).
   */
  doneIndex(index: number): number {
    const core = this.core;
    core.checkIndex(index);
    if (core.status[index] !== RUNNING) core.badTransition(index, 'done');
    const before = core.stateCounts[READY]!;
    core.complete(index, false);
    return core.stateCounts[READY]! - before;
  }

  /**
   * Marks a running (or ready) task failed; every transitive dependent that has not started is
   * skipped with `because` = this id. Independent tasks are untouched.
   */
  fail(id: string): readonly SkippedTask[] {
    return failTask(this.core, this.core.indexOf(id), id);
  }

  /**
   * Skips a task that has not started (e.g. its author is untrusted), with `because` as the
   * reason, and every transitive dependent with `because` = this id. Returns all of them.
   */
  skip(id: string, because: string): readonly SkippedTask[] {
    return skipTask(this.core, this.core.indexOf(id), because);
  }

  /** Puts a running task back among the ready ones (a retry after backoff, or an interrupted run). */
  requeue(id: string): void {
    const core = this.core;
    const i = core.indexOf(id);
    if (core.status[i] !== RUNNING) core.badTransition(i, 'requeue');
    core.makeReady(i);
  }

  /**
   * Adds tasks while the queue runs. Atomic: on any problem (duplicate id, unknown dependency,
   * self-dependency, invalid estimate, a cycle among the new tasks) nothing changes and the issues
   * are returned. New tasks may depend on existing tasks and on each other; priorities of the
   * affected ancestors are raised at once.
   */
  add(nodes: readonly N[]): AddResult {
    return addTasks(this.core, nodes);
  }

  /**
   * Adds a dependency to a task that has not started. Refused (nothing changes) when it would
   * close a cycle (the issue carries the path) or names an unknown task. If `dependsOn` already
   * failed or was skipped, the task is skipped at once.
   */
  addDependency(id: string, dependsOn: string): AddResult {
    return addDependency(this.core, id, dependsOn);
  }
}
