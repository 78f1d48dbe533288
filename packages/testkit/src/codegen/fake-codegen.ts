/**
 * A fake Codegen REST API: a real HTTP server on 127.0.0.1 that follows the contract in
 * vendor/codegen-api/openapi3.json (paths, shapes, status codes, FastAPI-style 422s) and the
 * facts in shared/research/codegen-api.md (auth, 403 for other orgs, per-token rate limits).
 * Runs progress on their own: their status is computed from the clock on every read, scaled by
 * `timeScale`, so a ten-minute run takes 600 ms at 0.001 and no timers are left behind.
 *
 * It has no dependency on a test runner: tests, the `pco demo` and the examples use it alike.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CODEGEN_RATE_LIMITS, SlidingWindow, type FakeCodegenOperation, type CodegenRateLimit } from './rate-limits.js';
import { parseFakeRunMarker, resolveScript, statusAt, type ResolvedFakeRunScript, type FakeRunScript } from './run-script.js';
import { seededRandom } from './seeded-random.js';

/** A user of the fake and the token that authenticates as them. */
export interface FakeCodegenUser {
  readonly token: string;
  /** @default 100 + position in `tokens` */
  readonly id?: number;
  /** @default `user-<id>` */
  readonly githubUsername?: string;
  /** Organizations the user belongs to. @default [orgId] */
  readonly orgIds?: readonly number[];
}

/** A repository of the fake's organization. */
export interface FakeCodegenRepo {
  readonly id: number;
  /** `owner/name`. */
  readonly fullName: string;
}

/** Failures the fake injects at random (seeded), per request. */
export interface FakeCodegenFaults {
  /** Probability that a request gets a 5xx instead of being handled. @default 0 */
  readonly errorRate?: number;
  /** Status codes used for injected errors (one picked at random). @default [500, 502, 503] */
  readonly errorStatuses?: readonly number[];
  /** Probability that the connection is dropped with no response. @default 0 */
  readonly dropRate?: number;
  /**
   * Whether a dropped request is handled first (a create then does create its run and only the
   * response is lost — the case a client must not answer with a blind retry).
   * @default true
   */
  readonly dropAfterHandling?: boolean;
  /** Added latency per request in real milliseconds: fixed, or a [min, max] range. @default 0 */
  readonly latencyMs?: number | readonly [number, number];
  /** Endpoints the random faults apply to. @default every endpoint */
  readonly operations?: readonly FakeCodegenOperation[];
}

/** One fault to inject deterministically into the next matching request. */
export interface FakeCodegenInjectedFault {
  /** Endpoint it applies to. @default any endpoint */
  readonly operation?: FakeCodegenOperation;
  /** `error`: respond with `status`; `drop`: close the connection without a response. */
  readonly type: 'error' | 'drop';
  /** @default 500 */
  readonly status?: number;
  /** For `drop`: handle the request before dropping. @default true */
  readonly afterHandling?: boolean;
  /** How many requests it applies to. @default 1 */
  readonly count?: number;
  /**
   * Applies only to requests whose parsed JSON body passes this test (e.g. one task's create,
   * by its metadata), so a concurrent request of another task cannot use the fault up.
   * @default every request of `operation`
   */
  readonly when?: (body: Readonly<Record<string, unknown>>) => boolean;
}

/** What the `script` callback receives about a new run. */
export interface FakeRunRequest {
  readonly id: number;
  readonly prompt: string;
  readonly metadata: Readonly<Record<string, unknown>> | null;
  readonly repoId: number | null;
  readonly model: string | null;
  readonly agentType: string | null;
  readonly userId: number;
  readonly orgId: number;
  /** 0 for the creation, 1.. for each resume. */
  readonly resumeCount: number;
}

