/**
 * Auto-merge of a done task's pull requests: a clean PR is merged (with the expected head),
 * otherwise GitHub's auto-merge is enabled (mode `auto`); when neither can happen, the outcome
 * says why.
 */
import type { PullRequestRef } from '@pco/contract';
import { redactTokens, toGitHubError } from './errors.js';
import type { EmitReporterEvent } from './events.js';
import type { GitHubClient } from './octokit.js';
import type { GitHubAutoMergeOptions } from './reporter-options.js';
import type { PullRequestMerge } from './result-comment.js';
import type { MergeOutcome } from './types.js';

interface PullRequestState {
  readonly repository: {
    readonly autoMergeAllowed: boolean;
    readonly pullRequest: {
      readonly id: string;
      readonly state: string;
      readonly isDraft: boolean;
      readonly merged: boolean;
      readonly mergeStateStatus: string;
      readonly headRefOid: string;
      readonly autoMergeRequest: { readonly enabledAt: string } | null;
    };
  };
}

const STATE_REASONS: Readonly<Record<string, string>> = {
  DIRTY: 'merge conflicts with the base branch',
  UNSTABLE: 'checks are failing',
  BLOCKED: 'blocked by required checks or reviews',
  BEHIND: 'the head branch is behind the base branch',
  DRAFT: 'the pull request is a draft',
  UNKNOWN: 'GitHub has not computed mergeability yet',
};

/** Merges (or queues) every pull request in turn, emitting a `merge` event for each. */
export async function mergePullRequests(
  client: GitHubClient,
  taskId: string,
  prs: readonly PullRequestRef[],
  options: Required<GitHubAutoMergeOptions>,
  emit: EmitReporterEvent,
  signal?: AbortSignal,
): Promise<PullRequestMerge[]> {
  const out: PullRequestMerge[] = [];
  for (const pr of prs) {
    const outcome = await mergePullRequest(client, pr, options, signal);
    out.push({ pr, outcome });
    emit('merge', { taskId, pullRequest: pr, outcome });
  }
  return out;
}

async function mergePullRequest(client: GitHubClient, pr: PullRequestRef, options: Required<GitHubAutoMergeOptions>, signal?: AbortSignal): Promise<MergeOutcome> {
  const located = locatePullRequest(pr);
  if (!located) return { status: 'not-merged', reason: `cannot tell the repository and number of ${pr.url}` };
  const [owner, name, number] = located;
  const mergeMethod = options.method.toUpperCase();
  let data: PullRequestState;
  try {
    data = await client.graphql<PullRequestState>(
      `query PcoPullRequestState($owner: String!, $name: String!, $number: Int!) {
        repository(owner: $owner, name: $name) { autoMergeAllowed pullRequest(number: $number) {
          id state isDraft merged mergeStateStatus headRefOid autoMergeRequest { enabledAt } } }
      }`,
      { owner, name, number, request: { signal } },
    );
  } catch (error) {
    const e = toGitHubError(error, `reading ${owner}/${name}#${number}`);
    if (e.code === 'GITHUB_NOT_FOUND') return { status: 'not-merged', reason: `${owner}/${name}#${number} does not exist or is not accessible` };
    throw e;
  }
  const p = data.repository.pullRequest;
  if (p.merged) return { status: 'already-merged' };
  if (p.state !== 'OPEN') return { status: 'not-merged', reason: 'the pull request is closed' };
  if (p.isDraft) return { status: 'not-merged', reason: 'the pull request is a draft' };
  if (p.autoMergeRequest) return { status: 'auto-merge-already-enabled' };
  const mergeNow = async (): Promise<MergeOutcome> => {
    try {
      await client.graphql(
        `mutation PcoMerge($id: ID!, $mergeMethod: PullRequestMergeMethod!, $head: GitObjectID!) {
          mergePullRequest(input: { pullRequestId: $id, mergeMethod: $mergeMethod, expectedHeadOid: $head }) { pullRequest { merged } }
        }`,
        { id: p.id, mergeMethod, head: p.headRefOid, request: { signal } },
      );
      return { status: 'merged' };
    } catch (error) {
      return { status: 'not-merged', reason: mergeFailureReason(error) };
    }
  };
  if (p.mergeStateStatus === 'CLEAN' || p.mergeStateStatus === 'HAS_HOOKS') return mergeNow();
  const blocked = STATE_REASONS[p.mergeStateStatus];
  if (options.mode === 'merge-when-clean') return { status: 'not-merged', reason: blocked ?? `merge state is ${p.mergeStateStatus}` };
  if (p.mergeStateStatus === 'DIRTY' || p.mergeStateStatus === 'UNSTABLE' || p.mergeStateStatus === 'DRAFT') {
    return { status: 'not-merged', reason: blocked ?? p.mergeStateStatus };
  }
  if (!data.repository.autoMergeAllowed) return { status: 'not-merged', reason: `auto-merge is not allowed in ${owner}/${name}, and ${blocked ?? 'the PR is not mergeable yet'}` };
  try {
    await client.graphql(
      `mutation PcoEnableAutoMerge($id: ID!, $mergeMethod: PullRequestMergeMethod!, $head: GitObjectID!) {
        enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: $mergeMethod, expectedHeadOid: $head }) { pullRequest { autoMergeRequest { enabledAt } } }
      }`,
      { id: p.id, mergeMethod, head: p.headRefOid, request: { signal } },
    );
    return { status: 'auto-merge-enabled' };
  } catch (error) {
    // Became mergeable meanwhile: GitHub refuses auto-merge on a clean PR (research §2.5).
    if (/clean status/i.test(String((error as Error).message))) return mergeNow();
    return { status: 'not-merged', reason: mergeFailureReason(error) };
  }
}

/** GitHub's refusal (a GraphQL error) as a reason; anything else (network, misuse) is rethrown. */
function mergeFailureReason(error: unknown): string {
  if ((error as { name?: string }).name !== 'GraphqlResponseError') throw error;
  const message = String((error as { errors?: { message?: string }[] }).errors?.[0]?.message ?? (error as Error).message ?? error);
  if (/head branch was modified/i.test(message)) return 'the head branch moved since the task finished';
  if (/not mergeable/i.test(message)) return 'the pull request is not mergeable';
  if (/unstable status/i.test(message)) return 'checks are failing';
  return redactTokens(message);
}

function locatePullRequest(pr: PullRequestRef): [string, string, number] | undefined {
  const m = /\/([^/\s]+)\/([^/\s]+)\/pulls?\/(\d+)/.exec(pr.url);
  const repo = pr.repo ?? (m ? `${m[1]}/${m[2]}` : undefined);
  const number = pr.number ?? (m ? Number(m[3]) : undefined);
  if (!repo || number === undefined) return undefined;
  const [owner, name] = repo.split('/');
  return owner && name ? [owner, name, number] : undefined;
}
