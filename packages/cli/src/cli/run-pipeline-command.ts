/** `pco run`: the real pipeline from a config file. */
import { rm } from 'node:fs/promises';
import { FileJournal, journalExists } from '@pco/core';
import { journalFingerprint, runBudgetPath } from '../journal/index.js';
import { runRequirementIssues, secretValues } from '../config/index.js';
import type { CliContext } from './context.js';
import { ConfigInvalidError, loadCliConfig } from './load.js';
import { planCommand } from './plan-command.js';
import { preflight } from './preflight.js';
import { createLander, decideCiFixes, landingOptions } from './landing-pipeline.js';
import type { GitHubLander } from '@pco/github-source';
import { createCodegenExecutor, createGitHubClientFor, createReporter, createTaskSource } from './pipeline.js';
import { executeRun } from './run-command.js';
import { parseTimeScale, scaledRunTiming } from './time-scale.js';
import { coordinationSecrets, openCoordination, type Coordination } from './coordination.js';
import { CliUsageError, EXIT } from './context.js';
import { codegenBudgets, trackGitHubBudgets } from '../ui/budgets.js';
import { createRedactor, type RunJournal } from '@pco/contract';
import type { PcoConfig } from '../config/index.js';

export interface RunFlags {
  readonly config?: string;
  readonly dryRun?: boolean;
  readonly verbose?: boolean;
  readonly debug?: boolean;
  readonly json?: boolean;
  readonly concurrency?: string;
  readonly ui?: string | boolean;
  /** This process's name among the backlog's processes (`pco worker --name`). */
  readonly name?: string;
  /** `pco worker`: refuse to run without the coordination section (it would run alone). */
  readonly requireCoordination?: boolean;
  /** `--time-scale <factor>`: real ms per API ms, for simulators and fakes (see time-scale.ts). */
  readonly timeScale?: string;
}

export async function runCommand(ctx: CliContext, flags: RunFlags, secrets: Set<string>): Promise<number> {
  const timeScale = parseTimeScale(flags.timeScale);
  const { config, display } = await loadCliConfig(ctx, flags, flags.dryRun ? 'plan' : 'all');
  for (const secret of [...secretValues(config), ...coordinationSecrets(config)]) secrets.add(secret);
  if (flags.dryRun) return planCommand(ctx, config, createTaskSource(config, createGitHubClientFor(config)), 'text');
  const missing = runRequirementIssues(config);
  if (missing.length > 0) throw new ConfigInvalidError(missing, display);
  if (!config.coordination) {
    if (flags.requireCoordination) {
      throw new CliUsageError(`pco worker joins a backlog through Redis: ${display} has no coordination section (docs/scale-out.md). Without it, use pco run.`);
    }
    return runPipeline(ctx, config, flags, secrets, undefined, timeScale);
  }
  // Scale-out (docs/scale-out.md): the budgets, the agent cap and the backlog's attempts are
  // shared through Redis with every other process.
  const coordination = await openCoordination(config, {
    onError: coordinationErrors(ctx, secrets),
    ...(flags.name ? { name: flags.name } : {}),
    ...(timeScale === 1 ? {} : { tuning: { github: scaledRunTiming(config, timeScale).github } }),
  });
  try {
    return await runPipeline(ctx, config, flags, secrets, coordination, timeScale);
  } finally {
    await coordination.close();
  }
}

/** Prints each distinct error of the coordination parts once (they retry; the run goes on). */
function coordinationErrors(ctx: CliContext, secrets: Set<string>): (error: Error) => void {
  const seen = new Set<string>();
  return (error) => {
    const message = createRedactor(secrets)(error.message);
    if (seen.has(message) || seen.size >= 20) return;
    seen.add(message);
    ctx.stderr.write(`! coordination: ${message}\n`);
  };
}

async function runPipeline(ctx: CliContext, config: PcoConfig, flags: RunFlags, secrets: Set<string>, coordination: Coordination | undefined, timeScale: number): Promise<number> {
  // Real time (the default) passes nothing: a real run keeps every default of every part.
  const timing = timeScale === 1 ? undefined : scaledRunTiming(config, timeScale);
  const client = coordination?.github ?? createGitHubClientFor(config, timing ? { github: timing.github } : {});
  const source = createTaskSource(config, client);
  let budgetWarned = false;
  const { client: codegen, executor: codegenExecutor, watcher } = createCodegenExecutor(config, {
    persistBudget: true,
    ...(timing ? { timeScale: timing.timeScale } : {}),
    ...(coordination ? { bucketStore: coordination.bucketStore } : {}),
    // Once: the run goes on with its budget in memory; only a restart may then meet 429s.
    onBudgetError: (error) => {
      if (budgetWarned) return;
      budgetWarned = true;
      ctx.stderr.write(`! ${error.message} The run goes on; a restart may meet Codegen 429s.\n`);
    },
  });
  const executor = coordination ? await coordination.distribute(codegenExecutor, codegen, watcher) : codegenExecutor;
  const reporter = createReporter(config, client);
  let lander: GitHubLander | undefined;
  const resume = await journalExists(config.journal.path);
  const journal = await FileJournal.open({
    path: config.journal.path,
    fingerprint: journalFingerprint(config),
    mode: 'resume',
    secrets: [...secrets],
  });
  // A run that ends before writing anything (an invalid graph, the source unreachable, Ctrl-C
  // while loading) leaves no journal behind: a header-only file would make the next run "resume"
  // nothing, and would pin the journal to this config for no reason.
  let appended = false;
  const tracked: RunJournal & { close(): Promise<void> } = {
    load: (signal) => journal.load(signal),
    append: (entry) => {
      appended = true;
      return journal.append(entry);
    },
    close: () => journal.close(),
  };
  try {
    // Reads only, after the journal (a local check) and before the first GitHub write: a refused
    // credential stops here with exit 2.
    await preflight(config, { github: client, codegen, reporter });
    if (config.landing.enabled) {
      const ciFixes = await decideCiFixes(config, codegen);
      if (ciFixes.note) ctx.stderr.write(`! ${ciFixes.note}\n`);
      lander = createLander(config, client, { ciFixes, ...(timing ? { timeScale: timing.timeScale } : {}) });
    }
    const github = flags.ui ? trackGitHubBudgets(client) : undefined;
    const budgets = flags.ui ? () => [...codegenBudgets(codegen.limiter)(), ...(github?.() ?? [])] : undefined;
    const report = await executeRun(
      ctx,
      config,
      { source, executor, reporters: [reporter], journal: tracked, resume, secrets: [...secrets], orchestrator: { ...timing?.orchestrator, ...landingOptions(config, lander), ...coordination?.orchestrator }, ...(budgets ? { budgets } : {}) },
      flags,
    );
    await report.ui?.linger(report.code === EXIT.interrupted);
    return report.code;
  } finally {
    lander?.close();
    // The worker host first: it hands the jobs it still runs back to the queue (another process
    // re-attaches to their agent runs) before their executor stops.
    await coordination?.close();
    codegenExecutor.close();
    watcher.close();
    await journal.close().catch(() => undefined);
    if (journal.openReport.created && !appended) {
      await rm(journal.path, { force: true }).catch(() => undefined);
      // Its budget file too: nothing was appended, so no intent and no create was ever sent
      // (only the preflight's few reads, which no later run needs to know about).
      await rm(runBudgetPath(journal.path), { force: true }).catch(() => undefined);
    }
  }
}
