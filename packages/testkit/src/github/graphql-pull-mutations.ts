/**
 * The pull-request mutations: auto-merge on and off, merge, branch update, merge queue (enqueue,
 * dequeue). Preconditions and wording after research github-api.md §2.5 and
 * github-pr-lifecycle.md §3; every refusal is a GraphQL error of type UNPROCESSABLE with `null`
 * at the mutation's path, as GitHub answers.
 */
import { TypedGraphQLError, type Args } from './graphql-connection.js';
import type { MutationContext } from './graphql-mutations.js';
import type { PullRefusal } from './pull-engine.js';
import { mergeState, rulesFor } from './pull-state.js';
import type { StoredIssue, StoredPull } from './store-types.js';

/** GraphQL wording of a refusal (the ones marked unverified are the fake's guess). */
const MESSAGES: Record<PullRefusal, string> = {
  'already-merged': 'Pull request is already merged',
  closed: 'Pull request is closed',
  'head-modified': 'Head branch was modified. Review and try the merge again.',
  'not-mergeable': 'Pull Request is not mergeable',
  'merge-queue-required': 'Changes must be made through the merge queue',
  // Unverified wording.
  'no-merge-queue': 'Merge queue is not enabled for the base branch of this pull request',
  conflict: 'merge conflict between base and head',
  'up-to-date': 'There are no new commits on the base branch.',
  'already-queued': 'Pull request is already in the merge queue',
  // Unverified wording.
  'not-queued': 'Pull request is not in the merge queue',
};

const refuse = (why: PullRefusal, override?: string): never => {
  throw new TypedGraphQLError('UNPROCESSABLE', override ?? MESSAGES[why]);
};

const optionalOid = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function pullMutations(
  ctx: MutationContext,
  input: (a: Args) => Args,
  findPull: (id: unknown) => { pull: StoredIssue; p: StoredPull },
): Record<string, (a: Args) => unknown> {
  const engine = ctx.store.pulls;
  const payload = (i: Args, extra: Record<string, unknown>) => ({ clientMutationId: i.clientMutationId ?? null, ...extra });
  return {
    enablePullRequestAutoMerge: (a: Args) => {
      const i = input(a);
      const { pull, p } = findPull(i.pullRequestId);
      ctx.allow('enablePullRequestAutoMerge', pull.repo, i.pullRequestId);
      if (!pull.repo.autoMergeAllowed) refuse('not-mergeable', 'Auto merge is not allowed for this repository');
      if (pull.state !== 'open' || p.merged || p.draft) refuse('closed', 'Pull request is not in the correct state to enable auto-merge');
      const state = mergeState(pull, engine.t());
      // With a merge queue, auto-merge is "merge when ready": it queues the PR when requirements are met (research §3.3).
      if (!rulesFor(pull.repo, p.baseRef).mergeQueue) {
        if (state === 'CLEAN') refuse('not-mergeable', 'Pull request is in clean status');
        if (state === 'UNSTABLE') refuse('not-mergeable', 'Pull request is in unstable status');
      }
      const expected = optionalOid(i.expectedHeadOid);
      if (expected !== undefined && expected !== p.headSha) refuse('head-modified');
      p.autoMerge = { mergeMethod: String(i.mergeMethod ?? 'MERGE'), enabledAt: ctx.store.iso(engine.t()), enabledBy: ctx.principal.login };
      return payload(i, { pullRequest: ctx.issueView(pull), actor: ctx.actor(ctx.principal.login) });
    },
    disablePullRequestAutoMerge: (a: Args) => {
      const i = input(a);
      const { pull, p } = findPull(i.pullRequestId);
      ctx.allow('disablePullRequestAutoMerge', pull.repo, i.pullRequestId);
      p.autoMerge = null;
      return payload(i, { pullRequest: ctx.issueView(pull), actor: ctx.actor(ctx.principal.login) });
    },
    mergePullRequest: (a: Args) => {
      const i = input(a);
      const { pull } = findPull(i.pullRequestId);
      ctx.allow('mergePullRequest', pull.repo, i.pullRequestId);
      const why = engine.mergeRefusal(pull, optionalOid(i.expectedHeadOid));
      if (why) refuse(why);
      engine.merge(pull, ctx.principal.login);
      return payload(i, { pullRequest: ctx.issueView(pull), actor: ctx.actor(ctx.principal.login) });
    },
    updatePullRequestBranch: (a: Args) => {
      const i = input(a);
      const { pull } = findPull(i.pullRequestId);
      ctx.allow('updatePullRequestBranch', pull.repo, i.pullRequestId);
      const out = engine.updateBranch(pull, optionalOid(i.expectedHeadOid));
      if (out === 'head-modified') refuse(out, "expected head sha didn't match current head ref.");
      if (out in MESSAGES) refuse(out as PullRefusal);
      return payload(i, { pullRequest: ctx.issueView(pull) });
    },
    enqueuePullRequest: (a: Args) => {
      const i = input(a);
      const { pull } = findPull(i.pullRequestId);
      ctx.allow('enqueuePullRequest', pull.repo, i.pullRequestId);
      const out = engine.enqueue(pull, ctx.principal.login, optionalOid(i.expectedHeadOid), i.jump === true);
      if (typeof out === 'string') refuse(out);
      const entry = engine.entryOf(pull);
      return payload(i, { mergeQueueEntry: entry ? ctx.pulls.entryView(entry) : null });
    },
    dequeuePullRequest: (a: Args) => {
      const i = input(a);
      // The input's `id` is the pull request's id (schema description).
      const { pull } = findPull(i.id);
      ctx.allow('dequeuePullRequest', pull.repo, i.id);
      const entry = engine.entryOf(pull);
      if (!entry) refuse('not-queued');
      const view = ctx.pulls.entryView(entry!);
      engine.dequeue(pull);
      return payload(i, { mergeQueueEntry: view });
    },
  };
}
