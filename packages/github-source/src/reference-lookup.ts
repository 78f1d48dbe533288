/**
 * The batched state lookup of references outside the task set (issues or pull requests named in
 * bodies and labels). One GraphQL query resolves up to {@link DEFAULT_LOOKUP_BATCH_SIZE}
 * references through aliases; a query that fails for a reason that concerns its data (a 5xx, a
 * timeout, an error GitHub reports for some aliases) turns into per-reference failures, never a
 * failed load. Only what concerns the whole load is thrown: bad credentials (401), a refusal (403),
 * an exhausted rate limit, an abort.
 */
import { PcoError } from '@pco/contract';
import { GitHubAbortError, GitHubApiError, toGitHubError } from './errors.js';
import type { GitHubClient } from './octokit.js';
import { isIssueNumber, MAX_ISSUE_NUMBER } from './parse-dependencies.js';
import { refKey, type ReferenceLookupFailure, type ReferenceState } from './resolve-dependencies.js';
import type { IssueLink } from './types.js';

/**
 * References per query. Each is one scalar lookup, no connection, so the query stays far below
 * GitHub's 500,000-node limit and costs 1 point
 * (https://docs.github.com/en/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api);
 * the limit that matters is the 10 s execution timeout, hence the split on timeouts below.
 * plugin-throttling starts GraphQL calls at most once a second, so the batch size is what
 * bounds the time: 10,000 references take 4 queries.
 */
export const DEFAULT_LOOKUP_BATCH_SIZE = 2500;

/** A batch at most this large that still times out is not split further. */
const MIN_SPLIT = 250;
/** Halvings allowed per lookup, so an outage that looks like timeouts cannot multiply the calls. */
const MAX_SPLITS = 8;

export interface LookupReferenceStatesOptions {
  /** References per GraphQL query. @default DEFAULT_LOOKUP_BATCH_SIZE */
  readonly batchSize?: number;
  /** Queries in flight at once (the client's throttling still spaces their starts). @default 4 */
  readonly concurrency?: number;
}

type Lookup = ReferenceState | ReferenceLookupFailure;

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+$/;

const FRAGMENT = 'fragment PcoRefState on IssueOrPullRequest { __typename ... on Issue { issueState: state } ... on PullRequest { prState: state } }';

interface GraphQLErrorLike {
  readonly type?: string;
  readonly message?: string;
  readonly path?: readonly (string | number)[];
}

type BatchData = Record<string, Record<string, { issueState?: string; prState?: string } | null> | null> | null | undefined;

/**
 * States of issues / pull requests by reference, batched (see the module comment). References
 * that do not resolve (NOT_FOUND) come back as `MISSING`; those that could not be looked up as
 * `{ state: 'UNKNOWN', reason }`. Throws only for aborts, 401, 403 and exhausted rate limits.
 */
export async function lookupReferenceStates(
  client: GitHubClient,
  refs: readonly IssueLink[],
  signal?: AbortSignal,
  options: LookupReferenceStatesOptions = {},
): Promise<Map<string, Lookup>> {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_LOOKUP_BATCH_SIZE));
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const out = new Map<string, Lookup>();
  const unique = new Map<string, IssueLink>();
  for (const r of refs) {
    const key = refKey(r.repo, r.number);
    if (out.has(key) || unique.has(key)) continue;
    if (!NAME_RE.test(r.repo)) out.set(key, 'MISSING');
    else if (!isIssueNumber(r.number)) out.set(key, { state: 'UNKNOWN', reason: `${r.number} is not an issue number (1 to ${MAX_ISSUE_NUMBER})` });
    else unique.set(key, r);
  }
  const queue: IssueLink[][] = [];
  const all = [...unique.values()];
  for (let i = 0; i < all.length; i += batchSize) queue.push(all.slice(i, i + batchSize));
  let splits = MAX_SPLITS;

  const runBatch = async (batch: readonly IssueLink[]): Promise<void> => {
    const big = batch.length > MIN_SPLIT && splits > 0;
    let data: BatchData;
    let errors: readonly GraphQLErrorLike[] = [];
    try {
      // A big batch is not retried in place: on a timeout it is split instead (below).
      data = await client.graphql(batchQuery(batch), { request: { signal, ...(big ? { retries: 0 } : {}) } });
    } catch (error) {
      const e = error as { name?: string; data?: BatchData; errors?: GraphQLErrorLike[] };
      const failure = toGitHubError(error, 'looking up dependency states');
      if (isFatal(failure, e.errors)) throw failure;
      if (e.name === 'GraphqlResponseError' && e.data) {
        data = e.data;
        errors = e.errors ?? [];
      } else if (big && looksLikeTimeout(failure)) {
        splits -= 1;
        const half = Math.ceil(batch.length / 2);
        queue.push(batch.slice(0, half), batch.slice(half));
        return;
      } else {
        const reason = failure.message;
        for (const r of batch) out.set(refKey(r.repo, r.number), { state: 'UNKNOWN', reason });
        return;
      }
    }
    readBatch(batch, data, errors, out);
  };

  // Bounded concurrency: each worker takes the next batch (splits join the queue).
  let active = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      if (queue.length === 0 && active === 0) return resolve();
      while (active < concurrency && queue.length > 0) {
        const batch = queue.shift()!;
        active += 1;
        runBatch(batch).then(() => {
          active -= 1;
          pump();
        }, reject);
      }
    };
    pump();
  });
  return out;
}

