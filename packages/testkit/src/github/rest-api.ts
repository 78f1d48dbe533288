/**
 * The REST endpoints the fake serves, in GitHub's 2022-11-28 shapes (research §1). Each route
 * returns `{ status, body, headers? }`; the server adds rate-limit headers and records the call.
 */
import { hexId, type FakeStore, type StoredComment, type StoredIssue, type StoredLabel, type StoredRepo } from './store.js';
import { mergePull } from './graphql-api.js';
import type { Principal, RepoNeed } from './access.js';
import { ROUTE_NEEDS } from './rest-needs.js';

export interface RestRequest {
  readonly method: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  /** Absolute URL of this request (for `link` headers). */
  readonly url: URL;
  /** Who the request acts as. */
  readonly principal: Principal;
}

export interface RestResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

type Handler = (req: RestRequest) => RestResponse;

export interface Route {
  readonly method: string;
  readonly template: string;
  readonly regex: RegExp;
  readonly names: readonly string[];
  readonly handler: Handler;
  /** What the route needs on `{owner}/{repo}`, checked before the handler runs (so a refusal changes nothing). */
  readonly need?: RepoNeed;
}

const DOCS = 'https://docs.github.com/rest';

export const notFound = (): RestResponse => ({ status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } });

export function validationFailed(resource: string, field: string, code: string, message?: string): RestResponse {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource, field, code, ...(message ? { message } : {}) }],
      documentation_url: DOCS,
      status: '422',
    },
  };
}

function route(method: string, template: string, handler: Handler): Route {
  const need = ROUTE_NEEDS[`${method} ${template}`];
  const names: string[] = [];
  const regex = new RegExp(
    `^${template.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return name === 'ref' ? '(.+)' : /_(number|id)$/.test(name) ? '(\\d+)' : '([^/]+)';
    })}$`,
  );
  return { method, template, regex, names, handler, ...(need ? { need } : {}) };
}

export class FakeRest {
  readonly routes: Route[];

  constructor(
    private readonly s: FakeStore,
    private readonly baseUrl: () => string,
    /** The server's budget of a resource (`core`, `graphql`), for `GET /rate_limit`. */
    private readonly budget: (resource: 'core' | 'graphql') => { limit: number; used: number; resetAt: number } = () => ({ limit: 5000, used: 0, resetAt: Date.now() + 3_600_000 }),
    private readonly now: () => number = Date.now,
  ) {
    this.routes = this.build();
  }

  private repoOr404(req: RestRequest): StoredRepo | undefined {
    return this.s.repo(req.params.owner ?? '', req.params.repo ?? '');
  }

  private issueOr404(req: RestRequest): StoredIssue | undefined {
    const repo = this.repoOr404(req);
    return repo?.issues.get(Number(req.params.issue_number ?? req.params.pull_number));
  }

  labelJson(repo: StoredRepo, l: StoredLabel) {
    return {
      id: l.id,
      node_id: l.nodeId,
      url: `${this.baseUrl()}/repos/${repo.fullName}/labels/${encodeURIComponent(l.name)}`,
      name: l.name,
      color: l.color,
      default: l.default,
      description: l.description,
    };
  }

  private user(login: string) {
    return { login, id: Math.abs(hashCode(login)), node_id: `U_${login}`, type: 'User', site_admin: false, html_url: `https://github.com/${login}` };
  }

