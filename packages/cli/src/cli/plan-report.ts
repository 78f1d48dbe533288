/**
 * What `pco plan` (and `pco run --dry-run`) shows: the loaded tasks, what will not run and why,
 * warnings, cycles with their paths, the critical path, the lower bound and the simulated makespan
 * for the configured number of agents. Built from tasks alone, so it is the same for any source.
 */
import { DependencyGraph, typicalEstimate, type GraphIssue, type PlanStats } from '@pco/graph';
import type { Task } from '@pco/contract';

/** One task of a plan. */
export interface PlannedTask {
  readonly id: string;
  readonly title: string;
  readonly url?: string;
  readonly dependencies: readonly string[];
  readonly estimate: number;
  /** `runnable`: will be dispatched; `skipped`: the source said no (`task.skip`); `blocked`: waits for a skipped or unknown task. */
  readonly status: 'runnable' | 'skipped' | 'blocked';
  /** For skipped and blocked tasks: why, in one sentence. */
  readonly reason?: string;
  /** Critical-path priority (runnable tasks of a valid plan). */
  readonly priority?: number;
}

/** Everything `pco plan` reports. */
export interface PlanReport {
  readonly tasks: readonly PlannedTask[];
  /** Warnings from the source, per task (unresolved references and the like). */
  readonly warnings: readonly { readonly taskId: string; readonly message: string }[];
  /** Each cycle as a path, first id repeated at the end. A plan with cycles cannot run. */
  readonly cycles: readonly (readonly string[])[];
  /** Graph problems other than cycles (duplicate ids, self-dependencies, bad estimates). */
  readonly problems: readonly GraphIssue[];
  /** Plan figures for the runnable tasks; undefined when the graph is invalid. */
  readonly stats?: PlanStats;
  /** The graph of runnable tasks (for Mermaid / DOT output); undefined when invalid. */
  readonly graph?: DependencyGraph;
  /** True when the plan can run: no cycles, no problems. */
  readonly ok: boolean;
}

/** Builds the plan of `tasks` for `workers` agents. */
export function buildPlan(tasks: readonly Task[], workers: number): PlanReport {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const warnings = tasks.flatMap((task) => (task.warnings ?? []).map((message) => ({ taskId: task.id, message })));
  // As `pco run` counts them: a task without an estimate is a typical one of the backlog.
  const fill = typicalEstimate(tasks);
  const nodeOf = (task: Task) => ({ id: task.id, dependencies: task.dependencies ?? [], estimate: task.estimate ?? fill });

  // Cycles and structural problems are judged on every task: a cycle through a skipped task is
  // still a mistake in the backlog.
  const all = new DependencyGraph(tasks.map(nodeOf));
  const validation = all.validate();
  const problems = validation.issues.filter(
    (issue) => issue.kind !== 'cycle' && issue.kind !== 'unknown-dependency' && issue.kind !== 'unreachable',
  );

  // Why each task cannot run (memoised; cycles are guarded by `visiting`).
  const reasons = new Map<string, { status: 'skipped' | 'blocked'; reason: string } | null>();
  const visiting = new Set<string>();
  const blockedBy = (id: string): { status: 'skipped' | 'blocked'; reason: string } | null => {
    if (reasons.has(id)) return reasons.get(id)!;
    const task = byId.get(id)!;
    if (task.skip) {
      const out = { status: 'skipped' as const, reason: task.skip.message };
      reasons.set(id, out);
      return out;
    }
    visiting.add(id);
    let out: { status: 'skipped' | 'blocked'; reason: string } | null = null;
    for (const dep of task.dependencies ?? []) {
      if (!byId.has(dep)) {
        out = { status: 'blocked', reason: `depends on ${dep}, which is not in the task set` };
        break;
      }
      if (visiting.has(dep)) continue;
      const upstream = blockedBy(dep);
      if (upstream) {
        out = { status: 'blocked', reason: `waits for ${dep}, which ${upstream.status === 'skipped' ? 'is skipped' : 'is blocked'}` };
        break;
      }
    }
    visiting.delete(id);
    reasons.set(id, out);
    return out;
  };

  const runnable = tasks.filter((task) => blockedBy(task.id) === null);
  let stats: PlanStats | undefined;
  let graph: DependencyGraph | undefined;
  const ok = validation.cycles.length === 0 && problems.length === 0;
  if (ok) {
    graph = new DependencyGraph(runnable.map(nodeOf));
    if (graph.validate().ok) stats = graph.plan(workers);
    else graph = undefined;
  }

  const planned: PlannedTask[] = tasks.map((task) => {
    const why = blockedBy(task.id);
    return {
      id: task.id,
      title: task.title,
      ...(task.url ? { url: task.url } : {}),
      dependencies: [...(task.dependencies ?? [])],
      estimate: task.estimate ?? fill,
      status: why ? why.status : 'runnable',
      ...(why ? { reason: why.reason } : {}),
      ...(graph && !why ? { priority: graph.priority(task.id) } : {}),
    };
  });
  return { tasks: planned, warnings, cycles: validation.cycles, problems, ...(stats ? { stats } : {}), ...(graph ? { graph } : {}), ok };
}
