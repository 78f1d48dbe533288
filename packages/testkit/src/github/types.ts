/**
 * Fixture format and public types of the fake GitHub server.
 *
 * A fixture is plain data (JSON-serialisable): repositories with issues and pull requests, and
 * Projects v2 boards. References between issues use `#N` (same repository) or `owner/repo#N`.
 */
import type { FakeBranchRules, FakePullScript } from './pulls-types.js';

/** GitHub's `author_association` / `CommentAuthorAssociation` values. */
export type FakeAuthorAssociation =
  | 'OWNER'
  | 'MEMBER'
  | 'COLLABORATOR'
  | 'CONTRIBUTOR'
  | 'FIRST_TIME_CONTRIBUTOR'
  | 'FIRST_TIMER'
  | 'MANNEQUIN'
  | 'NONE';

/** `PullRequest.mergeStateStatus` values. */
export type FakeMergeStateStatus =
  | 'BEHIND'
  | 'BLOCKED'
  | 'CLEAN'
  | 'DIRTY'
  | 'DRAFT'
  | 'HAS_HOOKS'
  | 'UNKNOWN'
  | 'UNSTABLE';

export interface FakeCommentFixture {
  readonly body: string;
  /** @default the fixture's viewer */
  readonly author?: string;
  /** @default 'MEMBER' */
  readonly authorAssociation?: FakeAuthorAssociation;
}

export interface FakeIssueFixture {
  /** Issue number; shares the number space with the repository's pull requests. */
  readonly number: number;
  readonly title: string;
  readonly body?: string | null;
  /** @default 'open' */
  readonly state?: 'open' | 'closed';
  /** @default 'completed' when closed, else null */
  readonly stateReason?: 'completed' | 'not_planned' | 'reopened' | 'duplicate' | null;
  /** Login of the author. @default 'octocat' */
  readonly author?: string;
  /** @default 'MEMBER' */
  readonly authorAssociation?: FakeAuthorAssociation;
  readonly labels?: readonly string[];
  readonly assignees?: readonly string[];
  /** Milestone number (created on the repository on the fly). */
  readonly milestone?: number;
  /** Native "blocked by" links: `#N` or `owner/repo#N`. */
  readonly blockedBy?: readonly string[];
  /** Native parent issue (this issue is its sub-issue): `#N` or `owner/repo#N`. */
  readonly parent?: string;
  /** ISO-8601. @default a fixed date derived from the number */
  readonly createdAt?: string;
  /** ISO-8601. @default createdAt */
  readonly updatedAt?: string;
  readonly comments?: readonly FakeCommentFixture[];
}

export interface FakePullFixture {
  readonly number: number;
  readonly title: string;
  readonly body?: string | null;
  /** @default 'open' */
  readonly state?: 'open' | 'closed';
  /** @default false */
  readonly merged?: boolean;
  /** @default false */
  readonly draft?: boolean;
  /** @default `pr-<number>` */
  readonly headRef?: string;
  /** @default a sha derived from the number */
  readonly headSha?: string;
  /** @default the repository's default branch */
  readonly baseRef?: string;
  /**
   * A fixed merge state (it never changes by itself). Without it the state is computed from the
   * branch rules, checks, reviews and conflicts (CLEAN for a PR nothing is required of).
   */
  readonly mergeStateStatus?: FakeMergeStateStatus;
  /** @default 'octocat' */
  readonly author?: string;
  readonly labels?: readonly string[];
  /** Files the PR changes. @default script.files ?? [] */
  readonly files?: readonly string[];
  /** CI and reviews; the opening push happens when the fake starts. @default the repository's pullScript */
  readonly script?: FakePullScript;
}

export interface FakeLabelFixture {
  readonly name: string;
  /** 6 hex digits, no `#`. @default 'ededed' */
  readonly color?: string;
  readonly description?: string | null;
}

export interface FakeRepoFixture {
  readonly owner: string;
  readonly name: string;
  /** @default 'Organization' */
  readonly ownerType?: 'Organization' | 'User';
  /** @default 'main' */
  readonly defaultBranch?: string;
  /** `Repository.autoMergeAllowed`. @default true */
  readonly autoMergeAllowed?: boolean;
  /**
   * A private repository is invisible (404) to tokens that may not read it; a public one is
   * readable by every token. @default 'public'
   */
  readonly visibility?: 'public' | 'private';
  /** Repository labels (issue labels are created on the fly too). */
  readonly labels?: readonly (string | FakeLabelFixture)[];
  readonly issues?: readonly FakeIssueFixture[];
  readonly pulls?: readonly FakePullFixture[];
  /** Extra branches: name → sha. The default branch always exists. */
  readonly branches?: Readonly<Record<string, string>>;
  /** Protection of the default branch (required checks and approvals, up to date, merge queue). @default nothing required */
  readonly rules?: FakeBranchRules;
  /** Script of pull requests that bring none. @default none (no checks, no reviews) */
  readonly pullScript?: FakePullScript;
}

