/**
 * Before `pco run` writes anything: are the credentials accepted, and may they do what the
 * configuration asks? Reads only. A refusal stops the command with exit 2 and names the setting
 * to fix, so a wrong token never writes "failed" across a backlog.
 */
import { CodegenApiError, type CodegenClient } from '@pco/codegen-client';
import { checkGitHubAccess, type GitHubAccessNeeds, type GitHubAccessProblem, type GitHubClient, type GitHubReporter } from '@pco/github-source';
import { PcoError } from '@pco/contract';
import type { PcoConfig } from '../config/index.js';

/** One refusal found by {@link preflight}. */
export type PreflightProblem = GitHubAccessProblem;

/** The credentials or their permissions do not allow the run: exit 2, nothing written. */
export class PreflightError extends PcoError {
  declare readonly code: 'PREFLIGHT_REFUSED';
  readonly problems: readonly PreflightProblem[];
  constructor(problems: readonly PreflightProblem[]) {
    super(
      'PREFLIGHT_REFUSED',
      [
        `Preflight: ${problems.length === 1 ? 'one problem' : `${problems.length} problems`} with the credentials; nothing was written.`,
        ...problems.map((p) => `  ✖ ${p.target}: ${p.message}\n    → ${p.hint}`),
      ].join('\n'),
      { context: { problems: problems.length } },
    );
    this.problems = problems;
  }
}

/** What the access check must allow: the repositories and board of the config, the reporter's and the lander's writes. */
export function gitHubNeeds(config: PcoConfig, writes: GitHubReporter['writes']): GitHubAccessNeeds {
  const project = config.github.project;
  return {
    repos: config.github.repos,
    writeIssues: writes.issues,
    // Merging and updating pull request branches (landing) needs push access, as branches do.
    writeContents: writes.contents || (config.landing.enabled && config.landing.merge !== 'none'),
    ...(project ? { project: { owner: project.owner, number: project.number, ownerType: project.ownerType, write: writes.board } } : {}),
  };
}

/** Checks the Codegen token (`GET /v1/users/me`), the organization and the repository id. */
async function checkCodegen(client: CodegenClient, config: PcoConfig, signal?: AbortSignal): Promise<PreflightProblem[]> {
  try {
    await client.getCurrentUser({ signal });
  } catch (error) {
    if (error instanceof CodegenApiError && (error.kind === 'unauthorized' || error.kind === 'forbidden')) {
      return [{ target: 'codegen.token', message: `Codegen refused the token (${error.status}).`, hint: 'Set codegen.token (CODEGEN_TOKEN) to a valid API token from codegen.com/token.' }];
    }
    throw error;
  }
  const wanted = config.codegen.repoId;
  try {
    // The organization's repositories: 403 when the token's user is not in the organization.
    for (let skip = 0; ; skip += 100) {
      const repos = await client.listRepos({ skip, limit: 100 }, { signal });
      if (wanted === undefined || repos.items.some((repo) => repo.id === wanted)) return [];
      if (repos.items.length < 100 || skip + 100 >= repos.total) break;
    }
  } catch (error) {
    if (error instanceof CodegenApiError && (error.kind === 'unauthorized' || error.kind === 'forbidden' || error.kind === 'not-found')) {
      return [
        {
          target: 'codegen.orgId',
          message: `The token has no access to Codegen organization ${String(config.codegen.orgId)} (${error.status}).`,
          hint: 'Set codegen.orgId (CODEGEN_ORG_ID) to an organization the token\'s user belongs to (codegen.com/token shows it).',
        },
      ];
    }
    throw error;
  }
  return [{ target: 'codegen.repoId', message: `Codegen organization ${String(config.codegen.orgId)} has no repository ${String(wanted)}.`, hint: 'Fix codegen.repoId, or remove it to use the organization\'s default.' }];
}

/**
 * Runs every check (GitHub and Codegen at once) and throws a {@link PreflightError} listing all
 * refusals. Network failures and 5xx after the clients' retries are rethrown as they are.
 */
export async function preflight(
  config: PcoConfig,
  parts: { readonly github: GitHubClient; readonly codegen: CodegenClient; readonly reporter: GitHubReporter },
  signal?: AbortSignal,
): Promise<void> {
  const [github, codegen] = await Promise.all([
    checkGitHubAccess(parts.github, gitHubNeeds(config, parts.reporter.writes), signal),
    checkCodegen(parts.codegen, config, signal),
  ]);
  const problems = [...(github.ok ? [] : github.problems), ...codegen];
  if (problems.length > 0) throw new PreflightError(problems);
}
