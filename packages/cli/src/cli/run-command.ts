/**
 * Running a pipeline with the CLI's output: the live view or JSON lines, SIGINT/SIGTERM
 * handling, result files and the summary. `pco run` and `pco demo` both end up here.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { DEFAULT_RATE_LIMITS } from '@pco/codegen-client';
import { GraphError } from '@pco/graph';
import { PcoError, createRedactor, type Redactor } from '@pco/contract';
import type { PcoConfig } from '../config/index.js';
import { Orchestrator } from '@pco/core';
import type { OrchestratorOptions, RunSummary } from '@pco/core';
import type { Executor, Reporter, RunJournal, TaskSource } from '@pco/contract';
import { colorsFor, EXIT, type CliContext } from './context.js';
import { attachEventLog, createJsonLogger } from './event-log.js';
import { exitCodeFor, type FailOnState } from './exit-code.js';
import { LiveView } from './live-view.js';
import { installShutdown } from './shutdown.js';
import { renderSummary, writeResults, type ResultPaths } from './summary.js';
import { startRunUi, type RunUi } from '../ui/run-ui.js';
import { taskListPath, trackTaskList } from '../ui/task-list-file.js';
import type { ApiBudget } from '../ui/api-types.js';

export type OutputMode = 'live' | 'lines' | 'json';

export interface OutputFlags {
  readonly json?: boolean;
  readonly verbose?: boolean;
  /** Task outcomes that make the run exit 1 (`--fail-on`). @default DEFAULT_FAIL_ON */
  readonly failOn?: readonly FailOnState[];
  /** `--ui [host:port]`: serve the web view of the run (see docs/web-api.md). */
  readonly ui?: string | boolean;
}

/** `--json` or `logging.format: json` → JSON lines; `pretty` → the live view on a TTY; `auto` → live on a TTY, JSON otherwise. */
export function outputMode(ctx: CliContext, config: PcoConfig, flags: OutputFlags): OutputMode {
  if (flags.json || config.logging.format === 'json') return 'json';
  const tty = !!ctx.stdout.isTTY && ctx.env.TERM !== 'dumb';
  if (config.logging.format === 'pretty') return tty ? 'live' : 'lines';
  return tty ? 'live' : 'json';
}

/** Everything a run needs besides the config. */
export interface RunParts {
  readonly source: TaskSource;
  readonly executor: Executor;
  readonly reporters?: readonly Reporter[];
  readonly journal?: RunJournal & { close?(): Promise<void> };
  /** Continue the journal's unfinished work. */
  readonly resume?: boolean;
  /** Values to scrub from every line of output and every file. */
  readonly secrets: readonly string[];
  /** Orchestrator settings beyond the config (the demo's sped-up timing). */
  readonly orchestrator?: Partial<Omit<OrchestratorOptions, 'source' | 'executor'>>;
  /** Shown at the left of the progress bar. */
  readonly title?: string;
  /** Called with the orchestrator before the run starts (e.g. to log the reporter's events). */
  readonly onOrchestrator?: (orchestrator: Orchestrator, out: RunOutput) => void;
  /** The rate-limit budgets the web view shows (`--ui`). */
  readonly budgets?: () => readonly ApiBudget[];
}

/** Where a run's messages go, for parts that want to add their own. */
export interface RunOutput {
  readonly mode: OutputMode;
  readonly redact: Redactor;
  /** A human line (live/lines mode) or a JSON line with `event` (json mode). */
  note(event: string, message: string, fields?: Record<string, unknown>): void;
}

export interface RunReport {
  readonly code: number;
  /** Absent when the run was interrupted before it started (while loading the tasks). */
  readonly summary?: RunSummary;
  readonly paths?: ResultPaths;
  /** The web view (`--ui`), still serving: the caller calls `linger()` once it printed all. */
  readonly ui?: RunUi;
}

/** The Orchestrator options a config asks for. */
export function orchestratorOptions(config: PcoConfig): Pick<OrchestratorOptions, 'concurrency' | 'retry' | 'timeoutMs' | 'startRate'> {
  return {
    concurrency: config.agent.maxConcurrentAgents,
    retry: { attempts: config.agent.retryAttempts + 1, baseDelayMs: config.agent.retryDelaySeconds * 1000 },
    timeoutMs: config.agent.taskTimeoutSeconds * 1000,
    startRate: CODEGEN_CREATE_RATE,
  };
}

/** Codegen's documented agent-run create limit: no run starts faster, so the ETA counts it. */
export const CODEGEN_CREATE_RATE = { limit: DEFAULT_RATE_LIMITS.createRun!.limit, windowMs: DEFAULT_RATE_LIMITS.createRun!.windowMs };

