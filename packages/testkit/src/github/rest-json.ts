/** The REST JSON views of the store, in GitHub's 2022-11-28 shapes (research §1). */
import { mergeable, mergeState } from './pull-state.js';
import type { FakeStore } from './store.js';
import type { StoredComment, StoredIssue, StoredLabel, StoredRepo } from './store-types.js';

export class RestJson {
  constructor(
    private readonly store: FakeStore,
    private readonly baseUrl: () => string,
  ) {}

  labelJson(repo: StoredRepo, l: StoredLabel) {
    return {
      id: l.id,
      node_id: l.nodeId,
      url: `${this.baseUrl()}/repos/${repo.fullName}/labels/${encodeURIComponent(l.name)}`,
      name: l.name,
      color: l.color,
      default: l.default,
      description: l.description,
    };
  }

  user(login: string) {
    return { login, id: Math.abs(hashCode(login)), node_id: `U_${login}`, type: 'User', site_admin: false, html_url: `https://github.com/${login}` };
  }

  issueJson(i: StoredIssue) {
    const api = `${this.baseUrl()}/repos/${i.repo.fullName}/issues/${i.number}`;
    const html = `https://github.com/${i.repo.fullName}/${i.kind === 'pull' ? 'pull' : 'issues'}/${i.number}`;
    const blocking = this.store.blocking(i);
    return {
      id: i.id,
      node_id: i.nodeId,
      url: api,
      repository_url: `${this.baseUrl()}/repos/${i.repo.fullName}`,
      labels_url: `${api}/labels{/name}`,
      comments_url: `${api}/comments`,
      events_url: `${api}/events`,
      html_url: html,
      number: i.number,
      state: i.state,
      state_reason: i.stateReason,
      title: i.title,
      body: i.body,
      user: this.user(i.author),
      labels: i.labels.map((l) => this.labelJson(i.repo, l)),
      assignee: i.assignees[0] ? this.user(i.assignees[0]) : null,
      assignees: i.assignees.map((a) => this.user(a)),
      milestone: i.milestone === null ? null : { number: i.milestone, title: `Milestone ${i.milestone}`, state: 'open' },
      locked: false,
      comments: i.comments.length,
      created_at: i.createdAt,
      updated_at: i.updatedAt,
      closed_at: i.closedAt,
      author_association: i.authorAssociation,
      ...(i.kind === 'pull' && i.pull
        ? {
            draft: i.pull.draft,
            pull_request: {
              url: `${this.baseUrl()}/repos/${i.repo.fullName}/pulls/${i.number}`,
              html_url: html,
              diff_url: `${html}.diff`,
              patch_url: `${html}.patch`,
              merged_at: i.pull.mergedAt,
            },
          }
        : {
            sub_issues_summary: {
              total: i.subIssues.length,
              completed: i.subIssues.filter((c) => c.state === 'closed').length,
              percent_completed: i.subIssues.length === 0 ? 0 : Math.round((100 * i.subIssues.filter((c) => c.state === 'closed').length) / i.subIssues.length),
            },
            issue_dependencies_summary: {
              blocked_by: i.blockedBy.filter((b) => b.state === 'open').length,
              total_blocked_by: i.blockedBy.length,
              blocking: blocking.filter((b) => b.state === 'open').length,
              total_blocking: blocking.length,
            },
            ...(i.parent ? { parent_issue_url: `${this.baseUrl()}/repos/${i.parent.repo.fullName}/issues/${i.parent.number}` } : {}),
          }),
    };
  }

  commentJson(c: StoredComment) {
    return {
      id: c.id,
      node_id: c.nodeId,
      url: `${this.baseUrl()}/repos/${c.issue.repo.fullName}/issues/comments/${c.id}`,
      html_url: `https://github.com/${c.issue.repo.fullName}/issues/${c.issue.number}#issuecomment-${c.id}`,
      issue_url: `${this.baseUrl()}/repos/${c.issue.repo.fullName}/issues/${c.issue.number}`,
      body: c.body,
      user: this.user(c.author),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: c.authorAssociation,
    };
  }

  /** `pulls/get` (the `pull-request` schema): `mergeable` is null while GitHub computes it. */
  pullJson(i: StoredIssue) {
    const p = i.pull!;
    const t = this.store.pulls.t();
    const api = `${this.baseUrl()}/repos/${i.repo.fullName}`;
    const m = mergeable(i, t);
    const repo = { id: i.repo.id, node_id: i.repo.nodeId, name: i.repo.name, full_name: i.repo.fullName, private: i.repo.visibility === 'private', owner: this.user(i.repo.owner) };
    const { pull_request: _issueLink, state_reason: _reason, ...issue } = this.issueJson(i) as Record<string, unknown>;
    return {
      ...issue,
      url: `${api}/pulls/${i.number}`,
      issue_url: `${api}/issues/${i.number}`,
      diff_url: `https://github.com/${i.repo.fullName}/pull/${i.number}.diff`,
      patch_url: `https://github.com/${i.repo.fullName}/pull/${i.number}.patch`,
      commits_url: `${api}/pulls/${i.number}/commits`,
      review_comments_url: `${api}/pulls/${i.number}/comments`,
      statuses_url: `${api}/statuses/${p.headSha}`,
      draft: p.draft,
      merged: p.merged,
      merged_at: p.mergedAt,
      merged_by: p.mergedBy === null ? null : this.user(p.mergedBy),
      merge_commit_sha: p.mergeCommitSha,
      mergeable: m === 'UNKNOWN' ? null : m === 'MERGEABLE',
      rebaseable: m === 'UNKNOWN' ? null : m === 'MERGEABLE',
      mergeable_state: mergeState(i, t).toLowerCase(),
      maintainer_can_modify: false,
      requested_reviewers: [],
      requested_teams: [],
      head: { ref: p.headRef, sha: p.headSha, label: `${i.repo.owner}:${p.headRef}`, user: this.user(i.repo.owner), repo },
      base: { ref: p.baseRef, sha: i.repo.refs.get(p.baseRef) ?? p.baseSha, label: `${i.repo.owner}:${p.baseRef}`, user: this.user(i.repo.owner), repo },
      auto_merge: p.autoMerge && { enabled_by: this.user(p.autoMerge.enabledBy), merge_method: p.autoMerge.mergeMethod.toLowerCase(), commit_title: null, commit_message: null },
      commits: p.commits.length,
      additions: p.files.size * 10,
      deletions: 0,
      changed_files: p.files.size,
      review_comments: p.threads.reduce((n, th) => n + th.comments.filter((c) => c.review.submittedAt <= t).length, 0),
    };
  }
}

/** Java's String.hashCode: stable numeric ids from logins and ref names. */
export function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}
