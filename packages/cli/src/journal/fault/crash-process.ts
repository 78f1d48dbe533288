/**
 * Child processes of the crash suites (crash.test.ts, landing-crash.test.ts): how to start one
 * quickly, and one life of it, SIGKILLed by its own fault hook (`kill.point` at its n-th
 * occurrence, through the environment) or by a timer.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JournalFaultPoint } from '../../../../core/src/journal/fault-injection.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));

/**
 * Where a life is killed: at the n-th occurrence of a journal fault point (of the entries the
 * child's `only` filter counts, if any), or after a time.
 */
export type Kill =
  | { readonly kind: 'hook'; readonly point: JournalFaultPoint; readonly n: number; readonly only?: string }
  | { readonly kind: 'timer'; readonly afterMs: number };

/** One process's life. */
export interface Life {
  readonly kill: Kill | undefined;
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * How to start the child `entry`: bundled once into `outDir` with esbuild (about 0.1 s per start
 * instead of about 1.5 s through tsx, which matters for 20 starts), or through tsx when esbuild is
 * not installed.
 */
export async function childCommand(entry: string, outDir: string): Promise<string[]> {
  try {
    const esbuild = await import('esbuild');
    const outfile = join(outDir, 'crash-child.mjs');
    await esbuild.build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['@pco/source'],
      logLevel: 'error',
      // CommonJS dependencies inside an ESM bundle need a real require().
      banner: { js: "import { createRequire as __pcoRequire } from 'node:module'; const require = __pcoRequire(import.meta.url);" },
    });
    return [outfile];
  } catch {
    return ['--conditions=@pco/source', '--import', 'tsx', entry];
  }
}

/** Runs the child once; a hook kill goes to it as `killVariable=point:n` (`point:n:only`). */
export function runChild(command: readonly string[], env: Record<string, string>, kill: Kill | undefined, killVariable: string): Promise<Life> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, command, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, [killVariable]: kill?.kind === 'hook' ? `${kill.point}:${kill.n}${kill.only ? `:${kill.only}` : ''}` : '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = kill?.kind === 'timer' ? setTimeout(() => child.kill('SIGKILL'), kill.afterMs) : undefined;
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ kill, signal, code, stdout, stderr });
    });
  });
}
