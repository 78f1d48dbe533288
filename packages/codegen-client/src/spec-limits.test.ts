/**
 * The client's default limits and the fake's limits are the spec's: both tables are compared
 * with the "Rate limit: N requests per M seconds/minute" sentences of the operation
 * descriptions in the vendored spec, vendor/codegen-api/openapi3.json (provenance in its README).
 */
import { readFileSync } from 'node:fs';
import { CODEGEN_RATE_LIMITS } from '@pco/testkit/codegen';
import { describe, expect, it } from 'vitest';
import { budgetOf, DEFAULT_RATE_LIMITS, type CodegenOperation } from './rate-limiter.js';

const spec = JSON.parse(
  readFileSync(new URL('../../../vendor/codegen-api/openapi3.json', import.meta.url), 'utf8'),
) as { paths: Record<string, Record<string, { description?: string }>> };

// The spec operation behind each client endpoint.
const OPERATIONS: Record<CodegenOperation, [string, string]> = {
  createRun: ['post', '/v1/organizations/{org_id}/agent/run'],
  getRun: ['get', '/v1/organizations/{org_id}/agent/run/{agent_run_id}'],
  listRuns: ['get', '/v1/organizations/{org_id}/agent/runs'],
  resumeRun: ['post', '/v1/organizations/{org_id}/agent/run/resume'],
  removeFromPr: ['post', '/v1/organizations/{org_id}/agent/run/remove-from-pr'],
  getRunLogs: ['get', '/v1/alpha/organizations/{org_id}/agent/run/{agent_run_id}/logs'],
  getCurrentUser: ['get', '/v1/users/me'],
  listOrganizations: ['get', '/v1/organizations'],
  listRepos: ['get', '/v1/organizations/{org_id}/repos'],
  getCheckSuiteSettings: ['get', '/v1/organizations/{org_id}/repos/check-suite-settings'],
  putCheckSuiteSettings: ['put', '/v1/organizations/{org_id}/repos/check-suite-settings'],
};

function specLimit(method: string, path: string): { limit: number; windowMs: number } | undefined {
  const description = spec.paths[path]?.[method]?.description;
  expect(description, `${method} ${path} is in the spec`).toBeTypeOf('string');
  const match = /Rate limit:\s*(\d+)\s+requests?\s+per\s+(?:(\d+)\s+)?(seconds?|minutes?)/i.exec(description as string);
  if (!match) return undefined;
  const amount = Number(match[2] ?? 1);
  return { limit: Number(match[1]), windowMs: amount * (/^min/i.test(match[3] as string) ? 60_000 : 1000) };
}

describe('rate limits match the spec', () => {
  it('resume takes its slots from the create budget (it states no limit of its own)', () => {
    expect(specLimit('post', OPERATIONS.resumeRun[1])).toBeUndefined();
    expect(budgetOf('resumeRun')).toBe('createRun');
    expect(budgetOf('getRun')).toBe('getRun');
  });

  for (const [operation, [method, path]] of Object.entries(OPERATIONS)) {
    it(`${operation}: client and fake use the spec's numbers`, () => {
      const expected = specLimit(method, path);
      expect(DEFAULT_RATE_LIMITS[operation as CodegenOperation]).toEqual(expected);
      expect(CODEGEN_RATE_LIMITS[operation as keyof typeof CODEGEN_RATE_LIMITS]).toEqual(expected);
    });
  }
});
