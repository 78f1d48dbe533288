/**
 * Programmatic use of the Orchestrator with the custom source and executor of this folder:
 * live events, retries, a failure that skips its dependents, and the results as CSV.
 *
 *   npm run build && node --import tsx examples/orchestrator/run-backlog.ts
 *   (or without a build: node --conditions=@pco/source --import tsx examples/orchestrator/run-backlog.ts)
 */
import { fileURLToPath } from 'node:url';
import { Orchestrator, toCSV, type RunSummary } from '@pco/core';
import { CommandExecutor } from './command-executor.js';
import { JsonFileSource } from './json-file-source.js';

export async function runBacklog(log: (line: string) => void = console.log): Promise<RunSummary> {
  const orc = new Orchestrator({
    source: new JsonFileSource(fileURLToPath(new URL('./tasks.json', import.meta.url))),
    executor: new CommandExecutor(),
    concurrency: 3,
    retry: { attempts: 2, baseDelayMs: 50 },
    timeoutMs: 30_000,
  });
  orc.on('task:start', (e) => log(`start   ${e.taskId} (attempt ${e.attempt} on ${e.agent})`));
  orc.on('task:retry', (e) => log(`retry   ${e.taskId} in ${e.delayMs} ms: ${e.error}`));
  orc.on('task:done', (e) => log(`done    ${e.taskId}: ${e.result.summary ?? ''}`));
  orc.on('task:failed', (e) => log(`failed  ${e.taskId}: ${e.error}`));
  orc.on('task:skipped', (e) => log(`skipped ${e.taskId}: ${e.result.error}`));
  const summary = await orc.run({ signal: AbortSignal.timeout(60_000) });
  log(`\n${summary.counts.done}/${summary.counts.total} done in ${summary.makespanMs} ms\n`);
  log(toCSV(summary.results));
  return summary;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const summary = await runBacklog();
  process.exitCode = summary.ok ? 0 : 1;
}
