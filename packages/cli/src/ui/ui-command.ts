/** `pco ui --journal PATH [--ui host:port]`: serves the view of a run from its journal until Ctrl-C. */
import path from 'node:path';
import type { Command } from 'commander';
import { createRedactor } from '@pco/contract';
import { JournalCorruptError, JournalIOError, readJournal } from '@pco/core';
import { CliUsageError, EXIT, type CliContext } from '../cli/context.js';
import { installShutdown } from '../cli/shutdown.js';
import { isLoopback, parseUiAddress } from './address.js';
import { generateToken } from './auth.js';
import { UiServerError } from './errors.js';
import { startUiServer } from './http-server.js';
import { journalViewModel } from './journal-view.js';
import { UI_TOKEN_ENV } from './run-ui.js';
import { readTaskList, taskListPath, taskOfEntry } from './task-list-file.js';

export interface UiFlags {
  readonly journal: string;
  readonly ui?: string | boolean;
}

/** Serves until SIGINT/SIGTERM (in-process, without a process to wait on: returns at once). */
export async function uiCommand(ctx: CliContext, flags: UiFlags): Promise<number> {
  const file = path.resolve(ctx.cwd, flags.journal);
  const journal = await readJournal(file).catch((error: unknown) => {
    if (error instanceof JournalIOError || error instanceof JournalCorruptError) throw new CliUsageError(`Cannot show ${file}: ${error.message}`, { cause: error });
    throw error;
  });
  // The titles and dependency edges are in the task list the run wrote beside the journal.
  const listFile = taskListPath(file);
  const list = await readTaskList(listFile).catch((error: unknown) => ({ kind: 'invalid' as const, problem: error instanceof Error ? error.message : String(error) }));
  const notice =
    list.kind === 'found'
      ? undefined
      : list.kind === 'absent'
        ? `No task list beside the journal (${path.basename(listFile)}): tasks are shown by id, without titles or dependency edges. pco run and pco demo write it from this version on.`
        : `The task list beside the journal (${path.basename(listFile)}) could not be read (${list.problem}): tasks are shown by id, without titles or dependency edges.`;
  const model = journalViewModel(journal.entries, { ...(list.kind === 'found' ? { tasks: list.list.tasks.map(taskOfEntry) } : {}), ...(notice ? { notice } : {}) });
  let server;
  try {
    const { host, port } = parseUiAddress(flags.ui === undefined ? true : flags.ui);
    const configured = ctx.env[UI_TOKEN_ENV] || undefined;
    const token = configured ?? (isLoopback(host) ? undefined : generateToken());
    // A journal is already redacted when written; the redactor still scrubs token shapes.
    server = await startUiServer({ model, redact: createRedactor(token ? [token] : []), host, port, ...(token ? { token } : {}) });
    ctx.stdout.write(`pco ui: ${server.url}${token && !configured ? `?token=${token}` : ''}\n`);
    if (notice) ctx.stdout.write(`pco ui: ${notice}\n`);
  } catch (error) {
    throw error instanceof UiServerError ? new CliUsageError(error.message, { cause: error }) : error;
  }
  if (ctx.process === undefined) {
    await server.close();
    return EXIT.ok;
  }
  ctx.stdout.write(`pco ui: showing ${file} (${model.phase}) until Ctrl-C.\n`);
  const shutdown = installShutdown(ctx);
  try {
    await new Promise<void>((resolve) => shutdown.signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    shutdown.dispose();
    await server.close();
  }
  return EXIT.ok;
}

/** Adds `ui` to the program. */
export function registerUiCommand(program: Command, ctx: CliContext, setCode: (code: number) => void): void {
  program
    .command('ui')
    .description('Serve the web view of a finished or interrupted run from its journal (read-only), until Ctrl-C.')
    .option('-j, --journal <file>', 'journal file', '.pco/journal.jsonl')
    .option('--ui <host:port>', 'where to serve it (default 127.0.0.1:4545; another host needs a token)')
    .addHelpText('after', '\nThe journal holds attempts and results; the titles and dependency edges come from the task list pco run writes beside it (<journal>.view.json). Without it the view shows task ids only. See docs/web-api.md.')
    .action(async (flags: UiFlags) => setCode(await uiCommand(ctx, flags)));
}
