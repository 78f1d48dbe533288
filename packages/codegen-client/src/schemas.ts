/**
 * Lenient valibot schemas for responses: unknown fields are kept (`looseObject`), a missing or
 * mistyped optional field becomes `null` (the API is generated from FastAPI and has added
 * fields over time, research §10.14). Only what a caller cannot do without is strict: ids,
 * and the shape of lists.
 */
import * as v from 'valibot';
import type {
  AgentRun,
  AgentRunLog,
  AgentRunWithLogs,
  CheckSuiteSettings,
  CodegenUser,
  GithubPullRequest,
  Organization,
  Page,
  Repo,
} from './types.js';

const id = v.pipe(v.number(), v.integer());
const nullableString = v.fallback(v.nullish(v.string(), null), null);
const nullableInt = v.fallback(v.nullish(v.pipe(v.number(), v.integer()), null), null);
const nullableBoolean = v.fallback(v.nullish(v.boolean(), null), null);
const nullableObject = v.fallback(v.nullish(v.record(v.string(), v.unknown()), null), null);

const pullRequest = v.looseObject({
  id,
  title: nullableString,
  url: nullableString,
  created_at: nullableString,
  head_branch_name: nullableString,
});

export const agentRunSchema = v.looseObject({
  id,
  organization_id: id,
  status: nullableString,
  created_at: nullableString,
  web_url: nullableString,
  result: nullableString,
  summary: nullableString,
  source_type: nullableString,
  github_pull_requests: v.fallback(v.nullish(v.array(pullRequest), null), null),
  metadata: nullableObject,
});

const agentRunLog = v.looseObject({
  agent_run_id: id,
  created_at: nullableString,
  tool_name: nullableString,
  message_type: nullableString,
  thought: nullableString,
  observation: v.fallback(v.nullish(v.union([v.string(), v.record(v.string(), v.unknown())]), null), null),
  tool_input: nullableObject,
  tool_output: nullableObject,
});

export const agentRunWithLogsSchema = v.looseObject({
  id,
  organization_id: id,
  status: nullableString,
  created_at: nullableString,
  web_url: nullableString,
  result: nullableString,
  metadata: nullableObject,
  logs: v.array(agentRunLog),
  total_logs: nullableInt,
  page: nullableInt,
  size: nullableInt,
  pages: nullableInt,
});

export const userSchema = v.looseObject({
  id,
  email: nullableString,
  github_user_id: v.union([v.string(), v.pipe(v.number(), v.transform(String))]),
  github_username: v.string(),
  avatar_url: nullableString,
  full_name: nullableString,
  role: nullableString,
  is_admin: nullableBoolean,
});

export const organizationSchema = v.looseObject({
  id,
  name: v.string(),
  settings: v.fallback(
    v.looseObject({
      enable_pr_creation: v.fallback(v.optional(v.boolean(), true), true),
      enable_rules_detection: v.fallback(v.optional(v.boolean(), true), true),
    }),
    { enable_pr_creation: true, enable_rules_detection: true },
  ),
});

export const repoSchema = v.looseObject({
  id,
  name: v.string(),
  full_name: v.string(),
  description: nullableString,
  github_id: v.union([v.string(), v.pipe(v.number(), v.transform(String))]),
  organization_id: id,
  visibility: nullableString,
  archived: nullableBoolean,
  setup_status: v.fallback(v.string(), 'UNKNOWN'),
  language: nullableString,
});

const strings = v.fallback(v.nullish(v.array(v.string()), []), []);

/**
 * `CheckSuiteSettingsResponse`. All six keys are required by the spec; only `check_retry_count`
 * is strict (whoever reads the settings decides on it), the rest fall back to empty.
 */
export const checkSuiteSettingsSchema = v.looseObject({
  check_retry_count: v.pipe(v.number(), v.integer()),
  ignored_checks: strings,
  check_retry_counts: v.fallback(v.nullish(v.record(v.string(), v.pipe(v.number(), v.integer())), {}), {}),
  custom_prompts: v.fallback(v.nullish(v.record(v.string(), v.string()), {}), {}),
  high_priority_apps: strings,
  available_check_suite_names: strings,
});

/** `Page[T]`: the five envelope keys are required by the spec. */
export function pageSchema<TItem extends v.GenericSchema>(item: TItem) {
  const count = v.pipe(v.number(), v.integer());
  return v.looseObject({ items: v.array(item), total: count, page: count, size: count, pages: count });
}

// Compile-time proof that the schemas produce the documented types.
type Produces<S extends v.GenericSchema, T> = v.InferOutput<S> extends T ? true : never;
const proofs: [
  Produces<typeof agentRunSchema, AgentRun>,
  Produces<typeof pullRequest, GithubPullRequest>,
  Produces<typeof agentRunLog, AgentRunLog>,
  Produces<typeof agentRunWithLogsSchema, AgentRunWithLogs>,
  Produces<typeof userSchema, CodegenUser>,
  Produces<typeof organizationSchema, Organization>,
  Produces<typeof repoSchema, Repo>,
  Produces<ReturnType<typeof pageSchema<typeof repoSchema>>, Page<Repo>>,
  Produces<typeof checkSuiteSettingsSchema, CheckSuiteSettings>,
] = [true, true, true, true, true, true, true, true, true];
void proofs;

// --- inputs (checked before sending, so a bad call fails fast with the field named) ---------

const positiveId = v.pipe(v.number(), v.integer(), v.minValue(1));
const images = v.nullish(v.array(v.pipe(v.string(), v.startsWith('data:', 'must be a data URI'))));

export const createRunInputSchema = v.object({
  prompt: v.pipe(v.string(), v.check((text) => text.trim() !== '', 'must not be empty')),
  repo_id: v.nullish(positiveId),
  metadata: v.nullish(v.record(v.string(), v.unknown())),
  model: v.nullish(v.pipe(v.string(), v.nonEmpty('must not be empty'))),
  agent_type: v.nullish(v.picklist(['codegen', 'claude_code'])),
  images,
});

export const resumeRunInputSchema = v.object({
  agent_run_id: positiveId,
  prompt: v.pipe(v.string(), v.check((text) => text.trim() !== '', 'must not be empty')),
  images,
});

export const pageQuerySchema = v.object({
  skip: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100))),
  user_id: v.optional(positiveId),
  source_type: v.optional(v.pipe(v.string(), v.nonEmpty())),
  reverse: v.optional(v.boolean()),
});

export const runIdSchema = positiveId;
export const repoIdSchema = positiveId;

/** `CheckSuiteSettingsRequest`: `check_retry_count` within 0..10 (the spec's bounds); no other keys. */
export const checkSuiteSettingsUpdateSchema = v.strictObject({
  check_retry_count: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10))),
  ignored_checks: v.nullish(v.array(v.string())),
  check_retry_counts: v.nullish(v.record(v.string(), v.pipe(v.number(), v.integer()))),
  custom_prompts: v.nullish(v.record(v.string(), v.string())),
  high_priority_apps: v.nullish(v.array(v.string())),
});

/** Formats valibot issues as `path: message`. */
export function formatIssues(issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.map((issue) => `${v.getDotPath(issue) ?? '(input)'}: ${issue.message}`);
}
