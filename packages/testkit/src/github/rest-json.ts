/** The REST JSON views of the store, in GitHub's 2022-11-28 shapes (research §1). */
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

  pullJson(i: StoredIssue) {
    const p = i.pull!;
    return {
      ...this.issueJson(i),
      url: `${this.baseUrl()}/repos/${i.repo.fullName}/pulls/${i.number}`,
      merged: p.merged,
      merged_at: p.mergedAt,
      mergeable: p.mergeStateStatus === 'DIRTY' ? false : p.mergeStateStatus === 'UNKNOWN' ? null : true,
      mergeable_state: p.mergeStateStatus.toLowerCase(),
      head: { ref: p.headRef, sha: p.headSha, label: `${i.repo.owner}:${p.headRef}` },
      base: { ref: p.baseRef, sha: i.repo.refs.get(p.baseRef) ?? null, label: `${i.repo.owner}:${p.baseRef}` },
      auto_merge: p.autoMerge && { enabled_by: this.user(p.autoMerge.enabledBy), merge_method: p.autoMerge.mergeMethod.toLowerCase(), commit_title: null, commit_message: null },
    };
  }
}

/** Java's String.hashCode: stable numeric ids from logins and ref names. */
export function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}
