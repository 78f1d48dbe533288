import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { replayJournal, type ReplayedTask, readJournal } from '@pco/core';
import type { JournalEntry, TaskState } from '@pco/contract';
import type { JournalWarning } from '@pco/core';

/** A journal's header, as `readJournal()` returns it. */
type HeaderRecord = Awaited<ReturnType<typeof readJournal>>['header'];

/** What a resume does with a task (the orchestrator's rules: only `done` is final). */
export type ResumeAction =
  /** Done; not run again. */
  | 'finished'
  /** Its open attempt has a remote run: a resume waits for that run (no new one). */
  | 'reattach'
  /** Its open attempt has an intent but no run id: a resume looks the idempotency key up first. */
  | 'lookup'
  /**
   * Nothing is running for it and it is not done (failed, skipped, needs input, or between a
   * failed attempt and its retry): a resume schedules its next attempt.
   */
  | 'rerun'
  /**
   * Skipped by the source's policy (untrusted author, open external blocker, or waiting on such a
   * task; `TaskResult.policySkip`): not unfinished work. A resume loads it again and runs it only
   * if the policy now allows.
   */
  | 'held';

/** One task in a {@link JournalStatusReport}. */
export interface JournalTaskStatus {
  readonly id: string;
  readonly state: TaskState;
  /** Highest attempt number started. */
  readonly attempts: number;
  readonly agent: string | undefined;
  /** Last agent-side status of the open attempt. */
  readonly agentStatus: string | undefined;
  readonly agentRunId: number | string | undefined;
  readonly webUrl: string | undefined;
  readonly pullRequests: readonly string[];
  readonly error: string | undefined;
  /** For `skipped`: why (`TaskResult.skipReason`), when the journal recorded it. */
  readonly skipReason: string | undefined;
  readonly resume: ResumeAction;
}

/** What `pco status` shows: a journal's state, as data. */
export interface JournalStatusReport {
  readonly path: string;
  readonly journalId: string;
  readonly createdAt: string;
  readonly fingerprint: string;
  /** Correlation id of the run the journal continues. */
  readonly runId: string | undefined;
  /** Processes that wrote to it (first run + resumes since the last fresh run). */
  readonly sessions: number;
  /** When the last process started (ISO). */
  readonly lastStartedAt: string | undefined;
  /** The process holding the journal's lock right now, if any (a run in progress). */
  readonly lockedBy:
    | {
        readonly pid: number;
        readonly hostname: string;
        readonly startedAt: string;
        /** `alive`/`dead` on this host; `unknown` for another host. A dead holder's lock is taken over by the next run. */
        readonly process: 'alive' | 'dead' | 'unknown';
      }
    | undefined;
  readonly total: number;
  /** Tasks by state (every state present, zeros included). */
  readonly counts: Readonly<Record<TaskState, number>>;
  /** Tasks per resume action. */
  readonly resume: Readonly<Record<ResumeAction, number>>;
  /** True when a resume has something to do; tasks held back by policy (`resume.held`) are not unfinished. */
  readonly unfinished: boolean;
  readonly tasks: readonly JournalTaskStatus[];
  /** Lines skipped while reading (corrupt or torn). */
  readonly warnings: readonly string[];
}

const STATES: readonly TaskState[] = ['pending', 'ready', 'running', 'retrying', 'done', 'failed', 'skipped', 'needs-input', 'interrupted'];

/**
 * What `pco status` prints, as data: reads the journal without locking it (works while a run is
 * writing it) and folds it with the orchestrator's own replay rules. Throws JournalIOError (no
 * such file) or JournalCorruptError (not a journal).
 */
export async function journalStatus(path: string): Promise<JournalStatusReport> {
  const { header, entries, warnings } = await readJournal(path);
  return statusOfEntries(path, header, entries, warnings, await readLockHolder(path));
}

