/**
 * `startFakeGitHub(fixture)`: a real HTTP server on 127.0.0.1 (random port) that speaks enough of
 * GitHub's REST and GraphQL APIs for pco's GitHub source and reporter, records every request and
 * can be scripted to fail the way GitHub fails (rate limits, 5xx).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DocumentNode } from 'graphql';
import { FakeAuth, refusalResponse, type RepoNeed } from './access.js';
import { faultResponse as respondToFault } from './fault-response.js';
import { FakeGraphQL } from './graphql-api.js';
import { FakeRest, notFound, type RestResponse } from './rest-api.js';
import { SecondaryLimiter, createsContent } from './secondary-limits.js';
import { FakeStore } from './store.js';
import { createPullControl } from './pull-control.js';
import type { FakePullControl } from './pulls-types.js';
import { loadFixture } from './store-fixture.js';
import type { StoredIssue, StoredItem, StoredProject } from './store-types.js';
import type { FakeGitHubFault, FakeGitHubFixture, FaultMatch, RecordedRequest, StartFakeGitHubOptions } from './types.js';

/** What a test can read back about one issue or pull request. */
export interface FakeIssueSnapshot {
  readonly id: number;
  readonly nodeId: string;
  readonly number: number;
  readonly state: 'open' | 'closed';
  readonly labels: readonly string[];
  readonly comments: readonly { readonly id: number; readonly body: string; readonly author: string }[];
  readonly blockedBy: readonly string[];
  readonly merged?: boolean;
  readonly autoMerge?: { readonly mergeMethod: string } | null;
}

export interface FakeGitHub {
  /** `http://127.0.0.1:<port>`: use as Octokit's `baseUrl`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: readonly RecordedRequest[];
  /** Requests counted by route (`GET /repos/{owner}/{repo}/issues`) and by GraphQL operation (`graphql query IssuesPage`). */
  counts(): Record<string, number>;
  /** Number of recorded requests, optionally only those matching. */
  count(match?: FaultMatch): number;
  /** Clears the request log. */
  resetRequests(): void;
  /** Makes the next `times` matching requests fail with `fault`. */
  failNext(fault: FakeGitHubFault, options?: { readonly times?: number; readonly match?: FaultMatch }): void;
  /** Drops every scripted fault not yet served. */
  clearFaults(): void;
  /** Share (0..1) of requests answered with a 502 from now on. */
  setServerErrorRate(rate: number): void;
  /** Snapshot of an issue or pull request (`owner/repo#N`). Throws when absent. */
  issue(ref: string): FakeIssueSnapshot;
  /** Field values of the project item holding `content` (`owner/repo#N`) or with this item id. */
  projectItemFields(owner: string, number: number, contentOrItemId: string): Record<string, string | number | null>;
  /** Branches of a repository: name → sha. */
  branches(repo: string): Record<string, string>;
  /** Fixes a pull request's merge state (it stops being computed; e.g. to simulate checks finishing). */
  setMergeState(ref: string, state: import('./types.js').FakeMergeStateStatus, headSha?: string): void;
  /** The pull-request lifecycle: open PRs, push as the agent, review, merge as a human, rules. */
  readonly pulls: FakePullControl;
  close(): Promise<void>;
}

interface PendingFault {
  fault: FakeGitHubFault;
  remaining: number;
  match: FaultMatch | undefined;
}

