/**
 * Task rows of the view: built from a task when it becomes known, then updated by the run's
 * events; the dependency origins a source recorded, and the critical path from @pco/graph.
 */
import { DependencyGraph, typicalEstimate, type GraphNode } from '@pco/graph';
import type { Task, TaskResult } from '@pco/contract';
import type { ApiLanding, ApiTaskRow, DependencyOrigin } from './api-types.js';

/**
 * A row as the model keeps it: the API row plus the revision of its last change and the task's
 * own estimate (`estimate` is what the schedule counts: that, else the backlog's typical one).
 */
export type MutableRow = { -readonly [K in keyof ApiTaskRow]: ApiTaskRow[K] } & { rev: number; given: number | undefined };

/**
 * How a source says where each dependency came from: `task.source.dependencyOrigins`, dependency
 * id → `keyword` | `section` | `label` | `blocked-by` | `sub-issue` (@pco/github-source sets it).
 */
const ORIGINS: Readonly<Record<string, DependencyOrigin>> = {
  keyword: 'prose',
  prose: 'prose',
  section: 'section',
  label: 'label',
  'blocked-by': 'blocked-by',
  'sub-issue': 'sub-issue',
};

/** The origin of `task`'s dependency on `id`, `unknown` when its source does not say. */
export function dependencyOrigin(task: Task, id: string): DependencyOrigin {
  const recorded = (task.source as { dependencyOrigins?: unknown } | undefined)?.dependencyOrigins;
  if (recorded === null || typeof recorded !== 'object') return 'unknown';
  const via = (recorded as Record<string, unknown>)[id];
  return typeof via === 'string' ? (ORIGINS[via] ?? 'unknown') : 'unknown';
}

/** A new row for `task` (state `pending`). */
export function rowOf(task: Task, rev: number, dependencies: readonly string[] = task.dependencies ?? []): MutableRow {
  return {
    id: task.id,
    title: task.title,
    ...(task.url !== undefined ? { url: task.url } : {}),
    labels: [...(task.labels ?? [])],
    state: 'pending',
    attempts: 0,
    // Until the critical path is computed over every row (criticalPathOf).
    estimate: task.estimate ?? 1,
    priority: task.estimate ?? 1,
    given: task.estimate,
    critical: false,
    dependencies: dependencies.map((id) => ({ id, origin: dependencyOrigin(task, id) })),
    pullRequests: [],
    warnings: [...(task.warnings ?? [])],
    ...(task.skip ? { skipReason: task.skip.reason } : {}),
    rev,
  };
}

/** Copies a result's fields onto `row`. */
export function applyResult(row: MutableRow, result: TaskResult): void {
  row.state = result.state;
  row.attempts = Math.max(row.attempts, result.attempts);
  if (result.agent !== undefined) row.agent = result.agent;
  if (result.runId !== undefined) row.runId = result.runId;
  if (result.webUrl !== undefined) row.webUrl = result.webUrl;
  row.pullRequests = result.pullRequests.map((pr) => ({
    url: pr.url,
    ...(pr.number !== undefined ? { number: pr.number } : {}),
    ...(pr.title !== undefined ? { title: pr.title } : {}),
    ...(pr.state !== undefined ? { state: pr.state } : {}),
    ...(pr.repo !== undefined ? { repo: pr.repo } : {}),
  }));
  if (result.summary !== undefined) row.summary = result.summary;
  if (result.error !== undefined) row.error = result.error;
  else if (result.state === 'done') delete row.error;
  if (result.skipReason !== undefined) row.skipReason = result.skipReason;
  if (result.skippedBecause !== undefined) row.skippedBecause = result.skippedBecause;
  if (result.startedAt !== undefined) row.startedAt = result.startedAt;
  if (result.endedAt !== undefined) row.endedAt = result.endedAt;
  if (result.durationMs !== undefined) row.durationMs = result.durationMs;
  if (result.landing !== undefined) {
    const l = result.landing;
    row.landing = {
      state: l.state,
      ...(l.review !== undefined ? { review: l.review } : {}),
      ...(l.message !== undefined ? { message: l.message } : {}),
      ...(l.landedAt !== undefined ? { landedAt: l.landedAt } : {}),
      reactions: l.reactions,
      reached: [...l.reached],
    };
  }
}

/** The row's landing, created in review when it has none yet. */
export function landingOf(row: MutableRow): ApiLanding {
  row.landing ??= { state: 'in-review', reactions: 0, reached: [] };
  return row.landing;
}

/**
 * The critical path of the rows (the longest chain by summed estimates, @pco/graph's plan) and
 * each row's priority (its bottom level). Dependencies on ids not in the set are left out (the
 * run skips such tasks); an invalid graph (a cycle) has no critical path.
 */
export function criticalPathOf(rows: Iterable<MutableRow>, workers: number): { ids: string[]; priority: Map<string, number>; fill: number } {
  const all = [...rows];
  const known = new Set(all.map((row) => row.id));
  // As pco run and pco plan count them: a task without an estimate is a typical one.
  const fill = typicalEstimate(all.map((row) => ({ estimate: row.given })));
  const nodes: GraphNode[] = all.map((row) => ({
    id: row.id,
    dependencies: row.dependencies.map((d) => d.id).filter((id) => known.has(id)),
    estimate: row.given ?? fill,
  }));
  const graph = new DependencyGraph(nodes);
  if (all.length === 0 || !graph.validate().ok) return { ids: [], priority: new Map(), fill };
  const plan = graph.plan(Math.max(1, workers));
  const priority = new Map<string, number>();
  for (const row of all) priority.set(row.id, graph.priority(row.id));
  return { ids: [...plan.criticalPath.ids], priority, fill };
}
