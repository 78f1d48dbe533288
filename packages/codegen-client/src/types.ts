/**
 * Wire types of the Codegen API (vendor/codegen-api/openapi3.json). Field names stay as the
 * API spells them (snake_case), so a response can be logged or stored as is. Responses are
 * checked leniently (see schemas.ts): fields this package does not know are kept on the object
 * at runtime, and a missing nullable field reads as `null`.
 */
import type { RunStatus } from './statuses.js';

/** Any JSON value (what `metadata` may hold). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Where a run was started from (`ApiAgentRunSourceType`); runs created through this API are `API`. */
export type SourceType =
  | 'LOCAL'
  | 'SLACK'
  | 'GITHUB'
  | 'GITHUB_CHECK_SUITE'
  | 'GITHUB_PR_REVIEW'
  | 'LINEAR'
  | 'API'
  | 'CHAT'
  | 'JIRA'
  | 'CLICKUP'
  | 'MONDAY'
  | 'SETUP_COMMANDS'
  | (string & {});

/** Agent implementation (`agent_type`). */
export type AgentType = 'codegen' | 'claude_code';

/** A pull request a run opened or touched (`GithubPullRequestResponse`). No number or state: parse `url`. */
export interface GithubPullRequest {
  readonly id: number;
  readonly title: string | null;
  /** `https://github.com/{owner}/{repo}/pull/{n}`. */
  readonly url: string | null;
  readonly created_at: string | null;
  readonly head_branch_name: string | null;
}

/** An agent run (`AgentRunResponse`). */
export interface AgentRun {
  readonly id: number;
  readonly organization_id: number;
  /** UPPERCASE status; see `isTerminal`, `isSuccess`, `needsInput`. */
  readonly status: RunStatus | null;
  /** ISO-8601 timestamp. */
  readonly created_at: string | null;
  /** Link to the run in the web app; use it as is, never build it. */
  readonly web_url: string | null;
  /** Final answer text, usually filled once COMPLETE. */
  readonly result: string | null;
  readonly summary: string | null;
  readonly source_type: SourceType | null;
  readonly github_pull_requests: readonly GithubPullRequest[] | null;
  /** The metadata given at creation. */
  readonly metadata: Readonly<Record<string, unknown>> | null;
}

/** One log entry of a run (`AgentRunLogResponse`). */
export interface AgentRunLog {
  readonly agent_run_id: number;
  readonly created_at: string | null;
  readonly tool_name: string | null;
  /** `ACTION`, `PLAN_EVALUATION`, `FINAL_ANSWER`, `ERROR`, ... */
  readonly message_type: string | null;
  readonly thought: string | null;
  readonly observation: Readonly<Record<string, unknown>> | string | null;
  readonly tool_input: Readonly<Record<string, unknown>> | null;
  readonly tool_output: Readonly<Record<string, unknown>> | null;
}

/** A run with a page of its logs (`AgentRunWithLogsResponse`; no summary or PR fields). */
export interface AgentRunWithLogs {
  readonly id: number;
  readonly organization_id: number;
  readonly status: RunStatus | null;
  readonly created_at: string | null;
  readonly web_url: string | null;
  readonly result: string | null;
  readonly metadata: Readonly<Record<string, unknown>> | null;
  readonly logs: readonly AgentRunLog[];
  readonly total_logs: number | null;
  readonly page: number | null;
  readonly size: number | null;
  readonly pages: number | null;
}

/** A user (`UserResponse`). */
export interface CodegenUser {
  readonly id: number;
  readonly email: string | null;
  readonly github_user_id: string;
  readonly github_username: string;
  readonly avatar_url: string | null;
  readonly full_name: string | null;
  /** `ADMIN`, `MANAGER` or `MEMBER`. */
  readonly role: string | null;
  readonly is_admin: boolean | null;
}

/** An organization (`OrganizationResponse`). */
export interface Organization {
  readonly id: number;
  readonly name: string;
  readonly settings: {
    readonly enable_pr_creation: boolean;
    readonly enable_rules_detection: boolean;
  };
}

