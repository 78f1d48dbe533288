/**
 * The GraphQL views of the pull-request lifecycle: the PullRequest fields (merge state, reviews,
 * the status-check rollup, the merge queue), commits, check runs, status contexts, reviews and
 * their threads, merge queues. Views carry `__strict`: a schema field they lack is reported as not
 * implemented instead of resolving to a silent null (graphql-api.ts).
 */
import { connection, STRICT, type Args } from './graphql-connection.js';
import { ReviewViews } from './graphql-review-views.js';
import type { GraphQLViews } from './graphql-views.js';
import { checkStatus, isConflicting, isBehind, latestChecks, latestReviews, latestStatuses, mergeable, mergeState, reviewDecision, rollupState, rulesFor, statusState, submittedReviews } from './pull-state.js';
import type { StoredCheckRun, StoredIssue, StoredQueueEntry, StoredRepo, StoredReview, StoredReviewComment, StoredStatus, StoredThread } from './store-types.js';


export class PullViews {
  private readonly reviews: ReviewViews;

  constructor(private readonly v: GraphQLViews) {
    this.reviews = new ReviewViews(v, this);
  }

  private get t(): number {
    return this.v.store.pulls.t();
  }

  private iso(ms: number): string {
    return this.v.store.iso(ms);
  }

  /** The PullRequest-only fields of `issue`. */
  pullFields(issue: StoredIssue): Record<string, unknown> {
    const p = issue.pull!;
    const repo = issue.repo;
    const t = this.t;
    const entry = this.v.store.pulls.entryOf(issue);
    const canWrite = this.v.principal.permissions(repo).push;
    const open = issue.state === 'open' && !p.merged;
    const state = mergeState(issue, t);
    const files = [...p.files];
    return {
      ...STRICT,
      state: p.merged ? 'MERGED' : issue.state.toUpperCase(),
      isDraft: p.draft,
      merged: p.merged,
      mergedAt: p.mergedAt,
      mergedBy: p.mergedBy === null ? null : this.v.actor(p.mergedBy),
      mergeCommit: p.mergeCommitSha === null ? null : this.commitView(repo, p.mergeCommitSha),
      permalink: `https://github.com/${repo.fullName}/pull/${issue.number}`,
      headRefName: p.headRef,
      headRefOid: p.headSha,
      baseRefName: p.baseRef,
      baseRefOid: repo.refs.get(p.baseRef) ?? p.baseSha,
      headRepository: () => this.v.repoView(repo),
      baseRepository: () => this.v.repoView(repo),
      isCrossRepository: false,
      mergeable: mergeable(issue, t),
      mergeStateStatus: state,
      reviewDecision: reviewDecision(repo, p, t),
      isMergeQueueEnabled: rulesFor(repo, p.baseRef).mergeQueue,
      isInMergeQueue: entry !== undefined,
      mergeQueueEntry: entry ? this.entryView(entry) : null,
      mergeQueue: rulesFor(repo, p.baseRef).mergeQueue ? this.queueView(repo, p.baseRef) : null,
      viewerCanUpdateBranch: open && canWrite && isBehind(repo, p) && !isConflicting(repo, p),
      canBeRebased: open && !isConflicting(repo, p),
      viewerCanMergeAsAdmin: open && this.v.principal.permissions(repo).admin,
      viewerCanEnableAutoMerge: repo.autoMergeAllowed && open && canWrite && p.autoMerge === null && !['CLEAN', 'UNSTABLE', 'DRAFT'].includes(state),
      viewerCanDisableAutoMerge: p.autoMerge !== null && canWrite,
      autoMergeRequest: p.autoMerge && {
        ...STRICT,
        __typename: 'AutoMergeRequest',
        enabledAt: p.autoMerge.enabledAt,
        mergeMethod: p.autoMerge.mergeMethod,
        enabledBy: this.v.actor(p.autoMerge.enabledBy),
        commitHeadline: null,
        commitBody: null,
        authorEmail: null,
        pullRequest: () => this.v.issueView(issue),
      },
      statusCheckRollup: () => this.rollupView(issue, p.headSha),
      commits: (a: Args) =>
        connection(
          p.commits.map((c) => ({ ...STRICT, __typename: 'PullRequestCommit', id: `PURC_${c.sha}`, url: `https://github.com/${repo.fullName}/pull/${issue.number}/commits/${c.sha}`, resourcePath: `/${repo.fullName}/pull/${issue.number}/commits/${c.sha}`, commit: this.commitView(repo, c.sha, issue), pullRequest: () => this.v.issueView(issue) })),
          a,
          'commits',
        ),
      changedFiles: files.length,
      additions: files.length * 10,
      deletions: 0,
      files: (a: Args) => connection(files.map((path) => ({ ...STRICT, __typename: 'PullRequestChangedFile', path, additions: 10, deletions: 0, changeType: 'MODIFIED', viewerViewedState: 'UNVIEWED' })), a, 'files'),
      reviews: (a: Args) => {
        let list = submittedReviews(p, t);
        const states = a.states as string[] | undefined | null;
        if (states) list = list.filter((r) => states.includes(r.state));
        if (typeof a.author === 'string') list = list.filter((r) => r.author === a.author);
        return connection(list.map((r) => this.reviewView(issue, r)), a, 'reviews');
      },
      latestReviews: (a: Args) => connection(latestReviews(p, t).map((r) => this.reviewView(issue, r)), a, 'latestReviews'),
      latestOpinionatedReviews: (a: Args) =>
        connection(
          latestReviews({ ...p, reviews: p.reviews.filter((r) => r.state !== 'COMMENTED') }, t).map((r) => this.reviewView(issue, r)),
          a,
          'latestOpinionatedReviews',
        ),
      reviewThreads: (a: Args) =>
        connection(
          p.threads.filter((th) => th.comments[0]!.review.submittedAt <= t).map((th) => this.threadView(issue, th)),
          a,
          'reviewThreads',
        ),
    };
  }

