/**
 * Plans a small backlog with @pco/graph: validates it, prints the critical path, the lower bound
 * and the simulated makespan for a few pool sizes, then hands tasks out in priority order.
 *
 *   node --conditions=@pco/source --import tsx examples/graph/plan-backlog.ts
 */
import { DependencyGraph } from '@pco/graph';

export interface BacklogItem {
  readonly id: string;
  readonly title: string;
  readonly dependencies?: readonly string[];
  /** Estimated agent minutes. */
  readonly estimate: number;
}

export const backlog: readonly BacklogItem[] = [
  { id: 'acme/api#1', title: 'Define the OpenAPI schema', estimate: 20 },
  { id: 'acme/api#2', title: 'Database migrations', estimate: 15 },
  { id: 'acme/api#3', title: 'Users endpoint', dependencies: ['acme/api#1', 'acme/api#2'], estimate: 30 },
  { id: 'acme/api#4', title: 'Orders endpoint', dependencies: ['acme/api#1', 'acme/api#2'], estimate: 45 },
  { id: 'acme/api#5', title: 'Auth middleware', dependencies: ['acme/api#1'], estimate: 25 },
  { id: 'acme/web#6', title: 'Generated API client', dependencies: ['acme/api#1'], estimate: 10 },
  { id: 'acme/web#7', title: 'Checkout page', dependencies: ['acme/web#6', 'acme/api#4'], estimate: 40 },
  { id: 'acme/web#8', title: 'Profile page', dependencies: ['acme/web#6', 'acme/api#3', 'acme/api#5'], estimate: 20 },
  { id: 'acme/api#9', title: 'Load test', dependencies: ['acme/api#3', 'acme/api#4'], estimate: 15 },
  { id: 'acme/docs#10', title: 'Release notes', dependencies: ['acme/web#7', 'acme/web#8', 'acme/api#9'], estimate: 5 },
];

/** Builds the report the example prints (returned for the test). */
export function planBacklog(items: readonly BacklogItem[] = backlog): string {
  const graph = new DependencyGraph(items);
  const report = graph.validate();
  const lines: string[] = [];
  if (!report.ok) {
    lines.push('The backlog has problems:', ...report.issues.map((issue) => `  - ${issue.message}`));
    return lines.join('\n');
  }
  const titles = new Map(items.map((item) => [item.id, item.title]));
  lines.push(`${graph.size} tasks, no problems found.`);
  for (const workers of [1, 2, 4, 10]) {
    const plan = graph.plan(workers);
    lines.push(
      `${String(workers).padStart(2)} agents: lower bound ${plan.lowerBound.toFixed(1)} min, simulated makespan ${plan.simulatedMakespan.toFixed(1)} min`,
    );
  }
  const { criticalPath } = graph.plan(10);
  lines.push(`Critical path (${criticalPath.length} min): ${criticalPath.ids.join(' → ')}`);

  // Hand tasks out the way the orchestrator does: highest remaining path first, dependents
  // released the moment their last dependency is done.
  const queue = graph.createQueue();
  const order: string[] = [];
  for (let id = queue.next(); id !== undefined; id = queue.next()) {
    order.push(id);
    queue.done(id);
  }
  lines.push('Dispatch order with one agent:', ...order.map((id, k) => `  ${k + 1}. ${id} ${titles.get(id)}`));
  lines.push('', 'Mermaid:', graph.toMermaid({ labels: titles }));
  return lines.join('\n');
}

// Run when executed directly (not when imported by the test).
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  console.log(planBacklog());
}
