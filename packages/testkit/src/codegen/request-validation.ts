/**
 * Request validation in FastAPI/pydantic v2 shapes: path parameters, paging and filter query
 * parameters, and the JSON bodies of create, resume and remove-from-pr. Every issue is collected
 * so a 422 lists them all at once, as FastAPI does.
 */
import { validateCheckSuiteSettingsBody } from './check-suite-settings.js';
import { intIssue, isPlainObject, laxInt, type ValidationIssue } from './http.js';
import type { FakeCodegenOperation } from './rate-limits.js';
import type { Route } from './routes.js';

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

/** What a valid request carries, or the issues that make it a 422. */
export interface ValidatedRequest {
  readonly issues: readonly ValidationIssue[];
  /** Path parameters by name (`org_id`, `agent_run_id`, `user_id`), as integers. */
  readonly ids: Readonly<Record<string, number>>;
  readonly skip: number;
  readonly limit: number;
  readonly body: Record<string, unknown>;
}

/** Validates a request for `route`: path parameters, then query parameters, then the body. */
export function validateRequest(route: Route, path: string, query: URLSearchParams, raw: string): ValidatedRequest {
  const { operation } = route;
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
  const skip = paged ? (queryInt(query, 'skip', issues, { ge: 0, default: 0 }) ?? 0) : 0;
  const limit = paged ? (queryInt(query, 'limit', issues, { ge: 1, le: 100, default: 100 }) ?? 100) : 100;
  if (operation === 'listRuns') {
    queryInt(query, 'user_id', issues, {});
    const sourceType = query.get('source_type');
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
    const reverse = query.get('reverse');
    if (reverse !== null && !['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(reverse.toLowerCase())) {
      issues.push({ type: 'bool_parsing', loc: ['query', 'reverse'], msg: 'Input should be a valid boolean, unable to interpret input', input: reverse });
    }
  }
  if (operation === 'getCheckSuiteSettings' || operation === 'putCheckSuiteSettings') {
    if (query.get('repo_id') === null) issues.push({ type: 'missing', loc: ['query', 'repo_id'], msg: 'Field required', input: null });
    else {
      const repoId = queryInt(query, 'repo_id', issues, {});
      if (repoId !== undefined) ids['repo_id'] = repoId;
    }
  }
  const body = validateBody(operation, raw, issues);
  return { issues, ids, skip, limit, body };
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

function validateBody(operation: FakeCodegenOperation, raw: string, issues: ValidationIssue[]): Record<string, unknown> {
  if (!['createRun', 'resumeRun', 'removeFromPr', 'putCheckSuiteSettings'].includes(operation)) return {};
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
  if (operation === 'putCheckSuiteSettings') return validateCheckSuiteSettingsBody(body, issues);
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
    // ResumeAgentRunInput: unknown fields are refused (`extra_forbidden`), stricter than
    // FastAPI's default, so a client that misspells a field learns it in tests.
    for (const key of Object.keys(body)) {
      if (!['agent_run_id', 'prompt', 'images'].includes(key)) {
        issues.push({ type: 'extra_forbidden', loc: ['body', key], msg: 'Extra inputs are not permitted', input: body[key] });
      }
    }
  }
  return out;
}
