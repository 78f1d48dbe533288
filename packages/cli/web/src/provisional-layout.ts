/**
 * What a large graph shows before ELK's layout arrives (ELK takes seconds on 1,000 tasks): every
 * node at once, in columns by dependency depth (a task one column right of its deepest
 * dependency, the order ELK's layers follow too) and, within a column, in the order the tasks
 * came. No edges: their routes are ELK's. It is a placeholder, not a layout: the page marks it
 * (`data-layout="provisional"`, a note in the graph's tool bar) and replaces it with ELK's layout
 * as soon as that arrives. Graphs under {@link PROVISIONAL_FROM} tasks never show it.
 */
import { NODE_HEIGHT, NODE_WIDTH } from './layout.js';
import type { GraphLayout, NodeBox, TaskView } from './types.js';

/**
 * From this many tasks the page draws the placeholder first. Measured on a loaded 2-core machine
 * (docs/web-view.md): ELK's first layout, its worker's start included, took about 0.4 s for 25
 * tasks, 0.7 s for 100 and 1.3 s for 300, on top of the page's own start.
 */
export const PROVISIONAL_FROM = 100;

const COLUMN_GAP = 56;
const ROW_GAP = 14;

/** Depth of each task: 0 without dependencies (in the set), else one more than its deepest dependency. */
export function dependencyDepths(tasks: ReadonlyMap<string, TaskView>): Map<string, number> {
  // Kahn's order over the edges inside the set; a task on a cycle (the server refuses those) keeps depth 0.
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const task of tasks.values()) {
    let count = 0;
    for (const dependency of new Set(task.dependencies.map((d) => d.id))) {
      if (!tasks.has(dependency) || dependency === task.id) continue;
      count += 1;
      const list = dependents.get(dependency);
      if (list) list.push(task.id);
      else dependents.set(dependency, [task.id]);
    }
    waiting.set(task.id, count);
  }
  const depth = new Map<string, number>();
  const queue: string[] = [];
  for (const [id, count] of waiting) {
    depth.set(id, 0);
    if (count === 0) queue.push(id);
  }
  for (let head = 0; head < queue.length; head += 1) {
    const id = queue[head] as string;
    const next = (depth.get(id) ?? 0) + 1;
    for (const dependent of dependents.get(id) ?? []) {
      if ((depth.get(dependent) ?? 0) < next) depth.set(dependent, next);
      const left = (waiting.get(dependent) ?? 1) - 1;
      waiting.set(dependent, left);
      if (left === 0) queue.push(dependent);
    }
  }
  return depth;
}

/** The placeholder for `tasks` (see the module comment). */
export function provisionalLayout(tasks: ReadonlyMap<string, TaskView>, key: string): GraphLayout {
  const depths = dependencyDepths(tasks);
  const rows = new Map<number, number>();
  const nodes = new Map<string, NodeBox>();
  let width = 0;
  let height = 0;
  for (const id of tasks.keys()) {
    const column = depths.get(id) ?? 0;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    const box = { x: column * (NODE_WIDTH + COLUMN_GAP), y: row * (NODE_HEIGHT + ROW_GAP), width: NODE_WIDTH, height: NODE_HEIGHT };
    nodes.set(id, box);
    width = Math.max(width, box.x + NODE_WIDTH);
    height = Math.max(height, box.y + NODE_HEIGHT);
  }
  return { key, kind: 'provisional', nodes, edges: [], width, height, layoutMs: 0, readyAt: performance.now() };
}