  commitView(repo: StoredRepo, sha: string, issue?: StoredIssue): Record<string, unknown> {
    const pull = issue?.pull;
    const commit = pull?.commits.find((c) => c.sha === sha);
    const at = this.iso(commit?.at ?? this.t);
    return {
      ...STRICT,
      __typename: 'Commit',
      id: `C_kwDO${sha.slice(0, 12)}`,
      oid: sha,
      abbreviatedOid: sha.slice(0, 7),
      message: commit?.kind === 'update' ? `Merge branch '${pull!.baseRef}' into ${pull!.headRef}` : 'Agent commit',
      messageHeadline: commit?.kind === 'update' ? `Merge branch '${pull!.baseRef}' into ${pull!.headRef}` : 'Agent commit',
      committedDate: at,
      authoredDate: at,
      pushedDate: at,
      url: `https://github.com/${repo.fullName}/commit/${sha}`,
      commitUrl: `https://github.com/${repo.fullName}/commit/${sha}`,
      resourcePath: `/${repo.fullName}/commit/${sha}`,
      repository: () => this.v.repoView(repo),
      statusCheckRollup: () => (issue ? this.rollupView(issue, sha) : null),
      status: () => (issue ? this.statusView(issue, sha) : null),
    };
  }

  rollupView(issue: StoredIssue, sha: string): Record<string, unknown> | null {
    const p = issue.pull!;
    const t = this.t;
    const state = rollupState(p, t, sha);
    if (state === null) return null;
    const runs = latestChecks(p, sha, t);
    const statuses = latestStatuses(p, sha, t);
    const count = (states: string[]) => [...new Set(states)].map((s) => ({ __typename: 'CheckRunStateCount', state: s, count: states.filter((x) => x === s).length }));
    return {
      ...STRICT,
      __typename: 'StatusCheckRollup',
      id: `SCR_${sha.slice(0, 12)}`,
      state,
      commit: () => this.commitView(issue.repo, sha, issue),
      contexts: (a: Args) => ({
        ...connection([...runs.map((r) => this.checkRunView(issue, r)), ...statuses.map((s) => this.statusContextView(issue, s))], a, 'contexts'),
        checkRunCount: runs.length,
        statusContextCount: statuses.length,
        checkRunCountsByState: count(runs.map((r) => (checkStatus(r, t) === 'completed' ? r.conclusion.toUpperCase() : 'IN_PROGRESS'))),
        statusContextCountsByState: count(statuses.map((s) => statusState(s, t).toUpperCase())),
      }),
    };
  }

