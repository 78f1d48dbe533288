/** The fake Codegen's public types: its options, the records it keeps and the running fake. */
import type { CodegenRateLimit, FakeCodegenOperation } from './rate-limits.js';
import type { FakeRunScript } from './run-script.js';

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

/** A pull request as a run reports it (`GithubPullRequestResponse` without the ids and dates). */
export interface FakeRunPullRequest {
  readonly title: string;
  /** `https://github.com/{owner}/{repo}/pull/{n}`. */
  readonly url: string;
  readonly headBranchName: string | null;
}

/** A run segment that just ended with pull requests to report (see {@link FakeCodegen.setRunCompletion}). */
export interface FakeRunCompletion {
  readonly id: number;
  /** The final status (`COMPLETE`, or what the script ends in). */
  readonly status: string;
  /** The segment's prompt: the creation's, or the last resume's. */
  readonly prompt: string;
  readonly metadata: Readonly<Record<string, unknown>> | null;
  /** `owner/name` of the run's repository. */
  readonly repo: string | null;
  /** 0 for the creation's segment, 1.. after each resume. */
  readonly resumeCount: number;
  /** How many PRs the run's script reports (`prs`, at least 1 here). */
  readonly prCount: number;
  /** PRs the run reported before this segment: a resumed run continues them. */
  readonly earlierPullRequests: readonly FakeRunPullRequest[];
}

/**
 * Decides the PRs a finished run reports (e.g. by opening them in a fake GitHub), or returns
 * undefined for the fake's own (the earlier segments' PRs, topped up with made-up ones).
 * Called once per run segment, synchronously, on the first read after the segment ended.
 */
export type FakeRunCompletionHook = (run: FakeRunCompletion) => readonly FakeRunPullRequest[] | undefined;

/** A repository's check-suite auto-fixer settings (`CheckSuiteSettingsResponse`). */
export interface FakeCheckSuiteSettings {
  readonly check_retry_count: number;
  readonly ignored_checks: readonly string[];
  readonly check_retry_counts: Readonly<Record<string, number>>;
  readonly custom_prompts: Readonly<Record<string, string>>;
  readonly high_priority_apps: readonly string[];
  readonly available_check_suite_names: readonly string[];
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
  /**
   * What a resume of a finished run (COMPLETE, ERROR, …; not PAUSED, which always resumes in
   * place) does: `accept`: the run keeps its id and works again; `refuse`: a 400 in Codegen's
   * error shape; `new-run`: a new run (new id, the same metadata) continues it and its PRs. The
   * spec only speaks of paused runs; what the real API does is unverified.
   * @default 'accept'
   */
  readonly resumeFinished?: 'accept' | 'refuse' | 'new-run';
  /**
   * Check-suite settings per repository id, merged over the defaults (`check_retry_count: 3`,
   * Codegen's documented default, everything else empty).
   * @default the defaults for every repository
   */
  readonly checkSuiteSettings?: Readonly<Record<number, Partial<FakeCheckSuiteSettings>>>;
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
  /** The organization's repositories. */
  readonly repos: readonly FakeCodegenRepo[];
  /**
   * Starts a run as Codegen does by itself (not through the API: not in `created`), e.g. a
   * check-suite auto-fix run (`sourceType: 'GITHUB_CHECK_SUITE'`) on `pullRequests`, which it
   * reports (and a linked fake GitHub pushes to) when it ends. Returns the run id.
   */
  startRun(run: {
    readonly prompt: string;
    readonly sourceType: string;
    readonly repoId?: number;
    readonly metadata?: Readonly<Record<string, unknown>>;
    readonly pullRequests?: readonly FakeRunPullRequest[];
  }): number;
  /**
   * Sets (or with undefined removes) a hook called before each request is handled (after it was
   * authenticated), e.g. for a link that starts Codegen's own runs when a PR's checks fail.
   */
  setRequestHook(hook: (() => void) | undefined): void;
  /** Sets (or with undefined removes) the hook that decides the PRs of finished runs. */
  setRunCompletion(hook: FakeRunCompletionHook | undefined): void;
  /** A repository's check-suite settings now (what GET would return), or undefined for an unknown repository. */
  checkSuiteSettings(repoId: number): FakeCheckSuiteSettings | undefined;
  /** Queues a deterministic fault for the next matching request(s). */
  injectFault(fault: FakeCodegenInjectedFault): void;
  /** Replaces the random faults (pass `{}` to stop them). */
  setFaults(faults: FakeCodegenFaults): void;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}
