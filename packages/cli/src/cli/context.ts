/** What every command gets: streams, environment, colors, and the exit codes. */
import pc from 'picocolors';
import type { Colors } from 'picocolors/types';
import { PcoError } from '@pco/contract';

/** Exit codes of `pco` (documented in docs/cli.md). */
export const EXIT = {
  /** Every task done (or, for plan/init, the command succeeded). */
  ok: 0,
  /** Some tasks failed, were skipped, need input, or did not finish. */
  tasksFailed: 1,
  /** Usage or configuration error; a plan with cycles. */
  usage: 2,
  /** Interrupted by SIGINT / SIGTERM (128 + SIGINT). */
  interrupted: 130,
} as const;

/** A writable the CLI prints to. */
export interface CliStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** The process around a command; injectable so commands can be run in-process. */
export interface CliContext {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** The process, for signal handlers; absent in-process. */
  readonly process?: Pick<NodeJS.Process, 'on' | 'off' | 'exit'>;
}

/** The real process. */
export function processContext(): CliContext {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), process };
}

/** Colors for `stream`: on for a TTY unless NO_COLOR; FORCE_COLOR forces them. */
export function colorsFor(stream: CliStream, env: CliContext['env']): Colors {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const enabled = forced || (!!stream.isTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb');
  return pc.createColors(enabled);
}

/** A usage error: printed as is, exit code 2. */
export class CliUsageError extends PcoError {
  constructor(message: string, options: { readonly cause?: unknown; readonly context?: Readonly<Record<string, unknown>> } = {}) {
    super('CLI_USAGE', message, options);
  }
}
