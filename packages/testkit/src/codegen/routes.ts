/** The fake Codegen's routes: the API paths as in the spec, each naming its operation. */
import type { FakeCodegenOperation } from './rate-limits.js';

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly pattern: RegExp;
  readonly operation: FakeCodegenOperation;
  readonly params: readonly string[];
}

// Paths as in the spec; FastAPI matches in order, so `/agent/run/resume` is declared before
// `/agent/run/{agent_run_id}` for POST, and a GET on `/agent/run/resume` is a 422 (not an int).
export const ROUTES: readonly Route[] = [
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
  {
    method: 'GET',
    pattern: /^\/v1\/organizations\/([^/]+)\/repos\/check-suite-settings$/,
    operation: 'getCheckSuiteSettings',
    params: ['org_id'],
  },
  {
    method: 'PUT',
    pattern: /^\/v1\/organizations\/([^/]+)\/repos\/check-suite-settings$/,
    operation: 'putCheckSuiteSettings',
    params: ['org_id'],
  },
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
