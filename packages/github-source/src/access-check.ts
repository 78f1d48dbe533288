/**
 * A read-only check, before a run writes anything, that the GitHub token is accepted and may do
 * what the configured write-back needs, so a wrong token is refused up front instead of
 * failing the backlog one write at a time.
 *
 * What GitHub lets a client see:
 * - `GET /user` answers 401 for a token it does not accept (an installation token gets 403:
 *   it has no user, which is not a refusal).
 * - `GET /repos/{owner}/{repo}` answers 404 for a repository the token cannot see, and carries
 *   `permissions` (`pull`, `triage`, `push`, `maintain`, `admin`): the principal's role.
 *   https://docs.github.com/rest/repos/repos#get-a-repository
 * - Classic PATs list their scopes in the `X-OAuth-Scopes` response header.
 *   https://docs.github.com/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps
 * - `ProjectV2.viewerCanUpdate` says whether the viewer may edit a board.
 * A fine-grained PAT's own permission set cannot be read back; a write it lacks is refused with
 * 403 during the run, which stops the run the same way (`CredentialsRejectedError`).
 */
import type { GitHubClient } from './octokit.js';

/** What the configured write-back will do, so what the token must allow. */
export interface GitHubAccessNeeds {
  /** `owner/name` of every repository tasks come from or are written to. */
  readonly repos: readonly string[];
  /** Status labels or result comments are written (needs triage or more). */
  readonly writeIssues: boolean;
  /** Pull requests are merged or task branches created (needs push: contents write). */
  readonly writeContents: boolean;
  /** A board is read, and written when `write`. */
  readonly project?: { readonly owner: string; readonly number: number; readonly ownerType?: 'organization' | 'user' | 'auto'; readonly write: boolean };
}

/** One thing the token may not do, naming the credential and what to fix. */
export interface GitHubAccessProblem {
  /** What was checked: `github.token`, `acme/shop`, `project acme#3`. */
  readonly target: string;
  readonly message: string;
  /** What to change. */
  readonly hint: string;
}

/** The outcome of {@link checkGitHubAccess}. */
export type GitHubAccessReport =
  | { readonly ok: true; readonly login: string | undefined; readonly scopes: readonly string[] | undefined }
  | { readonly ok: false; readonly login: string | undefined; readonly problems: readonly GitHubAccessProblem[] };

interface HttpError {
  readonly status?: number;
  readonly message?: string;
}

const statusOf = (error: unknown): number | undefined => (error as HttpError | undefined)?.status;

/**
 * Checks, with reads only, that GitHub accepts the client's token and that the token's principal
 * may do what `needs` says on every repository and board. Resolves with every problem found;
 * rejects only on an abort or a failure that is not an answer about access (network, 5xx after
 * retries).
 */