/** A repository (`RepoResponse`); its `id` is the `repo_id` of a create. */
export interface Repo {
  readonly id: number;
  readonly name: string;
  /** `owner/repo`. */
  readonly full_name: string;
  readonly description: string | null;
  readonly github_id: string;
  readonly organization_id: number;
  readonly visibility: string | null;
  readonly archived: boolean | null;
  readonly setup_status: string;
  readonly language: string | null;
}

/** A page of a list (`Page[T]`). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  /** 1-based page number. */
  readonly page: number;
  readonly size: number;
  readonly pages: number;
}

/** Body of a create (`CreateAgentRunInput`). Only `prompt` is required. */
export interface CreateRunInput {
  readonly prompt: string;
  /** Repository to work in (from `listRepos`). The org's default applies when omitted. */
  readonly repo_id?: number | null;
  /** Your correlation data, returned on every read of the run (also in lists). */
  readonly metadata?: Readonly<Record<string, JsonValue>> | null;
  /** Model name; the org default applies when omitted. */
  readonly model?: string | null;
  readonly agent_type?: AgentType | null;
  /** Base64 data URIs, e.g. `data:image/png;base64,...`. */
  readonly images?: readonly string[] | null;
}

/** Body of a resume (`ResumeAgentRunInput`). */
export interface ResumeRunInput {
  readonly agent_run_id: number;
  readonly prompt: string;
  readonly images?: readonly string[] | null;
}

/**
 * A repository's settings of Codegen's check-suite auto-fixer (`CheckSuiteSettingsResponse`):
 * when a check fails on a Codegen pull request, the agent wakes up and pushes fixes, up to
 * `check_retry_count` times per PR (research: github-pr-lifecycle §6).
 */
export interface CheckSuiteSettings {
  /** Fix attempts per PR for failed checks (0..10; Codegen's docs: 3 by default). */
  readonly check_retry_count: number;
  /** Check names the auto-fixer ignores. */
  readonly ignored_checks: readonly string[];
  /** Per-check fix attempts, overriding `check_retry_count`. */
  readonly check_retry_counts: Readonly<Record<string, number>>;
  /** Per-check prompts for the fixing agent. */
  readonly custom_prompts: Readonly<Record<string, string>>;
  /** Apps whose failing checks are processed at once. */
  readonly high_priority_apps: readonly string[];
  /** Check suites Codegen has seen on the repository. */
  readonly available_check_suite_names: readonly string[];
}

/**
 * Body of a check-suite settings update (`CheckSuiteSettingsRequest`): every field optional;
 * `null` or absent leaves it as it is.
 */
export interface CheckSuiteSettingsUpdate {
  /** 0..10. */
  readonly check_retry_count?: number | null;
  readonly ignored_checks?: readonly string[] | null;
  readonly check_retry_counts?: Readonly<Record<string, number>> | null;
  readonly custom_prompts?: Readonly<Record<string, string>> | null;
  readonly high_priority_apps?: readonly string[] | null;
}

/** Pagination query (`skip` ≥ 0, `limit` 1..100). */
export interface PageQuery {
  /** @default 0 */
  readonly skip?: number;
  /** @default 100 */
  readonly limit?: number;
}

/** Query of the run list. Results are newest first. */
export interface ListRunsQuery extends PageQuery {
  /** Only runs started by this user (see `getCurrentUser`). */
  readonly user_id?: number;
  readonly source_type?: SourceType;
}

/** Query of the (alpha) run logs. */
export interface RunLogsQuery extends PageQuery {
  /** Newest first. @default false */
  readonly reverse?: boolean;
}

/** Options every call takes. */
export interface RequestOptions {
  /** Cancels the call (also while it waits for rate-limit budget or a retry). */
  readonly signal?: AbortSignal;
  /**
   * Called while the call waits for its endpoint's rate-limit budget, with the expected wait in
   * milliseconds (again when the wait is renewed), so a caller can say why nothing happens.
   * A listener that throws is ignored.
   */
  readonly onRateLimitWait?: (waitMs: number) => void;
  /**
   * Where the call stands among the calls waiting for the same endpoint's rate-limit budget:
   * larger goes first, equal ones in arrival order (e.g. a task's remaining critical path,
   * `ExecutionContext.priority`, so creates go to the longest path first). A retry waits again
   * with the same priority.
   * @default 0
   */
  readonly priority?: number;
}
