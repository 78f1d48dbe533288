import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { replayJournal, toCSV, JournalIOError, readJournal } from '@pco/core';
import type { JournalEntry, TaskResult } from '@pco/contract';

/** Formats of {@link exportJournal}. */
export type JournalExportFormat = 'json' | 'csv';

/**
 * The best-known result of every task in a journal: its recorded final result, or for a task
 * still open what the journal knows so far (state `running`/`retrying`, attempts, run id, link).
 */
export function resultsFromEntries(entries: readonly JournalEntry[]): TaskResult[] {
  const results: TaskResult[] = [];
  for (const task of replayJournal(entries).tasks.values()) {
    const { open, result } = task;
    if (result && (!open || result.state === 'interrupted')) {
      results.push(result);
      continue;
    }
    results.push({
      id: task.taskId,
      state: open ? 'running' : 'retrying',
      attempts: task.attempts,
      ...(open?.agent === undefined ? {} : { agent: open.agent }),
      ...(open?.agentRunId === undefined ? {} : { runId: open.agentRunId }),
      ...(open?.webUrl === undefined ? {} : { webUrl: open.webUrl }),
      pullRequests: [],
    });
  }
  return results;
}

/** The JSON export document. */
export interface JournalJsonExport {
  readonly format: 'pco-results';
  readonly version: 1;
  readonly journalId: string;
  /** Correlation id of the run the journal holds. */
  readonly runId: string | undefined;
  readonly exportedAt: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly results: readonly TaskResult[];
}

export interface ExportJournalOptions {
  readonly format: JournalExportFormat;
  /** File to write (atomically: temporary file, then rename; its folder is created). Omitted: only return the text. */
  readonly output?: string;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * What `pco export --format json|csv` does: reads the journal (no lock needed, works during a
 * run), renders every task's result, and writes it to `output` when given. Returns the text and
 * the number of results. Throws JournalIOError / JournalCorruptError.
 */
export async function exportJournal(path: string, options: ExportJournalOptions): Promise<{ readonly text: string; readonly count: number }> {
  const { header, entries } = await readJournal(path);
  const results = resultsFromEntries(entries);
  let text: string;
  if (options.format === 'csv') {
    // The same columns and escaping as the results.csv of `pco run` (RFC 4180, formula-safe).
    text = toCSV(results);
  } else {
    const counts: Record<string, number> = {};
    for (const result of results) counts[result.state] = (counts[result.state] ?? 0) + 1;
    const document: JournalJsonExport = {
      format: 'pco-results',
      version: 1,
      journalId: header.journalId,
      runId: replayJournal(entries).runId,
      exportedAt: new Date((options.now ?? Date.now)()).toISOString(),
      counts,
      results,
    };
    text = `${JSON.stringify(document, null, 2)}\n`;
  }
  if (options.output !== undefined) {
    const temporary = `${options.output}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(options.output), { recursive: true });
      await writeFile(temporary, text, 'utf8');
      await rename(temporary, options.output);
    } catch (error) {
      throw new JournalIOError(options.output, 'writing the export', error);
    }
  }
  return { text, count: results.length };
}