export async function checkGitHubAccess(client: GitHubClient, needs: GitHubAccessNeeds, signal?: AbortSignal): Promise<GitHubAccessReport> {
  const problems: GitHubAccessProblem[] = [];
  const request = { request: { signal } };
  let login: string | undefined;
  let scopes: string[] | undefined;
  try {
    const me = await client.request('GET /user', request);
    login = (me.data as { login?: string }).login;
    scopes = scopesOf(me.headers as Record<string, unknown>);
  } catch (error) {
    const status = statusOf(error);
    if (status === 401) {
      problems.push({
        target: 'github.token',
        message: `GitHub refused the token (401 ${(error as HttpError).message ?? 'Bad credentials'}).`,
        hint: 'Set github.token (GITHUB_TOKEN) to a valid token: it is expired, revoked or mistyped.',
      });
      return { ok: false, login, problems };
    }
    // An installation token has no user (403): nothing to learn here, the repositories tell.
    if (status !== 403) throw error;
  }

  // Classic PATs and OAuth tokens carry the header (empty when the token has no scope);
  // fine-grained PATs and installation tokens do not (cli/cli#6546).
  const classic = scopes === undefined ? undefined : new Set(scopes);
  for (const full of needs.repos) {
    const [owner, repo] = full.split('/') as [string, string];
    let data: { private?: boolean; permissions?: Record<string, boolean | undefined> };
    try {
      data = (await client.request('GET /repos/{owner}/{repo}', { owner, repo, ...request })).data as typeof data;
    } catch (error) {
      const status = statusOf(error);
      if (status !== 404 && status !== 403 && status !== 401) throw error;
      problems.push({
        target: full,
        message: `${full} is not visible to the token (${status}).`,
        hint: `Check github.repos for a typo, and give the token access to ${full} (fine-grained: add the repository; classic: the repo scope).`,
      });
      continue;
    }
    const p = data.permissions;
    if (needs.writeIssues && p !== undefined && !(p.triage || p.push || p.maintain || p.admin)) {
      problems.push({
        target: full,
        message: `${login ?? 'the token'} may only read ${full}; status labels and comments need triage access or more.`,
        hint: 'Grant write access to the repository, or turn off automation.statusLabels and automation.postComments.',
      });
    }
    if (needs.writeContents && p !== undefined && !(p.push || p.maintain || p.admin)) {
      problems.push({
        target: full,
        message: `${login ?? 'the token'} cannot push to ${full}; merging pull requests and creating task branches need write access.`,
        hint: 'Grant write access to the repository, or turn off automation.autoMerge and automation.branchPerTask.',
      });
    }
    if (classic && (needs.writeIssues || needs.writeContents || data.private) && !classic.has('repo') && !(classic.has('public_repo') && data.private === false)) {
      problems.push({
        target: full,
        message: `The classic token's scopes (${[...classic].join(', ') || 'none'}) do not cover ${data.private ? 'the private repository' : 'writes to'} ${full}.`,
        hint: `Add the ${data.private ? 'repo' : 'public_repo (or repo)'} scope to the token.`,
      });
    }
  }

  if (needs.project) problems.push(...(await checkProject(client, needs.project, classic, signal)));
  return problems.length === 0 ? { ok: true, login, scopes } : { ok: false, login, problems };
}

async function checkProject(
  client: GitHubClient,
  project: NonNullable<GitHubAccessNeeds['project']>,
  classic: ReadonlySet<string> | undefined,
  signal: AbortSignal | undefined,
): Promise<GitHubAccessProblem[]> {
  const target = `project ${project.owner}#${project.number}`;
  if (classic && !classic.has('project') && !(classic.has('read:project') && !project.write)) {
    return [
      {
        target,
        message: `The classic token's scopes (${[...classic].join(', ') || 'none'}) do not include ${project.write ? 'project' : 'read:project'}.`,
        hint: `Add the ${project.write ? 'project' : 'read:project'} scope to the token.`,
      },
    ];
  }
  const kinds = project.ownerType === 'user' ? ['user'] : project.ownerType === 'organization' ? ['organization'] : ['organization', 'user'];
  for (const kind of kinds) {
    let board: { viewerCanUpdate?: boolean } | null | undefined;
    try {
      const data = await client.graphql<Record<string, { projectV2: { viewerCanUpdate: boolean } | null } | null>>(
        `query($login: String!, $number: Int!) { owner: ${kind}(login: $login) { projectV2(number: $number) { viewerCanUpdate } } }`,
        { login: project.owner, number: project.number, request: { signal } },
      );
      board = data.owner?.projectV2;
    } catch (error) {
      const types = ((error as { errors?: { type?: string }[] }).errors ?? []).map((e) => e.type);
      if (types.length > 0 && types.every((t) => t === 'NOT_FOUND')) continue;
      if (statusOf(error) === 401 || types.includes('FORBIDDEN') || types.includes('INSUFFICIENT_SCOPES')) {
        return [{ target, message: `GitHub refused to show ${target} to the token.`, hint: 'Give the token Projects access (fine-grained: Projects read/write; classic: project).' }];
      }
      throw error;
    }
    if (!board) continue;
    if (project.write && board.viewerCanUpdate === false) {
      return [{ target, message: `The token may read ${target} but not update it (board Status writes).`, hint: 'Give the token write access to the board, or set the options of automation.projectStatus to null.' }];
    }
    return [];
  }
  return [{ target, message: `${target} does not exist or is not visible to the token.`, hint: 'Check github.project (owner, number, ownerType) and the token\'s Projects access.' }];
}

function scopesOf(headers: Record<string, unknown>): string[] | undefined {
  const raw = headers['x-oauth-scopes'];
  if (typeof raw !== 'string') return undefined;
  return raw
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '');
}