  issueJson(i: StoredIssue) {
    const api = `${this.baseUrl()}/repos/${i.repo.fullName}/issues/${i.number}`;
    const html = `https://github.com/${i.repo.fullName}/${i.kind === 'pull' ? 'pull' : 'issues'}/${i.number}`;
    const blocking = this.s.blocking(i);
    return {
      id: i.id,
      node_id: i.nodeId,
      url: api,
      repository_url: `${this.baseUrl()}/repos/${i.repo.fullName}`,
      labels_url: `${api}/labels{/name}`,
      comments_url: `${api}/comments`,
      events_url: `${api}/events`,
      html_url: html,
      number: i.number,
      state: i.state,
      state_reason: i.stateReason,
      title: i.title,
      body: i.body,
      user: this.user(i.author),
      labels: i.labels.map((l) => this.labelJson(i.repo, l)),
      assignee: i.assignees[0] ? this.user(i.assignees[0]) : null,
      assignees: i.assignees.map((a) => this.user(a)),
      milestone: i.milestone === null ? null : { number: i.milestone, title: `Milestone ${i.milestone}`, state: 'open' },
      locked: false,
      comments: i.comments.length,
      created_at: i.createdAt,
      updated_at: i.updatedAt,
      closed_at: i.closedAt,
      author_association: i.authorAssociation,
      ...(i.kind === 'pull' && i.pull
        ? {
            draft: i.pull.draft,
            pull_request: {
              url: `${this.baseUrl()}/repos/${i.repo.fullName}/pulls/${i.number}`,
              html_url: html,
              diff_url: `${html}.diff`,
              patch_url: `${html}.patch`,
              merged_at: i.pull.mergedAt,
            },
          }
        : {
            sub_issues_summary: {
              total: i.subIssues.length,
              completed: i.subIssues.filter((c) => c.state === 'closed').length,
              percent_completed: i.subIssues.length === 0 ? 0 : Math.round((100 * i.subIssues.filter((c) => c.state === 'closed').length) / i.subIssues.length),
            },
            issue_dependencies_summary: {
              blocked_by: i.blockedBy.filter((b) => b.state === 'open').length,
              total_blocked_by: i.blockedBy.length,
              blocking: blocking.filter((b) => b.state === 'open').length,
              total_blocking: blocking.length,
            },
            ...(i.parent ? { parent_issue_url: `${this.baseUrl()}/repos/${i.parent.repo.fullName}/issues/${i.parent.number}` } : {}),
          }),
    };
  }

  private commentJson(c: StoredComment) {
    return {
      id: c.id,
      node_id: c.nodeId,
      url: `${this.baseUrl()}/repos/${c.issue.repo.fullName}/issues/comments/${c.id}`,
      html_url: `https://github.com/${c.issue.repo.fullName}/issues/${c.issue.number}#issuecomment-${c.id}`,
      issue_url: `${this.baseUrl()}/repos/${c.issue.repo.fullName}/issues/${c.issue.number}`,
      body: c.body,
      user: this.user(c.author),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: c.authorAssociation,
    };
  }

  private pullJson(i: StoredIssue) {
    const p = i.pull!;
    return {
      ...this.issueJson(i),
      url: `${this.baseUrl()}/repos/${i.repo.fullName}/pulls/${i.number}`,
      merged: p.merged,
      merged_at: p.mergedAt,
      mergeable: p.mergeStateStatus === 'DIRTY' ? false : p.mergeStateStatus === 'UNKNOWN' ? null : true,
      mergeable_state: p.mergeStateStatus.toLowerCase(),
      head: { ref: p.headRef, sha: p.headSha, label: `${i.repo.owner}:${p.headRef}` },
      base: { ref: p.baseRef, sha: i.repo.refs.get(p.baseRef) ?? null, label: `${i.repo.owner}:${p.baseRef}` },
      auto_merge: p.autoMerge && { enabled_by: this.user(p.autoMerge.enabledBy), merge_method: p.autoMerge.mergeMethod.toLowerCase(), commit_title: null, commit_message: null },
    };
  }