/** Starts the fake. Remember to `await fake.close()`. */
export async function startFakeGitHub(fixture: FakeGitHubFixture, options: StartFakeGitHubOptions = {}): Promise<FakeGitHub> {
  const now = options.now ?? Date.now;
  const limit = options.rateLimit ?? 5000;
  const windowMs = options.rateLimitWindowMs ?? 3_600_000;
  const validateGraphQL = options.validateGraphQL ?? true;
  let serverErrorRate = options.serverErrorRate ?? 0;
  let seed = (options.seed ?? 1) >>> 0 || 1;
  const random = () => {
    // xorshift32: deterministic 5xx draws.
    seed ^= seed << 13;
    seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    seed >>>= 0;
    return seed / 0x1_0000_0000;
  };

  let url = '';
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new RangeError(`startFakeGitHub: timeScale must be > 0, got ${String(timeScale)}`);
  const store = new FakeStore(fixture.viewer ?? 'pco-bot', now, { timeScale, mergeabilityDelayMs: options.mergeabilityDelayMs ?? 2000 });
  loadFixture(store, fixture);
  const auth = new FakeAuth(options, store.viewer, (login) => store.ensureUser(login));
  const rest = new FakeRest(store, () => url, (r, login) => ({ limit, ...budget(r, login) }), now);
  const requests: RecordedRequest[] = [];
  const faults: PendingFault[] = [];
  // Primary budgets per user and resource: every token of a user shares them, as on GitHub.
  const budgets = new Map<string, { used: number; resetAt: number }>();
  const gql = new FakeGraphQL(store, () => url, (login) => ({ limit, ...budget('graphql', login) }));

  const budget = (resource: string, login: string) => {
    const key = `${login.toLowerCase()}|${resource}`;
    let b = budgets.get(key);
    if (!b || now() >= b.resetAt) {
      b = { used: 0, resetAt: now() + windowMs };
      budgets.set(key, b);
    }
    return b;
  };
  /** Who a request is charged to (requests refused as unauthenticated share one budget). */
  let chargedTo = store.viewer;
  const rateHeaders = (resource: string, remainingOverride?: number): Record<string, string> => {
    const b = budget(resource, chargedTo);
    const remaining = remainingOverride ?? Math.max(0, limit - b.used);
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-used': String(Math.min(limit, b.used)),
      'x-ratelimit-reset': String(Math.ceil(b.resetAt / 1000)),
      'x-ratelimit-resource': resource,
    };
  };

  const matches = (m: FaultMatch | undefined, method: string, routeKey: string, operation: string | undefined) =>
    !m ||
    ((m.method === undefined || m.method.toUpperCase() === method) &&
      (m.route === undefined || m.route === routeKey) &&
      (m.operation === undefined || m.operation === operation));

  const takeFault = (method: string, routeKey: string, operation: string | undefined): FakeGitHubFault | undefined => {
    const idx = faults.findIndex((f) => matches(f.match, method, routeKey, operation));
    if (idx < 0) return undefined;
    const f = faults[idx]!;
    f.remaining -= 1;
    if (f.remaining <= 0) faults.splice(idx, 1);
    return f.fault;
  };

  const faultResponse = (fault: FakeGitHubFault, isGraphQL: boolean, resource: string): RestResponse =>
    respondToFault(fault, isGraphQL, (remaining) => rateHeaders(resource, remaining), now);
  const secondary = options.secondaryLimits ? new SecondaryLimiter(options.secondaryLimits, now, timeScale) : undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const principal = auth.identify(req.headers.authorization);
    // A request is in flight from its arrival to its answer (the concurrency limit counts it).
    const leave = secondary && 'login' in principal ? secondary.enter(principal) : undefined;
    try {
      await serve(req, res, principal);
    } finally {
      leave?.();
    }
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, principal: ReturnType<FakeAuth['identify']>) => {
    const target = new URL(req.url ?? '/', url);
    const method = (req.method ?? 'GET').toUpperCase();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    await options.onRequest?.({ method, path: target.pathname });
    // Everything that finished since the last request happens first (CI, reviews, auto-merge, queues).
    store.pulls.settle();
    const blob = method === 'GET' ? rest.blob(target.pathname, target.searchParams) : undefined;
    if (blob) {
      requests.push({ method, path: target.pathname, query: Object.fromEntries(target.searchParams), route: 'GET /_fake-blob/job-logs/{job_id}', status: blob.status, at: now() });
      res.writeHead(blob.status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(blob.text ?? '');
      return;
    }
    let body: unknown;
    let badJson = false;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        badJson = true;
      }
    }
    const isGraphQL = target.pathname === '/graphql' || target.pathname === '/api/graphql';
    const resource = isGraphQL ? 'graphql' : 'core';
    let routeKey = `${method} ${target.pathname}`;
    let operation: string | undefined;
    let respond: () => RestResponse;
    let need: RepoNeed | undefined;
    let points = 1;
    let document: DocumentNode | undefined;

    chargedTo = 'login' in principal ? principal.login : '';
    if (!('login' in principal)) {
      const found = isGraphQL ? undefined : rest.routes.find((r) => r.method === method && r.regex.test(target.pathname));
      routeKey = isGraphQL ? 'POST /graphql' : found ? `${method} ${found.template}` : routeKey;
      respond = () => principal;
    } else if (badJson) {
      respond = () => ({ status: 400, body: { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest', status: '400' } });
    } else if (isGraphQL) {
      routeKey = 'POST /graphql';
      if (method !== 'POST') {
        respond = notFound;
      } else {
        const b = (body ?? {}) as { query?: unknown; variables?: Record<string, unknown> };
        const prepared = gql.prepare(b.query);
        if ('errors' in prepared) {
          respond = () => ({ status: 200, body: { errors: prepared.errors } });
        } else {
          operation = `graphql ${prepared.operation}`;
          document = prepared.document;
          const cost = gql.cost(prepared.document, b.variables);
          points = cost.cost;
          respond = () => ({ status: 200, body: gql.run(prepared.document, b.variables, validateGraphQL, principal, cost) });
        }
      }
    } else {
      const found = rest.routes
        .filter((r) => r.method === method)
        .map((r) => ({ r, m: r.regex.exec(target.pathname) }))
        .find((x) => x.m !== null);
      if (found && found.m) {
        routeKey = `${method} ${found.r.template}`;
        const params: Record<string, string> = {};
        found.r.names.forEach((n, i) => {
          params[n] = decodeURIComponent(found.m![i + 1] ?? '');
        });
        need = found.r.need;
        const repo = need && params.owner !== undefined && params.repo !== undefined ? store.repo(params.owner, params.repo) : undefined;
        // Access is checked before the handler (GitHub: 404 hidden, then 403 refused, then 404/422
        // about the request itself), so a refused write changes nothing.
        const refusal = repo && need ? principal.checkRepo(repo, need) : undefined;
        respond = refusal
          ? () => refusalResponse(refusal, principal)
          : () => found.r.handler({ method, params, query: target.searchParams, body, url: target, principal });
      } else {
        respond = notFound;
      }
    }

    let out: RestResponse;
    const fault = takeFault(method, routeKey, operation);
    const b = budget(resource, chargedTo);
    // GET /rate_limit does not count against the budget and answers even when it is spent (docs above).
    const free = routeKey === 'GET /rate_limit';
    // A GraphQL query runs only when its whole cost fits in what is left.
    const over = isGraphQL ? b.used + points > limit : b.used >= limit;
    const limited = fault || !secondary || !('login' in principal) ? undefined : secondary.admit(principal, createsContent(routeKey, document));
    if (fault) {
      out = faultResponse(fault, isGraphQL, resource);
    } else if (limited) {
      out = faultResponse({ kind: 'secondary', retryAfter: limited.retryAfter, status: options.secondaryLimits?.status ?? 403 }, isGraphQL, resource);
    } else if (over && !free) {
      out = faultResponse({ kind: 'primary' }, isGraphQL, resource);
      out = { ...out, headers: { ...out.headers, 'x-ratelimit-reset': String(Math.ceil(b.resetAt / 1000)) } };
    } else if (serverErrorRate > 0 && random() < serverErrorRate) {
      out = faultResponse({ kind: 'server-error' }, isGraphQL, resource);
    } else {
      if (!free) b.used += isGraphQL ? points : 1;
      try {
        out = respond();
      } catch (error) {
        out = { status: 500, body: { message: `fake GitHub bug: ${(error as Error).message}` } };
      }
      out = { ...out, headers: { ...rateHeaders(resource), ...out.headers } };
    }
    if ('login' in principal) out = { ...out, headers: { ...principal.headers(isGraphQL ? 'graphql' : need), ...out.headers } };

    const query: Record<string, string> = {};
    target.searchParams.forEach((v, k) => {
      query[k] = v;
    });
    requests.push({ method, path: target.pathname, query, route: routeKey, ...(operation ? { operation } : {}), ...(body !== undefined ? { body } : {}), status: out.status, at: now(), ...(isGraphQL && operation ? { points } : {}), ...(limited ? { secondaryLimit: limited.kind } : {}) });
    const payload = out.text ?? (out.body === undefined ? '' : JSON.stringify(out.body));
    res.writeHead(out.status, {
      ...(payload !== '' ? { 'content-type': out.text !== undefined ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8' } : {}),
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': `FAKE:${requests.length}`,
      ...out.headers,
    });
    res.end(payload);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `fake GitHub bug: ${(error as Error).message}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const lookup = (ref: string): StoredIssue => {
    const issue = store.resolve(ref);
    if (!issue) throw new Error(`fake GitHub: no issue ${ref}`);
    return issue;
  };
  const findProject = (owner: string, number: number): StoredProject => {
    const p = store.projects.find((x) => x.owner.toLowerCase() === owner.toLowerCase() && x.number === number);
    if (!p) throw new Error(`fake GitHub: no project ${owner}/${number}`);
    return p;
  };

  return {
    url,
    requests,
    counts() {
      const out: Record<string, number> = {};
      for (const r of requests) {
        const key = r.operation ?? r.route;
        out[key] = (out[key] ?? 0) + 1;
      }
      return out;
    },
    count(match) {
      return requests.filter((r) => matches(match, r.method, r.route, r.operation)).length;
    },
    resetRequests() {
      requests.length = 0;
    },
    failNext(fault, o = {}) {
      faults.push({ fault, remaining: o.times ?? 1, match: o.match });
    },
    clearFaults() {
      faults.length = 0;
    },
    setServerErrorRate(rate) {
      serverErrorRate = rate;
    },
    issue(ref) {
      const i = lookup(ref);
      return {
        id: i.id,
        nodeId: i.nodeId,
        number: i.number,
        state: i.state,
        labels: i.labels.map((l) => l.name),
        comments: i.comments.map((c) => ({ id: c.id, body: c.body, author: c.author })),
        blockedBy: i.blockedBy.map((b) => `${b.repo.fullName}#${b.number}`),
        ...(i.pull ? { merged: i.pull.merged, autoMerge: i.pull.autoMerge && { mergeMethod: i.pull.autoMerge.mergeMethod } } : {}),
      };
    },
    projectItemFields(owner, number, contentOrItemId) {
      const p = findProject(owner, number);
      const item: StoredItem | undefined = p.items.find((it) =>
        it.id === contentOrItemId || ('draftId' in it.content ? false : `${it.content.repo.fullName}#${it.content.number}` === contentOrItemId),
      );
      if (!item) throw new Error(`fake GitHub: no item ${contentOrItemId} on ${owner}/${number}`);
      const out: Record<string, string | number | null> = {};
      for (const f of p.fields) {
        const v = item.values.get(f.id);
        out[f.name] = !v ? null : 'optionId' in v ? (f.options.find((o) => o.id === v.optionId)?.name ?? null) : 'number' in v ? v.number : 'date' in v ? v.date : v.text;
      }
      return out;
    },
    branches(repoName) {
      const [owner = '', name = ''] = repoName.split('/');
      const repo = store.repo(owner, name);
      if (!repo) throw new Error(`fake GitHub: no repository ${repoName}`);
      return Object.fromEntries(repo.refs);
    },
    setMergeState(ref, state, headSha) {
      const p = lookup(ref).pull;
      if (!p) throw new Error(`fake GitHub: ${ref} is not a pull request`);
      p.mergeStateOverride = state;
      if (headSha !== undefined) p.headSha = headSha;
    },
    pulls: createPullControl(store),
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
