/**
 * What each REST route of the fake needs from the caller's token and user, after GitHub's
 * "Permissions required for fine-grained personal access tokens" and its repository-role table
 * (https://docs.github.com/en/rest/authentication/permissions-required-for-fine-grained-personal-access-tokens).
 */
import type { RepoNeed } from './access.js';

const ISSUES = ['issues', 'pull_requests'] as const;
/** The needs the routes share. */
const NEED = {
  meta: { anyOf: ['metadata'], level: 'read', role: 'read' },
  readIssues: { anyOf: ['issues'], level: 'read', role: 'read' },
  readIssueOrPull: { anyOf: ISSUES, level: 'read', role: 'read' },
  comment: { anyOf: ISSUES, level: 'write', role: 'read' },
  label: { anyOf: ISSUES, level: 'write', role: 'triage' },
  createLabel: { anyOf: ISSUES, level: 'write', role: 'write' },
  link: { anyOf: ['issues'], level: 'write', role: 'triage' },
  readPulls: { anyOf: ['pull_requests'], level: 'read', role: 'read' },
  merge: { anyOf: ['contents'], level: 'write', role: 'write' },
  readContents: { anyOf: ['contents'], level: 'read', role: 'read' },
  writeContents: { anyOf: ['contents'], level: 'write', role: 'write' },
  readChecks: { anyOf: ['checks'], level: 'read', role: 'read' },
  readStatuses: { anyOf: ['statuses'], level: 'read', role: 'read' },
  readActions: { anyOf: ['actions'], level: 'read', role: 'read' },
} as const satisfies Record<string, RepoNeed>;

/** What each repository route needs; routes without an entry (`/user`, `/rate_limit`) need nothing. */
export const ROUTE_NEEDS: Readonly<Record<string, RepoNeed>> = {
  'GET /repos/{owner}/{repo}': NEED.meta,
  'GET /repos/{owner}/{repo}/issues': NEED.readIssues,
  'GET /repos/{owner}/{repo}/issues/{issue_number}': NEED.readIssueOrPull,
  'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': NEED.readIssueOrPull,
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': NEED.comment,
  'GET /repos/{owner}/{repo}/issues/comments/{comment_id}': NEED.readIssueOrPull,
  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': NEED.comment,
  'GET /repos/{owner}/{repo}/issues/{issue_number}/labels': NEED.readIssueOrPull,
  'POST /repos/{owner}/{repo}/issues/{issue_number}/labels': NEED.label,
  'PUT /repos/{owner}/{repo}/issues/{issue_number}/labels': NEED.label,
  'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels': NEED.label,
  'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}': NEED.label,
  'GET /repos/{owner}/{repo}/labels': NEED.readIssueOrPull,
  'POST /repos/{owner}/{repo}/labels': NEED.createLabel,
  'GET /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by': NEED.readIssues,
  'GET /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocking': NEED.readIssues,
  'POST /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by': NEED.link,
  'GET /repos/{owner}/{repo}/issues/{issue_number}/sub_issues': NEED.readIssues,
  'GET /repos/{owner}/{repo}/issues/{issue_number}/parent': NEED.readIssues,
  'GET /repos/{owner}/{repo}/pulls/{pull_number}': NEED.readPulls,
  'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge': NEED.merge,
  'PUT /repos/{owner}/{repo}/pulls/{pull_number}/update-branch': NEED.writeContents,
  'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews': NEED.readPulls,
  'GET /repos/{owner}/{repo}/pulls/{pull_number}/comments': NEED.readPulls,
  'GET /repos/{owner}/{repo}/commits/{ref}/check-runs': NEED.readChecks,
  'GET /repos/{owner}/{repo}/commits/{ref}/status': NEED.readStatuses,
  'GET /repos/{owner}/{repo}/check-runs/{check_run_id}': NEED.readChecks,
  'GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations': NEED.readChecks,
  'GET /repos/{owner}/{repo}/actions/jobs/{job_id}': NEED.readActions,
  'GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs': NEED.readActions,
  'GET /repos/{owner}/{repo}/git/ref/{ref}': NEED.readContents,
  'POST /repos/{owner}/{repo}/git/refs': NEED.writeContents,
};
