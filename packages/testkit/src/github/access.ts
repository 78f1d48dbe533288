/**
 * Who a request acts as and what it may do, after GitHub's two personal-access-token models:
 *
 * - Classic PATs carry OAuth scopes, sent back in `X-OAuth-Scopes`. A private repository the
 *   scopes do not cover, and a write they do not cover, answer 404 "Not Found": GitHub hides what a
 *   token may not touch rather than answering 403
 *   (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps).
 * - Fine-grained PATs carry per-repository permissions on selected repositories. A private
 *   repository they do not select is 404; a refused operation is 403 "Resource not accessible by
 *   personal access token" with `X-Accepted-GitHub-Permissions` naming what would do
 *   (https://docs.github.com/en/rest/authentication/permissions-required-for-fine-grained-personal-access-tokens).
 *   GitHub Apps get "Resource not accessible by integration" instead; the fake has no Apps.
 *
 * Either way the token never exceeds its user's own role on the repository or board.
 */
import type { RestResponse } from './rest-api.js';
import type { StoredProject, StoredRepo } from './store-types.js';
import type { FakeAccessLevel, FakeFineGrainedPermissions, FakeGitHubToken, FakeProjectRole, FakeRepoRole, StartFakeGitHubOptions } from './types.js';

/** A fine-grained repository permission. */
export type RepoPermission = 'issues' | 'pull_requests' | 'contents' | 'metadata' | 'checks' | 'statuses' | 'actions';

/** What one operation needs on a repository. */
export interface RepoNeed {
  /** Fine-grained permissions, any one of which suffices (`metadata` is always held). */
  readonly anyOf: readonly RepoPermission[];
  readonly level: FakeAccessLevel;
  /** The least role of the user. */
  readonly role: FakeRepoRole;
}

/** Why an operation is refused; the REST and GraphQL layers shape it. */
export type Refusal =
  /** Hidden from this token: 404 / NOT_FOUND. */
  | { readonly kind: 'hidden' }
  /** A classic token lacks a scope: REST 404, GraphQL INSUFFICIENT_SCOPES. */
  | { readonly kind: 'scope'; readonly accepted: readonly string[] }
  /** Forbidden by the token's permissions or by the user's role: 403 / FORBIDDEN. */
  | { readonly kind: 'forbidden'; readonly reason: 'token' | 'role' };

const DOCS = 'https://docs.github.com/rest';
const ROLE_RANK: Record<FakeRepoRole | 'none', number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };
const PROJECT_RANK: Record<FakeProjectRole | 'none', number> = { none: 0, read: 1, write: 2, admin: 3 };
const LEVEL_RANK: Record<FakeAccessLevel | 'admin', number> = { read: 1, write: 2, admin: 3 };
/** Scopes that include others (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps). */
const IMPLIED: Record<string, readonly string[]> = {
  repo: ['public_repo', 'repo:status', 'repo_deployment', 'repo:invite', 'security_events'],
  project: ['read:project'],
  'admin:org': ['write:org', 'read:org'],
  'write:org': ['read:org'],
};
/** The full-access token of `options.token`. */
const FULL: FakeGitHubToken = { type: 'classic', scopes: ['repo', 'project', 'read:org', 'workflow'] };
export const FORBIDDEN_PAT = 'Resource not accessible by personal access token';

/** The identity of one request. */
export class Principal {
  readonly login: string;
  readonly #scopes: ReadonlySet<string>;

  constructor(
    /** Undefined when the fake runs without credentials: full access, no token headers. */
    readonly token: FakeGitHubToken | undefined,
    viewer: string,
  ) {
    this.login = token?.login ?? viewer;
    const scopes = new Set<string>();
    if (token?.type === 'classic') {
      for (const s of token.scopes) {
        scopes.add(s);
        for (const implied of IMPLIED[s] ?? []) scopes.add(implied);
      }
    }
    this.#scopes = scopes;
  }

  hasScope(scope: string): boolean {
    return this.#scopes.has(scope);
  }

  /** The classic token's scopes as GitHub lists them (granted ones, not implied ones). */
  grantedScopes(): readonly string[] {
    return this.token?.type === 'classic' ? this.token.scopes : [];
  }

  /** The user's role on `repo`; a public repository is readable by anyone. */
  role(repo: StoredRepo): FakeRepoRole | 'none' {
    const roles = this.token?.repoRoles;
    const role = roles ? (roles[repo.fullName] ?? lookupCaseless(roles, repo.fullName) ?? roles['*'] ?? 'admin') : 'admin';
    return role === 'none' && repo.visibility === 'public' ? 'read' : role;
  }

  projectRole(project: StoredProject): FakeProjectRole | 'none' {
    const roles = this.token?.projectRoles;
    const key = `${project.owner}/${project.number}`;
    return roles ? (roles[key] ?? lookupCaseless(roles, key) ?? roles['*'] ?? 'admin') : 'admin';
  }

  /** Whether the repository exists for this token at all. */
  canSee(repo: StoredRepo): boolean {
    const t = this.token;
    if (!t) return true;
    if (repo.visibility === 'public') return true;
    if (ROLE_RANK[this.role(repo)] === 0) return false;
    if (t.type === 'classic') return this.hasScope('repo');
    return selects(t, repo);
  }