  statusView(issue: StoredIssue, sha: string): Record<string, unknown> | null {
    const statuses = latestStatuses(issue.pull!, sha, this.t);
    if (statuses.length === 0) return null;
    const states = statuses.map((s) => statusState(s, this.t));
    const state = states.includes('error') ? 'ERROR' : states.includes('failure') ? 'FAILURE' : states.includes('pending') ? 'PENDING' : 'SUCCESS';
    return {
      ...STRICT,
      __typename: 'Status',
      id: `ST_${sha.slice(0, 12)}`,
      state,
      contexts: statuses.map((s) => this.statusContextView(issue, s)),
      context: (a: Args) => {
        const s = statuses.find((x) => x.context === a.name);
        return s ? this.statusContextView(issue, s) : null;
      },
      commit: () => this.commitView(issue.repo, sha, issue),
    };
  }

  isRequired(issue: StoredIssue, name: string): () => boolean {
    // The argument names the PR whose rules count (always this one here).
    return () => rulesFor(issue.repo, issue.pull!.baseRef).requiredChecks.includes(name);
  }

  checkRunView(issue: StoredIssue, r: StoredCheckRun): Record<string, unknown> {
    const t = this.t;
    const done = checkStatus(r, t) === 'completed';
    const repo = issue.repo;
    const actions = r.appSlug === 'github-actions';
    const url = `https://github.com/${repo.fullName}/runs/${r.id}`;
    return {
      ...STRICT,
      __typename: 'CheckRun',
      id: r.nodeId,
      databaseId: r.id,
      name: r.name,
      status: done ? 'COMPLETED' : 'IN_PROGRESS',
      conclusion: done ? r.conclusion.toUpperCase() : null,
      startedAt: this.iso(r.startedAt),
      completedAt: done ? this.iso(r.completesAt) : null,
      detailsUrl: actions ? `https://github.com/${repo.fullName}/actions/runs/${r.runId}/job/${r.id}` : `https://ci.example.com/${r.appSlug}/${r.id}`,
      externalId: null,
      title: done ? r.title : null,
      summary: done ? r.summary : null,
      text: done ? r.text : null,
      url,
      permalink: url,
      resourcePath: `/${repo.fullName}/runs/${r.id}`,
      isRequired: this.isRequired(issue, r.name),
      repository: () => this.v.repoView(repo),
      annotations: (a: Args) =>
        connection(
          (done ? r.annotations : []).map((x, i) => ({
            ...STRICT,
            __typename: 'CheckAnnotation',
            databaseId: r.id * 100 + i,
            path: x.path,
            message: x.message,
            title: null,
            rawDetails: null,
            annotationLevel: x.level.toUpperCase(),
            blobUrl: `https://github.com/${repo.fullName}/blob/${r.headSha}/${x.path}`,
            location: { start: { line: x.line, column: null }, end: { line: x.line, column: null } },
          })),
          a,
          'annotations',
        ),
      steps: (a: Args) =>
        connection(
          [{ ...STRICT, __typename: 'CheckStep', name: `Run ${r.name}`, number: 1, status: done ? 'COMPLETED' : 'IN_PROGRESS', conclusion: done ? r.conclusion.toUpperCase() : null, startedAt: this.iso(r.startedAt), completedAt: done ? this.iso(r.completesAt) : null, externalId: null, secondsToCompletion: done ? Math.round((r.completesAt - r.startedAt) / 1000) : null }],
          a,
          'steps',
        ),
      checkSuite: {
        ...STRICT,
        __typename: 'CheckSuite',
        id: `CS_kwDO${r.runId}`,
        databaseId: r.runId,
        status: done ? 'COMPLETED' : 'IN_PROGRESS',
        conclusion: done ? r.conclusion.toUpperCase() : null,
        app: { ...STRICT, __typename: 'App', id: `A_${r.appSlug}`, databaseId: r.appSlug === 'github-actions' ? 15368 : 1, slug: r.appSlug, name: r.appSlug === 'github-actions' ? 'GitHub Actions' : r.appSlug, url: `https://github.com/apps/${r.appSlug}` },
        workflowRun: actions ? { ...STRICT, __typename: 'WorkflowRun', id: `WFR_kwDO${r.runId}`, databaseId: r.runId, runNumber: r.runId, event: 'pull_request', url: `https://github.com/${repo.fullName}/actions/runs/${r.runId}`, resourcePath: `/${repo.fullName}/actions/runs/${r.runId}` } : null,
        commit: () => this.commitView(repo, r.headSha, issue),
        repository: () => this.v.repoView(repo),
      },
    };
  }

