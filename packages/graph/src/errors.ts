import { PcoError } from '@pco/contract';
import type { GraphIssue, ValidationReport } from './types.js';

/** Stable codes of {@link GraphError}. */
export type GraphErrorCode =
  /** The graph has problems; `report` lists them all. */
  | 'GRAPH_INVALID'
  /** A dynamic change was rejected; `issues` says why (cycle path, unknown id, ...). */
  | 'GRAPH_CHANGE_REJECTED'
  /** An operation named an id the graph does not have. */
  | 'GRAPH_UNKNOWN_TASK'
  /** An operation does not fit the task's state (e.g. `done()` on a task that is not running). */
  | 'GRAPH_BAD_TRANSITION'
  /** An argument is out of range (e.g. 0 workers). */
  | 'GRAPH_BAD_ARGUMENT';

/** Thrown by @pco/graph for misuse, and by callers that want to throw on an invalid graph. */
export class GraphError extends PcoError {
  declare readonly code: GraphErrorCode;
  /** The problems behind a `GRAPH_INVALID` / `GRAPH_CHANGE_REJECTED` error (empty otherwise). */
  readonly issues: readonly GraphIssue[];

  constructor(
    code: GraphErrorCode,
    message: string,
    options: { readonly issues?: readonly GraphIssue[]; readonly context?: Readonly<Record<string, unknown>>; readonly cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.issues = options.issues ?? [];
  }

  /** A `GRAPH_INVALID` error listing every issue of `report`, one per line. */
  static fromReport(report: ValidationReport): GraphError {
    const n = report.issues.length;
    const lines = report.issues.map((issue) => `- ${issue.message}`).join('\n');
    return new GraphError('GRAPH_INVALID', `invalid dependency graph (${n} ${n === 1 ? 'problem' : 'problems'}):\n${lines}`, {
      issues: report.issues,
      context: { counts: countByKind(report.issues) },
    });
  }
}

function countByKind(issues: readonly GraphIssue[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const issue of issues) counts[issue.kind] = (counts[issue.kind] ?? 0) + 1;
  return counts;
}
