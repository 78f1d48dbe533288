/** Shared pieces of the scale-out tests: backlogs, the fake's records (not part of the API). */
import type { Task } from '@pco/contract';
import type { FakeCodegen, FakeCreatedRecord } from '@pco/testkit/codegen';

/** A layered DAG of `count` tasks: each depends on up to two tasks of the previous layer. */
export function layeredBacklog(count: number, prefix = 't', width = 10): Task[] {
  const tasks: Task[] = [];
  for (let i = 0; i < count; i++) {
    const layer = Math.floor(i / width);
    const dependencies = layer === 0 ? [] : [`${prefix}${(layer - 1) * width + (i % width)}`, `${prefix}${(layer - 1) * width + ((i + 3) % width)}`];
    tasks.push({ id: `${prefix}${i}`, title: `Task ${prefix}${i}`, body: 'Do it.', dependencies: [...new Set(dependencies)] });
  }
  return tasks;
}

/** Independent tasks. */
export function flatBacklog(count: number, prefix: string): Task[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, title: `Task ${prefix}${i}` }));
}

/** Runs created per idempotency key, and the keys created more than once. */
export function duplicatesOf(fake: FakeCodegen): { readonly perKey: Map<string, number>; readonly duplicates: string[]; readonly perTask: Map<string, number> } {
  const perKey = new Map<string, number>();
  const perTask = new Map<string, number>();
  for (const run of fake.created) {
    const key = String(run.metadata?.pco_idempotency_key);
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
    const task = `${String(run.metadata?.pco_run_id)}/${String(run.metadata?.pco_task_id)}`;
    perTask.set(task, (perTask.get(task) ?? 0) + 1);
  }
  return { perKey, perTask, duplicates: [...perKey].filter(([, n]) => n > 1).map(([key]) => key) };
}

/**
 * The largest number of runs live at one instant, from the fake's records: a run is live from
 * its creation until its scripted end (`durationMs` on the fake's clock).
 */
export function maxLive(created: readonly FakeCreatedRecord[], durationMs: number): number {
  const edges: [number, number][] = [];
  for (const run of created) {
    edges.push([run.at, 1], [run.at + durationMs, -1]);
  }
  // Ends before starts at the same instant: a run that ended frees its slot.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let live = 0;
  let max = 0;
  for (const [, delta] of edges) {
    live += delta;
    max = Math.max(max, live);
  }
  return max;
}
