// Which GitHub failures refuse the token (the run stops, exit 2) and which concern one resource
// (that task's or reference's problem only).
import { describe, expect, it } from 'vitest';
import { toGitHubError } from './errors.js';

const rest = (status: number, message: string, headers: Record<string, string> = {}) => Object.assign(new Error(message), { name: 'HttpError', status, response: { headers } });
const graphql = (errors: { type: string; path?: string[] }[]) => Object.assign(new Error('graphql'), { name: 'GraphqlResponseError', errors: errors.map((e) => ({ ...e, message: e.type })) });

describe('toGitHubError: credential refusals', () => {
  it.each([
    ['401 Bad credentials', rest(401, 'Bad credentials')],
    ['403 of a fine-grained token', rest(403, 'Resource not accessible by personal access token')],
    ['403 of an App', rest(403, 'Resource not accessible by integration')],
    ['403 naming the permissions', rest(403, 'Forbidden', { 'x-accepted-github-permissions': 'issues=write' })],
    ['403 of a role too low', rest(403, 'Must have admin rights to Repository.')],
    ['GraphQL INSUFFICIENT_SCOPES', graphql([{ type: 'INSUFFICIENT_SCOPES' }])],
    ['GraphQL FORBIDDEN for the whole document', graphql([{ type: 'FORBIDDEN' }])],
  ])('%s stops the run', (_name, error) => {
    expect(toGitHubError(error, 'writing').code).toBe('CREDENTIALS_REJECTED');
  });

  it.each([
    ['an archived repository', rest(403, 'Repository was archived so is read-only.')],
    ['a locked issue', rest(403, 'Unable to create comment because issue is locked.')],
    ['a secondary rate limit', rest(403, 'You have exceeded a secondary rate limit.', { 'retry-after': '60' })],
    ['FORBIDDEN on one field (SAML SSO)', graphql([{ type: 'FORBIDDEN', path: ['r1'] }])],
  ])('%s concerns one resource only', (_name, error) => {
    expect(toGitHubError(error, 'writing').code).toBe('GITHUB_API');
  });

  it('never says "(undefined)": a GraphQL refusal names its type', () => {
    expect(toGitHubError(graphql([{ type: 'INSUFFICIENT_SCOPES' }]), 'reading the board').message).toContain('(INSUFFICIENT_SCOPES)');
  });
});
