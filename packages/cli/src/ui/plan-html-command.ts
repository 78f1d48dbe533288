/** `pco plan --html FILE`: prints the plan as `pco plan` does, and writes its web view to FILE. */
import path from 'node:path';
import { createRedactor, type Task, type TaskSource } from '@pco/contract';
import type { PcoConfig } from '../config/index.js';
import { CliUsageError, EXIT, type CliContext } from '../cli/context.js';
import { printPlan } from '../cli/plan-command.js';
import type { PlanFormat } from '../cli/plan-render.js';
import { installShutdown } from '../cli/shutdown.js';
import { UiServerError } from './errors.js';
import { writePlanHtml } from './plan-html.js';

/** Exit code as `pco plan`'s (2 with cycles: the file is written all the same). */
export async function planHtmlCommand(ctx: CliContext, config: PcoConfig, source: TaskSource, options: { readonly file: string; readonly format: PlanFormat; readonly secrets: Iterable<string> }): Promise<number> {
  let loaded: readonly Task[] = [];
  const capturing: TaskSource = { load: async (signal) => (loaded = await source.load(signal)) };
  const shutdown = installShutdown(ctx);
  let code: number;
  try {
    code = (await printPlan(ctx, config, capturing, options.format, shutdown.signal)).code;
  } catch (error) {
    if (shutdown.received() === undefined) throw error;
    ctx.stderr.write(`Interrupted (${shutdown.received()}) while loading the tasks.\n`);
    return EXIT.interrupted;
  } finally {
    shutdown.dispose();
  }
  const file = path.resolve(ctx.cwd, options.file);
  try {
    await writePlanHtml(file, loaded, { workers: config.agent.maxConcurrentAgents, redact: createRedactor(options.secrets) });
  } catch (error) {
    if (error instanceof UiServerError) throw new CliUsageError(error.message, { cause: error });
    throw error;
  }
  ctx.stderr.write(`Wrote the plan's web view to ${file}\n`);
  return code;
}
