/**
 * What the lander knows of one pull request after a poll: its state, mergeability, review
 * decision and head commit's checks, normalised from GraphQL's `CheckRun | StatusContext` union
 * (research: github-pr-lifecycle §1.1, §7.10). Parsed with valibot so a response of an unexpected
 * shape fails naming the field.
 */
import * as v from 'valibot';
import { parseResponse } from '../response-schemas.js';

/** One check on the head commit, whatever produced it (a check run or a commit status). */
export interface CheckContext {
  readonly kind: 'check-run' | 'status';
  /** CheckRun `name` or StatusContext `context`. */
  readonly name: string;
  /** Normalised: NEUTRAL and SKIPPED count as success; CANCELLED, TIMED_OUT, … as failure. */
  readonly outcome: 'pending' | 'success' | 'failure';
  /** CheckRun conclusion / status, or StatusContext state, as GitHub spelled it. */
  readonly raw: string;
  readonly url?: string;
  /** CheckRun `databaseId` (the Actions job id for GitHub Actions runs). */
  readonly databaseId?: number;
  /** The app that made the check run (`github-actions`, …). */
  readonly app?: string;
  /** StatusContext `description`. */
  readonly description?: string;
}

/** The head commit's checks. `state` null: the commit has no checks or statuses (no CI). */
export interface ChecksSnapshot {
  readonly state: 'SUCCESS' | 'FAILURE' | 'ERROR' | 'PENDING' | 'EXPECTED' | null;
  readonly total: number;
  /** Failing contexts among those read (the first `contextsPerPullRequest`). */
  readonly failing: readonly CheckContext[];
  /** Failing contexts in all, from the counts by state. */
  readonly failingCount: number;
}

/** One latest review (per reviewer, pending ones excluded). */
export interface ReviewSnapshot {
  readonly id: string;
  readonly state: string;
  readonly author: string | undefined;
  readonly submittedAt: string | undefined;
  readonly commitOid: string | undefined;
}

/** A pull request as one poll saw it. */
export interface PullRequestSnapshot {
  readonly id: string;
  readonly number: number;
  readonly url: string;
  /** `owner/name`. */
  readonly repo: string;
  readonly state: 'OPEN' | 'CLOSED' | 'MERGED';
  readonly merged: boolean;
  readonly mergedAt: string | undefined;
  readonly isDraft: boolean;
  /** MERGEABLE | CONFLICTING | UNKNOWN (UNKNOWN: still being computed, re-read). */
  readonly mergeable: string;
  /** BEHIND | BLOCKED | CLEAN | DIRTY | DRAFT | HAS_HOOKS | UNKNOWN | UNSTABLE. */
  readonly mergeStateStatus: string;
  /** APPROVED | CHANGES_REQUESTED | REVIEW_REQUIRED, or null (nullable in the schema). */
  readonly reviewDecision: string | null;
  readonly headRefName: string;
  readonly headRefOid: string;
  readonly baseRefName: string;
  readonly baseRefOid: string;
  readonly isInMergeQueue: boolean;
  readonly isMergeQueueEnabled: boolean;
  readonly viewerCanUpdateBranch: boolean;
  readonly autoMergeEnabled: boolean;
  readonly autoMergeAllowed: boolean;
  readonly checks: ChecksSnapshot;
  readonly reviews: readonly ReviewSnapshot[];
}

/** The fields every poll reads, per pull request (the cheap shape: 2 connections per PR). */
export const pullRequestFields = (contexts: number): string => `
  id number url state merged mergedAt isDraft mergeable mergeStateStatus reviewDecision
  headRefName headRefOid baseRefName baseRefOid isInMergeQueue isMergeQueueEnabled viewerCanUpdateBranch
  autoMergeRequest { enabledAt }
  repository { nameWithOwner autoMergeAllowed }
  statusCheckRollup { state contexts(first: ${contexts}) {
    totalCount
    checkRunCountsByState { state count }
    statusContextCountsByState { state count }
    nodes { __typename
      ... on CheckRun { databaseId name status conclusion detailsUrl checkSuite { app { slug } } }
      ... on StatusContext { context state targetUrl description } } } }
  latestReviews(first: 10) { nodes { id state submittedAt author { login } commit { oid } } }`;

