/**
 * The check-suite auto-fixer settings of the fake's repositories
 * (`GET`/`PUT /v1/organizations/{org_id}/repos/check-suite-settings?repo_id=`): the stored
 * settings and the validation of an update (`CheckSuiteSettingsRequest`, pydantic v2 shapes).
 */
import { intIssue, isPlainObject, laxInt, type ValidationIssue } from './http.js';
import type { FakeCheckSuiteSettings } from './types.js';

/** Codegen's documented default: 3 fix attempts per PR (research: github-pr-lifecycle §6). */
export const DEFAULT_CHECK_SUITE_SETTINGS: FakeCheckSuiteSettings = Object.freeze({
  check_retry_count: 3,
  ignored_checks: [],
  check_retry_counts: {},
  custom_prompts: {},
  high_priority_apps: [],
  available_check_suite_names: [],
});

const FIELDS = ['check_retry_count', 'ignored_checks', 'check_retry_counts', 'custom_prompts', 'high_priority_apps'];

/** Settings per repository id, defaults filled in. */
export class CheckSuiteSettingsBook {
  readonly #settings = new Map<number, FakeCheckSuiteSettings>();

  constructor(repoIds: readonly number[], initial: Readonly<Record<number, Partial<FakeCheckSuiteSettings>>> = {}) {
    for (const id of repoIds) this.#settings.set(id, { ...DEFAULT_CHECK_SUITE_SETTINGS, ...initial[id] });
  }

  get(repoId: number): FakeCheckSuiteSettings | undefined {
    const settings = this.#settings.get(repoId);
    return settings && structuredClone(settings);
  }

  /** Applies a validated update: absent and null fields are left as they are (an inference: the spec makes each optional and nullable). */
  update(repoId: number, body: Readonly<Record<string, unknown>>): FakeCheckSuiteSettings | undefined {
    const current = this.#settings.get(repoId);
    if (!current) return undefined;
    const next: Record<string, unknown> = { ...current };
    for (const field of FIELDS) if (body[field] !== undefined && body[field] !== null) next[field] = body[field];
    this.#settings.set(repoId, next as unknown as FakeCheckSuiteSettings);
    return this.get(repoId);
  }
}

/**
 * Validates a `CheckSuiteSettingsRequest` body into `issues`; returns it with integers parsed.
 * Unknown fields are refused (`extra_forbidden`), stricter than FastAPI's default, so a client
 * that misspells a field learns it in tests.
 */
export function validateCheckSuiteSettingsBody(body: Record<string, unknown>, issues: ValidationIssue[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const key of Object.keys(body)) {
    if (!FIELDS.includes(key)) issues.push({ type: 'extra_forbidden', loc: ['body', key], msg: 'Extra inputs are not permitted', input: body[key] });
  }
  const count = body['check_retry_count'];
  if (count !== undefined && count !== null) {
    const value = laxInt(count);
    if (value === undefined) issues.push(intIssue('body', 'check_retry_count', count));
    else if (value < 0) {
      issues.push({ type: 'greater_than_equal', loc: ['body', 'check_retry_count'], msg: 'Input should be greater than or equal to 0', input: count, ctx: { ge: 0 } });
    } else if (value > 10) {
      issues.push({ type: 'less_than_equal', loc: ['body', 'check_retry_count'], msg: 'Input should be less than or equal to 10', input: count, ctx: { le: 10 } });
    } else out['check_retry_count'] = value;
  }
  for (const name of ['ignored_checks', 'high_priority_apps']) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) {
      issues.push({ type: 'list_type', loc: ['body', name], msg: 'Input should be a valid list', input: value });
      continue;
    }
    value.forEach((item, index) => {
      if (typeof item !== 'string') issues.push({ type: 'string_type', loc: ['body', name, index], msg: 'Input should be a valid string', input: item });
    });
  }
  for (const [name, kind] of [['check_retry_counts', 'int'], ['custom_prompts', 'string']] as const) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (!isPlainObject(value)) {
      issues.push({ type: 'dict_type', loc: ['body', name], msg: 'Input should be a valid dictionary', input: value });
      continue;
    }
    const parsed: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (kind === 'string') {
        if (typeof item !== 'string') issues.push({ type: 'string_type', loc: ['body', name, key], msg: 'Input should be a valid string', input: item });
        parsed[key] = item;
        continue;
      }
      const number = laxInt(item);
      if (number === undefined) issues.push({ ...intIssue('body', name, item), loc: ['body', name, key] });
      parsed[key] = number;
    }
    out[name] = parsed;
  }
  return out;
}
