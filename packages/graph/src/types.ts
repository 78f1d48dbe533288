/** A task as the graph sees it: an id, what it waits for, and how long it should take. */
export interface GraphNode {
  /** Unique id. */
  readonly id: string;
  /** Ids of the tasks that must be done before this one can start. */
  readonly dependencies?: readonly string[];
  /**
   * Duration estimate (any unit, the same for every task of a graph). Must be finite and ≥ 0.
   * @default 1
   */
  readonly estimate?: number;
}

/** One problem found by {@link DependencyGraph.validate} or a rejected dynamic change. */
export type GraphIssue =
  | { readonly kind: 'cycle'; readonly path: readonly string[]; readonly message: string }
  | { readonly kind: 'unknown-dependency'; readonly task: string; readonly ref: string; readonly message: string }
  | { readonly kind: 'duplicate-id'; readonly task: string; readonly count: number; readonly message: string }
  | { readonly kind: 'self-dependency'; readonly task: string; readonly message: string }
  | {
      readonly kind: 'unreachable';
      readonly task: string;
      /** The unknown id that blocks it. */
      readonly missing: string;
      /** The dependency of `task` through which the missing id is reached. */
      readonly via: string;
      readonly message: string;
    }
  | { readonly kind: 'invalid-estimate'; readonly task: string; readonly estimate: unknown; readonly message: string };

/** Kinds of {@link GraphIssue}. */
export type GraphIssueKind = GraphIssue['kind'];

/** What {@link DependencyGraph.validate} found. `ok` is true when `issues` is empty. */
export interface ValidationReport {
  readonly ok: boolean;
  /** Every issue, in a stable order: duplicates, invalid estimates, self-dependencies, unknown dependencies, unreachable tasks, cycles. */
  readonly issues: readonly GraphIssue[];
  /** Each cycle as its path, first id repeated at the end (`['a', 'b', 'a']`); at least one per strongly connected component. */
  readonly cycles: readonly (readonly string[])[];
}

/** State of a task in a {@link ReadyQueue}. */
export type QueueTaskState = 'pending' | 'ready' | 'running' | 'done' | 'failed' | 'skipped';

/** A task skipped because an ancestor failed (or was skipped itself). */
export interface SkippedTask {
  readonly id: string;
  /** Id of the failed ancestor that caused the skip. */
  readonly because: string;
}

/** Outcome of a dynamic change to a running queue. */
export type AddResult =
  | {
      readonly ok: true;
      /** Ids of added tasks that are ready right away. */
      readonly ready: readonly string[];
      /** Added tasks skipped at once because a dependency already failed or was skipped. */
      readonly skipped: readonly SkippedTask[];
    }
  | { readonly ok: false; readonly issues: readonly GraphIssue[] };

/** Counts by state. */
export interface QueueCounts {
  readonly total: number;
  readonly pending: number;
  readonly ready: number;
  readonly running: number;
  readonly done: number;
  readonly failed: number;
  readonly skipped: number;
}

/** Plan statistics for a valid graph. */
export interface PlanStats {
  /** A topological order (dependencies first; ties in insertion order). */
  readonly order: readonly string[];
  /** The longest path by summed estimates. */
  readonly criticalPath: { readonly ids: readonly string[]; readonly length: number };
  /** Sum of all estimates. */
  readonly totalWork: number;
  /** Number of workers the figures below are for. */
  readonly workers: number;
  /** max(critical path length, total work / workers): no schedule can finish sooner. */
  readonly lowerBound: number;
  /** Makespan of the scheduler's own policy (critical-path list scheduling), simulated. */
  readonly simulatedMakespan: number;
}