/** Runs to the end (or to SIGINT/SIGTERM) and prints the summary; resolves with the exit code. */
export async function executeRun(ctx: CliContext, config: PcoConfig, parts: RunParts, flags: OutputFlags): Promise<RunReport> {
  const redact = createRedactor(parts.secrets);
  const mode = outputMode(ctx, config, flags);
  const orchestrator = new Orchestrator({
    ...orchestratorOptions(config),
    source: parts.source,
    executor: parts.executor,
    reporters: parts.reporters ?? [],
    ...(parts.journal ? { journal: parts.journal } : {}),
    secrets: parts.secrets,
    ...parts.orchestrator,
  });

  // Before the live view takes the terminal: the `pco ui: URL` line stays in the scrollback.
  const ui = flags.ui
    ? await startRunUi(ctx, orchestrator, { address: flags.ui, secrets: parts.secrets, concurrency: orchestratorOptions(config).concurrency, ...(config.ui.token ? { token: config.ui.token } : {}), ...(parts.budgets ? { budgets: parts.budgets } : {}) })
    : undefined;
  let logger: Logger | undefined;
  let view: LiveView | undefined;
  let detach: (() => void) | undefined;
  const c = colorsFor(ctx.stdout, ctx.env);
  if (mode === 'json') {
    logger = createJsonLogger(ctx.stdout, flags.verbose ? 'debug' : config.logging.level, redact);
    detach = attachEventLog(orchestrator, logger);
  } else {
    view = new LiveView(orchestrator, {
      stream: ctx.stdout as NodeJS.WritableStream & typeof ctx.stdout,
      colors: c,
      redact,
      live: mode === 'live',
      verbose: !!flags.verbose || config.logging.level === 'debug' || config.logging.level === 'trace',
      ...(parts.title ? { title: parts.title } : {}),
      ...((parts.reporters ?? []).length > 0 ? { updatesTo: 'GitHub' } : {}),
    });
    view.start();
  }
  const out: RunOutput = {
    mode,
    redact,
    note(event, message, fields = {}) {
      if (logger) logger.info({ event, ...fields }, message);
      else view?.note(message);
    },
  };
  parts.onOrchestrator?.(orchestrator, out);
  // Beside the journal, the tasks `pco ui --journal` draws the graph from (docs/web-api.md).
  const taskList =
    parts.journal && config.journal.path
      ? trackTaskList(orchestrator, {
          path: taskListPath(path.resolve(config.journal.path)),
          redact,
          onError: (error) => out.note('task-list:error', `Could not write the task list for pco ui: ${error instanceof Error ? error.message : String(error)}`),
        })
      : undefined;

  const shutdown = installShutdown(ctx, {
    onFirst: (signal) => {
      const running = orchestrator.progress().running.length;
      out.note(
        'shutdown',
        `${c.yellow('■')} ${signal}: no new tasks will start; ${running} running task${running === 1 ? '' : 's'} left running remotely (pco run resumes them). Press Ctrl-C again to exit now.`,
        { signal, running },
      );
    },
    onForce: () => view?.stop(),
  });

  let summary: RunSummary;
  try {
    summary = await orchestrator.run({ signal: shutdown.signal, stopMode: 'detach', resume: !!parts.resume });
  } catch (error) {
    await ui?.close();
    if (shutdown.received() === undefined) {
      // The run could not start (invalid graph, source or journal failure). In JSON mode that is
      // a log line like every event; main() still prints it on stderr and picks the exit code.
      if (logger) logger.error(runFailedFields(error), error instanceof Error ? error.message : String(error));
      throw error;
    }
    // Stopped while the tasks were still loading: nothing was dispatched, nothing to write.
    out.note('interrupted', `Interrupted (${shutdown.received()}) while loading the tasks; nothing was started.`, { signal: shutdown.received() });
    view?.stop();
    detach?.();
    await parts.journal?.close?.();
    return { code: EXIT.interrupted };
  } finally {
    view?.stop();
    shutdown.dispose();
    await taskList?.settled();
    taskList?.detach();
  }
  detach?.();
  await parts.journal?.close?.();
  const paths = await writeResults(summary, config.journal.resultsDir, redact);

  const interrupted = summary.stopped !== undefined || shutdown.received() !== undefined;
  const code = exitCodeFor(summary, { interrupted, ...(flags.failOn ? { failOn: flags.failOn } : {}) });
  if (logger) {
    logger.info(
      // `exitCode`: what the process exits with (policy skips and --fail-on count; `ok` only says
      // whether every task is done).
      { event: 'results', runId: summary.runId, json: paths.json, csv: paths.csv, counts: summary.counts, ok: summary.ok, exitCode: code, ...(interrupted ? { interrupted: true } : {}) },
      'results written',
    );
    ctx.stderr.write(redact(renderSummary(summary, paths, colorsFor(ctx.stderr, ctx.env))));
  } else {
    ctx.stdout.write(redact(renderSummary(summary, paths, c)));
    if (config.journal.path && parts.journal) ctx.stdout.write(`${c.bold('Journal')}  ${path.resolve(config.journal.path)}\n`);
  }
  if (summary.halted !== undefined) {
    // On stderr in every mode: the one thing to fix before the next run resumes this one.
    const h = summary.halted;
    ctx.stderr.write(
      redact(
        `${colorsFor(ctx.stderr, ctx.env).red('✖')} Stopped: ${h.message}\n  ${h.hint}\n  Nothing was marked failed or skipped; running agents were left running. Fix it and run again to resume.\n`,
      ),
    );
  }
  return { code, summary, paths, ...(ui ? { ui } : {}) };
}

/** The JSON log fields of a run that could not start: the error code and, for a graph, its problems (cycles with their paths). */
function runFailedFields(error: unknown): Record<string, unknown> {
  const fields: Record<string, unknown> = { event: 'run:failed' };
  if (error instanceof PcoError) fields.code = error.code;
  if (error instanceof GraphError && error.issues.length > 0) {
    fields.issues = error.issues.map((issue) => ({ ...issue }));
    const cycles = error.issues.flatMap((issue) => (issue.kind === 'cycle' ? [issue.path] : []));
    if (cycles.length > 0) fields.cycles = cycles;
  }
  return fields;
}
