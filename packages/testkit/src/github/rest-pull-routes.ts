/**
 * The REST routes of pull requests and CI (shapes of @octokit/openapi's `pulls/get`,
 * `pulls/merge`, `pulls/update-branch`, `pulls/list-reviews`, `pulls/list-review-comments`,
 * `checks/list-for-ref`, `checks/get`, `checks/list-annotations`,
 * `repos/get-combined-status-for-ref`, `actions/get-job-for-workflow-run`,
 * `actions/download-job-logs-for-workflow-run`; research github-pr-lifecycle.md §2–§3).
 */
import { PullCiJson } from './rest-pull-json.js';
import { DOCS, issueOf, notFound, paged, repoOf, route, validationFailed, type Handler, type RestContext, type RestRequest, type RestResponse, type Route } from './rest-routing.js';
import { latestChecks, latestStatuses, statusState, submittedReviews } from './pull-state.js';
import type { StoredCheckRun, StoredIssue, StoredRepo } from './store-types.js';

const error = (status: number, message: string, docs = DOCS): RestResponse => ({ status, body: { message, documentation_url: docs, status: String(status) } });

/** How long a log download link stays valid (research §2: one minute). */
const LOG_LINK_MS = 60_000;

export function pullRoutes(ctx: RestContext): Route[] {
  const { s } = ctx;
  const json = new PullCiJson(ctx);
  const withPull = (fn: (issue: StoredIssue, req: RestRequest) => RestResponse): Handler => (req) => {
    const issue = issueOf(ctx, req);
    return issue?.pull ? fn(issue, req) : notFound();
  };
  /** Every pull request of the repository (check runs and statuses live on them). */
  const pullsOf = (repo: StoredRepo) => [...repo.issues.values()].filter((i) => i.pull);
  /** A 40-hex sha or a branch name (`heads/` optional). */
  const shaOf = (repo: StoredRepo, ref: string) => (/^[0-9a-f]{40}$/.test(ref) ? ref : repo.refs.get(ref.replace(/^(refs\/)?heads\//, '')));
  const findRun = (req: RestRequest, id: number): { issue: StoredIssue; run: StoredCheckRun } | undefined => {
    const repo = repoOf(ctx, req);
    for (const issue of repo ? pullsOf(repo) : []) {
      const run = issue.pull!.checks.find((r) => r.id === id);
      if (run && run.startedAt <= s.pulls.t()) return { issue, run };
    }
    return undefined;
  };

  return [
    route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', withPull((i) => ({ status: 200, body: ctx.json.pullJson(i) }))),
    route('PUT', '/repos/{owner}/{repo}/pulls/{pull_number}/merge', withPull((i, req) => {
      const b = (req.body ?? {}) as { sha?: unknown; merge_method?: unknown };
      if (b.merge_method !== undefined && !['merge', 'squash', 'rebase'].includes(String(b.merge_method))) return validationFailed('PullRequest', 'merge_method', 'invalid');
      const why = s.pulls.mergeRefusal(i, typeof b.sha === 'string' ? b.sha : undefined);
      if (why === 'head-modified') return error(409, 'Head branch was modified. Review and try the merge again.');
      if (why === 'merge-queue-required') return error(405, 'Changes must be made through the merge queue');
      if (why) return error(405, 'Pull Request is not mergeable');
      const sha = s.pulls.merge(i, req.principal.login);
      return { status: 200, body: { sha, merged: true, message: 'Pull Request successfully merged' } };
    })),
    route('PUT', '/repos/{owner}/{repo}/pulls/{pull_number}/update-branch', withPull((i, req) => {
      const expected = (req.body as { expected_head_sha?: unknown } | null)?.expected_head_sha;
      const out = s.pulls.updateBranch(i, typeof expected === 'string' ? expected : undefined);
      const docs = 'https://docs.github.com/rest/pulls/pulls#update-a-pull-request-branch';
      if (out === 'head-modified') return error(422, "expected head sha didn't match current head ref.", docs);
      if (out === 'up-to-date') return error(422, 'There are no new commits on the base branch.', docs);
      if (out === 'conflict') return error(422, 'merge conflict between base and head', docs);
      if (out === 'closed' || out === 'already-merged') return error(422, 'Pull request is closed', docs);
      return { status: 202, body: { message: 'Updating pull request branch.', url: `https://github.com/${i.repo.fullName}/pull/${i.number}` } };
    })),
    route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', withPull((i, req) => paged(req, submittedReviews(i.pull!, s.pulls.t()).map((r) => json.reviewJson(i, r))))),
    route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/comments', withPull((i, req) =>
      paged(req, i.pull!.threads.flatMap((th) => th.comments).filter((c) => c.review.submittedAt <= s.pulls.t()).map((c) => json.reviewCommentJson(i, c))),
    )),
    route('GET', '/repos/{owner}/{repo}/commits/{ref}/check-runs', (req) => {
      const repo = repoOf(ctx, req);
      const sha = repo && shaOf(repo, req.params.ref ?? '');
      if (!repo || !sha) return validationFailed('Commit', 'sha', 'invalid', `No commit found for SHA: ${req.params.ref ?? ''}`);
      const t = s.pulls.t();
      const q = req.query;
      const filter = q.get('filter') ?? 'latest';
      if (!['latest', 'all'].includes(filter)) return validationFailed('CheckRun', 'filter', 'invalid');
      let runs = pullsOf(repo).flatMap((i) => (filter === 'all' ? i.pull!.checks.filter((r) => r.headSha === sha && r.startedAt <= t) : latestChecks(i.pull!, sha, t)).map((run) => ({ issue: i, run })));
      const name = q.get('check_name');
      if (name) runs = runs.filter((x) => x.run.name === name);
      const status = q.get('status');
      if (status) runs = runs.filter((x) => (x.run.completesAt <= t ? 'completed' : 'in_progress') === status);
      const all = runs.map((x) => json.checkRunJson(x.issue, x.run));
      return paged(req, all, (page) => ({ total_count: all.length, check_runs: page }));
    }),
    route('GET', '/repos/{owner}/{repo}/commits/{ref}/status', (req) => {
      const repo = repoOf(ctx, req);
      const sha = repo && shaOf(repo, req.params.ref ?? '');
      if (!repo || !sha) return notFound();
      const t = s.pulls.t();
      const statuses = pullsOf(repo).flatMap((i) => latestStatuses(i.pull!, sha, t));
      const states = statuses.map((x) => statusState(x, t));
      // Failure if any context errored or failed; pending if none reported or any pending (research §2).
      const state = states.some((x) => x === 'error' || x === 'failure') ? 'failure' : states.length === 0 || states.includes('pending') ? 'pending' : 'success';
      return {
        status: 200,
        body: {
          state,
          sha,
          total_count: statuses.length,
          statuses: statuses.map((x) => json.statusJson(repo, x)),
          repository: { id: repo.id, node_id: repo.nodeId, name: repo.name, full_name: repo.fullName },
          commit_url: `${ctx.baseUrl()}/repos/${repo.fullName}/commits/${sha}`,
          url: `${ctx.baseUrl()}/repos/${repo.fullName}/commits/${sha}/status`,
        },
      };
    }),
    route('GET', '/repos/{owner}/{repo}/check-runs/{check_run_id}', (req) => {
      const found = findRun(req, Number(req.params.check_run_id));
      return found ? { status: 200, body: json.checkRunJson(found.issue, found.run) } : notFound();
    }),
    route('GET', '/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations', (req) => {
      const found = findRun(req, Number(req.params.check_run_id));
      if (!found) return notFound();
      const done = found.run.completesAt <= s.pulls.t();
      return paged(req, (done ? found.run.annotations : []).map((a) => json.annotationJson(found.issue, found.run, a)));
    }),
    route('GET', '/repos/{owner}/{repo}/actions/jobs/{job_id}', (req) => {
      const found = findRun(req, Number(req.params.job_id));
      // Only GitHub Actions check runs are jobs (research §2: other apps' ids 404 here).
      return found && found.run.appSlug === 'github-actions' ? { status: 200, body: json.jobJson(found.issue, found.run) } : notFound();
    }),
    route('GET', '/repos/{owner}/{repo}/actions/jobs/{job_id}/logs', (req) => {
      const found = findRun(req, Number(req.params.job_id));
      if (!found || found.run.appSlug !== 'github-actions' || found.run.completesAt > s.pulls.t()) return notFound();
      const expires = s.pulls.t() + LOG_LINK_MS;
      return { status: 302, headers: { location: `${ctx.baseUrl()}/_fake-blob/job-logs/${found.run.id}?expires=${expires}` } };
    }),
  ];
}

/**
 * The blob host behind the 302 of the job-logs route: no authentication (Octokit does not send the
 * token across), plain text, the link expires after a minute of API time.
 */
export function blobResponse(ctx: RestContext, path: string, query: URLSearchParams): RestResponse | undefined {
  const m = /^\/_fake-blob\/job-logs\/(\d+)$/.exec(path);
  if (!m) return undefined;
  const id = Number(m[1]);
  const expires = Number(query.get('expires'));
  if (!(expires >= ctx.s.pulls.t())) return { status: 403, text: 'AuthenticationFailed: the link has expired.' };
  for (const repo of ctx.s.repos.values()) {
    for (const issue of repo.issues.values()) {
      const run = issue.pull?.checks.find((r) => r.id === id);
      if (run) return { status: 200, text: run.log };
    }
  }
  return { status: 404, text: 'BlobNotFound' };
}