export type FakeProjectFieldFixture =
  | { readonly name: string; readonly type: 'SINGLE_SELECT'; readonly options: readonly string[] }
  | { readonly name: string; readonly type: 'NUMBER' | 'TEXT' | 'DATE' };

export interface FakeProjectItemFixture {
  /** The issue or pull request on the board: `owner/repo#N`. Exactly one of `content` / `draft`. */
  readonly content?: string;
  /** A draft issue that lives only on the board. */
  readonly draft?: { readonly title: string; readonly body?: string };
  /** Field values by field name: an option name for single-select fields, else the value. */
  readonly fields?: Readonly<Record<string, string | number>>;
  /** @default false */
  readonly archived?: boolean;
}

export interface FakeProjectFixture {
  /** Login of the organization or user that owns the board. */
  readonly owner: string;
  /** @default 'organization' */
  readonly ownerType?: 'organization' | 'user';
  readonly number: number;
  readonly title: string;
  /**
   * Custom fields. A single-select `Status` field (Todo, In Progress, Done) is added when absent.
   */
  readonly fields?: readonly FakeProjectFieldFixture[];
  readonly items: readonly FakeProjectItemFixture[];
}

/** Everything the fake serves. */
export interface FakeGitHubFixture {
  readonly repos: readonly FakeRepoFixture[];
  readonly projects?: readonly FakeProjectFixture[];
  /** Login the token belongs to (author of comments written through the API). @default 'pco-bot' */
  readonly viewer?: string;
}

/** A scripted failure. */
export type FakeGitHubFault =
  /** Primary rate limit: REST 403 (or `status`) with `x-ratelimit-remaining: 0`; GraphQL 200 + RATE_LIMITED. */
  | { readonly kind: 'primary'; readonly status?: 403 | 429 }
  /**
   * Secondary rate limit message; with `retry-after: <retryAfter>` unless `retryAfter` is null.
   * On `/graphql`, `graphqlStatus: 200` answers HTTP 200 with the message in `errors` (no type).
   */
  | { readonly kind: 'secondary'; readonly status?: 403 | 429; readonly retryAfter?: number | null; readonly graphqlStatus?: 200 | 403 }
  /** An HTTP 5xx with GitHub's body. */
  | { readonly kind: 'server-error'; readonly status?: 500 | 502 | 503 | 504 }
  /** GraphQL 200 with "Something went wrong while executing your query". */
  | { readonly kind: 'graphql-internal' };

export interface FaultMatch {
  /** HTTP method, e.g. `POST`. */
  readonly method?: string;
  /** Route template (`GET /repos/{owner}/{repo}/issues`) or `POST /graphql`. */
  readonly route?: string;
  /** GraphQL operation key as in {@link RecordedRequest.operation}. */
  readonly operation?: string;
}

/** A user's role on a repository ([repository roles](https://docs.github.com/en/organizations/managing-user-access-to-your-organizations-repositories/managing-repository-roles/repository-roles-for-an-organization)). */
export type FakeRepoRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

/** A user's role on a Projects v2 board. */
export type FakeProjectRole = 'admin' | 'write' | 'read';

/** Who a token acts as: the user and that user's own roles (a token never exceeds them). */
export interface FakeTokenPrincipal {
  /** Login of the user (`GET /user`, `viewer`, author of comments written with it). @default the fixture's viewer */
  readonly login?: string;
  /**
   * The user's role per repository (`owner/name`), `'*'` for every other one; `'none'` means not
   * a collaborator (a private repository is then 404, a public one readable). @default { '*': 'admin' }
   */
  readonly repoRoles?: Readonly<Record<string, FakeRepoRole | 'none'>>;
  /** The user's role per board (`owner/number`), `'*'` for every other one. @default { '*': 'admin' } */
  readonly projectRoles?: Readonly<Record<string, FakeProjectRole | 'none'>>;
}

/**
 * A personal access token (classic): OAuth scopes, echoed in `X-OAuth-Scopes`. `repo` implies
 * `public_repo`, `project` implies `read:project`. A write the scopes do not cover answers 404,
 * as on GitHub.
 */
export interface FakeClassicToken extends FakeTokenPrincipal {
  readonly type: 'classic';
  /** e.g. `['repo', 'project']`, `['public_repo', 'read:project']`, `[]`. */
  readonly scopes: readonly string[];
}

/** Access level of one fine-grained permission. */
export type FakeAccessLevel = 'read' | 'write';

/** The repository and organization permissions the fake checks (names as in `X-Accepted-GitHub-Permissions`). */
export interface FakeFineGrainedPermissions {
  readonly issues?: FakeAccessLevel;
  readonly pull_requests?: FakeAccessLevel;
  readonly contents?: FakeAccessLevel;
  /** Check runs and suites. */
  readonly checks?: FakeAccessLevel;
  /** Commit statuses. */
  readonly statuses?: FakeAccessLevel;
  /** Actions (jobs and their logs). */
  readonly actions?: FakeAccessLevel;
  /** Always granted read by GitHub; listed for completeness. */
  readonly metadata?: 'read';
  /** Organization permission "Projects": boards owned by an organization. */
  readonly organization_projects?: FakeAccessLevel | 'admin';
}

