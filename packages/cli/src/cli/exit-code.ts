/**
 * The exit code of `pco run` from its summary, and `--fail-on`: which task outcomes make a run
 * fail. A task the source's policy held back (untrusted author, open external blocker) is not
 * unfinished work, so by default it does not turn a scheduled workflow red.
 */
import { InvalidArgumentError } from 'commander';
import { isPolicySkip, type RunSummary } from '@pco/core';
import type { TaskResult } from '@pco/contract';
import { EXIT } from './context.js';

/** The outcomes `--fail-on` can name. `skipped` is every skip that is not a policy skip. */
export const FAIL_ON_STATES = ['failed', 'needs-input', 'skipped', 'policy-skipped', 'interrupted'] as const;

export type FailOnState = (typeof FAIL_ON_STATES)[number];

/** Every outcome but a policy skip fails a run. */
export const DEFAULT_FAIL_ON: readonly FailOnState[] = ['failed', 'needs-input', 'skipped', 'interrupted'];

/**
 * Parses `--fail-on failed,policy-skipped` (comma-separated, spaces allowed). Throws commander's
 * InvalidArgumentError, naming the value, for an unknown state or an empty list: a usage error
 * (exit 2) before anything runs.
 */
export function parseFailOn(text: string): readonly FailOnState[] {
  const states = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (states.length === 0) throw new InvalidArgumentError(`expected one or more of ${FAIL_ON_STATES.join(', ')}.`);
  for (const state of states) {
    if (!(FAIL_ON_STATES as readonly string[]).includes(state)) {
      throw new InvalidArgumentError(`unknown state "${state}"; expected one or more of ${FAIL_ON_STATES.join(', ')}, comma-separated.`);
    }
  }
  return [...new Set(states as FailOnState[])];
}

/** The `--fail-on` outcome of a finished task; undefined for `done` and for a task that never finished. */
export function failOnStateOf(result: TaskResult): FailOnState | 'unfinished' | undefined {
  switch (result.state) {
    case 'done':
      return undefined;
    case 'failed':
    case 'needs-input':
    case 'interrupted':
      return result.state;
    case 'skipped':
      return isPolicySkip(result) ? 'policy-skipped' : 'skipped';
    default:
      return 'unfinished';
  }
}

export interface ExitCodeOptions {
  /** Outcomes that make the run fail (exit 1). @default DEFAULT_FAIL_ON */
  readonly failOn?: readonly FailOnState[];
  /** The run was stopped by SIGINT / SIGTERM (or `stop()`): exit 130 whatever the tasks did. */
  readonly interrupted?: boolean;
}

/**
 * 2 when refused credentials stopped the run (`summary.halted`); 130 when interrupted; else 1 when a task ended in an outcome listed in `failOn` or never
 * finished; else 0. Reads the results when the summary has them all (the CLI's runs do), the
 * counts otherwise (then every skip counts as `skipped`: without results a policy skip cannot be
 * told apart).
 */
export function exitCodeFor(summary: RunSummary, options: ExitCodeOptions = {}): number {
  // An API refused the credentials mid-run: a configuration problem, like a refusal up front.
  if (summary.halted !== undefined) return EXIT.usage;
  if (options.interrupted) return EXIT.interrupted;
  const failOn = new Set<string>(options.failOn ?? DEFAULT_FAIL_ON);
  const n = summary.counts;
  if (summary.results.length === n.total) {
    for (const result of summary.results) {
      const outcome = failOnStateOf(result);
      if (outcome === 'unfinished' || (outcome !== undefined && failOn.has(outcome))) return EXIT.tasksFailed;
    }
    return EXIT.ok;
  }
  const unfinished = n.pending + n.ready + n.running + n.retrying;
  const failing =
    (['failed', 'needs-input', 'interrupted'] as const).some((state) => n[state] > 0 && failOn.has(state)) ||
    (n.skipped > 0 && (failOn.has('skipped') || failOn.has('policy-skipped')));
  return unfinished > 0 || failing ? EXIT.tasksFailed : EXIT.ok;
}