function batchQuery(batch: readonly IssueLink[]): string {
  const byRepo = new Map<string, IssueLink[]>();
  for (const r of batch) {
    const key = r.repo.toLowerCase();
    const list = byRepo.get(key);
    if (list) list.push(r);
    else byRepo.set(key, [r]);
  }
  const repos = [...byRepo.values()]
    .map((list, ri) => {
      // Names match NAME_RE (no quotes, no backslashes) and numbers are checked Ints: safe to inline.
      const [owner, name] = list[0]!.repo.split('/') as [string, string];
      const issues = list.map((r) => `i${r.number}: issueOrPullRequest(number: ${r.number}) { ...PcoRefState }`).join(' ');
      return `r${ri}: repository(owner: "${owner}", name: "${name}") { ${issues} }`;
    })
    .join('\n');
  return `query PcoReferenceStates {\n${repos}\n}\n${FRAGMENT}`;
}

/** Maps one batch's (possibly partial) data and errors to states. */
function readBatch(batch: readonly IssueLink[], data: BatchData, errors: readonly GraphQLErrorLike[], out: Map<string, Lookup>): void {
  const repoIndex = new Map<string, number>();
  for (const r of batch) if (!repoIndex.has(r.repo.toLowerCase())) repoIndex.set(r.repo.toLowerCase(), repoIndex.size);
  const errorAt = new Map<string, GraphQLErrorLike>();
  let general: GraphQLErrorLike | undefined;
  for (const e of errors) {
    if (e.path && e.path.length > 0) errorAt.set(e.path.slice(0, 2).join('.'), e);
    else general ??= e;
  }
  for (const r of batch) {
    const ri = `r${repoIndex.get(r.repo.toLowerCase())}`;
    const alias = `i${r.number}`;
    const node = data?.[ri]?.[alias];
    const state = node?.issueState ?? node?.prState;
    const key = refKey(r.repo, r.number);
    if (state === 'OPEN' || state === 'CLOSED' || state === 'MERGED') {
      out.set(key, state);
      continue;
    }
    const error = errorAt.get(`${ri}.${alias}`) ?? errorAt.get(ri) ?? (data?.[ri] === undefined ? general : undefined);
    if (error === undefined || error.type === 'NOT_FOUND') out.set(key, 'MISSING');
    else out.set(key, { state: 'UNKNOWN', reason: `GitHub answered: ${error.message ?? error.type ?? 'an error'}` });
  }
}

/** What stops the whole load: it is not about one reference. */
function isFatal(error: PcoError, graphqlErrors: readonly GraphQLErrorLike[] | undefined): boolean {
  if (error instanceof GitHubAbortError || error.code === 'CREDENTIALS_REJECTED') return true;
  const status = error instanceof GitHubApiError ? error.status : (error.context.status as number | undefined);
  if (status === 401 || status === 403) return true;
  return (graphqlErrors ?? []).some((e) => e.type === 'RATE_LIMITED') || /rate limit/i.test(error.message);
}

/** A failure that a smaller query may avoid (GitHub's 10 s limit answers 502/504 or "Something went wrong"). */
function looksLikeTimeout(error: PcoError): boolean {
  const status = error instanceof GitHubApiError ? error.status : undefined;
  return status === 500 || status === 502 || status === 503 || status === 504 || /timeout|timed out|something went wrong|resource limits/i.test(error.message);
}
