/**
 * The lander's writes: update a branch (MERGE, never REBASE: it would rewrite the agent's
 * branch), enable auto-merge, merge, enqueue. Every one pins the head commit whose checks were
 * evaluated (`expectedHeadOid`), so a late push is never merged untested (research:
 * github-api.md §2.5, github-pr-lifecycle §3.1–3.3). A refusal by GitHub (a GraphQL error such as
 * "Head branch was modified" or "clean status") is returned as a reason; network failures throw.
 */
import { redactTokens, toGitHubError } from '../errors.js';
import type { GitHubClient } from '../octokit.js';

export type StepAction = 'update-branch' | 'merge' | 'auto-merge' | 'enqueue';

/** How a step went. */
export type StepResult = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly clean?: boolean };

const DOCUMENTS: Record<StepAction, string> = {
  'update-branch': `mutation PcoUpdateBranch($id: ID!, $head: GitObjectID!) {
    updatePullRequestBranch(input: { pullRequestId: $id, expectedHeadOid: $head, updateMethod: MERGE }) { pullRequest { headRefOid } } }`,
  merge: `mutation PcoLandMerge($id: ID!, $head: GitObjectID!, $mergeMethod: PullRequestMergeMethod!) {
    mergePullRequest(input: { pullRequestId: $id, expectedHeadOid: $head, mergeMethod: $mergeMethod }) { pullRequest { merged mergedAt } } }`,
  'auto-merge': `mutation PcoLandAutoMerge($id: ID!, $head: GitObjectID!, $mergeMethod: PullRequestMergeMethod!) {
    enablePullRequestAutoMerge(input: { pullRequestId: $id, expectedHeadOid: $head, mergeMethod: $mergeMethod }) { pullRequest { autoMergeRequest { enabledAt } } } }`,
  // enqueuePullRequest takes no merge method: the queue's configuration decides (research §3.3).
  enqueue: `mutation PcoEnqueue($id: ID!, $head: GitObjectID!) {
    enqueuePullRequest(input: { pullRequestId: $id, expectedHeadOid: $head }) { mergeQueueEntry { id state position } } }`,
};

/** Sends `action` for the pull request `id` at head `sha`. */
export async function runStep(client: GitHubClient, action: StepAction, id: string, sha: string, method: string, signal: AbortSignal): Promise<StepResult> {
  try {
    await client.graphql(DOCUMENTS[action], { id, head: sha, ...(action === 'merge' || action === 'auto-merge' ? { mergeMethod: method } : {}), request: { signal } });
    return { ok: true };
  } catch (error) {
    if ((error as { name?: string }).name !== 'GraphqlResponseError') throw toGitHubError(error, action);
    const e = toGitHubError(error, action);
    if (e.code === 'CREDENTIALS_REJECTED') throw e;
    const message = String((error as { errors?: { message?: string }[] }).errors?.[0]?.message ?? (error as Error).message);
    return { ok: false, reason: redactTokens(message), ...(/clean status/i.test(message) ? { clean: true } : {}) };
  }
}
