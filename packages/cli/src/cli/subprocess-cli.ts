/**
 * The `pco` binary as a subprocess (`node --conditions=@pco/source --import tsx src/cli.ts`): the
 * harness of the CLI's subprocess tests (heavy group; not exported from the package).
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLI = path.join(ROOT, 'packages/cli/src/cli.ts');
// tsx by absolute URL: `--import tsx` would resolve from the child's working directory.
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs pco; `onLine` sees stdout lines as they come (and may signal the child). */
export function runCli(
  args: string[],
  options: {
    env?: Record<string, string>;
    cwd?: string;
    onLine?: (line: string, kill: (signal: NodeJS.Signals) => void) => void;
    onSpawn?: (kill: (signal: NodeJS.Signals) => void) => void;
  } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@pco/source', '--import', TSX, CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        options.onLine?.(line, (signal) => child.kill(signal));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    options.onSpawn?.((signal) => child.kill(signal));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every stdout line parsed as JSON (throws on the first line that is not). */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
}