const Count = v.looseObject({ state: v.string(), count: v.number() });

const ContextNode = v.variant('__typename', [
  v.looseObject({
    __typename: v.literal('CheckRun'),
    databaseId: v.nullish(v.number()),
    name: v.string(),
    status: v.string(),
    conclusion: v.nullish(v.string()),
    detailsUrl: v.nullish(v.string()),
    checkSuite: v.nullish(v.looseObject({ app: v.nullish(v.looseObject({ slug: v.string() })) })),
  }),
  v.looseObject({
    __typename: v.literal('StatusContext'),
    context: v.string(),
    state: v.string(),
    targetUrl: v.nullish(v.string()),
    description: v.nullish(v.string()),
  }),
]);

export const PullRequestNodeSchema = v.looseObject({
  __typename: v.literal('PullRequest'),
  id: v.string(),
  number: v.number(),
  url: v.string(),
  state: v.picklist(['OPEN', 'CLOSED', 'MERGED']),
  merged: v.boolean(),
  mergedAt: v.nullish(v.string()),
  isDraft: v.boolean(),
  mergeable: v.string(),
  mergeStateStatus: v.string(),
  reviewDecision: v.nullish(v.string(), null),
  headRefName: v.string(),
  headRefOid: v.string(),
  baseRefName: v.string(),
  baseRefOid: v.string(),
  isInMergeQueue: v.boolean(),
  isMergeQueueEnabled: v.boolean(),
  viewerCanUpdateBranch: v.boolean(),
  autoMergeRequest: v.nullish(v.looseObject({ enabledAt: v.nullish(v.string()) })),
  repository: v.looseObject({ nameWithOwner: v.string(), autoMergeAllowed: v.boolean() }),
  statusCheckRollup: v.nullish(
    v.looseObject({
      state: v.string(),
      contexts: v.looseObject({
        totalCount: v.number(),
        checkRunCountsByState: v.nullish(v.array(Count)),
        statusContextCountsByState: v.nullish(v.array(Count)),
        nodes: v.nullish(v.array(v.nullable(ContextNode))),
      }),
    }),
  ),
  latestReviews: v.nullish(
    v.looseObject({
      nodes: v.nullish(
        v.array(
          v.nullable(
            v.looseObject({
              id: v.string(),
              state: v.string(),
              submittedAt: v.nullish(v.string()),
              author: v.nullish(v.looseObject({ login: v.string() })),
              commit: v.nullish(v.looseObject({ oid: v.string() })),
            }),
          ),
        ),
      ),
    }),
  ),
});

/** `nodes(ids:)` answers: a pull request, null (not found / not visible), or another type. */
const NodeSchema = v.nullable(v.union([PullRequestNodeSchema, v.looseObject({ __typename: v.string() })]));

export const PollResponseSchema = v.looseObject({
  rateLimit: v.nullish(v.looseObject({ cost: v.number(), remaining: v.number(), resetAt: v.string() })),
  nodes: v.array(NodeSchema),
});
export type PollResponse = v.InferOutput<typeof PollResponseSchema>;

/** Check-run conclusions that fail a check (research §7.10; a CANCELLED required run blocks: fail safe). */
const FAILED_CONCLUSIONS = new Set(['FAILURE', 'CANCELLED', 'TIMED_OUT', 'ACTION_REQUIRED', 'STARTUP_FAILURE', 'STALE']);
const FAILED_STATUS_STATES = new Set(['FAILURE', 'ERROR']);