  /**
   * `GET /rate_limit` in the documented shape
   * (https://docs.github.com/en/rest/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user):
   * `core` and `graphql` are the budgets the fake enforces (the same numbers as its
   * `x-ratelimit-*` headers); the search resources, which the fake does not serve, are full.
   * `rate` repeats `core` (deprecated there, still sent).
   */
  private rateLimit(): RestResponse {
    const window = (r: 'core' | 'graphql') => {
      const b = this.budget(r);
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

  /** Page of `items` with GitHub's absolute `link` header. */
  private paged<T>(req: RestRequest, items: readonly T[]): RestResponse {
    const perPage = Math.min(100, Math.max(1, Number(req.query.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = (p: number, rel: string) => {
      const u = new URL(req.url.href);
      u.searchParams.set('per_page', String(perPage));
      u.searchParams.set('page', String(p));
      return `<${u.href}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, 'prev'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'));
    return { status: 200, body: slice, headers: links.length > 0 ? { link: links.join(', ') } : {} };
  }

  private build(): Route[] {
    const s = this.s;
    const withIssue = (fn: (issue: StoredIssue, req: RestRequest) => RestResponse): Handler => (req) => {
      const issue = this.issueOr404(req);
      return issue ? fn(issue, req) : notFound();
    };
    const labelNames = (body: unknown): string[] | undefined => {
      const raw = Array.isArray(body) ? body : (body as { labels?: unknown } | null)?.labels;
      if (!Array.isArray(raw)) return undefined;
      const names = raw.map((x) => (typeof x === 'string' ? x : (x as { name?: unknown })?.name));
      return names.every((n): n is string => typeof n === 'string' && n.length > 0) ? names : undefined;
    };
    return [
      route('GET', '/rate_limit', () => this.rateLimit()),
      route('GET', '/user', (req) => ({ status: 200, body: { ...this.user(req.principal.login), url: `${this.baseUrl()}/users/${req.principal.login}` } })),
      route('GET', '/repos/{owner}/{repo}', (req) => {
        const repo = this.repoOr404(req);
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
            url: `${this.baseUrl()}/repos/${repo.fullName}`,
            // The user's role (not the token's permissions), as GitHub reports it.
            permissions: req.principal.permissions(repo),
          },
        };
      }),
      route('GET', '/repos/{owner}/{repo}/issues', (req) => {
        const repo = this.repoOr404(req);
        if (!repo) return notFound();
        const q = req.query;
        const state = q.get('state') ?? 'open';
        if (!['open', 'closed', 'all'].includes(state)) return validationFailed('Issue', 'state', 'invalid');
        let list = [...repo.issues.values()].filter((i) => state === 'all' || i.state === state);
        const labels = q.get('labels');
        if (labels) {
          // REST `labels=` means the issue carries ALL of them.
          const wanted = labels.split(',').map((l) => l.trim().toLowerCase()).filter(Boolean);
          list = list.filter((i) => wanted.every((w) => i.labels.some((l) => l.name.toLowerCase() === w)));
        }
        const since = q.get('since');
        if (since) list = list.filter((i) => Date.parse(i.updatedAt) >= Date.parse(since));
        const assignee = q.get('assignee');
        if (assignee) list = list.filter((i) => (assignee === '*' ? i.assignees.length > 0 : assignee === 'none' ? i.assignees.length === 0 : i.assignees.includes(assignee)));
        const milestone = q.get('milestone');
        if (milestone) list = list.filter((i) => (milestone === '*' ? i.milestone !== null : milestone === 'none' ? i.milestone === null : i.milestone === Number(milestone)));
        const creator = q.get('creator');
        if (creator) list = list.filter((i) => i.author === creator);
        const sort = q.get('sort') ?? 'created';
        const key = (i: StoredIssue) => (sort === 'updated' ? i.updatedAt : sort === 'comments' ? String(i.comments.length).padStart(9, '0') : i.createdAt);
        list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.number - b.number));
        if ((q.get('direction') ?? 'desc') === 'desc') list.reverse();
        return this.paged(req, list.map((i) => this.issueJson(i)));
      }),
      route('GET', '/repos/{owner}/{repo}/issues/{issue_number}', withIssue((i) => ({ status: 200, body: this.issueJson(i) }))),
      route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', withIssue((i, req) => this.paged(req, i.comments.map((c) => this.commentJson(c))))),
      route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', withIssue((i, req) => {
        const body = (req.body as { body?: unknown } | null)?.body;
        if (typeof body !== 'string' || body === '') return validationFailed('IssueComment', 'body', 'missing_field');
        const c = s.addComment(i, body, req.principal.login, 'MEMBER');
        s.touch(i);
        return { status: 201, body: this.commentJson(c), headers: { location: this.commentJson(c).url } };
      })),
      route('GET', '/repos/{owner}/{repo}/issues/comments/{comment_id}', (req) => {
        const c = s.comments.get(Number(req.params.comment_id));
        return c && c.issue.repo === this.repoOr404(req) ? { status: 200, body: this.commentJson(c) } : notFound();
      }),
      route('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}', (req) => {
        const c = s.comments.get(Number(req.params.comment_id));
        if (!c || c.issue.repo !== this.repoOr404(req)) return notFound();
        // Editing someone else's comment takes write access (repository-role table).
        if (c.author !== req.principal.login && !req.principal.permissions(c.issue.repo).push) {
          return { status: 403, body: { message: 'Must have admin rights to Repository.', documentation_url: DOCS, status: '403' } };
        }
        const body = (req.body as { body?: unknown } | null)?.body;
        if (typeof body !== 'string' || body === '') return validationFailed('IssueComment', 'body', 'missing_field');
        c.body = body;
        c.updatedAt = s.iso();
        return { status: 200, body: this.commentJson(c) };
      }),
      route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/labels', withIssue((i, req) => this.paged(req, i.labels.map((l) => this.labelJson(i.repo, l))))),
      route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', withIssue((i, req) => {
        const names = labelNames(req.body);
        if (!names || names.length === 0) return validationFailed('Label', 'labels', 'missing_field');
        for (const n of names) {
          // Labels that do not exist yet are created with colour ededed.
          const l = s.ensureLabel(i.repo, n);
          if (!i.labels.includes(l)) i.labels.push(l);
        }
        s.touch(i);
        return { status: 200, body: i.labels.map((l) => this.labelJson(i.repo, l)) };
      })),
      route('PUT', '/repos/{owner}/{repo}/issues/{issue_number}/labels', withIssue((i, req) => {
        const names = labelNames(req.body);
        if (!names) return validationFailed('Label', 'labels', 'missing_field');
        i.labels = [...new Set(names.map((n) => s.ensureLabel(i.repo, n)))];
        s.touch(i);
        return { status: 200, body: i.labels.map((l) => this.labelJson(i.repo, l)) };
      })),
      route('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels', withIssue((i) => {
        i.labels = [];
        s.touch(i);
        return { status: 204 };
      })),
      route('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', withIssue((i, req) => {
        const name = (req.params.name ?? '').toLowerCase();
        const idx = i.labels.findIndex((l) => l.name.toLowerCase() === name);
        if (idx < 0) return { status: 404, body: { message: 'Label does not exist', documentation_url: DOCS, status: '404' } };
        i.labels.splice(idx, 1);
        s.touch(i);
        return { status: 200, body: i.labels.map((l) => this.labelJson(i.repo, l)) };
      })),
      route('GET', '/repos/{owner}/{repo}/labels', (req) => {
        const repo = this.repoOr404(req);
        return repo ? this.paged(req, [...repo.labels.values()].map((l) => this.labelJson(repo, l))) : notFound();
      }),
      route('POST', '/repos/{owner}/{repo}/labels', (req) => {
        const repo = this.repoOr404(req);
        if (!repo) return notFound();
        const b = (req.body ?? {}) as { name?: unknown; color?: unknown; description?: unknown };
        if (typeof b.name !== 'string' || b.name === '') return validationFailed('Label', 'name', 'missing_field');
        if (b.color !== undefined && (typeof b.color !== 'string' || !/^[0-9a-fA-F]{6}$/.test(b.color))) return validationFailed('Label', 'color', 'invalid');
        if (repo.labels.has(b.name.toLowerCase())) return validationFailed('Label', 'name', 'already_exists');
        const l = s.ensureLabel(repo, b.name, typeof b.color === 'string' ? b.color.toLowerCase() : 'ededed', typeof b.description === 'string' ? b.description : null);
        return { status: 201, body: this.labelJson(repo, l) };
      }),
      route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by', withIssue((i, req) => this.paged(req, i.blockedBy.map((b) => this.issueJson(b))))),
      route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocking', withIssue((i, req) => this.paged(req, s.blocking(i).map((b) => this.issueJson(b))))),
      route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by', withIssue((i, req) => {
        const id = (req.body as { issue_id?: unknown } | null)?.issue_id;
        if (typeof id !== 'number') return validationFailed('IssueDependency', 'issue_id', 'missing_field');
        const blocker = [...s.repos.values()].flatMap((r) => [...r.issues.values()]).find((x) => x.id === id);
        if (!blocker) return notFound();
        if (!i.blockedBy.includes(blocker)) i.blockedBy.push(blocker);
        return { status: 201, body: this.issueJson(i) };
      })),
      route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/sub_issues', withIssue((i, req) => this.paged(req, i.subIssues.map((c) => this.issueJson(c))))),
      route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/parent', withIssue((i) => (i.parent ? { status: 200, body: this.issueJson(i.parent) } : notFound()))),
      route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', (req) => {
        const i = this.issueOr404(req);
        return i && i.pull ? { status: 200, body: this.pullJson(i) } : notFound();
      }),
      route('PUT', '/repos/{owner}/{repo}/pulls/{pull_number}/merge', (req) => {
        const i = this.issueOr404(req);
        if (!i || !i.pull) return notFound();
        const sha = (req.body as { sha?: unknown } | null)?.sha;
        if (i.pull.merged || i.state !== 'open') return { status: 405, body: { message: 'Pull Request is not mergeable', documentation_url: DOCS, status: '405' } };
        if (typeof sha === 'string' && sha !== i.pull.headSha) {
          return { status: 409, body: { message: 'Head branch was modified. Review and try the merge again.', documentation_url: DOCS, status: '409' } };
        }
        if (!['CLEAN', 'UNSTABLE', 'HAS_HOOKS'].includes(i.pull.mergeStateStatus)) {
          return { status: 405, body: { message: 'Pull Request is not mergeable', documentation_url: DOCS, status: '405' } };
        }
        mergePull(s, i);
        return { status: 200, body: { sha: hexId(i.id + 7, 40), merged: true, message: 'Pull Request successfully merged' } };
      }),
      route('GET', '/repos/{owner}/{repo}/git/ref/{ref}', (req) => {
        const repo = this.repoOr404(req);
        const ref = req.params.ref ?? '';
        const branch = ref.startsWith('heads/') ? ref.slice('heads/'.length) : undefined;
        const sha = branch !== undefined ? repo?.refs.get(branch) : undefined;
        if (!repo || sha === undefined) return notFound();
        return { status: 200, body: { ref: `refs/${ref}`, node_id: `REF_${hashCode(ref)}`, url: `${this.baseUrl()}/repos/${repo.fullName}/git/refs/${ref}`, object: { type: 'commit', sha } } };
      }),
      route('POST', '/repos/{owner}/{repo}/git/refs', (req) => {
        const repo = this.repoOr404(req);
        if (!repo) return notFound();
        const b = (req.body ?? {}) as { ref?: unknown; sha?: unknown };
        if (typeof b.ref !== 'string' || !/^refs\/heads\/[^\s~^:?*[\\]+$/.test(b.ref) || b.ref.split('/').length < 3) {
          return { status: 422, body: { message: 'Reference name is invalid', documentation_url: DOCS, status: '422' } };
        }
        if (typeof b.sha !== 'string' || !/^[0-9a-f]{40}$/.test(b.sha)) return { status: 422, body: { message: 'Object does not exist', documentation_url: DOCS, status: '422' } };
        const branch = b.ref.slice('refs/heads/'.length);
        if (repo.refs.has(branch)) return { status: 422, body: { message: 'Reference already exists', documentation_url: DOCS, status: '422' } };
        repo.refs.set(branch, b.sha);
        return { status: 201, body: { ref: b.ref, node_id: `REF_${hashCode(b.ref)}`, url: `${this.baseUrl()}/repos/${repo.fullName}/git/${b.ref}`, object: { type: 'commit', sha: b.sha } } };
      }),
    ];
  }
}

function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}
