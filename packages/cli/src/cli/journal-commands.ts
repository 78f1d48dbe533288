/**
 * `pco status` and `pco export`: read the run journal (without locking it, so both work while a
 * run is writing) and print its state, or write every task's result as JSON or CSV.
 */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { findConfigFile } from '../config/index.js';
import { exportJournal, formatJournalStatus, journalStatus, type JournalExportFormat } from '../journal/index.js';
import { JournalCorruptError, JournalIOError } from '@pco/core';
import { CliUsageError, colorsFor, EXIT, type CliContext } from './context.js';
import { loadCliConfig } from './load.js';
import { coordinationStatusFor, formatCoordinationStatus } from './coordination-status.js';

/** Where the journal is when neither `--journal` nor a config file says (the config default). */
const DEFAULT_JOURNAL = '.pco/journal.jsonl';

interface JournalFlags {
  readonly config?: string;
  readonly journal?: string;
}

/** `--journal`, else the config's `journal.path`, else `.pco/journal.jsonl` in the working folder. */
async function journalPath(ctx: CliContext, flags: JournalFlags): Promise<string> {
  if (flags.journal) return path.resolve(ctx.cwd, flags.journal);
  if (flags.config !== undefined || findConfigFile(undefined, ctx.cwd, ctx.env)) {
    const { config } = await loadCliConfig(ctx, { ...(flags.config === undefined ? {} : { config: flags.config }) });
    return path.resolve(ctx.cwd, config.journal.path);
  }
  return path.resolve(ctx.cwd, DEFAULT_JOURNAL);
}

/** A missing or foreign journal is the user's pointer being wrong: usage error, exit 2. */
function usable(error: unknown, file: string): never {
  if (error instanceof JournalIOError && error.path === file && (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new CliUsageError(`No journal at ${file}: nothing has run with this configuration yet (or pass --journal PATH).`, { cause: error });
  }
  if (error instanceof JournalCorruptError) throw new CliUsageError(error.message, { cause: error });
  throw error;
}

export interface StatusFlags extends JournalFlags {
  readonly json?: boolean;
  readonly all?: boolean;
}

/** `pco status`: prints the journal's state; exit 0. */
export async function statusCommand(ctx: CliContext, flags: StatusFlags): Promise<number> {
  const file = await journalPath(ctx, flags);
  // Scale-out (config `coordination`): the shared budgets and live runs, from Redis; then a
  // process that has no journal yet still has something to show.
  const shared = await coordinationStatusFor(ctx, flags);
  const report = await journalStatus(file).catch((error: unknown) => (shared ? undefined : usable(error, file)));
  if (flags.json) {
    ctx.stdout.write(`${JSON.stringify(shared ? { ...(report ?? { journal: null }), coordination: shared } : report, null, 2)}\n`);
    return EXIT.ok;
  }
  if (!report) {
    ctx.stdout.write(`No journal at ${file} yet.\n${formatCoordinationStatus(shared!)}`);
    return EXIT.ok;
  }
  const c = colorsFor(ctx.stdout, ctx.env);
  const text = formatJournalStatus(report, { tasks: flags.all ? 'all' : 'unfinished' }) + (shared ? `\n${formatCoordinationStatus(shared)}` : '');
  ctx.stdout.write(
    text
      .replace(/^Journal .*$/m, (line) => c.bold(line))
      .replace(/^Unfinished\..*$/m, (line) => c.yellow(line))
      .replace(/^Every task (?:allowed to run )?is done[.;].*$/m, (line) => c.green(line))
      .replace(/^\d+ journal line\(s\) skipped:$/m, (line) => c.yellow(line)),
  );
  return EXIT.ok;
}

export interface ExportFlags extends JournalFlags {
  readonly format: JournalExportFormat;
  readonly output?: string;
}

/** `pco export`: every task's result from the journal, to stdout or `--output`; exit 0. */
export async function exportCommand(ctx: CliContext, flags: ExportFlags): Promise<number> {
  const file = await journalPath(ctx, flags);
  const output = flags.output === undefined ? undefined : path.resolve(ctx.cwd, flags.output);
  const { text, count } = await exportJournal(file, { format: flags.format, ...(output === undefined ? {} : { output }) }).catch(
    (error: unknown) => usable(error, file),
  );
  if (output === undefined) ctx.stdout.write(text);
  else ctx.stderr.write(`Wrote ${count} result(s) as ${flags.format.toUpperCase()} to ${output}\n`);
  return EXIT.ok;
}

/** Adds `status` and `export` to the program. */
export function registerJournalCommands(program: Command, ctx: CliContext, setCode: (code: number) => void): void {
  const configOption = () => new Option('-c, --config <file>', 'config file whose journal.path to read (default: $PCO_CONFIG, else ./pco.yaml…)');
  const journalOption = () => new Option('-j, --journal <file>', `journal file (default: journal.path of the config, else ${DEFAULT_JOURNAL})`);
  program
    .command('status')
    .description(
      "Print the run journal's state: tasks by state, what a resumed `pco run` would do, which tasks the source's policy held back (not unfinished work), who holds the lock.",
    )
    .addOption(configOption())
    .addOption(journalOption())
    .option('--all', 'list every task, not only the unfinished ones')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nReads without locking: safe while a run is writing the journal. See docs/resume.md.')
    .action(async (flags: StatusFlags) => setCode(await statusCommand(ctx, flags)));
  program
    .command('export')
    .description("Write every task's result from the run journal as JSON or CSV.")
    .addOption(new Option('-f, --format <format>', 'output format').choices(['json', 'csv']).default('json'))
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .addOption(configOption())
    .addOption(journalOption())
    .addHelpText('after', '\nTasks without a final result are exported with what is known so far (state, attempts, run id).')
    .action(async (flags: ExportFlags) => setCode(await exportCommand(ctx, flags)));
}
