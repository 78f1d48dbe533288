/** `pco demo`: the real pipeline against local fakes, sped up. */
import { mkdtemp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { secretValues } from '../config/index.js';
import { DEMO_FAILURES, DEMO_REPO, DEMO_RETRY, DEMO_SKIPPED_BY_FAILURE, refuseNextCreates, startDemo } from '../demo/index.js';
import { witnessLanding, type LandingWitness } from '../demo/landing-witness.js';
import { createLander, decideCiFixes, landingOptions } from './landing-pipeline.js';
import type { GitHubLander } from '@pco/github-source';
import { FileJournal } from '@pco/core';
import { journalFingerprint } from '../journal/index.js';
import { CliUsageError, colorsFor, EXIT, type CliContext } from './context.js';
import { createCodegenExecutor, createGitHubClientFor, createReporter, createTaskSource } from './pipeline.js';
import { preflight } from './preflight.js';
import { executeRun, outputMode, type RunReport } from './run-command.js';
import { scaledRunTiming } from './time-scale.js';
import { codegenBudgets, trackGitHubBudgets } from '../ui/budgets.js';

export interface DemoFlags {
  readonly json?: boolean;
  readonly verbose?: boolean;
  readonly out?: string;
  readonly concurrency: string;
  readonly speed: string;
  /** `--ui [host:port]`: serve the web view of the demo run. */
  readonly ui?: string | boolean;
}

function parseNumber(flag: string, text: string, min: number, max: number, integer: boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new CliUsageError(`${flag}: expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

export async function demoCommand(ctx: CliContext, flags: DemoFlags): Promise<number> {
  const concurrency = parseNumber('--concurrency', flags.concurrency, 1, 10, true);
  const speed = parseNumber('--speed', flags.speed, 1, 100_000, false);
  const outDir = flags.out ? path.resolve(ctx.cwd, flags.out) : await mkdtemp(path.join(tmpdir(), 'pco-demo-'));
  await mkdir(outDir, { recursive: true });

  const env = await startDemo({ outDir, speed, concurrency });
  const { config } = env;
  const secrets = secretValues(config);
  const mode = outputMode(ctx, config, flags);
  const c = colorsFor(ctx.stdout, ctx.env);
  const info = (text: string) => (mode === 'json' ? ctx.stderr : ctx.stdout).write(`${text}\n`);
  info(
    [
      `${c.bold('pco demo')}: the real pipeline against local fakes, ${speed}× faster than real time.`,
      `  fake GitHub   ${env.github.url}  (${DEMO_REPO}: a 24-issue backlog with prose, label, blocked-by and sub-issue dependencies)`,
      `  fake Codegen  ${env.codegen.url}  (${concurrency} agents; ${Object.keys(DEMO_FAILURES).length} runs scripted to fail; ${DEMO_RETRY} meets a burst of 429s)`,
      `  output        ${outDir}`,
      '',
    ].join('\n'),
  );

  const timing = scaledRunTiming(config, 1 / speed);
  const client = createGitHubClientFor(config, { github: { ...timing.github, throttleId: `pco-demo-${process.pid}` } });
  const source = createTaskSource(config, client);
  const reporter = createReporter(config, client);
  const { client: codegen, executor, watcher } = createCodegenExecutor(config, { timeScale: timing.timeScale });
  let lander: GitHubLander | undefined;
  let landing: LandingWitness | undefined;
  const journal = await FileJournal.open({ path: config.journal.path, fingerprint: journalFingerprint(config), mode: 'fresh', secrets });
  const githubBudgets = flags.ui ? trackGitHubBudgets(client) : undefined;
  let report: RunReport | undefined;
  try {
    // As `pco run` does: the credentials are checked, read-only, before anything is written.
    await preflight(config, { github: client, codegen, reporter });
    const ciFixes = await decideCiFixes(config, codegen);
    if (ciFixes.note) info(`${c.dim('landing')}  ${ciFixes.note}`);
    lander = createLander(config, client, { timeScale: timing.timeScale, ciFixes });
    report = await executeRun(
      ctx,
      config,
      {
        source,
        executor,
        reporters: [reporter],
        journal,
        secrets,
        title: 'pco demo',
        ...(githubBudgets ? { budgets: () => [...codegenBudgets(codegen.limiter)(), ...githubBudgets()] } : {}),
        orchestrator: { ...timing.orchestrator, ...landingOptions(config, lander) },
        onOrchestrator: (orchestrator, out) => {
          landing = witnessLanding(orchestrator);
          orchestrator.on('task:start', (e) => {
            if (e.taskId === DEMO_RETRY && e.attempt === 1) refuseNextCreates(env.codegen);
          });
          reporter.on('warning', (w) => out.note('reporter:warning', `  ! ${w.taskId}: ${w.message}`, { taskId: w.taskId, message: w.message }));
        },
      },
      flags,
    );
    if (report.code === EXIT.interrupted || !report.summary) return report.code;
    const summary = report.summary;

    // What the fakes saw: the proof that the run was real and paid for nothing twice.
    const keys = env.codegen.created.map((record) => JSON.stringify((record as { metadata?: Record<string, unknown> | null }).metadata?.pco_idempotency_key ?? record));
    const duplicates = keys.length - new Set(keys).size;
    const counts = env.github.counts();
    const sum = (pattern: RegExp) => Object.entries(counts).reduce((n, [route, count]) => (pattern.test(route) ? n + count : n), 0);
    const failed = summary.results.filter((r) => r.state === 'failed').map((r) => r.id).sort();
    const retried = summary.results.find((r) => r.id === DEMO_RETRY);
    const expectedFailed = Object.keys(DEMO_FAILURES).sort();
    const skippedByFailure = summary.results.filter((r) => r.state === 'skipped' && r.skippedBecause && DEMO_FAILURES[r.skippedBecause]).map((r) => r.id).sort();
    const asScripted =
      JSON.stringify(failed) === JSON.stringify(expectedFailed) &&
      JSON.stringify(skippedByFailure) === JSON.stringify([...DEMO_SKIPPED_BY_FAILURE].sort()) &&
      retried?.state === 'done' &&
      retried.attempts === 2;
    const landed = landing?.asScripted() ?? false;
    const facts = [
      `${c.bold('Codegen')}  ${env.codegen.created.length} agent runs created, ${duplicates} duplicate${duplicates === 1 ? '' : 's'}`,
      `${c.bold('GitHub')}   ${sum(/^(POST|PATCH|PUT|DELETE) .*\/comments/)} comment writes, ${sum(/^(POST|PATCH|PUT|DELETE) .*\/labels/)} label writes, ${env.github.requests.length} requests in all`,
      asScripted
        ? `${c.green('✔')} As scripted: ${expectedFailed.join(' and ')} failed (so ${DEMO_SKIPPED_BY_FAILURE.join(', ')} was skipped), ${DEMO_RETRY} succeeded on its retry; untrusted and externally blocked issues were skipped.`
        : `${c.red('✖')} Not as scripted: failed ${failed.join(', ') || 'none'}; skipped because of them ${skippedByFailure.join(', ') || 'none'}; ${DEMO_RETRY} ended ${retried?.state ?? 'unknown'} after ${retried?.attempts ?? 0} attempts.`,
      `${c.bold('Landing')}  ${landing?.merged.size ?? 0} pull requests merged, ${landing?.followUps.length ?? 0} follow-ups, ${env.link.pushes.length} pushes by follow-ups`,
      ...(landing?.lines() ?? []).map((line) => `  ${line.startsWith('✔') ? c.green(line) : c.red(line)}`),
      '',
      `Try it on a real repository: ${c.bold('pco init --repo owner/name')}, then ${c.bold('pco plan')} and ${c.bold('pco run')}.`,
    ];
    info(facts.join('\n'));
    return asScripted && landed && duplicates === 0 ? EXIT.ok : EXIT.tasksFailed;
  } finally {
    // The view stays up (fakes and all) until Ctrl-C once the facts are printed.
    await report?.ui?.linger(report.code === EXIT.interrupted);
    lander?.close();
    executor.close();
    watcher.close();
    await journal.close().catch(() => undefined);
    await env.close();
  }
}
