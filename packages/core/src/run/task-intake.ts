// Tasks joining a run: the source's at the start, add()ed or executor-found ones later. Each
// becomes a record (the queue's node), is announced, skipped where its policy or dependencies say
// so, or marked ready. Not public API.
import type { AddResult, SkippedTask } from '@pco/graph';
import type { Task } from '@pco/contract';
import { notify } from './reporting.js';
import type { Run } from './run.js';
import { applySkips } from './skips.js';
import { NO_TASKS, TaskRecord } from './task-record.js';
import { markReady } from './terminal.js';

/** A record whose dependencies are as the queue sees them: those a resumed journal has done are met. */
export function newRecord(run: Run, task: Task): TaskRecord {
  const r = new TaskRecord(task, run.defaultEstimate);
  const deps = task.dependencies;
  const done = run.doneBefore;
  const released = run.releasedBefore;
  if (deps !== undefined && done.size + released.size > 0 && deps.some((d) => done.has(d) || released.has(d))) {
    r.x.dependencies = deps.filter((d) => !done.has(d) && !released.has(d));
  }
  return r;
}

/** New records are in the queue: announce them, apply skips, announce the ready ones. */
export function introduce(run: Run, records: readonly TaskRecord[], skipped: readonly SkippedTask[], checkAll: boolean): void {
  const queue = run.queue!;
  const events = run.events;
  if (events.wants('task:queued')) {
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      events.emit('task:queued', {
        ...run.taskBase(r, 0),
        dependencies: r.task.dependencies ?? NO_TASKS,
        priority: queue.priority(r.id),
      });
    }
  }
  if (run.o.reporters.length > 0) for (let i = 0; i < records.length; i++) notify(run, records[i]!, 'pending');
  applySkips(run, skipped);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.task.skip === undefined) continue;
    const state = queue.state(r.id);
    if (state === 'pending' || state === 'ready') {
      applySkips(run, queue.skip(r.id, r.task.skip.reason), r.id);
    }
  }
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    // Only a task without dependencies (as the queue got them) can be ready at once.
    if (checkAll || (r.dependencies?.length ?? 0) === 0) {
      if (queue.state(r.id) === 'ready') markReady(run, r);
    }
  }
}

/** Tasks joining the running graph (`by`: the task whose executor found them). */
export function addTasks(run: Run, tasks: readonly Task[], by: string | undefined): AddResult {
  const queue = run.queue!;
  const events = run.events;
  const records = tasks.map((t) => newRecord(run, t));
  const result = queue.add(records);
  if (!result.ok) {
    if (events.wants('tasks:rejected')) {
      events.emit('tasks:rejected', {
        runId: run.runId,
        at: run.o.clock.now(),
        taskIds: tasks.map((t) => t.id),
        issues: result.issues,
        ...(by === undefined ? {} : { by }),
      });
    }
    return result;
  }
  for (let i = 0; i < records.length; i++) {
    run.records.push(records[i]!);
    run.byId?.set(records[i]!.id, records[i]!);
    run.counts.total++;
    run.counts.pending++;
  }
  if (events.wants('tasks:added')) {
    events.emit('tasks:added', {
      runId: run.runId,
      at: run.o.clock.now(),
      taskIds: tasks.map((t) => t.id),
      ...(by === undefined ? {} : { by }),
    });
  }
  introduce(run, records, result.skipped, true);
  run.pump();
  return result;
}
