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
import { EXIT } from './context.js';
import { codegenBudgets, trackGitHubBudgets } from '../ui/budgets.js';
import type { RunJournal } from '@pco/contract';

export interface RunFlags {
  readonly config?: string;
  readonly dryRun?: boolean;
  readonly verbose?: boolean;
  readonly debug?: boolean;
  readonly json?: boolean;
  readonly concurrency?: string;
  readonly ui?: string | boolean;
}

export async function runCommand(ctx: CliContext, flags: RunFlags, secrets: Set<string>): Promise<number> {
  const { config, display } = await loadCliConfig(ctx, flags, flags.dryRun ? 'plan' : 'all');
  for (const secret of secretValues(config)) secrets.add(secret);
  const client = createGitHubClientFor(config);
  const source = createTaskSource(config, client);
  if (flags.dryRun) return planCommand(ctx, config, source, 'text');
  const missing = runRequirementIssues(config);
  if (missing.length > 0) throw new ConfigInvalidError(missing, display);

  let budgetWarned = false;
  const { client: codegen, executor } = createCodegenExecutor(config, {
    persistBudget: true,
    // Once: the run goes on with its budget in memory; only a restart may then meet 429s.
    onBudgetError: (error) => {
      if (budgetWarned) return;
      budgetWarned = true;
      ctx.stderr.write(`! ${error.message} The run goes on; a restart may meet Codegen 429s.\n`);
    },
  });
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
      lander = createLander(config, client, { ciFixes });
    }
    const github = flags.ui ? trackGitHubBudgets(client) : undefined;
    const budgets = flags.ui ? () => [...codegenBudgets(codegen.limiter)(), ...(github?.() ?? [])] : undefined;
    const report = await executeRun(
      ctx,
      config,
      { source, executor, reporters: [reporter], journal: tracked, resume, secrets: [...secrets], orchestrator: landingOptions(config, lander), ...(budgets ? { budgets } : {}) },
      flags,
    );
    await report.ui?.linger(report.code === EXIT.interrupted);
    return report.code;
  } finally {
    lander?.close();
    executor.close();
    await journal.close().catch(() => undefined);
    if (journal.openReport.created && !appended) {
      await rm(journal.path, { force: true }).catch(() => undefined);
      // Its budget file too: nothing was appended, so no intent and no create was ever sent
      // (only the preflight's few reads, which no later run needs to know about).
      await rm(runBudgetPath(journal.path), { force: true }).catch(() => undefined);
    }
  }
}
