/**
 * The task list beside a journal, `<journal>.view.json`: what `pco ui --journal` needs to draw the
 * run's real graph and that the journal does not hold (it records attempts and results, not the
 * tasks). `pco run` and `pco demo` write it when the tasks are loaded and whenever tasks are added,
 * through a temporary file and a rename. It holds ids, titles, links, labels, estimates and the
 * dependencies with their origins: never a body (nor the loading warnings, which quote bodies),
 * and every string goes through the run's redactor. Why a file and not `--config`: docs/web-api.md.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Redactor, Task } from '@pco/contract';
import type { Orchestrator } from '@pco/core';
import * as v from 'valibot';
import { DependencySchema } from './api-types.js';
import { dependencyOrigin } from './task-rows.js';

/** Version of the file's format. */
export const TASK_LIST_VERSION = 1;

/** The task list of the journal at `journalPath`. */
export function taskListPath(journalPath: string): string {
  return `${journalPath}.view.json`;
}

export const TaskListEntrySchema = v.object({
  id: v.string(),
  title: v.string(),
  url: v.optional(v.string()),
  labels: v.array(v.string()),
  /** The task's own estimate; none when it has none (files before 2026-12-02 held 1 then). */
  estimate: v.optional(v.number()),
  dependencies: v.array(DependencySchema),
});
export type TaskListEntry = v.InferOutput<typeof TaskListEntrySchema>;

export const TaskListFileSchema = v.object({
  version: v.literal(TASK_LIST_VERSION),
  /** The run that wrote it last (a resumed run keeps the tasks an earlier process wrote). */
  runId: v.string(),
  /** Epoch ms of the last write. */
  writtenAt: v.number(),
  tasks: v.array(TaskListEntrySchema),
});
export type TaskListFile = v.InferOutput<typeof TaskListFileSchema>;

/** What {@link readTaskList} found. */
export type TaskListRead =
  | { readonly kind: 'found'; readonly list: TaskListFile }
  | { readonly kind: 'absent' }
  | { readonly kind: 'invalid'; readonly problem: string };

/** The entry of `task`, its strings redacted. */
export function taskListEntry(task: Task, redact: Redactor): TaskListEntry {
  return {
    id: redact(task.id),
    title: redact(task.title),
    ...(task.url !== undefined ? { url: redact(task.url) } : {}),
    labels: (task.labels ?? []).map(redact),
    ...(task.estimate !== undefined ? { estimate: task.estimate } : {}),
    dependencies: (task.dependencies ?? []).map((id) => ({ id: redact(id), origin: dependencyOrigin(task, id) })),
  };
}

/** An entry as a task the view model takes (the origins where `rowOf()` reads them). */
export function taskOfEntry(entry: TaskListEntry): Task {
  return {
    id: entry.id,
    title: entry.title,
    ...(entry.url !== undefined ? { url: entry.url } : {}),
    labels: entry.labels,
    ...(entry.estimate !== undefined ? { estimate: entry.estimate } : {}),
    dependencies: entry.dependencies.map((d) => d.id),
    source: { dependencyOrigins: Object.fromEntries(entry.dependencies.map((d) => [d.id, d.origin])) },
  };
}

/** Reads and checks the task list at `file`. I/O failures other than a missing file reject. */
export async function readTaskList(file: string): Promise<TaskListRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', problem: `not JSON (${(error as Error).message})` };
  }
  const parsed = v.safeParse(TaskListFileSchema, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = issue.path?.map((item) => String(item.key)).join('.') ?? '';
    return { kind: 'invalid', problem: `${where ? `${where}: ` : ''}${issue.message}` };
  }
  return { kind: 'found', list: parsed.output };
}

/** Writes `list` to `file` through a temporary file and a rename (a reader never sees half a file). */
export async function writeTaskList(file: string, list: TaskListFile): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(list)}\n`, 'utf8');
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

export interface TaskListTrackerOptions {
  /** The file to write (`taskListPath(journal)`). */
  readonly path: string;
  /** Scrubs every string written (the run's secrets). */
  readonly redact: Redactor;
  /** A write failed: the run goes on without it (the journal is what matters). @default ignore */
  readonly onError?: (error: unknown) => void;
  /** Epoch ms for `writtenAt`. @default Date.now */
  readonly now?: () => number;
}

/** What {@link trackTaskList} returns. */
export interface TaskListTracker {
  /** Resolves when every write asked for so far has finished (or failed). */
  settled(): Promise<void>;
  /** Stops following the run. */
  detach(): void;
}

/**
 * Keeps the task list of `orchestrator`'s run: each task the run learns of (`task:queued`: loaded
 * at the start, added later) is written, a burst of them in one write. A fresh run starts a new
 * list; a resumed one (`run:start` with `resumed`) keeps the tasks of the list it finds.
 */
export function trackTaskList(orchestrator: Orchestrator, options: TaskListTrackerOptions): TaskListTracker {
  const now = options.now ?? Date.now;
  const tasks = new Map<string, TaskListEntry>();
  let runId = '';
  let chain: Promise<void> = Promise.resolve();
  let scheduled = false;
  const fail = (error: unknown) => options.onError?.(error);

  const flush = () => {
    scheduled = false;
    chain = chain.then(() => writeTaskList(options.path, { version: TASK_LIST_VERSION, runId, writtenAt: now(), tasks: [...tasks.values()] })).catch(fail);
  };
  const offStart = orchestrator.on('run:start', (event) => {
    runId = event.runId;
    if (!event.resumed) return;
    // Before this run's tasks: an earlier process's list, so tasks it added stay drawn.
    chain = chain.then(async () => {
      const previous = await readTaskList(options.path).catch(() => undefined);
      if (previous?.kind !== 'found') return;
      const current = [...tasks];
      tasks.clear();
      for (const entry of previous.list.tasks) tasks.set(entry.id, entry);
      for (const [id, entry] of current) tasks.set(id, entry);
    });
  });
  const offQueued = orchestrator.on('task:queued', (event) => {
    tasks.set(event.task.id, taskListEntry(event.task, options.redact));
    if (scheduled) return;
    scheduled = true;
    // The orchestrator announces a batch of tasks synchronously: one write after the last.
    queueMicrotask(flush);
  });
  return {
    async settled() {
      // A flush scheduled but not run yet (a microtask) extends the chain first.
      await Promise.resolve();
      await chain;
    },
    detach() {
      offStart();
      offQueued();
    },
  };
}
