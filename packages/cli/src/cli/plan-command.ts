/** `pco plan` (and `pco run --dry-run`): fetch, validate and print the plan; run nothing. */
import type { PcoConfig } from '../config/index.js';
import type { TaskSource } from '@pco/contract';
import { colorsFor, EXIT, type CliContext } from './context.js';
import { installShutdown } from './shutdown.js';
import { buildPlan, type PlanReport } from './plan-report.js';
import { renderPlan, type PlanFormat } from './plan-render.js';

/** Loads the tasks and prints the plan in `format`. Exit 2 when the plan cannot run (cycles). */
export async function printPlan(
  ctx: CliContext,
  config: PcoConfig,
  source: TaskSource,
  format: PlanFormat,
  signal?: AbortSignal,
): Promise<{ code: number; report: PlanReport }> {
  const tasks = await source.load(signal);
  const workers = config.agent.maxConcurrentAgents;
  const report = buildPlan(tasks, workers);
  const c = colorsFor(ctx.stdout, ctx.env);
  ctx.stdout.write(renderPlan(report, format, workers, c));
  if (!report.ok && (format === 'json' || format === 'text')) {
    // The reason is in the output already; say what to do on stderr for scripts.
    ctx.stderr.write(
      `${colorsFor(ctx.stderr, ctx.env).red('✖')} The plan cannot run: ${
        report.cycles.length > 0 ? `${report.cycles.length} dependency cycle${report.cycles.length === 1 ? '' : 's'}` : 'invalid task graph'
      }. Break ${report.cycles.length > 0 ? 'each cycle' : 'the problems'} listed above and run pco plan again.\n`,
    );
  } else if (!report.ok) {
    ctx.stderr.write(`The plan cannot run (cycles or invalid tasks): run \`pco plan --format text\` for details.\n`);
  }
  return { code: report.ok ? EXIT.ok : EXIT.usage, report };
}

/** {@link printPlan} with Ctrl-C handling: an interrupted load exits 130 instead of failing. */
export async function planCommand(ctx: CliContext, config: PcoConfig, source: TaskSource, format: PlanFormat): Promise<number> {
  const shutdown = installShutdown(ctx);
  try {
    return (await printPlan(ctx, config, source, format, shutdown.signal)).code;
  } catch (error) {
    if (shutdown.received() === undefined) throw error;
    ctx.stderr.write(`Interrupted (${shutdown.received()}) while loading the tasks.\n`);
    return EXIT.interrupted;
  } finally {
    shutdown.dispose();
  }
}