  statusContextView(issue: StoredIssue, s: StoredStatus): Record<string, unknown> {
    return {
      ...STRICT,
      __typename: 'StatusContext',
      id: s.nodeId,
      context: s.context,
      state: statusState(s, this.t).toUpperCase(),
      targetUrl: s.targetUrl,
      description: s.description,
      createdAt: this.iso(s.createdAt),
      creator: this.v.actor('ci-bot'),
      avatarUrl: null,
      isRequired: this.isRequired(issue, s.context),
      commit: () => this.commitView(issue.repo, s.sha, issue),
    };
  }

  reviewView(issue: StoredIssue, r: StoredReview): Record<string, unknown> {
    return this.reviews.reviewView(issue, r);
  }

  reviewCommentView(issue: StoredIssue, c: StoredReviewComment): Record<string, unknown> {
    return this.reviews.reviewCommentView(issue, c);
  }

  threadView(issue: StoredIssue, th: StoredThread): Record<string, unknown> {
    return this.reviews.threadView(issue, th);
  }

  entryView(e: StoredQueueEntry): Record<string, unknown> {
    const repo = e.pull.repo;
    const pull = e.pull.pull!;
    const queue = this.v.store.pulls.queue(repo, pull.baseRef);
    const t = this.t;
    const done = e.checksDoneAt <= t;
    return {
      ...STRICT,
      __typename: 'MergeQueueEntry',
      id: e.nodeId,
      state: !done ? 'AWAITING_CHECKS' : e.passes ? 'MERGEABLE' : 'UNMERGEABLE',
      position: queue.indexOf(e) + 1,
      enqueuedAt: this.iso(e.enqueuedAt),
      estimatedTimeToMerge: Math.max(0, Math.ceil((e.checksDoneAt - t) / this.v.store.pulls.options.timeScale / 1000)),
      jump: e.jump,
      solo: false,
      enqueuer: this.v.actor(e.enqueuer),
      pullRequest: () => this.v.issueView(e.pull),
      headCommit: this.commitView(repo, pull.headSha, e.pull),
      baseCommit: this.commitView(repo, repo.refs.get(pull.baseRef) ?? pull.baseSha),
      mergeQueue: () => this.queueView(repo, pull.baseRef),
    };
  }

  queueView(repo: StoredRepo, branch: string): Record<string, unknown> {
    const queue = this.v.store.pulls.queue(repo, branch);
    const url = `https://github.com/${repo.fullName}/queue/${branch}`;
    return {
      ...STRICT,
      __typename: 'MergeQueue',
      id: `MQ_kwDO${repo.id}_${branch}`,
      url,
      resourcePath: new URL(url).pathname,
      nextEntryEstimatedTimeToMerge: queue[0] ? (this.entryView(queue[0]).estimatedTimeToMerge as number) : null,
      repository: () => this.v.repoView(repo),
      configuration: {
        ...STRICT,
        __typename: 'MergeQueueConfiguration',
        checkResponseTimeout: 60,
        maximumEntriesToBuild: 5,
        maximumEntriesToMerge: 5,
        minimumEntriesToMerge: 1,
        minimumEntriesToMergeWaitTime: 5,
        mergeMethod: 'MERGE',
        mergingStrategy: 'ALLGREEN',
      },
      entries: (a: Args) => connection([...queue].map((e) => this.entryView(e)), a, 'entries'),
    };
  }
}
