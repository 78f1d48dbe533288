import { GraphError } from './errors.js';
import { toDot, toMermaid, type GraphExportOptions } from './export-graph.js';
import { findGraphIssues } from './graph-issues.js';
import { computePlan } from './plan.js';
import { ReadyQueue } from './ready-queue.js';
import type { GraphNode, PlanStats, ValidationReport } from './types.js';

/**
 * A set of tasks with dependencies and duration estimates. Collects data as given (duplicates,
 * unknown references and cycles included) and reports every problem with {@link validate};
 * {@link createQueue} turns a valid graph into the running {@link ReadyQueue}.
 */
export class DependencyGraph {
  private readonly all: GraphNode[] = [];
  private readonly first = new Map<string, GraphNode>();
  /** A queue nobody runs, for read-only questions (priorities, exports); dropped on add(). */
  private untouched: ReadyQueue | undefined;

  constructor(nodes?: Iterable<GraphNode>) {
    if (nodes) this.add(nodes);
  }

  /**
   * Adds one node or many. Never throws on bad data: {@link validate} reports it. The graph keeps
   * the nodes as given: to change a node, build a new graph rather than edit the node in place (the
   * priorities and exports are computed once per `add()`).
   */
  add(nodes: GraphNode | Iterable<GraphNode>): this {
    const list = isNode(nodes) ? [nodes] : nodes;
    this.untouched = undefined;
    for (const node of list) {
      this.all.push(node);
      if (!this.first.has(node.id)) this.first.set(node.id, node);
    }
    return this;
  }

  /** Number of distinct ids. */
  get size(): number {
    return this.first.size;
  }

  has(id: string): boolean {
    return this.first.has(id);
  }

  /** The first node added with this id. */
  get(id: string): GraphNode | undefined {
    return this.first.get(id);
  }

  /** Every node as added, duplicates included, in insertion order. */
  nodes(): Iterable<GraphNode> {
    return this.all;
  }

  /**
   * Every problem of the graph; never throws. Cycles come as paths in dependency direction
   * (`a → b` reads "a depends on b"), at least one per strongly connected component.
   */
  validate(): ValidationReport {
    const { issues, cycles } = findGraphIssues(this.all, { unreachable: true });
    return { ok: issues.length === 0, issues, cycles };
  }

  /** Throws a {@link GraphError} (`GRAPH_INVALID`) listing every problem, if there is any. */
  assertValid(): void {
    const report = this.validate();
    if (!report.ok) throw GraphError.fromReport(report);
  }

  /**
   * The running ready queue for this graph. Throws `GRAPH_INVALID` on cycles, duplicates,
   * self-dependencies or invalid estimates; tasks with unknown dependencies start skipped.
   */
  createQueue(): ReadyQueue {
    return new ReadyQueue(this);
  }

  /**
   * Plan statistics for `workers` workers: topological order, critical path, lower bound and the
   * makespan the scheduler's own policy achieves (simulated with the real {@link ReadyQueue}).
   * Tasks that can never run (unknown dependencies) are left out.
   */
  plan(workers: number): PlanStats {
    return computePlan(this.createQueue(), workers);
  }

  /** Bottom level of a task: its estimate plus the longest chain of estimates that waits on it. */
  priority(id: string): number {
    return this.readOnlyQueue().priority(id);
  }

  /** The graph as a Mermaid flowchart, critical path highlighted. */
  toMermaid(options?: GraphExportOptions): string {
    return toMermaid(this.readOnlyQueue(), options);
  }

  /** The graph as Graphviz DOT, critical path highlighted. */
  toDot(options?: GraphExportOptions): string {
    return toDot(this.readOnlyQueue(), options);
  }

  /** Built once per state of the graph: priority() in a loop must not rebuild the queue each call. */
  private readOnlyQueue(): ReadyQueue {
    return (this.untouched ??= this.createQueue());
  }
}

function isNode(value: GraphNode | Iterable<GraphNode>): value is GraphNode {
  return typeof (value as GraphNode).id === 'string';
}
