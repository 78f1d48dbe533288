/**
 * The heavier detail a follow-up quotes, fetched only when a reaction needs it (never on the
 * poll): a failing check run's output, annotations and, for GitHub Actions, the tail of its job
 * log; a change request's body and inline comments. Every piece is optional: a 404 / 410 (logs
 * expire after 90 days, other apps' runs have no Actions job) or 403 leaves it out.
 * Sources: research github-pr-lifecycle §2 (check-run id = job id for Actions; logs 302 to a
 * short-lived URL that Octokit follows), §7.7–7.8.
 */
import { toGitHubError } from '../errors.js';
import type { GitHubClient } from '../octokit.js';
import type { LanderSettings } from './options.js';
import type { CheckContext, PullRequestSnapshot } from './snapshot.js';

/** A failing check with what could be fetched about it. */
export interface FailingCheckDetail {
  readonly check: CheckContext;
  readonly title?: string;
  readonly summary?: string;
  readonly annotations: readonly { readonly path: string; readonly line: number | undefined; readonly level: string; readonly message: string }[];
  /** Lines of the job log around the first error (or its tail). */
  readonly log?: string;
}

/** A change request with its inline comments. */
export interface ReviewDetail {
  readonly author: string | undefined;
  readonly body: string;
  readonly comments: readonly { readonly path: string; readonly line: number | undefined; readonly body: string }[];
}

const OPTIONAL = new Set([403, 404, 410]);

/** Runs `fn`; an optional-resource status (403/404/410) yields undefined, anything else throws. */
async function optional<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (OPTIONAL.has((error as { status?: number }).status ?? 0)) return undefined;
    throw error;
  }
}

/** Lines around the first `##[error]` (GitHub Actions' error marker), else the last `lines`. */
export function logExcerpt(text: string, lines: number): string {
  if (lines <= 0) return '';
  const all = text.replace(/\r\n/g, '\n').split('\n');
  const first = all.findIndex((l) => l.includes('##[error]'));
  const end = first < 0 ? all.length : Math.min(all.length, first + Math.ceil(lines / 2));
  return all.slice(Math.max(0, end - lines), end).join('\n');
}

const clip = (s: string | null | undefined, max: number): string | undefined => (s ? (s.length > max ? `${s.slice(0, max)}…` : s) : undefined);

const FAILED_REST = new Set(['failure', 'cancelled', 'timed_out', 'action_required', 'startup_failure', 'stale']);

/**
 * The failing checks: those the poll read, plus, when the counts say there are more than it read
 * (it reads the first `contextsPerPullRequest`), the failing check runs of the head commit.
 */
async function allFailing(settings: LanderSettings, pr: PullRequestSnapshot, signal: AbortSignal): Promise<CheckContext[]> {
  const known = [...pr.checks.failing];
  if (pr.checks.failingCount <= known.length) return known;
  const [owner, repo] = pr.repo.split('/') as [string, string];
  const listed = await optional(() =>
    settings.client.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { owner, repo, ref: pr.headRefOid, status: 'completed', per_page: 100, request: { signal } }),
  );
  for (const run of listed?.data.check_runs ?? []) {
    if (!run.conclusion || !FAILED_REST.has(run.conclusion) || known.some((c) => c.databaseId === Number(run.id))) continue;
    known.push({
      kind: 'check-run',
      name: run.name,
      outcome: 'failure',
      raw: run.conclusion.toUpperCase(),
      databaseId: Number(run.id),
      ...(run.details_url ? { url: run.details_url } : {}),
      ...(run.app?.slug ? { app: run.app.slug } : {}),
    });
  }
  return known;
}

/** Details of the failing checks of `pr` (at most `details.maxChecks` of them fetched). */
export async function failingCheckDetails(settings: LanderSettings, pr: PullRequestSnapshot, signal: AbortSignal): Promise<FailingCheckDetail[]> {
  const { client, details } = settings;
  const [owner, repo] = pr.repo.split('/') as [string, string];
  const out: FailingCheckDetail[] = [];
  let failing: CheckContext[];
  try {
    failing = await allFailing(settings, pr, signal);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    failing = [...pr.checks.failing];
    settings.logger.warn(`could not list the check runs of ${pr.repo}#${pr.number}`, { error: toGitHubError(error, 'listing check runs').message });
  }
  for (const [i, check] of failing.entries()) {
    if (i >= details.maxChecks || check.kind !== 'check-run' || check.databaseId === undefined) {
      out.push({ check, annotations: [] });
      continue;
    }
    const id = check.databaseId;
    try {
      const run = await optional(() => client.request('GET /repos/{owner}/{repo}/check-runs/{check_run_id}', { owner, repo, check_run_id: id, request: { signal } }));
      const annotations =
        details.maxAnnotations > 0 && (run?.data.output.annotations_count ?? 1) > 0
          ? await optional(() =>
              client.request('GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations', { owner, repo, check_run_id: id, per_page: details.maxAnnotations, request: { signal } }),
            )
          : undefined;
      // Only GitHub Actions' check runs are jobs (their id is the job id); other apps' have no logs.
      const log =
        check.app === 'github-actions' && details.logTailLines > 0
          ? await optional(() => client.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', { owner, repo, job_id: id, request: { signal } }))
          : undefined;
      const output = run?.data.output;
      out.push({
        check,
        ...(output?.title ? { title: output.title } : {}),
        ...(clip(output?.summary ?? output?.text, 4000) ? { summary: clip(output?.summary ?? output?.text, 4000)! } : {}),
        annotations: (annotations?.data ?? []).map((a) => ({ path: a.path, line: a.start_line ?? undefined, level: a.annotation_level ?? 'failure', message: clip(a.message, 500) ?? '' })),
        ...(typeof log?.data === 'string' && log.data ? { log: logExcerpt(log.data, details.logTailLines) } : {}),
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      // The follow-up still goes out, with the names and links the poll gave.
      settings.logger.warn(`could not fetch details of check ${check.name} on ${pr.repo}#${pr.number}`, { error: toGitHubError(error, 'reading a check run').message });
      out.push({ check, annotations: [] });
    }
  }
  return out;
}

interface ReviewNode {
  readonly node: {
    readonly body?: string | null;
    readonly author?: { readonly login: string } | null;
    readonly comments?: { readonly nodes?: readonly ({ readonly path: string; readonly line?: number | null; readonly originalLine?: number | null; readonly body: string } | null)[] | null } | null;
  } | null;
}

/** The change request `reviewId` with its inline comments (one small GraphQL query). */
export async function reviewDetail(client: GitHubClient, reviewId: string, maxComments: number, signal: AbortSignal): Promise<ReviewDetail> {
  let data: ReviewNode;
  try {
    data = await client.graphql<ReviewNode>(
      `query PcoReviewDetail($id: ID!, $comments: Int!) {
        node(id: $id) { ... on PullRequestReview { body author { login } comments(first: $comments) { nodes { path line originalLine body } } } }
      }`,
      { id: reviewId, comments: Math.max(1, maxComments), request: { signal } },
    );
  } catch (error) {
    throw toGitHubError(error, 'reading a review');
  }
  const node = data.node;
  return {
    author: node?.author?.login,
    body: clip(node?.body, 4000) ?? '',
    comments: (node?.comments?.nodes ?? [])
      .filter((c) => c !== null)
      .map((c) => ({ path: c.path, line: c.line ?? c.originalLine ?? undefined, body: clip(c.body, 1500) ?? '' })),
  };
}
