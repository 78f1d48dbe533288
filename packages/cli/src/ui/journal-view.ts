/**
 * `pco ui --journal PATH`: a finished or interrupted run, rebuilt from its journal. The journal
 * holds what happened to each task (attempts, agent runs, results), not the tasks themselves:
 * their titles, links and dependency edges come from the task list the run wrote beside it
 * (task-list-file.ts). Without it, rows show the id as title and no dependencies.
 */
import { replayJournal } from '@pco/core';
import type { JournalEntry, Task, TaskResult } from '@pco/contract';
import type { LogEvent } from './api-types.js';
import { RunViewModel } from './view-model.js';

/** A journal entry as a log event (`type` the closest run event). */
function logEntry(entry: JournalEntry): Omit<LogEvent, 'seq'> {
  const at = entry.at;
  switch (entry.type) {
    case 'run':
      return { at, type: 'run:start', message: `run ${entry.resumed ? 'resumed' : 'started'} (${entry.runId})` };
    case 'intent':
      return { at, type: 'task:start', taskId: entry.taskId, message: `attempt ${entry.attempt} on ${entry.agent}`, data: { agent: entry.agent, attempt: entry.attempt } };
    case 'created':
      return { at, type: 'task:checkpoint', taskId: entry.taskId, message: `agent run ${entry.agentRunId} created`, data: { agentRunId: entry.agentRunId, ...(entry.webUrl ? { webUrl: entry.webUrl } : {}) } };
    case 'status':
      return { at, type: 'task:status', taskId: entry.taskId, message: `agent status ${entry.status}`, data: { status: entry.status } };
    case 'attempt-failed':
      return { at, type: entry.transient ? 'task:retry' : 'task:attempt-failed', taskId: entry.taskId, message: `attempt ${entry.attempt} failed: ${entry.error}`, data: { transient: entry.transient } };
    case 'result': {
      const r = entry.result;
      const what = entry.detached ? 'detached (its agent run kept going)' : r.state === 'done' ? 'done' : `${r.state}${r.error ? `: ${r.error}` : ''}`;
      return { at, type: entry.detached ? 'task:interrupted' : `task:${r.state}`, taskId: r.id, message: what };
    }
    default: {
      const other = entry as { type: string; taskId?: string };
      return { at, type: `journal:${other.type}`, ...(other.taskId ? { taskId: other.taskId } : {}), message: other.type };
    }
  }
}

/** What {@link journalViewModel} shows besides the journal. */
export interface JournalViewOptions {
  /** The run's tasks (from its task list), drawn with their titles and edges. @default none */
  readonly tasks?: readonly Task[];
  /** One sentence the page shows (e.g. that the task list is missing). @default none */
  readonly notice?: string;
}

/**
 * The model of a journal's run: `finished` when every task has a final result, else
 * `interrupted`. A task of the list that the journal never mentions is `pending` (never started).
 */
export function journalViewModel(entries: readonly JournalEntry[], options: JournalViewOptions = {}): RunViewModel {
  const replay = replayJournal(entries);
  const runs = entries.filter((entry) => entry.type === 'run');
  const startedAt = runs.length > 0 ? runs.reduce((start, run) => (run.resumed ? start : run.at), runs[0]!.at) : undefined;
  const concurrency = new Set(entries.flatMap((entry) => (entry.type === 'intent' ? [entry.agent] : []))).size;
  const model = new RunViewModel({ phase: 'loading', concurrency: Math.max(1, concurrency), eventLogSize: Math.max(5000, entries.length), clock: { now: () => entries.at(-1)?.at ?? 0 } });
  const listed = options.tasks ?? [];
  model.addTasks([...listed, ...[...replay.tasks.keys()].map((id) => ({ id, title: id }))]);
  let unfinished = listed.some((task) => !replay.tasks.has(task.id));
  for (const task of replay.tasks.values()) {
    if (task.result) {
      model.applyResult(task.result);
      if (task.open !== undefined || task.result.state === 'interrupted') unfinished = true;
    } else {
      unfinished = true;
      const open = task.open;
      const partial: TaskResult = {
        id: task.taskId,
        state: open ? 'interrupted' : 'pending',
        attempts: task.attempts,
        pullRequests: [],
        ...(open?.agent ? { agent: open.agent } : {}),
        ...(open?.agentRunId !== undefined ? { runId: open.agentRunId } : {}),
        ...(open?.webUrl ? { webUrl: open.webUrl } : {}),
      };
      model.applyResult(partial);
    }
  }
  for (const entry of entries) model.record(logEntry(entry));
  model.setRun({
    phase: unfinished ? 'interrupted' : 'finished',
    ...(replay.runId ? { runId: replay.runId } : {}),
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(entries.length > 0 ? { endedAt: entries.at(-1)!.at } : {}),
    ...(options.notice !== undefined ? { notice: options.notice } : {}),
  });
  return model;
}
