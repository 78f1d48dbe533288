import type { AgentStats } from '@pco/pool';
import type { StopMode } from '@pco/contract';
import type { PullRequestRef, TaskResult, TaskState } from '@pco/contract';

/** Number of tasks in each state. */
export type StateCounts = { readonly [S in TaskState]: number } & { readonly total: number };

/** What a run did, as `run()` resolves it. */
export interface RunSummary {
  readonly runId: string;
  /** ISO-8601. */
  readonly startedAt: string;
  readonly endedAt: string;
  /** From the start of dispatching to the end of the last task. */
  readonly makespanMs: number;
  readonly counts: StateCounts;
  /** True when every task is `done`. */
  readonly ok: boolean;
  /** Set when the run was stopped before finishing. */
  readonly stopped?: StopMode;
  /**
   * Set when the run stopped itself because an API refused the credentials of an executor or a
   * reporter (a `CredentialsRejectedError`): dispatch stopped, running tasks were detached
   * (`stopped: 'detach'`), nothing was marked failed. Never holds a secret.
   */
  readonly halted?: {
    readonly code: string;
    /** Whose credentials: `github`, `codegen`, ... */
    readonly service: string;
    readonly message: string;
    /** What to fix. */
    readonly hint: string;
  };
  readonly concurrency: number;
  /** Attempts started in this run, over all tasks. */
  readonly attempts: number;
  /** Retries scheduled after transient failures. */
  readonly retries: number;
  /** Busy agent time / (agents × makespan), 0..1. */
  readonly utilisation: number;
  readonly agents: readonly AgentStats[];
  /** One result per task, in the order tasks became known (empty with `retainResults: false`). */
  readonly results: readonly TaskResult[];
}

/** A running task in a {@link ProgressSnapshot}. */
export interface RunningTask {
  readonly taskId: string;
  readonly title: string;
  readonly agent?: string;
  readonly attempt: number;
  /** Last agent-side status reported. */
  readonly agentStatus?: string;
  /** What the attempt waits for before its remote work starts (e.g. a rate-limit budget). */
  readonly waitingFor?: string;
  readonly state: 'running' | 'retrying';
  /** Epoch ms the current attempt started. */
  readonly startedAt: number;
  readonly webUrl?: string;
}

/** A task in review in a {@link ProgressSnapshot}: its pull requests and what they wait for. */
export interface ReviewingTask {
  readonly taskId: string;
  readonly title: string;
  readonly pullRequests: readonly PullRequestRef[];
  /** The lander's latest review status (`checks-pending`, `changes-requested`, …). */
  readonly review?: string;
  /** One line on it. */
  readonly message?: string;
  /** Epoch ms the task entered review. */
  readonly since: number;
}

/** Live figures of a run (`orc.progress()` and the `progress` event). */
export interface ProgressSnapshot {
  readonly runId: string;
  readonly at: number;
  readonly elapsedMs: number;
  readonly counts: StateCounts;
  /** Tasks in a terminal state. */
  readonly finished: number;
  /** Finished tasks per minute so far. */
  readonly throughputPerMinute: number;
  /**
   * Estimated time to finish: max(remaining critical path, remaining work / agents) in estimate
   * units (the plan's lower bound on what is left), converted with the observed ms per unit.
   * Undefined until a task has finished.
   */
  readonly etaMs?: number;
  /** Busy agent time / (agents × elapsed), 0..1. */
  readonly utilisation: number;
  readonly busyAgents: number;
  readonly running: readonly RunningTask[];
  /** Tasks whose pull requests are being watched (with a lander), and why each waits. */
  readonly inReview: readonly ReviewingTask[];
  /**
   * Reporter updates not yet delivered (queued or being written): what the run still waits for
   * once every task has ended, e.g. GitHub writes spaced by its secondary rate limit. The ETA
   * counts the time they need at the rate updates were delivered lately.
   */
  readonly pendingUpdates: number;
}

/** Columns of {@link toCSV}, in order. */
export const CSV_COLUMNS = [
  'id',
  'state',
  'attempts',
  'agent',
  'runId',
  'webUrl',
  'pullRequests',
  'summary',
  'error',
  'skippedBecause',
  'startedAt',
  'endedAt',
  'durationMs',
  // Added after the columns above, so readers that go by position keep working.
  'skipReason',
  'policySkip',
  // Landing (with a lander): where the pull request stands, when it merged, reactions made.
  'landingState',
  'landedAt',
  'reactions',
] as const;

/** Options of {@link toCSV}. */
export interface CsvOptions {
  /**
   * Prefix cells that start with `=`, `+`, `-`, `@`, tab or CR with `'` so spreadsheets do not
   * run them as formulas (OWASP "CSV injection"). Numbers are never prefixed.
   * @default true
   */
  readonly formulaSafe?: boolean;
}

/**
 * Results as CSV (RFC 4180: CRLF line ends, a header row, fields with comma, quote, CR or LF
 * quoted, quotes doubled). Pull requests are joined by a space.
 */
export function toCSV(results: readonly TaskResult[], options: CsvOptions = {}): string {
  const formulaSafe = options.formulaSafe ?? true;
  const rows = [CSV_COLUMNS.join(',')];
  for (const result of results) {
    const cells = CSV_COLUMNS.map((column) => {
      const value = cellOf(result, column);
      if (value === undefined || value === null) return '';
      if (typeof value === 'number') return String(value);
      return csvField(String(value), formulaSafe);
    });
    rows.push(cells.join(','));
  }
  return rows.join('\r\n') + '\r\n';
}

function cellOf(result: TaskResult, column: (typeof CSV_COLUMNS)[number]): unknown {
  switch (column) {
    case 'pullRequests':
      return result.pullRequests.map((pr) => pr.url).join(' ');
    case 'landingState':
      return result.landing?.state;
    case 'landedAt':
      return result.landing?.landedAt;
    case 'reactions':
      return result.landing?.reactions;
    default:
      return result[column];
  }
}

function csvField(value: string, formulaSafe: boolean): string {
  let text = value;
  if (formulaSafe && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A summary (or a list of results) as pretty-printed JSON. */
export function toJSON(value: RunSummary | readonly TaskResult[]): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Whether the source's policy held the task back (untrusted author, open external blocker, or a
 * dependency so held back): a skip that is not unfinished work. See `TaskResult.policySkip`.
 */
export function isPolicySkip(result: TaskResult): boolean {
  return result.state === 'skipped' && result.policySkip === true;
}

/** Counts with every state at 0. */
export function emptyCounts(): { -readonly [S in TaskState]: number } & { total: number } {
  return {
    total: 0,
    pending: 0,
    ready: 0,
    running: 0,
    retrying: 0,
    'in-review': 0,
    done: 0,
    failed: 0,
    skipped: 0,
    'needs-input': 0,
    interrupted: 0,
  };
}
