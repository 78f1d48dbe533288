/**
 * The REST endpoints the fake serves, in GitHub's 2022-11-28 shapes (research §1). Each route
 * returns `{ status, body, headers? }`; the server adds rate-limit headers and records the call.
 * The account, repository, pull request and git routes are here, the issue routes in
 * rest-issue-routes.ts; the order of `routes` is the matching order.
 */
import { issueRoutes } from './rest-issue-routes.js';
import { hashCode, RestJson } from './rest-json.js';
import { DOCS, notFound, repoOf, route, type RestContext, type RestResponse, type Route } from './rest-routing.js';
import { blobResponse, pullRoutes } from './rest-pull-routes.js';
import type { FakeStore } from './store.js';

export { notFound, validationFailed, type RestRequest, type RestResponse, type Route } from './rest-routing.js';

export class FakeRest {
  readonly routes: Route[];

  constructor(
    private readonly s: FakeStore,
    private readonly baseUrl: () => string,
    /** The server's budget of a resource (`core`, `graphql`), for `GET /rate_limit`. */
    private readonly budget: (resource: 'core' | 'graphql', login: string) => { limit: number; used: number; resetAt: number } = () => ({ limit: 5000, used: 0, resetAt: Date.now() + 3_600_000 }),
    private readonly now: () => number = Date.now,
  ) {
    this.routes = this.build();
  }

  /**
   * `GET /rate_limit` in the documented shape
   * (https://docs.github.com/en/rest/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user):
   * `core` and `graphql` are the budgets the fake enforces (the same numbers as its
   * `x-ratelimit-*` headers); the search resources, which the fake does not serve, are full.
   * `rate` repeats `core` (deprecated there, still sent).
   */
  private rateLimit(login: string): RestResponse {
    const window = (r: 'core' | 'graphql') => {
      const b = this.budget(r, login);
      return { limit: b.limit, used: Math.min(b.limit, b.used), remaining: Math.max(0, b.limit - b.used), reset: Math.ceil(b.resetAt / 1000) };
    };
    const full = (limit: number, seconds: number) => ({ limit, used: 0, remaining: limit, reset: Math.ceil(this.now() / 1000) + seconds });
    const core = window('core');
    return {
      status: 200,
      body: {
        resources: { core, search: full(30, 60), code_search: full(10, 60), graphql: window('graphql'), integration_manifest: full(5000, 3600) },
        rate: core,
      },
    };
  }

  /** The fake's blob host (job logs behind a 302), or undefined when `path` is not one of its. */
  blob(path: string, query: URLSearchParams): RestResponse | undefined {
    return blobResponse({ s: this.s, json: new RestJson(this.s, this.baseUrl), baseUrl: this.baseUrl }, path, query);
  }

  private build(): Route[] {
    const s = this.s;
    const json = new RestJson(s, this.baseUrl);
    const ctx: RestContext = { s, json, baseUrl: this.baseUrl };
    return [
      route('GET', '/rate_limit', (req) => this.rateLimit(req.principal.login)),
      route('GET', '/user', (req) => ({ status: 200, body: { ...json.user(req.principal.login), url: `${ctx.baseUrl()}/users/${req.principal.login}` } })),
      route('GET', '/repos/{owner}/{repo}', (req) => {
        const repo = repoOf(ctx, req);
        if (!repo) return notFound();
        return {
          status: 200,
          body: {
            id: repo.id,
            node_id: repo.nodeId,
            name: repo.name,
            full_name: repo.fullName,
            owner: { login: repo.owner, type: repo.ownerType },
            default_branch: repo.defaultBranch,
            private: repo.visibility === 'private',
            visibility: repo.visibility,
            allow_auto_merge: repo.autoMergeAllowed,
            html_url: `https://github.com/${repo.fullName}`,
            url: `${ctx.baseUrl()}/repos/${repo.fullName}`,
            // The user's role (not the token's permissions), as GitHub reports it.
            permissions: req.principal.permissions(repo),
          },
        };
      }),
      ...issueRoutes(ctx),
      ...pullRoutes(ctx),
      route('GET', '/repos/{owner}/{repo}/git/ref/{ref}', (req) => {
        const repo = repoOf(ctx, req);
        const ref = req.params.ref ?? '';
        const branch = ref.startsWith('heads/') ? ref.slice('heads/'.length) : undefined;
        const sha = branch !== undefined ? repo?.refs.get(branch) : undefined;
        if (!repo || sha === undefined) return notFound();
        return { status: 200, body: { ref: `refs/${ref}`, node_id: `REF_${hashCode(ref)}`, url: `${ctx.baseUrl()}/repos/${repo.fullName}/git/refs/${ref}`, object: { type: 'commit', sha } } };
      }),
      route('POST', '/repos/{owner}/{repo}/git/refs', (req) => {
        const repo = repoOf(ctx, req);
        if (!repo) return notFound();
        const b = (req.body ?? {}) as { ref?: unknown; sha?: unknown };
        if (typeof b.ref !== 'string' || !/^refs\/heads\/[^\s~^:?*[\\]+$/.test(b.ref) || b.ref.split('/').length < 3) {
          return { status: 422, body: { message: 'Reference name is invalid', documentation_url: DOCS, status: '422' } };
        }
        if (typeof b.sha !== 'string' || !/^[0-9a-f]{40}$/.test(b.sha)) return { status: 422, body: { message: 'Object does not exist', documentation_url: DOCS, status: '422' } };
        const branch = b.ref.slice('refs/heads/'.length);
        if (repo.refs.has(branch)) return { status: 422, body: { message: 'Reference already exists', documentation_url: DOCS, status: '422' } };
        repo.refs.set(branch, b.sha);
        return { status: 201, body: { ref: b.ref, node_id: `REF_${hashCode(b.ref)}`, url: `${ctx.baseUrl()}/repos/${repo.fullName}/git/${b.ref}`, object: { type: 'commit', sha: b.sha } } };
      }),
    ];
  }
}