  /** Undefined when the operation is allowed, else why not. */
  checkRepo(repo: StoredRepo, need: RepoNeed): Refusal | undefined {
    const t = this.token;
    if (!this.canSee(repo)) return { kind: 'hidden' };
    if (!t) return undefined;
    if (t.type === 'classic') {
      // Reading a public repository needs no scope; everything else needs public_repo or repo.
      const covered = repo.visibility === 'public' ? need.level === 'read' || this.hasScope('public_repo') : this.hasScope('repo');
      if (!covered) return { kind: 'scope', accepted: repo.visibility === 'public' ? ['public_repo', 'repo'] : ['repo'] };
    } else {
      const publicRead = need.level === 'read' && repo.visibility === 'public';
      if (!publicRead && !(selects(t, repo) && grants(t.permissions ?? {}, need.anyOf, need.level))) {
        return { kind: 'forbidden', reason: 'token' };
      }
    }
    if (ROLE_RANK[this.role(repo)] < ROLE_RANK[need.role]) return { kind: 'forbidden', reason: 'role' };
    return undefined;
  }

  /** Undefined when the board may be read (`level: 'read'`) or changed, else why not. */
  checkProject(project: StoredProject, level: FakeAccessLevel): Refusal | undefined {
    const t = this.token;
    if (PROJECT_RANK[this.projectRole(project)] === 0) return { kind: 'hidden' };
    if (!t) return undefined;
    if (t.type === 'classic') {
      if (!this.hasScope(level === 'read' ? 'read:project' : 'project')) return { kind: 'scope', accepted: [level === 'read' ? 'read:project' : 'project'] };
    } else {
      // Fine-grained tokens reach organization boards through "Projects"; user-owned boards not at all.
      const held = project.ownerType === 'organization' ? t.permissions?.organization_projects : undefined;
      if (held === undefined || LEVEL_RANK[held] < LEVEL_RANK[level]) return { kind: 'forbidden', reason: 'token' };
    }
    if (PROJECT_RANK[this.projectRole(project)] < PROJECT_RANK[level]) return { kind: 'forbidden', reason: 'role' };
    return undefined;
  }

  /** `permissions` of `GET /repos/{owner}/{repo}`: the user's role, as GitHub reports it. */
  permissions(repo: StoredRepo) {
    const rank = ROLE_RANK[this.role(repo)];
    return { admin: rank >= 5, maintain: rank >= 4, push: rank >= 3, triage: rank >= 2, pull: rank >= 1 };
  }

  /** Token headers GitHub adds to every response (`need` of the REST route; 'graphql' for `/graphql`). */
  headers(need: RepoNeed | 'graphql' | undefined): Record<string, string> {
    const t = this.token;
    if (!t) return {};
    if (t.type === 'classic') {
      return { 'x-oauth-scopes': t.scopes.join(', '), ...(need === 'graphql' ? {} : { 'x-accepted-oauth-scopes': need ? 'repo' : '' }) };
    }
    if (need === 'graphql') return {};
    return {
      'x-accepted-github-permissions': need
        ? need.anyOf.map((p) => `${p}=${p === 'metadata' ? 'read' : need.level}`).join('; ')
        : 'allows_permissionless_access=true',
    };
  }
}

function selects(t: Extract<FakeGitHubToken, { type: 'fine-grained' }>, repo: StoredRepo): boolean {
  const list = t.repositories ?? 'all';
  return list === 'all' || list.some((r) => r.toLowerCase() === repo.fullName.toLowerCase());
}

function grants(permissions: FakeFineGrainedPermissions, anyOf: readonly RepoPermission[], level: FakeAccessLevel): boolean {
  return anyOf.some((p) => {
    if (p === 'metadata') return level === 'read';
    const held = permissions[p];
    return held !== undefined && LEVEL_RANK[held] >= LEVEL_RANK[level];
  });
}

function lookupCaseless<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  const k = key.toLowerCase();
  for (const [name, value] of Object.entries(record)) if (name.toLowerCase() === k) return value;
  return undefined;
}

/** Turns `Authorization` headers into principals. */
export class FakeAuth {
  readonly #tokens = new Map<string, Principal>();
  readonly #anonymous: Principal | undefined;

  constructor(options: Pick<StartFakeGitHubOptions, 'token' | 'tokens'>, viewer: string, ensureUser: (login: string) => void) {
    for (const [secret, token] of Object.entries(options.tokens ?? {})) {
      if (token.login !== undefined) ensureUser(token.login);
      this.#tokens.set(secret, new Principal(token, viewer));
    }
    if (options.token !== undefined && !this.#tokens.has(options.token)) this.#tokens.set(options.token, new Principal(FULL, viewer));
    this.#anonymous = this.#tokens.size === 0 ? new Principal(undefined, viewer) : undefined;
  }

  /** The principal of a request, or GitHub's 401. */
  identify(authorization: string | undefined): Principal | RestResponse {
    if (this.#anonymous) return this.#anonymous;
    if (authorization === undefined || authorization.trim() === '') {
      return { status: 401, body: { message: 'Requires authentication', documentation_url: DOCS, status: '401' } };
    }
    const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(authorization);
    const p = m ? this.#tokens.get(m[1]!) : undefined;
    return p ?? { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } };
  }
}

/** The REST answer for a refusal. */
export function refusalResponse(refusal: Refusal, principal: Principal, documentationUrl = DOCS): RestResponse {
  if (refusal.kind === 'forbidden') {
    // GitHub words a role refusal to a classic token per endpoint; the fake uses its most common wording.
    const message = refusal.reason === 'role' && principal.token?.type === 'classic' ? 'Must have admin rights to Repository.' : FORBIDDEN_PAT;
    return { status: 403, body: { message, documentation_url: documentationUrl, status: '403' } };
  }
  return {
    status: 404,
    body: { message: 'Not Found', documentation_url: documentationUrl, status: '404' },
    ...(refusal.kind === 'scope' ? { headers: { 'x-accepted-oauth-scopes': refusal.accepted.join(', ') } } : {}),
  };
}