/** Options of {@link startFakeCodegen}. */
export interface FakeCodegenOptions {
  /**
   * Valid API tokens (a string is a user with defaults). Never logged.
   * @default ['codegen-test-token']
   */
  readonly tokens?: readonly (string | FakeCodegenUser)[];
  /** The organization every user belongs to by default. @default 1 */
  readonly orgId?: number;
  /** Organization name. @default 'Acme' */
  readonly orgName?: string;
  /** Repositories of the organization; an empty list makes creates without repos fail (404). @default [{ id: 1, fullName: 'acme/app' }] */
  readonly repos?: readonly FakeCodegenRepo[];
  /**
   * Multiplies every API duration: run timelines and rate-limit windows. 0.001 makes a
   * ten-minute run last 600 ms and the 10-per-minute create limit 10 per 60 ms.
   * @default 1
   */
  readonly timeScale?: number;
  /** Seed of the PRNG behind faults and default run durations. @default 1 */
  readonly seed?: number;
  /** Random fault injection. @default none */
  readonly faults?: FakeCodegenFaults;
  /** Script for each run (takes precedence over the prompt marker when it returns a script). */
  readonly script?: (run: FakeRunRequest) => FakeRunScript | undefined;
  /** Script fields used when neither the callback nor a marker sets them. @default {} */
  readonly defaultScript?: FakeRunScript;
  /**
   * Rate limits per endpoint, in API milliseconds (scaled by `timeScale`). `enforce: false`
   * still counts requests over a limit but answers them normally.
   * @default the documented limits, enforced
   */
  readonly rateLimits?: {
    readonly enforce?: boolean;
    readonly limits?: Partial<Record<FakeCodegenOperation, CodegenRateLimit | null>>;
  };
  /** Send a `Retry-After` header with 429s (the real API documents none). @default false */
  readonly retryAfterHeader?: boolean;
  /** Creates allowed per organization before 402 (plan quota). @default unlimited */
  readonly runQuota?: number;
  /** Called with every response the fake sends (bodies as sent, parsed JSON when JSON). */
  readonly onResponse?: (response: FakeResponseRecord) => void;
  /**
   * Called when a request has fully arrived, before the fault latency and before it is handled:
   * lets a test act at the moment a call is in flight at the server (e.g. stop mid-create)
   * instead of guessing with real-time delays.
   */
  readonly onRequest?: (request: FakeArrivedRequest) => void;
  /** Port on 127.0.0.1. @default 0 (random) */
  readonly port?: number;
  /** The fake's clock (run timelines, rate-limit windows, timestamps). @default Date.now */
  readonly now?: () => number;
}

/** A request that has arrived at the fake (see {@link FakeCodegenOptions.onRequest}). */
export interface FakeArrivedRequest {
  readonly method: string;
  readonly path: string;
  /** The API operation the method and path name, or null when they name none. */
  readonly operation: FakeCodegenOperation | null;
}

/** One request as the fake saw it. Tokens are not recorded; `userId` says who it was. */
export interface FakeRequestRecord {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly operation: FakeCodegenOperation | null;
  readonly userId: number | null;
  /** HTTP status sent, or `dropped`. */
  readonly status: number | 'dropped';
  /** True when the request was over its rate limit (answered 429 when enforcing). */
  readonly overLimit: boolean;
}

/** A response the fake sent. */
export interface FakeResponseRecord {
  readonly method: string;
  readonly path: string;
  readonly operation: FakeCodegenOperation | null;
  readonly status: number;
  readonly contentType: string;
  readonly body: unknown;
}

/** A run creation the fake performed. Count these to find duplicate runs. */
export interface FakeCreatedRecord {
  readonly id: number;
  readonly at: number;
  readonly prompt: string;
  readonly metadata: Readonly<Record<string, unknown>> | null;
  readonly userId: number;
  readonly orgId: number;
  /** True when the response of this create was dropped on purpose. */
  readonly responseDropped: boolean;
}

/** Request counts per endpoint. */
export interface FakeCodegenStats {
  readonly total: number;
  readonly byOperation: Readonly<Partial<Record<FakeCodegenOperation, number>>>;
  /** 429 responses sent. */
  readonly rateLimited: number;
  /** 429 responses per endpoint. */
  readonly rateLimitedByOperation: Readonly<Partial<Record<FakeCodegenOperation, number>>>;
  /** Requests over a limit (equals `rateLimited` when enforcing). */
  readonly overLimit: number;
  /** Largest number of admitted requests in one window, per endpoint bucket (`userId:operation`). */
  readonly maxInWindow: Readonly<Record<string, number>>;
  readonly serverErrors: number;
  readonly dropped: number;
}

