/**
 * The fake's REST plumbing: the request and response shapes, route templates compiled to regular
 * expressions (with the permission each needs), GitHub's error bodies and `link`-header paging.
 */
import type { Principal, RepoNeed } from './access.js';
import type { RestJson } from './rest-json.js';
import { ROUTE_NEEDS } from './rest-needs.js';
import type { FakeStore } from './store.js';
import type { StoredIssue, StoredRepo } from './store-types.js';

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
  /** A plain-text body (sent as is, `text/plain`), instead of `body`. */
  readonly text?: string;
}

export type Handler = (req: RestRequest) => RestResponse;

export interface Route {
  readonly method: string;
  readonly template: string;
  readonly regex: RegExp;
  readonly names: readonly string[];
  readonly handler: Handler;
  /** What the route needs on `{owner}/{repo}`, checked before the handler runs (so a refusal changes nothing). */
  readonly need?: RepoNeed;
}

export const DOCS = 'https://docs.github.com/rest';

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

/** A route for `method` and `template` (`{name}` segments become parameters). */
export function route(method: string, template: string, handler: Handler): Route {
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

/** What route handlers share: the store, the JSON views and the server's base URL. */
export interface RestContext {
  readonly s: FakeStore;
  readonly json: RestJson;
  readonly baseUrl: () => string;
}

/** The `{owner}/{repo}` of the request, if it exists. */
export function repoOf(ctx: RestContext, req: RestRequest): StoredRepo | undefined {
  return ctx.s.repo(req.params.owner ?? '', req.params.repo ?? '');
}

/** The issue or pull request `{issue_number}` / `{pull_number}` of the request, if it exists. */
export function issueOf(ctx: RestContext, req: RestRequest): StoredIssue | undefined {
  const repo = repoOf(ctx, req);
  return repo?.issues.get(Number(req.params.issue_number ?? req.params.pull_number));
}

/** Page of `items` with GitHub's absolute `link` header. */
export function paged<T>(req: RestRequest, items: readonly T[], wrap: (page: T[]) => unknown = (page) => page): RestResponse {
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
  return { status: 200, body: wrap(slice), headers: links.length > 0 ? { link: links.join(', ') } : {} };
}
