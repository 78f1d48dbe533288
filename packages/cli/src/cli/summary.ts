/** The end of a run: results.json / results.csv, and the summary table. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Colors } from 'picocolors/types';
import { isPolicySkip, toCSV, toJSON, type RunSummary } from '@pco/core';
import type { TaskResult } from '@pco/contract';
import { formatDuration } from './live-view.js';
import { truncate } from './plan-render.js';

export interface ResultPaths {
  readonly json: string;
  readonly csv: string;
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, file);
}

/** Writes results.json (the summary with every result) and results.csv into `dir`. */
export async function writeResults(summary: RunSummary, dir: string, redact: (text: string) => string): Promise<ResultPaths> {
  await mkdir(dir, { recursive: true });
  const paths = { json: path.join(dir, 'results.json'), csv: path.join(dir, 'results.csv') };
  await writeAtomic(paths.json, redact(toJSON(summary)));
  await writeAtomic(paths.csv, redact(toCSV(summary.results)));
  return paths;
}

const STATE_ORDER = ['done', 'failed', 'needs-input', 'skipped', 'interrupted', 'retrying', 'running', 'ready', 'pending'] as const;

function stateText(result: TaskResult, c: Colors): string {
  const text = result.state.padEnd(11);
  switch (result.state) {
    case 'done':
      return c.green(text);
    case 'failed':
      return c.red(text);
    case 'skipped':
      return c.yellow(text);
    case 'needs-input':
      return c.magenta(text);
    case 'interrupted':
      return c.yellow(text);
    default:
      return c.dim(text);
  }
}

/** The summary table and where the result files are. `maxRows` bounds the task table. */
export function renderSummary(summary: RunSummary, paths: ResultPaths | undefined, c: Colors, maxRows = 60): string {
  const n = summary.counts;
  const out: string[] = [''];
  const policySkips = summary.results.filter(isPolicySkip).length;
  // Held back by policy (untrusted author, open external blocker) is not a problem of the run.
  const allowedDone = n.done + policySkips === n.total && summary.results.every((r) => r.state === 'done' || isPolicySkip(r));
  const verdict = summary.stopped
    ? c.yellow(c.bold('Interrupted'))
    : summary.ok
      ? c.green(c.bold('All tasks done'))
      : allowedDone
        ? c.green(c.bold(`All tasks allowed to run are done (${policySkips} held back by policy)`))
        : c.red(c.bold('Finished with problems'));
  out.push(
    `${verdict}  ${c.dim('run')} ${summary.runId}  ${c.dim('makespan')} ${formatDuration(summary.makespanMs)}  ${c.dim('agents')} ${summary.concurrency}  ${c.dim(
      'utilisation',
    )} ${Math.round(summary.utilisation * 100)}%  ${c.dim('attempts')} ${summary.attempts} (${summary.retries} retr${summary.retries === 1 ? 'y' : 'ies'})`,
  );
  out.push(
    '  ' +
      STATE_ORDER.filter((state) => n[state] > 0 || state === 'done' || state === 'failed' || state === 'skipped')
        .map((state) => (state === 'skipped' && policySkips > 0 ? `skipped ${n.skipped} (${policySkips} by policy)` : `${state} ${n[state]}`))
        .join(' · ') +
      ` · total ${n.total}`,
  );
  const results = [...summary.results].sort((a, b) => STATE_ORDER.indexOf(a.state as never) - STATE_ORDER.indexOf(b.state as never));
  if (results.length > 0) {
    const idWidth = Math.min(28, Math.max(4, ...results.map((r) => r.id.length)));
    out.push('', c.bold(`  ${'Task'.padEnd(idWidth)}  ${'State'.padEnd(11)}  Att  ${'Agent'.padEnd(8)}  ${'Time'.padStart(5)}  PRs / reason`));
    for (const r of results.slice(0, maxRows)) {
      const detail =
        r.state === 'done'
          ? r.pullRequests.map((pr) => pr.url).join(' ') || c.dim(truncate(r.summary ?? '', 60))
          : isPolicySkip(r)
            ? c.dim(`by policy: ${truncate(r.error ?? '', 70)}`)
            : truncate(r.error ?? '', 80);
      out.push(
        `  ${r.id.padEnd(idWidth)}  ${stateText(r, c)}  ${String(r.attempts).padStart(3)}  ${(r.agent ?? '—').padEnd(8)}  ${
          r.durationMs !== undefined ? formatDuration(r.durationMs).padStart(5) : '    —'
        }  ${detail}`,
      );
    }
    if (results.length > maxRows) out.push(c.dim(`  … ${results.length - maxRows} more in results.csv`));
  }
  if (paths) {
    out.push('', `${c.bold('Results')}  ${paths.json}`, `         ${paths.csv}`);
  }
  return out.join('\n') + '\n';
}