/** {@link journalStatus} for entries already read. */
export function statusOfEntries(
  path: string,
  header: HeaderRecord,
  entries: readonly JournalEntry[],
  warnings: readonly JournalWarning[] = [],
  lockedBy?: JournalStatusReport['lockedBy'],
): JournalStatusReport {
  const replay = replayJournal(entries);
  const counts = Object.fromEntries(STATES.map((name) => [name, 0])) as Record<TaskState, number>;
  const resume: Record<ResumeAction, number> = { finished: 0, reattach: 0, lookup: 0, rerun: 0, held: 0 };
  const tasks: JournalTaskStatus[] = [];
  for (const task of replay.tasks.values()) {
    const status = taskStatus(task);
    counts[status.state] += 1;
    resume[status.resume] += 1;
    tasks.push(status);
  }
  // Sessions of the current run: the entries since the last fresh (non-resumed) run entry.
  let sessions = 0;
  let lastStartedAt: string | undefined;
  for (const entry of entries) {
    if (entry.type !== 'run') continue;
    sessions = entry.resumed ? sessions + 1 : 1;
    lastStartedAt = new Date(entry.at).toISOString();
  }
  return {
    path,
    journalId: header.journalId,
    createdAt: header.at,
    fingerprint: header.fingerprint,
    runId: replay.runId,
    sessions,
    lastStartedAt,
    lockedBy,
    total: tasks.length,
    counts,
    resume,
    unfinished: resume.reattach + resume.lookup + resume.rerun > 0,
    tasks,
    warnings: warnings.map((warning) => warning.message),
  };
}

function taskStatus(task: ReplayedTask): JournalTaskStatus {
  const { open, result } = task;
  const resume: ResumeAction = open
    ? open.agentRunId === undefined
      ? 'lookup'
      : 'reattach'
    : result?.state === 'done'
      ? 'finished'
      : result?.state === 'skipped' && result.policySkip === true
        ? 'held'
        : 'rerun';
  const state: TaskState = result && (!open || result.state === 'interrupted') ? result.state : open ? 'running' : 'retrying';
  return {
    id: task.taskId,
    state,
    attempts: task.attempts,
    agent: open?.agent ?? result?.agent,
    agentStatus: open?.status,
    agentRunId: open?.agentRunId ?? result?.runId,
    webUrl: open?.webUrl ?? result?.webUrl,
    pullRequests: (result?.pullRequests ?? []).map((pr) => pr.url),
    error: result?.error,
    skipReason: result?.skipReason,
    resume,
  };
}

async function readLockHolder(path: string): Promise<JournalStatusReport['lockedBy']> {
  try {
    const holder = JSON.parse(await readFile(`${path}.lock`, 'utf8')) as { pid?: unknown; hostname?: unknown; startedAt?: unknown };
    if (typeof holder.pid !== 'number') return undefined;
    const host = String(holder.hostname ?? '');
    return { pid: holder.pid, hostname: host, startedAt: String(holder.startedAt ?? ''), process: host === hostname() ? liveness(holder.pid) : 'unknown' };
  } catch {
    return undefined;
  }
}

function liveness(pid: number): 'alive' | 'dead' {
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'dead';
  }
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
  lines.push(`  created ${report.createdAt}; run ${report.runId ?? '(none yet)'}, ${report.sessions} process(es)`);
  if (report.lockedBy) {
    const who = report.lockedBy;
    const note =
      who.process === 'alive'
        ? 'a run is in progress'
        : who.process === 'dead'
          ? 'that process is gone (killed or crashed); the next `pco run` takes the lock over and resumes'
          : 'on another host: a run in progress there, or a stale lock to delete by hand';
    lines.push(`  locked by pid ${who.pid} on ${who.hostname} since ${who.startedAt}: ${note}`);
  }
  const counts = STATES.filter((name) => report.counts[name] > 0).map((name) => `${name} ${report.counts[name]}`);
  lines.push(`Tasks: ${report.total}${counts.length ? ` (${counts.join(', ')})` : ''}`);
  const held = report.resume.held;
  const heldNote = `${held} held back by policy (untrusted author or open external blocker): not unfinished work.`;
  if (report.unfinished) {
    lines.push(
      `Unfinished. A resume (\`pco run\`) re-attaches ${report.resume.reattach} live run(s), looks up ${report.resume.lookup} by idempotency key before creating, and runs ${report.resume.rerun} again.`,
    );
    if (held > 0) lines.push(`Besides, ${heldNote}`);
  } else if (held > 0) {
    lines.push(`Every task allowed to run is done; ${heldNote}`);
  } else if (report.total > 0) {
    lines.push('Every task is done.');
  }
  const which = options.tasks ?? 'unfinished';
  const listed = which === 'none' ? [] : report.tasks.filter((task) => which === 'all' || task.resume !== 'finished');
  if (listed.length > 0) {
    const idWidth = Math.min(40, Math.max(...listed.map((task) => task.id.length)));
    lines.push('');
    for (const task of listed) {
      const parts = [
        task.id.padEnd(idWidth),
        task.state.padEnd(11),
        task.resume === 'held' ? `held back by policy (${task.skipReason ?? 'policy'})` : undefined,
        `attempt ${task.attempts}`,
        task.agentStatus ? `agent ${task.agentStatus}` : undefined,
        task.agentRunId === undefined ? undefined : `run ${task.agentRunId}`,
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