/** A running fake. */
export interface FakeCodegen {
  /** Base URL, e.g. `http://127.0.0.1:43123` (pass as the client's `baseUrl`). */
  readonly url: string;
  /** The first token. */
  readonly token: string;
  readonly orgId: number;
  /** Every run creation, in order. */
  readonly created: readonly FakeCreatedRecord[];
  /** Every request, in order. */
  readonly requests: readonly FakeRequestRecord[];
  /** Runs stopped by `remove-from-pr`, in order. */
  readonly stopped: ReadonlySet<number>;
  /** Pull request ids flagged by `remove-from-pr` (CI check-suite events ignored). */
  readonly removedFromPrs: ReadonlySet<number>;
  /** Counts over `requests`. */
  stats(): FakeCodegenStats;
  /** The API view of a run right now (what GET run would return), or undefined. */
  run(id: number): Record<string, unknown> | undefined;
  /** Replaces a run's script from now on (e.g. to end it early). */
  scriptRun(id: number, script: FakeRunScript): void;
  /** Queues a deterministic fault for the next matching request(s). */
  injectFault(fault: FakeCodegenInjectedFault): void;
  /** Replaces the random faults (pass `{}` to stop them). */
  setFaults(faults: FakeCodegenFaults): void;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

interface UserState {
  readonly token: string;
  readonly id: number;
  readonly githubUsername: string;
  readonly orgIds: readonly number[];
}

interface RunState {
  readonly id: number;
  readonly orgId: number;
  readonly userId: number;
  readonly prompt: string;
  readonly metadata: Record<string, unknown> | null;
  readonly repoId: number | null;
  readonly createdAt: number;
  readonly createdIso: string;
  /** Start of the current segment (creation or last resume), real ms. */
  segmentStart: number;
  script: ResolvedFakeRunScript;
  resumeCount: number;
  prIds: number[];
  /** Status fixed by a script replacement that ended the run immediately. */
}

/**
 * What `remove-from-pr` does here. The spec: it flags the run's PR so CI check-suite events are
 * ignored and "stops all current agents for that PR". Not stated: what happens to a run that has
 * not opened its PR yet; this fake stops it too (the agent working towards that PR), ending it
 * CANCELLED, which is what the research expects stopped runs to show (§4, card order fields).
 */
const STOPPED_STATUS = 'CANCELLED';

interface ValidationIssue {
  readonly type: string;
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly input: unknown;
  readonly ctx?: Readonly<Record<string, unknown>>;
}

class HttpReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

const SOURCE_TYPES = [
  'LOCAL',
  'SLACK',
  'GITHUB',
  'GITHUB_CHECK_SUITE',
  'GITHUB_PR_REVIEW',
  'LINEAR',
  'API',
  'CHAT',
  'JIRA',
  'CLICKUP',
  'MONDAY',
  'SETUP_COMMANDS',
];

// Default messages of the spec's error schemas (components.schemas.*ErrorResponse).
const MESSAGES = {
  401: 'Invalid or missing API token.',
  402: 'Alloted agent runs for the current billing plan have been reached. Please upgrade your plan to continue.',
  403: 'You do not have access to this organization.',
  runNotFound: 'Agent run not found.',
  noRepos: 'No repos found in the organization. Please add some repos and try again.',
  userNotFound: 'User not found.',
  429: 'Rate limit exceeded. Please try again later.',
} as const;

const STATUS_TEXT: Readonly<Record<number, string>> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly operation: FakeCodegenOperation;
  readonly params: readonly string[];
}

// Paths as in the spec; FastAPI matches in order, so `/agent/run/resume` is declared before
// `/agent/run/{agent_run_id}` for POST, and a GET on `/agent/run/resume` is a 422 (not an int).
const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: /^\/v1\/users\/me$/, operation: 'getCurrentUser', params: [] },
  { method: 'GET', pattern: /^\/v1\/organizations$/, operation: 'listOrganizations', params: [] },
  { method: 'GET', pattern: /^\/v1\/organizations\/([^/]+)\/users$/, operation: 'listOrgUsers', params: ['org_id'] },
  {
    method: 'GET',
    pattern: /^\/v1\/organizations\/([^/]+)\/users\/([^/]+)$/,
    operation: 'getOrgUser',
    params: ['org_id', 'user_id'],
  },
  { method: 'GET', pattern: /^\/v1\/organizations\/([^/]+)\/repos$/, operation: 'listRepos', params: ['org_id'] },
  { method: 'POST', pattern: /^\/v1\/organizations\/([^/]+)\/agent\/run$/, operation: 'createRun', params: ['org_id'] },
  {
    method: 'POST',
    pattern: /^\/v1\/organizations\/([^/]+)\/agent\/run\/resume$/,
    operation: 'resumeRun',
    params: ['org_id'],
  },
  {
    method: 'POST',
    pattern: /^\/v1\/organizations\/([^/]+)\/agent\/run\/remove-from-pr$/,
    operation: 'removeFromPr',
    params: ['org_id'],
  },
  {
    method: 'GET',
    pattern: /^\/v1\/organizations\/([^/]+)\/agent\/run\/([^/]+)$/,
    operation: 'getRun',
    params: ['org_id', 'agent_run_id'],
  },
  { method: 'GET', pattern: /^\/v1\/organizations\/([^/]+)\/agent\/runs$/, operation: 'listRuns', params: ['org_id'] },
  {
    method: 'GET',
    pattern: /^\/v1\/alpha\/organizations\/([^/]+)\/agent\/run\/([^/]+)\/logs$/,
    operation: 'getRunLogs',
    params: ['org_id', 'agent_run_id'],
  },
];

const MAX_BODY_BYTES = 10 * 1024 * 1024;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Pydantic's lax int: an integer, or a string holding one. */
function laxInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

