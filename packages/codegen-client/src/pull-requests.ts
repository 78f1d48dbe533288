import type { PullRequestRef } from '@pco/contract';
import type { AgentRun, GithubPullRequest } from './types.js';

const PR_URL = /^https?:\/\/[^/]+\/([^/]+\/[^/]+)\/pull\/(\d+)/;

/**
 * A run's PR in the shape of pco's `PullRequestRef`. The API has no PR number or repo field
 * (research §4): both are parsed from `url`. Returns undefined for a PR without a URL.
 */
export function toPullRequestRef(pr: GithubPullRequest): PullRequestRef | undefined {
  if (!pr.url) return undefined;
  const match = PR_URL.exec(pr.url);
  return {
    url: pr.url,
    ...(match ? { repo: match[1] as string, number: Number(match[2]) } : {}),
    ...(pr.title ? { title: pr.title } : {}),
    ...(pr.head_branch_name ? { headBranch: pr.head_branch_name } : {}),
  };
}

/** Every PR of a run as `PullRequestRef`s (none when the field is null). */
export function pullRequestsOf(run: AgentRun): PullRequestRef[] {
  return (run.github_pull_requests ?? []).flatMap((pr) => toPullRequestRef(pr) ?? []);
}