/**
 * A fine-grained personal access token: per-repository permissions on selected repositories. A
 * private repository it does not select is 404; a write it may not do answers 403 "Resource not
 * accessible by personal access token" with `X-Accepted-GitHub-Permissions`. No `X-OAuth-Scopes`.
 */
export interface FakeFineGrainedToken extends FakeTokenPrincipal {
  readonly type: 'fine-grained';
  /** `owner/name` of the selected repositories, or every repository of the owner. @default 'all' */
  readonly repositories?: 'all' | readonly string[];
  /** @default {} (metadata: read only) */
  readonly permissions?: FakeFineGrainedPermissions;
}

/** What one token may do. */
export type FakeGitHubToken = FakeClassicToken | FakeFineGrainedToken;

export interface StartFakeGitHubOptions {
  /**
   * When set, requests must carry this token (`token`, `bearer` or `Bearer`); else 401. It has
   * full access: a classic token with `repo`, `project`, `read:org`, `workflow` of an admin.
   */
  readonly token?: string;
  /**
   * Tokens by their secret value, each with its user and what it may do. With `token` and/or
   * `tokens` set, any other credential is 401 "Bad credentials" and none is 401 "Requires
   * authentication". Without either, every request is served with full access as the viewer.
   */
  readonly tokens?: Readonly<Record<string, FakeGitHubToken>>;
  /** Clock in epoch ms (timestamps, rate-limit windows, CI timelines). @default Date.now */
  readonly now?: () => number;
  /**
   * Multiplies every API duration of the pull-request lifecycle (scripted check durations, the
   * UNKNOWN window, merge-queue checks): 0.001 makes a five-minute CI run last 300 ms of `now`.
   * @default 1
   */
  readonly timeScale?: number;
  /**
   * How long (API ms) `mergeable` / `mergeStateStatus` read UNKNOWN after a push or a base
   * change, as GitHub does while it computes them: clients must read again. 0 turns it off.
   * @default 2000
   */
  readonly mergeabilityDelayMs?: number;
  /** Primary rate-limit budget per resource and window. @default 5000 */
  readonly rateLimit?: number;
  /** Rate-limit window. @default 3_600_000 */
  readonly rateLimitWindowMs?: number;
  /**
   * GitHub's secondary rate limits, per principal (token), in API time (windows × `timeScale`).
   * Off unless given; each absent field is off too.
   * @default undefined (no secondary limits)
   */
  readonly secondaryLimits?: FakeSecondaryLimits;
  /** Share of requests (0..1) answered with a 502. @default 0 */
  readonly serverErrorRate?: number;
  /** Seed for the 5xx draws. @default 1 */
  readonly seed?: number;
  /** Validate GraphQL documents against the (patched) schema. @default true */
  readonly validateGraphQL?: boolean;
  /**
   * Called when a request has fully arrived, before it is handled; the answer waits for the
   * returned promise. Lets a test act while a call is in flight (e.g. signal the client while
   * it is loading) instead of racing it with real-time delays.
   */
  readonly onRequest?: (request: { readonly method: string; readonly path: string }) => void | Promise<void>;
}

/** One request the fake received. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Route template, e.g. `GET /repos/{owner}/{repo}/issues`, or `POST /graphql`. */
  readonly route: string;
  /** For GraphQL: `query IssuesPage` (the operation name) or `mutation addComment` (first field). */
  readonly operation?: string;
  readonly body?: unknown;
  readonly status: number;
  /** Epoch ms by the fake's clock. */
  readonly at: number;
  /** GraphQL: the points the request cost (GitHub's formula; what `rateLimit { cost }` says). */
  readonly points?: number;
  /** Set when the fake refused the request for a secondary limit (`secondaryLimits`). */
  readonly secondaryLimit?: FakeSecondaryLimitKind;
}

/**
 * Secondary rate limits ([GitHub docs](https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits)):
 * a request over one is answered 403 (or `status`) "You have exceeded a secondary rate limit…"
 * with `retry-after`, and is not counted.
 */
export interface FakeSecondaryLimits {
  /** Content-creating requests (REST and GraphQL mutations) per minute. GitHub: 80. @default off */
  readonly contentPerMinute?: number;
  /** Content-creating requests per hour. GitHub: 500. @default off */
  readonly contentPerHour?: number;
  /** Requests in flight at once, REST and GraphQL together. GitHub: 100. @default off */
  readonly concurrent?: number;
  /** HTTP status of the refusal (GitHub sends 403 or 429). @default 403 */
  readonly status?: 403 | 429;
}

/** Which secondary limit refused a request. */
export type FakeSecondaryLimitKind = 'concurrent' | 'content-per-minute' | 'content-per-hour';
