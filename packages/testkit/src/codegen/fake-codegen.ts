/**
 * A fake Codegen REST API: a real HTTP server on 127.0.0.1 that follows the contract in
 * vendor/codegen-api/openapi3.json (paths, shapes, status codes, FastAPI-style 422s) and the
 * facts in shared/research/codegen-api.md (auth, 403 for other orgs, per-token rate limits).
 * Runs progress on their own: their status is computed from the clock on every read, scaled by
 * `timeScale`, so a ten-minute run takes 600 ms at 0.001 and no timers are left behind.
 *
 * It has no dependency on a test runner: tests, the `pco demo` and the examples use it alike.
 * This module is the request pipeline (validate, authenticate, organization, rate limit, faults,
 * handle); the routes, validation, runs, faults and limits have their own modules.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidOptionsError } from '@pco/contract';
import { CheckSuiteSettingsBook } from './check-suite-settings.js';
import { FaultInjector } from './faults.js';
import { handle, type HandlerContext, type UserState } from './handlers.js';
import { HttpReply, MESSAGES, readBody, send, STATUS_TEXT } from './http.js';
import { CODEGEN_RATE_LIMITS, RateLimiter, type FakeCodegenOperation } from './rate-limits.js';
import { requestStats } from './request-log.js';
import { validateRequest } from './request-validation.js';
import { ROUTES } from './routes.js';
import { RunBook } from './runs.js';
import { seededRandom } from './seeded-random.js';
import type { FakeCodegen, FakeCodegenOptions, FakeCreatedRecord, FakeRequestRecord } from './types.js';

/** Starts a fake Codegen API on 127.0.0.1 (random port unless `port` is given). */
export async function startFakeCodegen(options: FakeCodegenOptions = {}): Promise<FakeCodegen> {
  const orgId = options.orgId ?? 1;
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new InvalidOptionsError('startFakeCodegen', 'timeScale', 'expected a number > 0', timeScale);
  const random = seededRandom(options.seed ?? 1);
  const users: UserState[] = (options.tokens ?? ['codegen-test-token']).map((entry, index) => {
    const user = typeof entry === 'string' ? { token: entry } : entry;
    const id = user.id ?? 100 + index;
    return { token: user.token, id, githubUsername: user.githubUsername ?? `user-${id}`, orgIds: user.orgIds ?? [orgId] };
  });
  if (users.length === 0) throw new InvalidOptionsError('startFakeCodegen', 'tokens', 'expected at least one token', options.tokens);
  const byToken = new Map(users.map((user) => [user.token, user]));
  const repos = options.repos ?? [{ id: 1, fullName: 'acme/app' }];
  const limiter = new RateLimiter({ ...CODEGEN_RATE_LIMITS, ...options.rateLimits?.limits }, options.rateLimits?.enforce ?? true, timeScale);
  const faults = new FaultInjector(options.faults ?? {}, random);
  const now = options.now ?? Date.now;
  const runs = new RunBook({
    timeScale,
    now,
    random,
    repos,
    script: options.script,
    defaultScript: options.defaultScript,
    resumeFinished: options.resumeFinished ?? 'accept',
  });
  const checkSuites = new CheckSuiteSettingsBook(
    repos.map((repo) => repo.id),
    options.checkSuiteSettings,
  );
  const context: HandlerContext = { orgId, orgName: options.orgName, users, repos, runQuota: options.runQuota, runs, checkSuites };
  const requests: FakeRequestRecord[] = [];
  const created = runs.created;
  let requestHook: (() => void) | undefined;

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    let operation: FakeCodegenOperation | null = null;
    let userId: number | null = null;
    let overLimit = false;
    const log = (status: number | 'dropped') =>
      requests.push({ at, method, path, query: url.search, operation, userId, status, overLimit });

    const raw = await readBody(req);
    if (options.onRequest) {
      const arrived = ROUTES.find((route) => route.method === method && route.pattern.test(path));
      options.onRequest({ method, path, operation: arrived?.operation ?? null });
    }
    const delay = faults.latency();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

    const reply = (r: HttpReply) => {
      log(r.status);
      send(req, res, path, operation, r, options.onResponse);
    };

    const candidates = ROUTES.filter((route) => route.pattern.test(path));
    const route = candidates.find((candidate) => candidate.method === method);
    if (!route) {
      reply(
        candidates.length > 0
          ? new HttpReply(405, { detail: 'Method Not Allowed' }, { allow: candidates.map((c) => c.method).join(', ') })
          : new HttpReply(404, { detail: 'Not Found' }),
      );
      return;
    }
    operation = route.operation;

    // 1. Request validation, all issues at once like FastAPI.
    const { issues, ids, skip, limit, body } = validateRequest(route, path, url.searchParams, raw);
    if (issues.length > 0) {
      reply(new HttpReply(422, { detail: issues }));
      return;
    }

    // 2. Authentication: `Authorization: Bearer <token>` (research §2).
    const header = req.headers['authorization'];
    const token = typeof header === 'string' && /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
    const user = token === undefined ? undefined : byToken.get(token);
    if (!user) {
      reply(new HttpReply(401, { message: MESSAGES[401], status_code: 401 }));
      return;
    }
    userId = user.id;

    // 3. Organization membership.
    if (ids['org_id'] !== undefined && !user.orgIds.includes(ids['org_id'])) {
      reply(new HttpReply(403, { message: MESSAGES[403], status_code: 403 }));
      return;
    }

    // 4. Rate limit, one bucket per (token, endpoint).
    const admitted = limiter.admit(user.id, operation, at);
    overLimit = admitted.overLimit;
    if (admitted.retryAfterMs !== undefined) {
      const headers: Record<string, string> = options.retryAfterHeader
        ? { 'retry-after': String(Math.max(1, Math.ceil(admitted.retryAfterMs / 1000))) }
        : {};
      reply(new HttpReply(429, { message: MESSAGES[429], status_code: 429 }, headers));
      return;
    }

    // 5. Faults, then the handler.
    const fault = faults.pick(operation, body);
    if (fault?.type === 'error') {
      reply(
        fault.status >= 500
          ? new HttpReply(fault.status, STATUS_TEXT[fault.status] ?? 'Server Error')
          : new HttpReply(fault.status, { message: 'Injected error.', status_code: fault.status }),
      );
      return;
    }
    if (fault?.type === 'drop' && !fault.afterHandling) {
      log('dropped');
      req.socket.destroy();
      return;
    }
    requestHook?.();
    const result = handle(context, operation, { user, ids, query: url.searchParams, body, skip, limit });
    if (fault?.type === 'drop') {
      if (operation === 'createRun' && result.status === 200) {
        const last = created.at(-1) as FakeCreatedRecord;
        created[created.length - 1] = { ...last, responseDropped: true };
      }
      log('dropped');
      req.socket.destroy();
      return;
    }
    reply(result);
  }

  const server: Server = createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`Internal Server Error: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token: (users[0] as UserState).token,
    orgId,
    created,
    requests,
    stopped: runs.stopped,
    removedFromPrs: runs.removedFromPrs,
    stats: () => requestStats(requests, limiter.maxInWindow()),
    run(id) {
      const run = runs.runs.get(id);
      return run ? runs.view(run) : undefined;
    },
    scriptRun: (id, script) => runs.rescript(id, script),
    setRunCompletion(hook) {
      runs.completion = hook;
    },
    repos,
    startRun(run) {
      const repoId = run.repoId ?? repos[0]?.id ?? null;
      const user = users[0] as UserState;
      const fields = { prompt: run.prompt, metadata: run.metadata ?? null, repoId, model: null, agentType: null, userId: user.id, orgId };
      return runs.start(fields, run.sourceType, run.pullRequests ?? []).id;
    },
    setRequestHook(hook) {
      requestHook = hook;
    },
    checkSuiteSettings: (repoId) => checkSuites.get(repoId),
    injectFault: (fault) => faults.inject(fault),
    setFaults: (next) => faults.set(next),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
