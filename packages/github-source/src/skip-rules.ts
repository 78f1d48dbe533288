/**
 * Which updates the reporter need not write, or may write later: an update a newer one makes
 * redundant, a lesser state over an issue an earlier run finished, and the low-priority updates
 * of tasks that have not started. GitHub's write spacing (1 s per write, one queue) makes every
 * write saved or deferred count when a run's start reports hundreds of tasks at once.
 */
import type { TaskUpdate } from '@pco/contract';
import { boardOptionFor, labelFor, statusKeyOf, type ReporterSettings } from './reporter-options.js';
import type { GitHubTask, GitHubTaskSourceRef } from './types.js';
import type { WrittenStates } from './written-state.js';

/**
 * True when writing `update` is redundant because `newer` (a later update of the same task)
 * will be written after it: every output `update` would touch, `newer` touches too — its status
 * label and board Status replace them, and `update` has no comment, auto-merge or task branch
 * to write.
 */
export function canSkip(settings: ReporterSettings, update: TaskUpdate<GitHubTask>, newer: TaskUpdate<GitHubTask>): boolean {
  if (settings.commentStates.includes(update.state)) return false;
  if (settings.branches && (update.state === 'running' || update.state === 'retrying')) return false;
  if (settings.autoMerge && update.state === 'done') return false;
  const [was, now] = [statusKeyOf(update), statusKeyOf(newer)];
  if (settings.statusLabels && labelFor(settings, was) !== undefined && labelFor(settings, now) === undefined) return false;
  if (settings.projectStatus && boardOptionFor(settings, was) !== undefined && boardOptionFor(settings, now) === undefined) return false;
  return true;
}

/**
 * A task an earlier run finished keeps its result: it carries the `done` status label, or its
 * board item is in the `done` Status option (boards without labels, draft items). A state that
 * says less than done — pending, ready, skipped, interrupted — is not written over it unless
 * the task really ran again in this run (`started`; then its new outcome is written, failed
 * included).
 */
export function keepsEarlierDone(settings: ReporterSettings, update: TaskUpdate<GitHubTask>, started: boolean): boolean {
  if (update.state !== 'pending' && update.state !== 'ready' && update.state !== 'skipped' && update.state !== 'interrupted') return false;
  if (started) return false;
  // With status labels off, the label an earlier run with defaults wrote (`status:done`, or
  // `status:landed` when a lander merged it).
  const doneLabels = [labelFor(settings, 'done'), labelFor(settings, 'landed')].filter((l) => l !== undefined);
  if (doneLabels.some((l) => (update.task.labels ?? []).includes(l))) return true;
  const doneOptions = [boardOptionFor(settings, 'done'), boardOptionFor(settings, 'landed')].filter((o) => o !== undefined).map((o) => o.toLowerCase());
  const status = update.task.source?.status;
  return status !== undefined && doneOptions.includes(status.toLowerCase());
}

/**
 * Whether the update is low priority and goes through the background lane: a task that has
 * not started (pending, ready), whose writes the task's `running` update replaces (so it can be
 * dropped once the task starts), and that writes something.
 */
export function isBackground(settings: ReporterSettings, written: WrittenStates, update: TaskUpdate<GitHubTask>, ref: GitHubTaskSourceRef): boolean {
  if (update.state !== 'pending' && update.state !== 'ready') return false;
  if (!canSkip(settings, update, { ...update, state: 'running' })) return false;
  const was = written.peek(update.task.id);
  const board = settings.projectStatus ? boardOptionFor(settings, update.state) : undefined;
  if (board !== undefined && was?.boardWanted !== board) return true;
  const label = !settings.statusLabels || ref.kind !== 'issue' ? undefined : labelFor(settings, update.state);
  return label !== undefined && was?.label !== label;
}
