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

/** Where a test's `pco.yaml` points: the two fakes and what the config reads from them. */
export interface FakesConfig {
  readonly githubUrl: string;
  readonly codegenUrl: string;
  readonly repos: readonly string[];
  /** A number, or a `${VAR}` reference. */
  readonly orgId: number | string;
  /** The tokens as written in the file, usually `${VAR}` references (never the values). */
  readonly githubToken: string;
  readonly codegenToken: string;
  /** Further lines (other sections, e.g. `automation:` with its keys), as written. */
  readonly more?: readonly string[];
  /**
   * Follow the agents' pull requests until they land (`landing.enabled`). Off unless asked: the
   * fake Codegen's pull requests exist in the fake GitHub only when the fakes are linked.
   * @default false
   */
  readonly landing?: boolean;
}

/** The text of a `pco.yaml` that runs against the fakes: the tests' one way to write it. */
export function fakesConfig(c: FakesConfig): string {
  return [
    'github:',
    `  token: ${c.githubToken}`,
    `  baseUrl: ${c.githubUrl}`,
    `  repos: [${c.repos.join(', ')}]`,
    'codegen:',
    `  orgId: ${c.orgId}`,
    `  token: ${c.codegenToken}`,
    `  baseUrl: ${c.codegenUrl}`,
    ...(c.more ?? []),
    // Last: `more` may continue the codegen section above.
    ...(c.landing ? [] : ['landing:', '  enabled: false']),
    '',
  ].join('\n');
}
