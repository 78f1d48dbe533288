/**
 * Runs `pco` in this process with captured output: the harness of the CLI's in-process tests
 * (not exported from the package).
 */
import { tmpdir } from 'node:os';
import type { CliContext } from './context.js';
import { main } from './program.js';

export interface InProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `pco ...args` with `env` as the whole environment, in `cwd` (default: the temp folder). */
export async function runPcoInProcess(args: readonly string[], options: { readonly env?: Record<string, string>; readonly cwd?: string } = {}): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: { write: (chunk: string) => ((stdout += chunk), true), isTTY: false },
    stderr: { write: (chunk: string) => ((stderr += chunk), true), isTTY: false },
    env: options.env ?? {},
    cwd: options.cwd ?? tmpdir(),
  };
  const code = await main(['node', 'pco', ...args], ctx);
  return { code, stdout, stderr };
}
