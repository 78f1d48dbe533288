import { writeFile, rename } from 'node:fs/promises';
import type { TaskResult } from '../types.js';
import { JournalIOError } from './errors.js';
import { readJournalState } from './file-journal.js';
import type { JournalState, JournalTaskState } from './journal-state.js';

/** Formats of {@link exportJournal}. */
export type JournalExportFormat = 'json' | 'csv';

/** A task's result as exported: the TaskResult plus its title. */
export type ExportedTaskResult = TaskResult & { readonly title?: string };

/**
 * The best-known result of every task in a journal: the recorded final result when there is one,
 * else what the journal knows so far (state, attempts, run id and link).
 */
export function resultsFromJournalState(state: JournalState): ExportedTaskResult[] {
  return [...state.tasks.values()].map(resultOf);
}

function resultOf(task: JournalTaskState): ExportedTaskResult {
  const title = task.planned?.title;
  if (task.result) {
    const { id, ...rest } = task.result as unknown as TaskResult;
    return { id, ...(title === undefined ? {} : { title }), ...rest };
  }
  const last = task.attemptLog.get(task.attempts);
  return {
    id: task.id,
    ...(title === undefined ? {} : { title }),
    state: task.state,
    attempts: task.attempts,
    ...(task.agent === undefined ? {} : { agent: task.agent }),
    ...(last?.runId === undefined ? {} : { runId: last.runId }),
    ...(last?.webUrl === undefined ? {} : { webUrl: last.webUrl }),
    pullRequests: [],
    ...(last?.intentAt === undefined ? {} : { startedAt: last.intentAt }),
  };
}

const CSV_COLUMNS = [
  'id',
  'title',
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
] as const;

/**
 * RFC 4180 CSV (CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled).
 * Text cells that a spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab or CR:
 * issue titles are user input) get a leading apostrophe.
 */
export function resultsToCsv(results: readonly ExportedTaskResult[]): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const result of results) {
    const cells = CSV_COLUMNS.map((column) => {
      if (column === 'pullRequests') return csvCell(result.pullRequests.map((pr) => pr.url).join(' '));
      const value = (result as unknown as Record<string, unknown>)[column];
      if (value === undefined || value === null) return '';
      if (typeof value === 'number') return String(value);
      return csvCell(String(value));
    });
    rows.push(cells.join(','));
  }
  return `${rows.join('\r\n')}\r\n`;
}

function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The JSON export document. */
export interface JournalJsonExport {
  readonly format: 'pco-results';
  readonly version: 1;
  readonly journalId: string;
  readonly exportedAt: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly results: readonly ExportedTaskResult[];
}

/** Renders a journal's results as JSON (pretty, one document) or CSV. */
export function renderJournalExport(state: JournalState, format: JournalExportFormat, now: () => number = Date.now): string {
  const results = resultsFromJournalState(state);
  if (format === 'csv') return resultsToCsv(results);
  const counts: Record<string, number> = {};
  for (const result of results) counts[result.state] = (counts[result.state] ?? 0) + 1;
  const document: JournalJsonExport = {
    format: 'pco-results',
    version: 1,
    journalId: state.header?.journalId ?? '',
    exportedAt: new Date(now()).toISOString(),
    counts,
    results,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export interface ExportJournalOptions {
  readonly format: JournalExportFormat;
  /** File to write (atomically: temp file + rename). Omitted: only return the text. */
  readonly output?: string;
}

/**
 * What `pco export --format json|csv` does: reads the journal (no lock needed) and renders its
 * results; writes them to `output` when given. Returns the text and the number of results.
 */
export async function exportJournal(path: string, options: ExportJournalOptions): Promise<{ text: string; count: number }> {
  const state = await readJournalState(path);
  const text = renderJournalExport(state, options.format);
  if (options.output !== undefined) {
    const temporary = `${options.output}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, text, 'utf8');
      await rename(temporary, options.output);
    } catch (error) {
      throw new JournalIOError(options.output, 'writing the export', error);
    }
  }
  return { text, count: state.tasks.size };
}