/** Normalises one rollup context (CheckRun or StatusContext). */
export function normalizeContext(node: v.InferOutput<typeof ContextNode>): CheckContext {
  if (node.__typename === 'CheckRun') {
    const conclusion = node.conclusion ?? undefined;
    const outcome = node.status !== 'COMPLETED' || conclusion === undefined ? 'pending' : FAILED_CONCLUSIONS.has(conclusion) ? 'failure' : 'success';
    return {
      kind: 'check-run',
      name: node.name,
      outcome,
      raw: conclusion ?? node.status,
      ...(node.detailsUrl ? { url: node.detailsUrl } : {}),
      ...(typeof node.databaseId === 'number' ? { databaseId: node.databaseId } : {}),
      ...(node.checkSuite?.app?.slug ? { app: node.checkSuite.app.slug } : {}),
    };
  }
  const outcome = FAILED_STATUS_STATES.has(node.state) ? 'failure' : node.state === 'SUCCESS' ? 'success' : 'pending';
  return {
    kind: 'status',
    name: node.context,
    outcome,
    raw: node.state,
    ...(node.targetUrl ? { url: node.targetUrl } : {}),
    ...(node.description ? { description: node.description } : {}),
  };
}

const failingIn = (counts: readonly { state: string; count: number }[] | null | undefined, failed: ReadonlySet<string>): number =>
  (counts ?? []).reduce((n, c) => n + (failed.has(c.state) ? c.count : 0), 0);

/** The snapshot of one `PullRequest` node. */
export function toSnapshot(node: v.InferOutput<typeof PullRequestNodeSchema>): PullRequestSnapshot {
  const rollup = node.statusCheckRollup ?? null;
  const contexts = (rollup?.contexts.nodes ?? []).filter((n) => n !== null).map(normalizeContext);
  const failing = contexts.filter((c) => c.outcome === 'failure');
  const failingCount = rollup
    ? Math.max(failing.length, failingIn(rollup.contexts.checkRunCountsByState, FAILED_CONCLUSIONS) + failingIn(rollup.contexts.statusContextCountsByState, FAILED_STATUS_STATES))
    : 0;
  // A rollup with no contexts is no CI (research §7.2), not "pending".
  const state = rollup && rollup.contexts.totalCount > 0 ? (rollup.state as ChecksSnapshot['state']) : null;
  return {
    id: node.id,
    number: node.number,
    url: node.url,
    repo: node.repository.nameWithOwner,
    state: node.state,
    merged: node.merged,
    mergedAt: node.mergedAt ?? undefined,
    isDraft: node.isDraft,
    mergeable: node.mergeable,
    mergeStateStatus: node.mergeStateStatus,
    reviewDecision: node.reviewDecision ?? null,
    headRefName: node.headRefName,
    headRefOid: node.headRefOid,
    baseRefName: node.baseRefName,
    baseRefOid: node.baseRefOid,
    isInMergeQueue: node.isInMergeQueue,
    isMergeQueueEnabled: node.isMergeQueueEnabled,
    viewerCanUpdateBranch: node.viewerCanUpdateBranch,
    autoMergeEnabled: Boolean(node.autoMergeRequest),
    autoMergeAllowed: node.repository.autoMergeAllowed,
    checks: { state, total: rollup?.contexts.totalCount ?? 0, failing, failingCount },
    reviews: (node.latestReviews?.nodes ?? [])
      .filter((r) => r !== null)
      .map((r) => ({ id: r.id, state: r.state, author: r.author?.login, submittedAt: r.submittedAt ?? undefined, commitOid: r.commit?.oid })),
  };
}

/**
 * Parses a poll's data: per requested id, its snapshot, or null when GitHub could not resolve it
 * (deleted, not visible) or it is not a pull request.
 */
export function parsePoll(data: unknown, ids: readonly string[]): { readonly snapshots: readonly (PullRequestSnapshot | null)[]; readonly rateLimit: PollResponse['rateLimit'] } {
  const parsed = parseResponse(PollResponseSchema, data, 'polling pull requests');
  const snapshots = ids.map((_, i) => {
    const node = parsed.nodes[i];
    if (!node || node.__typename !== 'PullRequest') return null;
    return toSnapshot(parseResponse(PullRequestNodeSchema, node, 'polling pull requests'));
  });
  return { snapshots, rateLimit: parsed.rateLimit };
}