function intIssue(where: 'path' | 'query' | 'body', name: string, input: unknown): ValidationIssue {
  return typeof input === 'string'
    ? {
        type: 'int_parsing',
        loc: [where, name],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input,
      }
    : { type: 'int_type', loc: [where, name], msg: 'Input should be a valid integer', input };
}

/** Validates an integer query parameter with optional bounds; returns the value or the default. */
function queryInt(
  query: URLSearchParams,
  name: string,
  issues: ValidationIssue[],
  bounds: { readonly ge?: number; readonly le?: number; readonly default?: number },
): number | undefined {
  const raw = query.get(name);
  if (raw === null) return bounds.default;
  const value = laxInt(raw);
  if (value === undefined) {
    issues.push(intIssue('query', name, raw));
    return bounds.default;
  }
  if (bounds.ge !== undefined && value < bounds.ge) {
    issues.push({
      type: 'greater_than_equal',
      loc: ['query', name],
      msg: `Input should be greater than or equal to ${bounds.ge}`,
      input: raw,
      ctx: { ge: bounds.ge },
    });
  }
  if (bounds.le !== undefined && value > bounds.le) {
    issues.push({
      type: 'less_than_equal',
      loc: ['query', name],
      msg: `Input should be less than or equal to ${bounds.le}`,
      input: raw,
      ctx: { le: bounds.le },
    });
  }
  return value;
}

function page<T>(items: readonly T[], skip: number, limit: number): Record<string, unknown> {
  // Inferred from the docs' example (research §1): page = floor(skip/limit)+1, size = limit.
  return {
    items: items.slice(skip, skip + limit),
    total: items.length,
    page: Math.floor(skip / limit) + 1,
    size: limit,
    pages: Math.ceil(items.length / limit),
  };
}

