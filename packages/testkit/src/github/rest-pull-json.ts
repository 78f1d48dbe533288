/** The REST JSON of reviews, review comments, check runs, annotations, statuses and Actions jobs (2022-11-28 shapes). */
import type { RestContext } from './rest-routing.js';
import type { StoredCheckRun, StoredIssue, StoredRepo, StoredReview, StoredReviewComment, StoredStatus } from './store-types.js';
import { statusState } from './pull-state.js';

export class PullCiJson {
  constructor(private readonly ctx: RestContext) {}

  private get t(): number {
    return this.ctx.s.pulls.t();
  }

  private iso(ms: number): string {
    return this.ctx.s.iso(ms);
  }

  private api(repo: StoredRepo): string {
    return `${this.ctx.baseUrl()}/repos/${repo.fullName}`;
  }

  reviewJson(issue: StoredIssue, r: StoredReview) {
    const html = `https://github.com/${issue.repo.fullName}/pull/${issue.number}#pullrequestreview-${r.id}`;
    const pullUrl = `${this.api(issue.repo)}/pulls/${issue.number}`;
    return {
      id: r.id,
      node_id: r.nodeId,
      user: this.ctx.json.user(r.author),
      body: r.body,
      state: r.state,
      html_url: html,
      pull_request_url: pullUrl,
      author_association: 'MEMBER',
      submitted_at: this.iso(r.submittedAt),
      commit_id: r.commitSha,
      _links: { html: { href: html }, pull_request: { href: pullUrl } },
    };
  }

  reviewCommentJson(issue: StoredIssue, c: StoredReviewComment) {
    const at = this.iso(c.review.submittedAt);
    const html = `https://github.com/${issue.repo.fullName}/pull/${issue.number}#discussion_r${c.id}`;
    const url = `${this.api(issue.repo)}/pulls/comments/${c.id}`;
    return {
      id: c.id,
      node_id: c.nodeId,
      url,
      pull_request_review_id: c.review.id,
      diff_hunk: `@@ -${c.line},1 +${c.line},1 @@`,
      path: c.path,
      position: c.line,
      original_position: c.line,
      commit_id: issue.pull!.headSha,
      original_commit_id: c.commitSha,
      user: this.ctx.json.user(c.author),
      body: c.body,
      created_at: at,
      updated_at: at,
      html_url: html,
      pull_request_url: `${this.api(issue.repo)}/pulls/${issue.number}`,
      author_association: 'MEMBER',
      start_line: null,
      original_start_line: null,
      line: c.line,
      original_line: c.line,
      side: 'RIGHT',
      subject_type: 'line',
      _links: { self: { href: url }, html: { href: html }, pull_request: { href: `${this.api(issue.repo)}/pulls/${issue.number}` } },
    };
  }

  private app(slug: string) {
    const actions = slug === 'github-actions';
    return { id: actions ? 15368 : 1, slug, node_id: `MDM6QXBwJ${slug}`, name: actions ? 'GitHub Actions' : slug, owner: this.ctx.json.user('github'), description: '', external_url: 'https://help.github.com/en/actions', html_url: `https://github.com/apps/${slug}`, created_at: '2018-07-30T09:30:17Z', updated_at: '2024-04-10T20:33:16Z', permissions: {}, events: [] };
  }

  checkRunJson(issue: StoredIssue, r: StoredCheckRun) {
    const repo = issue.repo;
    const done = r.completesAt <= this.t;
    const url = `${this.api(repo)}/check-runs/${r.id}`;
    const p = issue.pull!;
    return {
      id: r.id,
      head_sha: r.headSha,
      node_id: r.nodeId,
      external_id: '',
      url,
      html_url: `https://github.com/${repo.fullName}/runs/${r.id}`,
      details_url: r.appSlug === 'github-actions' ? `https://github.com/${repo.fullName}/actions/runs/${r.runId}/job/${r.id}` : `https://ci.example.com/${r.appSlug}/${r.id}`,
      status: done ? 'completed' : 'in_progress',
      conclusion: done ? r.conclusion : null,
      started_at: this.iso(r.startedAt),
      completed_at: done ? this.iso(r.completesAt) : null,
      output: {
        title: done ? r.title : null,
        summary: done ? r.summary : null,
        text: done ? r.text : null,
        annotations_count: done ? r.annotations.length : 0,
        annotations_url: `${url}/annotations`,
      },
      name: r.name,
      check_suite: { id: r.runId },
      app: this.app(r.appSlug),
      pull_requests: [
        {
          id: issue.id,
          number: issue.number,
          url: `${this.api(repo)}/pulls/${issue.number}`,
          head: { ref: p.headRef, sha: p.headSha, repo: { id: repo.id, url: this.api(repo), name: repo.name } },
          base: { ref: p.baseRef, sha: repo.refs.get(p.baseRef) ?? p.baseSha, repo: { id: repo.id, url: this.api(repo), name: repo.name } },
        },
      ],
    };
  }

  annotationJson(issue: StoredIssue, r: StoredCheckRun, a: StoredCheckRun['annotations'][number]) {
    return {
      path: a.path,
      start_line: a.line,
      end_line: a.line,
      start_column: null,
      end_column: null,
      annotation_level: a.level,
      title: null,
      message: a.message,
      raw_details: null,
      blob_href: `https://github.com/${issue.repo.fullName}/blob/${r.headSha}/${a.path}`,
    };
  }

  statusJson(repo: StoredRepo, s: StoredStatus) {
    const at = this.iso(statusState(s, this.t) === 'pending' ? s.createdAt : s.completesAt);
    return {
      id: s.id,
      node_id: s.nodeId,
      url: `${this.api(repo)}/statuses/${s.sha}`,
      avatar_url: null,
      state: statusState(s, this.t),
      description: s.description,
      target_url: s.targetUrl,
      context: s.context,
      created_at: at,
      updated_at: at,
      required: repo.rules.requiredChecks.includes(s.context),
    };
  }

  jobJson(issue: StoredIssue, r: StoredCheckRun) {
    const repo = issue.repo;
    const done = r.completesAt <= this.t;
    const status = done ? 'completed' : 'in_progress';
    const conclusion = done ? r.conclusion : null;
    return {
      id: r.id,
      run_id: r.runId,
      run_url: `${this.api(repo)}/actions/runs/${r.runId}`,
      run_attempt: 1,
      node_id: `CR_kwDO${r.id}`,
      head_sha: r.headSha,
      head_branch: issue.pull!.headRef,
      url: `${this.api(repo)}/actions/jobs/${r.id}`,
      html_url: `https://github.com/${repo.fullName}/actions/runs/${r.runId}/job/${r.id}`,
      status,
      conclusion,
      created_at: this.iso(r.startedAt),
      started_at: this.iso(r.startedAt),
      completed_at: done ? this.iso(r.completesAt) : null,
      name: r.name,
      steps: [{ name: `Run ${r.name}`, status, conclusion, number: 1, started_at: this.iso(r.startedAt), completed_at: done ? this.iso(r.completesAt) : null }],
      check_run_url: `${this.api(repo)}/check-runs/${r.id}`,
      labels: ['ubuntu-latest'],
      runner_id: 1,
      runner_name: 'GitHub Actions 1',
      runner_group_id: 1,
      runner_group_name: 'GitHub Actions',
      workflow_name: 'CI',
    };
  }
}
