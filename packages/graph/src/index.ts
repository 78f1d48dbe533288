export { DependencyGraph } from './dependency-graph.js';
export { ReadyQueue, type IndexedTasks, type ReadyQueueSource } from './ready-queue.js';
export type { GraphExportOptions } from './export-graph.js';
export { GraphError, type GraphErrorCode } from './errors.js';
export { typicalEstimate } from './typical-estimate.js';
export type {
  AddResult,
  GraphIssue,
  GraphIssueKind,
  GraphNode,
  PlanStats,
  QueueCounts,
  QueueTaskState,
  SkippedTask,
  ValidationReport,
} from './types.js';
