import type { TaskState } from '../types.js';
import { readJournalState } from './file-journal.js';
import { planResume, type JournalState, type JournalTaskState } from './journal-state.js';

/** One task in a {@link JournalStatusReport}. */
export interface JournalTaskStatus {
  readonly id: string;
  readonly title: string | undefined;
  readonly state: TaskState;
  readonly attempts: number;
  readonly agentStatus: string | undefined;
  readonly runId: number | string | undefined;
  readonly webUrl: string | undefined;
  readonly pullRequests: readonly string[];
  readonly error: string | undefined;
  /** What a resume would do with it. */
  readonly resume: 'completed' | 'reattach' | 'lookup' | 'start';
  readonly updatedAt: string | undefined;
}

/** What `pco status` shows: a journal's state, as data. */
export interface JournalStatusReport {
  readonly path: string;
  readonly journalId: string;
  readonly createdAt: string | undefined;
  readonly fingerprint: string;
  readonly sessions: number;
  readonly lastSession:
    | {
        readonly session: string;
        readonly startedAt: string;
        readonly pid: number;
        readonly hostname: string;
        readonly resumed: boolean;
        /** `running` when it has no end record (still running, or crashed/killed). */
        readonly outcome: 'completed' | 'interrupted' | 'running';
      }
    | undefined;
  readonly total: number;
  /** Tasks by state (every state present, zeros included). */
  readonly counts: Readonly<Record<TaskState, number>>;
  /** What a resume would do: tasks per action. */
  readonly resume: Readonly<Record<JournalTaskStatus['resume'], number>>;
  readonly tasks: readonly JournalTaskStatus[];
  /** Lines skipped while reading (corrupt or torn). */
  readonly warnings: readonly string[];
}

const STATES: readonly TaskState[] = ['pending', 'ready', 'running', 'retrying', 'done', 'failed', 'skipped', 'needs-input', 'interrupted'];

/**
 * Reads a journal (without locking it, so it works while a run is writing it) and reports its
 * state: what `pco status` prints. Throws JournalIOError / JournalCorruptError.
 */
export async function journalStatus(path: string): Promise<JournalStatusReport> {
  return statusOfJournalState(path, await readJournalState(path));
}

/** {@link journalStatus} for a state already read. */
export function statusOfJournalState(path: string, state: JournalState): JournalStatusReport {
  const actions = planResume(state);
  const counts = Object.fromEntries(STATES.map((name) => [name, 0])) as Record<TaskState, number>;
  const resume = { completed: 0, reattach: 0, lookup: 0, start: 0 };
  const tasks: JournalTaskStatus[] = [];
  for (const task of state.tasks.values()) {
    const action = actions.get(task.id)?.kind ?? 'start';
    const status = taskStatus(task, action);
    counts[status.state] += 1;
    resume[action] += 1;
    tasks.push(status);
  }
  const session = state.sessions.at(-1);
  return {
    path,
    journalId: state.header?.journalId ?? '',
    createdAt: state.header?.at,
    fingerprint: state.header?.fingerprint ?? '',
    sessions: state.sessions.length,
    lastSession: session && {
      session: session.session,
      startedAt: session.at,
      pid: session.pid,
      hostname: session.hostname,
      resumed: session.resumed,
      outcome: state.unfinishedSession ? 'running' : state.lastEnd?.interrupted ? 'interrupted' : 'completed',
    },
    total: tasks.length,
    counts,
    resume,
    tasks,
    warnings: state.warnings.map((warning) => warning.message),
  };
}

function taskStatus(task: JournalTaskState, resume: JournalTaskStatus['resume']): JournalTaskStatus {
  const last = task.attemptLog.get(task.attempts);
  const result = task.result;
  // A state from an ended attempt that is being re-attached reads as running in the journal.
  const state: TaskState = task.state;
  return {
    id: task.id,
    title: task.planned?.title,
    state,
    attempts: task.attempts,
    agentStatus: last?.agentStatus ?? task.agentStatus,
    runId: last?.runId ?? result?.runId,
    webUrl: last?.webUrl ?? result?.webUrl,
    pullRequests: (result?.pullRequests ?? []).map((pr) => pr.url),
    error: result?.error,
    resume,
    updatedAt: task.updatedAt,
  };
}

export interface FormatJournalStatusOptions {
  /**
   * Which tasks to list under the summary.
   * @default 'unfinished'
   */
  readonly tasks?: 'all' | 'unfinished' | 'none';
}

/** Plain-text rendering of a {@link JournalStatusReport} (no colors; the CLI may add them). */
export function formatJournalStatus(report: JournalStatusReport, options: FormatJournalStatusOptions = {}): string {
  const lines: string[] = [];
  lines.push(`Journal ${report.path}`);
  lines.push(`  id ${report.journalId}, created ${report.createdAt ?? '?'}, ${report.sessions} session(s)`);
  if (report.lastSession) {
    const s = report.lastSession;
    const outcome =
      s.outcome === 'running' ? 'no end record: still running, or the process died (resume with `pco run`)' : s.outcome;
    lines.push(`  last session ${s.session} (pid ${s.pid} on ${s.hostname}, started ${s.startedAt}): ${outcome}`);
  }
  const counts = STATES.filter((name) => report.counts[name] > 0).map((name) => `${name} ${report.counts[name]}`);
  lines.push(`Tasks: ${report.total}${counts.length ? ` (${counts.join(', ')})` : ''}`);
  const unfinished = report.total - report.resume.completed;
  if (unfinished > 0) {
    lines.push(
      `Resume would: re-attach ${report.resume.reattach} live run(s), look up ${report.resume.lookup} by idempotency key, start ${report.resume.start} task(s).`,
    );
  } else if (report.total > 0) {
    lines.push('Every task is finished.');
  }
  const which = options.tasks ?? 'unfinished';
  const listed = which === 'none' ? [] : report.tasks.filter((task) => which === 'all' || task.resume !== 'completed');
  if (listed.length > 0) {
    const idWidth = Math.min(40, Math.max(...listed.map((task) => task.id.length)));
    lines.push('');
    for (const task of listed) {
      const parts = [
        task.id.padEnd(idWidth),
        task.state.padEnd(11),
        `attempt ${task.attempts}`,
        task.agentStatus ? `agent ${task.agentStatus}` : undefined,
        task.runId === undefined ? undefined : `run ${task.runId}`,
        task.pullRequests.length ? task.pullRequests.join(' ') : undefined,
        task.error ? `error: ${oneLine(task.error)}` : undefined,
      ].filter((part): part is string => part !== undefined);
      lines.push(`  ${parts.join('  ')}`);
    }
  }
  if (report.warnings.length > 0) {
    lines.push('');
    lines.push(`${report.warnings.length} journal line(s) skipped:`);
    for (const warning of report.warnings.slice(0, 10)) lines.push(`  ${warning}`);
    if (report.warnings.length > 10) lines.push(`  … and ${report.warnings.length - 10} more`);
  }
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 119)}…` : flat;
}
