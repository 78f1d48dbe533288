/** The GraphQL views of reviews, their inline comments and review threads (strict, see graphql-pull-views.ts). */
import { connection, STRICT, type Args } from './graphql-connection.js';
import type { PullViews } from './graphql-pull-views.js';
import type { GraphQLViews } from './graphql-views.js';
import type { StoredIssue, StoredReview, StoredReviewComment, StoredThread } from './store-types.js';

export class ReviewViews {
  constructor(
    private readonly v: GraphQLViews,
    private readonly pulls: PullViews,
  ) {}

  private iso(ms: number): string {
    return this.v.store.iso(ms);
  }

  reviewView(issue: StoredIssue, r: StoredReview): Record<string, unknown> {
    const at = this.iso(r.submittedAt);
    const url = `https://github.com/${issue.repo.fullName}/pull/${issue.number}#pullrequestreview-${r.id}`;
    return {
      ...STRICT,
      __typename: 'PullRequestReview',
      id: r.nodeId,
      databaseId: r.id,
      fullDatabaseId: String(r.id),
      state: r.state,
      body: r.body,
      bodyText: r.body,
      author: this.v.actor(r.author),
      authorAssociation: 'MEMBER',
      submittedAt: at,
      publishedAt: at,
      createdAt: at,
      updatedAt: at,
      url,
      resourcePath: new URL(url).pathname,
      commit: this.pulls.commitView(issue.repo, r.commitSha, issue),
      pullRequest: () => this.v.issueView(issue),
      repository: () => this.v.repoView(issue.repo),
      comments: (a: Args) => connection(r.comments.map((c) => this.reviewCommentView(issue, c)), a, 'comments'),
    };
  }

  /** A thread is outdated once a later commit of the PR changed its file. */
  outdated(issue: StoredIssue, th: { commitSha: string; path: string }): boolean {
    const commits = issue.pull!.commits;
    const from = commits.findIndex((c) => c.sha === th.commitSha);
    return commits.slice(from + 1).some((c) => c.files.includes(th.path));
  }

  reviewCommentView(issue: StoredIssue, c: StoredReviewComment): Record<string, unknown> {
    const outdated = this.outdated(issue, c);
    const at = this.iso(c.review.submittedAt);
    const url = `https://github.com/${issue.repo.fullName}/pull/${issue.number}#discussion_r${c.id}`;
    return {
      ...STRICT,
      __typename: 'PullRequestReviewComment',
      id: c.nodeId,
      databaseId: c.id,
      fullDatabaseId: String(c.id),
      body: c.body,
      bodyText: c.body,
      path: c.path,
      line: outdated ? null : c.line,
      originalLine: c.line,
      startLine: null,
      originalStartLine: null,
      diffHunk: `@@ -${c.line},1 +${c.line},1 @@`,
      outdated,
      state: 'SUBMITTED',
      subjectType: 'LINE',
      author: this.v.actor(c.author),
      authorAssociation: 'MEMBER',
      createdAt: at,
      updatedAt: at,
      publishedAt: at,
      url,
      commit: this.pulls.commitView(issue.repo, c.commitSha, issue),
      originalCommit: this.pulls.commitView(issue.repo, c.commitSha, issue),
      pullRequestReview: () => this.reviewView(issue, c.review),
      pullRequest: () => this.v.issueView(issue),
      repository: () => this.v.repoView(issue.repo),
    };
  }

  threadView(issue: StoredIssue, th: StoredThread): Record<string, unknown> {
    const outdated = this.outdated(issue, th);
    const canWrite = this.v.principal.permissions(issue.repo).push;
    return {
      ...STRICT,
      __typename: 'PullRequestReviewThread',
      id: th.nodeId,
      path: th.path,
      line: outdated ? null : th.line,
      originalLine: th.line,
      startLine: null,
      originalStartLine: null,
      diffSide: 'RIGHT',
      startDiffSide: null,
      subjectType: 'LINE',
      isResolved: th.isResolved,
      isOutdated: outdated,
      isCollapsed: th.isResolved,
      resolvedBy: th.resolvedBy === null ? null : this.v.actor(th.resolvedBy),
      viewerCanResolve: canWrite && !th.isResolved,
      viewerCanUnresolve: canWrite && th.isResolved,
      viewerCanReply: true,
      pullRequest: () => this.v.issueView(issue),
      repository: () => this.v.repoView(issue.repo),
      comments: (a: Args) => {
        const skip = typeof a.skip === 'number' ? a.skip : 0;
        return connection(th.comments.slice(skip).map((c) => this.reviewCommentView(issue, c)), a, 'comments');
      },
    };
  }
}