/** Starts a fake Codegen API on 127.0.0.1 (random port unless `port` is given). */
export async function startFakeCodegen(options: FakeCodegenOptions = {}): Promise<FakeCodegen> {
  const orgId = options.orgId ?? 1;
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new RangeError(`startFakeCodegen: timeScale must be > 0, got ${timeScale}`);
  const random = seededRandom(options.seed ?? 1);
  const users: UserState[] = (options.tokens ?? ['codegen-test-token']).map((entry, index) => {
    const user = typeof entry === 'string' ? { token: entry } : entry;
    const id = user.id ?? 100 + index;
    return { token: user.token, id, githubUsername: user.githubUsername ?? `user-${id}`, orgIds: user.orgIds ?? [orgId] };
  });
  if (users.length === 0) throw new RangeError('startFakeCodegen: at least one token is required');
  const byToken = new Map(users.map((user) => [user.token, user]));
  const repos = options.repos ?? [{ id: 1, fullName: 'acme/app' }];
  const enforce = options.rateLimits?.enforce ?? true;
  const limits: Partial<Record<FakeCodegenOperation, CodegenRateLimit | null>> = {
    ...CODEGEN_RATE_LIMITS,
    ...options.rateLimits?.limits,
  };
  let faults: FakeCodegenFaults = options.faults ?? {};
  const injected: { fault: FakeCodegenInjectedFault; remaining: number }[] = [];

  const runs = new Map<number, RunState>();
  const created: FakeCreatedRecord[] = [];
  const requests: FakeRequestRecord[] = [];
  const stopped = new Set<number>();
  const removedFromPrs = new Set<number>();
  const windows = new Map<string, SlidingWindow>();
  let nextRunId = 1001;
  let nextPrId = 5001;

  const now = options.now ?? Date.now;

  // --- runs -------------------------------------------------------------------------------

  function scriptFor(request: FakeRunRequest): ResolvedFakeRunScript {
    const fromCallback = options.script?.(request);
    const fromMarker = parseFakeRunMarker(request.prompt);
    const script: FakeRunScript = { ...options.defaultScript, ...fromMarker, ...fromCallback };
    // Default duration: 3..12 minutes of API time, seeded.
    return resolveScript(script, request.prompt, 180_000 + Math.floor(random() * 540_000));
  }

  function runView(run: RunState): Record<string, unknown> {
    const elapsed = (now() - run.segmentStart) / timeScale;
    const { status, final } = statusAt(run.script, elapsed);
    let prs: Record<string, unknown>[] = [];
    if (final) {
      while (run.prIds.length < run.script.prs) run.prIds.push(nextPrId++);
      const repo = repos.find((r) => r.id === run.repoId) ?? repos[0];
      const endIso = new Date(run.segmentStart + run.script.durationMs * timeScale).toISOString();
      prs = run.prIds.slice(0, run.script.prs).map((id, index) => ({
        id,
        title: `Agent run ${run.id}${run.script.prs > 1 ? ` (part ${index + 1})` : ''}`,
        url: `https://github.com/${repo?.fullName ?? 'acme/app'}/pull/${id - 5000}`,
        created_at: endIso,
        head_branch_name: `codegen-bot/run-${run.id}-${index + 1}`,
      }));
    }
    return {
      id: run.id,
      organization_id: run.orgId,
      status,
      created_at: run.createdIso,
      web_url: `https://codegen.com/agent/trace/${run.id}`,
      result: final ? run.script.result : null,
      summary: final ? run.script.summary : null,
      source_type: 'API',
      github_pull_requests: prs,
      metadata: run.metadata,
    };
  }

  function logsOf(run: RunState): Record<string, unknown>[] {
    const elapsed = (now() - run.segmentStart) / timeScale;
    const { status, final } = statusAt(run.script, elapsed);
    const progress = final ? 1 : Math.min(1, elapsed / Math.max(1, run.script.durationMs));
    const logs: Record<string, unknown>[] = [];
    const at = (fraction: number) =>
      new Date(run.segmentStart + fraction * run.script.durationMs * timeScale).toISOString();
    const entry = (fraction: number, fields: Record<string, unknown>) => ({
      agent_run_id: run.id,
      created_at: at(fraction),
      tool_name: null,
      message_type: null,
      thought: null,
      observation: null,
      tool_input: null,
      tool_output: null,
      ...fields,
    });
    logs.push(entry(0, { message_type: 'USER_MESSAGE', observation: run.prompt }));
    const actions = Math.floor(progress * 8);
    for (let i = 1; i <= actions; i++) {
      logs.push(
        entry(i / 10, {
          message_type: 'ACTION',
          tool_name: i % 2 === 0 ? 'ripgrep_search' : 'edit_file',
          tool_input: { step: i },
          tool_output: { ok: true },
        }),
      );
    }
    if (final) {
      logs.push(
        status === 'COMPLETE'
          ? entry(1, { message_type: 'FINAL_ANSWER', observation: run.script.result })
          : entry(1, { message_type: 'ERROR', observation: run.script.result ?? status }),
      );
    }
    return logs;
  }

  function orgRun(org: number, id: number): RunState | HttpReply {
    const run = runs.get(id);
    if (!run || run.orgId !== org) return new HttpReply(404, { message: MESSAGES.runNotFound, status_code: 404 });
    return run;
  }

  // --- handlers ---------------------------------------------------------------------------

  function handle(
    operation: FakeCodegenOperation,
    user: UserState,
    ids: Readonly<Record<string, number>>,
    query: URLSearchParams,
    body: Record<string, unknown>,
    skip: number,
    limit: number,
  ): HttpReply {
    const org = ids['org_id'] as number;
    switch (operation) {
      case 'getCurrentUser':
        return new HttpReply(200, userView(user));
      case 'listOrganizations': {
        const orgs = [...new Set(user.orgIds)].map((id) => ({
          id,
          name: id === orgId ? (options.orgName ?? 'Acme') : `Org ${id}`,
          settings: { enable_pr_creation: true, enable_rules_detection: true },
        }));
        return new HttpReply(200, page(orgs, skip, limit));
      }
      case 'listOrgUsers':
        return new HttpReply(200, page(users.filter((u) => u.orgIds.includes(org)).map(userView), skip, limit));
      case 'getOrgUser': {
        const found = users.find((u) => u.id === ids['user_id'] && u.orgIds.includes(org));
        return found
          ? new HttpReply(200, userView(found))
          : new HttpReply(404, { message: MESSAGES.userNotFound, status_code: 404 });
      }
      case 'listRepos': {
        const list = org === orgId ? repos : [];
        return new HttpReply(
          200,
          page(
            list.map((repo) => ({
              id: repo.id,
              name: repo.fullName.split('/')[1] ?? repo.fullName,
              full_name: repo.fullName,
              description: null,
              github_id: String(900_000 + repo.id),
              organization_id: orgId,
              visibility: 'private',
              archived: false,
              setup_status: 'COMPLETE',
              language: 'TypeScript',
            })),
            skip,
            limit,
          ),
        );
      }
      case 'createRun': {
        if (options.runQuota !== undefined && [...runs.values()].filter((r) => r.orgId === org).length >= options.runQuota) {
          return new HttpReply(402, { message: MESSAGES[402], status_code: 402 });
        }
        const orgRepos = org === orgId ? repos : [];
        const repoId = (body['repo_id'] as number | null | undefined) ?? orgRepos[0]?.id ?? null;
        if (repoId === null) return new HttpReply(404, { message: MESSAGES.noRepos, status_code: 404 });
        if (!orgRepos.some((repo) => repo.id === repoId)) {
          return new HttpReply(404, { message: 'Repository not found in the organization.', status_code: 404 });
        }
        const id = nextRunId++;
        const prompt = body['prompt'] as string;
        const metadata = (body['metadata'] as Record<string, unknown> | null | undefined) ?? null;
        const request: FakeRunRequest = {
          id,
          prompt,
          metadata,
          repoId,
          model: (body['model'] as string | null | undefined) ?? null,
          agentType: (body['agent_type'] as string | null | undefined) ?? null,
          userId: user.id,
          orgId: org,
          resumeCount: 0,
        };
        const at = now();
        const run: RunState = {
          id,
          orgId: org,
          userId: user.id,
          prompt,
          metadata,
          repoId,
          createdAt: at,
          createdIso: new Date(at).toISOString(),
          segmentStart: at,
          script: scriptFor(request),
          resumeCount: 0,
          prIds: [],
        };
        runs.set(id, run);
        created.push({ id, at, prompt, metadata, userId: user.id, orgId: org, responseDropped: false });
        // The create answers before the agent starts: always a non-terminal status (research §3.1).
        return new HttpReply(200, { ...runView(run), status: 'PENDING', result: null, summary: null, github_pull_requests: [] });
      }
      case 'getRun': {
        const run = orgRun(org, ids['agent_run_id'] as number);
        return run instanceof HttpReply ? run : new HttpReply(200, runView(run));
      }
      case 'listRuns': {
        const userId = query.get('user_id');
        const sourceType = query.get('source_type');
        const list = [...runs.values()]
          .filter((run) => run.orgId === org)
          .filter((run) => userId === null || run.userId === Number(userId))
          .filter(() => sourceType === null || sourceType === 'API')
          .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
          .map(runView);
        return new HttpReply(200, page(list, skip, limit));
      }
      case 'resumeRun': {
        const run = orgRun(org, body['agent_run_id'] as number);
        if (run instanceof HttpReply) return run;
        const { final } = statusAt(run.script, (now() - run.segmentStart) / timeScale);
        // The spec resumes PAUSED runs; the docs also send follow-ups to finished runs. A run
        // still working is returned unchanged.
        if (final) {
          run.resumeCount += 1;
          run.segmentStart = now();
          run.prIds = [];
          run.script = scriptFor({
            id: run.id,
            prompt: body['prompt'] as string,
            metadata: run.metadata,
            repoId: run.repoId,
            model: null,
            agentType: null,
            userId: run.userId,
            orgId: run.orgId,
            resumeCount: run.resumeCount,
          });
        }
        return new HttpReply(200, runView(run));
      }
      case 'removeFromPr': {
        const run = orgRun(org, body['agent_run_id'] as number);
        if (run instanceof HttpReply) return run;
        const flagged = new Set(run.prIds);
        for (const id of run.prIds) removedFromPrs.add(id);
        for (const other of runs.values()) {
          if (other !== run && !other.prIds.some((id) => flagged.has(id))) continue;
          const elapsed = (now() - other.segmentStart) / timeScale;
          if (statusAt(other.script, elapsed).final) continue; // finished runs stay as they ended
          other.script = { ...other.script, status: STOPPED_STATUS, steps: [], durationMs: elapsed, prs: 0, result: null, summary: null };
          stopped.add(other.id);
        }
        // The spec declares the success body as an untyped object.
        return new HttpReply(200, {});
      }
      case 'getRunLogs': {
        const run = orgRun(org, ids['agent_run_id'] as number);
        if (run instanceof HttpReply) return run;
        const view = runView(run);
        let logs = logsOf(run);
        if (query.get('reverse') !== null && ['true', '1', 'yes', 'on'].includes(query.get('reverse') as string)) {
          logs = logs.reverse();
        }
        const paged = page(logs, skip, limit);
        return new HttpReply(200, {
          id: view['id'],
          organization_id: view['organization_id'],
          status: view['status'],
          created_at: view['created_at'],
          web_url: view['web_url'],
          result: view['result'],
          metadata: view['metadata'],
          logs: paged['items'],
          total_logs: paged['total'],
          page: paged['page'],
          size: paged['size'],
          pages: paged['pages'],
        });
      }
    }
  }

  function userView(user: UserState): Record<string, unknown> {
    return {
      id: user.id,
      email: `${user.githubUsername}@example.com`,
      github_user_id: String(7_000_000 + user.id),
      github_username: user.githubUsername,
      avatar_url: null,
      full_name: null,
      role: 'MEMBER',
      is_admin: false,
    };
  }

  // --- validation (FastAPI/pydantic v2 shapes) ---------------------------------------------

  function validateBody(operation: FakeCodegenOperation, raw: string, issues: ValidationIssue[]): Record<string, unknown> {
    if (operation !== 'createRun' && operation !== 'resumeRun' && operation !== 'removeFromPr') return {};
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch (error) {
      issues.push({
        type: 'json_invalid',
        loc: ['body', 0],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: error instanceof Error ? error.message : 'invalid JSON' },
      });
      return {};
    }
    if (body === undefined) {
      issues.push({ type: 'missing', loc: ['body'], msg: 'Field required', input: null });
      return {};
    }
    if (!isPlainObject(body)) {
      issues.push({
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: body,
      });
      return {};
    }
    const out: Record<string, unknown> = { ...body };
    const str = (name: string, required: boolean) => {
      const value = body[name];
      if (value === undefined || (value === null && !required)) {
        if (required) issues.push({ type: 'missing', loc: ['body', name], msg: 'Field required', input: body });
        return;
      }
      if (typeof value !== 'string') {
        issues.push({ type: 'string_type', loc: ['body', name], msg: 'Input should be a valid string', input: value });
      }
    };
    const int = (name: string, required: boolean) => {
      const value = body[name];
      if (value === undefined || (value === null && !required)) {
        if (required) issues.push({ type: 'missing', loc: ['body', name], msg: 'Field required', input: body });
        return;
      }
      const parsed = laxInt(value);
      if (parsed === undefined) issues.push(intIssue('body', name, value));
      else out[name] = parsed;
    };
    const strings = (name: string) => {
      const value = body[name];
      if (value === undefined || value === null) return;
      if (!Array.isArray(value)) {
        issues.push({ type: 'list_type', loc: ['body', name], msg: 'Input should be a valid list', input: value });
        return;
      }
      value.forEach((item, index) => {
        if (typeof item !== 'string') {
          issues.push({ type: 'string_type', loc: ['body', name, index], msg: 'Input should be a valid string', input: item });
        }
      });
    };
    if (operation === 'removeFromPr') {
      // StopAgentRunInput
      int('agent_run_id', true);
      str('before_card_order_id', false);
      str('after_card_order_id', false);
      return out;
    }
    str('prompt', true);
    strings('images');
    if (operation === 'createRun') {
      const metadata = body['metadata'];
      if (metadata !== undefined && metadata !== null && !isPlainObject(metadata)) {
        issues.push({ type: 'dict_type', loc: ['body', 'metadata'], msg: 'Input should be a valid dictionary', input: metadata });
      }
      int('repo_id', false);
      str('model', false);
      const agentType = body['agent_type'];
      if (agentType !== undefined && agentType !== null && agentType !== 'codegen' && agentType !== 'claude_code') {
        issues.push({
          type: 'literal_error',
          loc: ['body', 'agent_type'],
          msg: "Input should be 'codegen' or 'claude_code'",
          input: agentType,
          ctx: { expected: "'codegen' or 'claude_code'" },
        });
      }
    } else {
      int('agent_run_id', true);
    }
    return out;
  }

  // --- transport ---------------------------------------------------------------------------

  function pickFault(operation: FakeCodegenOperation | null, body: Readonly<Record<string, unknown>>):
    | { readonly type: 'error'; readonly status: number }
    | { readonly type: 'drop'; readonly afterHandling: boolean }
    | undefined {
    const index = injected.findIndex(
      (entry) => (entry.fault.operation === undefined || entry.fault.operation === operation) && (entry.fault.when?.(body) ?? true),
    );
    if (index >= 0) {
      const entry = injected[index] as { fault: FakeCodegenInjectedFault; remaining: number };
      entry.remaining -= 1;
      if (entry.remaining <= 0) injected.splice(index, 1);
      return entry.fault.type === 'error'
        ? { type: 'error', status: entry.fault.status ?? 500 }
        : { type: 'drop', afterHandling: entry.fault.afterHandling ?? true };
    }
    if (operation === null || (faults.operations && !faults.operations.includes(operation))) return undefined;
    if (faults.dropRate && random() < faults.dropRate) return { type: 'drop', afterHandling: faults.dropAfterHandling ?? true };
    if (faults.errorRate && random() < faults.errorRate) {
      const statuses = faults.errorStatuses ?? [500, 502, 503];
      return { type: 'error', status: statuses[Math.floor(random() * statuses.length)] ?? 500 };
    }
    return undefined;
  }

  function latency(): number {
    const value = faults.latencyMs;
    if (value === undefined) return 0;
    if (typeof value === 'number') return value;
    return value[0] + random() * (value[1] - value[0]);
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new Error('body too large');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    operation: FakeCodegenOperation | null,
    reply: HttpReply,
  ): void {
    const isJson = typeof reply.body !== 'string';
    const text = isJson ? JSON.stringify(reply.body) : (reply.body as string);
    const contentType = isJson ? 'application/json' : 'text/plain; charset=utf-8';
    res.writeHead(reply.status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...reply.headers });
    res.end(text);
    options.onResponse?.({ method: req.method ?? 'GET', path, operation, status: reply.status, contentType, body: reply.body });
  }

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
    const delay = latency();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

    const reply = (r: HttpReply) => {
      log(r.status);
      send(req, res, path, operation, r);
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
    const issues: ValidationIssue[] = [];
    const match = route.pattern.exec(path) as RegExpExecArray;
    const ids: Record<string, number> = {};
    route.params.forEach((name, index) => {
      const rawValue = decodeURIComponent(match[index + 1] ?? '');
      const value = laxInt(rawValue);
      if (value === undefined) issues.push(intIssue('path', name, rawValue));
      else ids[name] = value;
    });
    const paged = ['listOrganizations', 'listOrgUsers', 'listRepos', 'listRuns', 'getRunLogs'].includes(operation);
    const skip = paged ? (queryInt(url.searchParams, 'skip', issues, { ge: 0, default: 0 }) ?? 0) : 0;
    const limit = paged ? (queryInt(url.searchParams, 'limit', issues, { ge: 1, le: 100, default: 100 }) ?? 100) : 100;
    if (operation === 'listRuns') {
      queryInt(url.searchParams, 'user_id', issues, {});
      const sourceType = url.searchParams.get('source_type');
      if (sourceType !== null && !SOURCE_TYPES.includes(sourceType)) {
        issues.push({
          type: 'enum',
          loc: ['query', 'source_type'],
          msg: `Input should be ${SOURCE_TYPES.map((s) => `'${s}'`).join(', ')}`,
          input: sourceType,
          ctx: { expected: SOURCE_TYPES.map((s) => `'${s}'`).join(', ') },
        });
      }
    }
    if (operation === 'getRunLogs') {
      const reverse = url.searchParams.get('reverse');
      if (reverse !== null && !['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(reverse.toLowerCase())) {
        issues.push({ type: 'bool_parsing', loc: ['query', 'reverse'], msg: 'Input should be a valid boolean, unable to interpret input', input: reverse });
      }
    }
    const body = validateBody(operation, raw, issues);
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
    const limitSpec = limits[operation];
    if (limitSpec) {
      const key = `${user.id}:${operation}`;
      let window = windows.get(key);
      if (!window) {
        window = new SlidingWindow(limitSpec.limit, limitSpec.windowMs * timeScale);
        windows.set(key, window);
      }
      if (enforce) {
        const taken = window.take(at);
        if (!taken.ok) {
          overLimit = true;
          const headers: Record<string, string> = options.retryAfterHeader
            ? { 'retry-after': String(Math.max(1, Math.ceil(taken.retryAfterMs / 1000))) }
            : {};
          reply(new HttpReply(429, { message: MESSAGES[429], status_code: 429 }, headers));
          return;
        }
      } else {
        overLimit = window.record(at);
      }
    }

    // 5. Faults, then the handler.
    const fault = pickFault(operation, body);
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
    const result = handle(operation, user, ids, url.searchParams, body, skip, limit);
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
    stopped,
    removedFromPrs,
    stats() {
      const byOperation: Partial<Record<FakeCodegenOperation, number>> = {};
      const rateLimitedByOperation: Partial<Record<FakeCodegenOperation, number>> = {};
      let rateLimited = 0;
      let overLimitCount = 0;
      let serverErrors = 0;
      let dropped = 0;
      for (const record of requests) {
        if (record.operation) byOperation[record.operation] = (byOperation[record.operation] ?? 0) + 1;
        if (record.status === 429) {
          rateLimited += 1;
          if (record.operation) rateLimitedByOperation[record.operation] = (rateLimitedByOperation[record.operation] ?? 0) + 1;
        }
        if (record.overLimit) overLimitCount += 1;
        if (typeof record.status === 'number' && record.status >= 500) serverErrors += 1;
        if (record.status === 'dropped') dropped += 1;
      }
      const maxInWindow: Record<string, number> = {};
      for (const [key, window] of windows) maxInWindow[key] = window.maxInWindow;
      return {
        total: requests.length,
        byOperation,
        rateLimited,
        rateLimitedByOperation,
        overLimit: overLimitCount,
        maxInWindow,
        serverErrors,
        dropped,
      };
    },
    run(id) {
      const run = runs.get(id);
      return run ? runView(run) : undefined;
    },
    scriptRun(id, script) {
      const run = runs.get(id);
      if (!run) throw new RangeError(`fake codegen: no run ${id}`);
      run.segmentStart = now();
      run.script = resolveScript(script, run.prompt, script.durationMs ?? 0);
    },
    injectFault(fault) {
      injected.push({ fault, remaining: fault.count ?? 1 });
    },
    setFaults(next) {
      faults = next;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
