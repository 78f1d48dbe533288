/**
 * Runs `pco` in this process with captured output: the harness of the CLI's in-process tests
 * (not exported from the package).
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FakeGitHubFixture, FakeIssueFixture } from '@pco/testkit';
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

/** Writes `fakesConfig(c)` as `dir/pco.yaml`; returns its path. */
export async function writeFakesConfig(dir: string, c: FakesConfig): Promise<string> {
  const file = path.join(dir, 'pco.yaml');
  await writeFile(file, fakesConfig(c));
  return file;
}

/**
 * acme/web with two chains of two issues, all labelled `agent`: #1 → #2 and #3 → #4. `issue4`
 * replaces the last one (a finished issue, another dependency); `issues` keeps the first few;
 * `viewer` is the token's login.
 */
export function twoChainsBacklog(options: { readonly viewer?: string; readonly issue4?: FakeIssueFixture; readonly issues?: number } = {}): FakeGitHubFixture {
  const issues: FakeIssueFixture[] = [
    { number: 1, title: 'Add a footer', labels: ['agent'] },
    { number: 2, title: 'Link the footer to the docs', body: 'Depends on #1', labels: ['agent'] },
    { number: 3, title: 'Add a header', labels: ['agent'] },
    options.issue4 ?? { number: 4, title: 'Style the header', body: 'Depends on #3', labels: ['agent'] },
  ];
  return {
    ...(options.viewer !== undefined ? { viewer: options.viewer } : {}),
    repos: [{ owner: 'acme', name: 'web', issues: issues.slice(0, options.issues ?? issues.length) }],
  };
}

/** `url` with the user `default` and `password`: what a user's `coordination.redis.url` holds. */
export function redisUrlWithPassword(url: string, password: string): string {
  const withAuth = new URL(url);
  withAuth.username = 'default';
  withAuth.password = password;
  return withAuth.toString();
}
