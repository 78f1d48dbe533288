/**
 * The GraphQL views of the store: plain objects whose function-valued properties take the field
 * arguments (graphql-js's default resolver calls them); every object in an abstract position
 * carries `__typename` (the default type resolver reads it). Reads are checked against the
 * principal the running document acts as.
 */
import { Principal, type RepoNeed } from './access.js';
import { refusalError, READ_ISSUES, READ_PULLS } from './graphql-access.js';
import { connection, TypedGraphQLError, type Args } from './graphql-connection.js';
import { itemView, projectView } from './graphql-project-views.js';
import { PullViews } from './graphql-pull-views.js';
import type { FakeStore } from './store.js';
import type { PullNode, StoredIssue, StoredItem, StoredProject, StoredRepo } from './store-types.js';

export class GraphQLViews {
  /** Who the running document acts as (execution is synchronous, so one at a time). */
  principal: Principal;

  /** The pull-request lifecycle views. */
  readonly pulls: PullViews;

  constructor(readonly store: FakeStore) {
    this.principal = new Principal(undefined, store.viewer);
    this.pulls = new PullViews(this);
  }

  nodeView(id: string): unknown {
    const n = this.store.nodes.get(id);
    if (n === undefined) throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`);
    const x = n as Record<string, unknown>;
    const hidden = () => new TypedGraphQLError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`);
    if ('kind' in x && 'repo' in x) {
      if (!this.principal.canSee((n as StoredIssue).repo)) throw hidden();
      return this.issueView(n as StoredIssue);
    }
    if ('pullNode' in x) {
      const ref = n as PullNode;
      if (!this.principal.canSee(ref.issue.repo)) throw hidden();
      this.allowRepo(ref.issue.repo, READ_PULLS, 'node', hidden().message);
      if (ref.pullNode === 'review') return this.pulls.reviewView(ref.issue, ref.review);
      if (ref.pullNode === 'thread') return this.pulls.threadView(ref.issue, ref.thread);
      if (ref.pullNode === 'comment') return this.pulls.reviewCommentView(ref.issue, ref.comment);
      return this.pulls.checkRunView(ref.issue, ref.run);
    }
    if ('fullName' in x) {
      if (!this.principal.canSee(n as StoredRepo)) throw hidden();
      return this.repoView(n as StoredRepo);
    }
    if ('items' in x && 'fields' in x) {
      this.allowProject(n as StoredProject, 'read', 'node', hidden().message);
      return this.projectView(n as StoredProject);
    }
    if ('project' in x && 'values' in x) {
      this.allowProject((n as StoredItem).project, 'read', 'node', hidden().message);
      return this.itemView(n as StoredItem);
    }
    throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`);
  }

  ownerView(login: string, type: 'Organization' | 'User') {
    const owner = this.store.owners.get(login.toLowerCase());
    if (!owner || owner.type !== type) {
      throw new TypedGraphQLError(
        'NOT_FOUND',
        `Could not resolve to a${type === 'User' ? ' User' : 'n Organization'} with the login of '${login}'.`,
      );
    }
    return {
      __typename: owner.type,
      id: owner.nodeId,
      login: owner.login,
      name: owner.login,
      url: `https://github.com/${owner.login}`,
      projectV2: (a: Args) => {
        const project = this.store.projects.find((p) => p.owner.toLowerCase() === login.toLowerCase() && p.number === a.number);
        const notFound = `Could not resolve to a ProjectV2 with the number ${String(a.number)}.`;
        if (!project) throw new TypedGraphQLError('NOT_FOUND', notFound);
        this.allowProject(project, 'read', 'projectV2', notFound);
        return this.projectView(project);
      },
    };
  }

  actor(login: string) {
    return { __typename: 'User', login, url: `https://github.com/${login}`, id: `U_${login}` };
  }

  repoView(repo: StoredRepo) {
    const s = this.store;
    return {
      __typename: 'Repository',
      id: repo.nodeId,
      databaseId: repo.id,
      name: repo.name,
      nameWithOwner: repo.fullName,
      url: `https://github.com/${repo.fullName}`,
      owner: () => this.ownerView(repo.owner, repo.ownerType),
      autoMergeAllowed: repo.autoMergeAllowed,
      isPrivate: repo.visibility === 'private',
      visibility: repo.visibility.toUpperCase(),
      // The user's role, as GitHub reports it (not what the token may do).
      viewerPermission: this.principal.role(repo) === 'none' ? null : this.principal.role(repo).toUpperCase(),
      viewerCanAdminister: this.principal.permissions(repo).admin,
      defaultBranchRef: {
        __typename: 'Ref',
        id: `REF_${repo.id}`,
        name: repo.defaultBranch,
        prefix: 'refs/heads/',
        target: { __typename: 'Commit', oid: repo.refs.get(repo.defaultBranch) },
      },
      issue: (a: Args) => {
        this.allowRepo(repo, READ_ISSUES, 'issue');
        const issue = repo.issues.get(Number(a.number));
        if (!issue || issue.kind !== 'issue') {
          throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to an Issue with the number of ${String(a.number)}.`);
        }
        return this.issueView(issue);
      },
      pullRequest: (a: Args) => {
        this.allowRepo(repo, READ_PULLS, 'pullRequest');
        const pull = repo.issues.get(Number(a.number));
        if (!pull || pull.kind !== 'pull') {
          throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to a PullRequest with the number of ${String(a.number)}.`);
        }
        return this.issueView(pull);
      },
      issueOrPullRequest: (a: Args) => {
        this.allowRepo(repo, { ...READ_ISSUES, anyOf: ['issues', 'pull_requests'] }, 'issueOrPullRequest');
        const issue = repo.issues.get(Number(a.number));
        if (!issue) {
          throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to an issue or pull request with the number of ${String(a.number)}.`);
        }
        return this.issueView(issue);
      },
      issues: (a: Args) => {
        this.allowRepo(repo, READ_ISSUES, 'issues');
        const filterBy = (a.filterBy ?? {}) as Args;
        const states = (a.states ?? filterBy.states) as string[] | undefined;
        const labels = (a.labels ?? filterBy.labels) as string[] | undefined;
        let list = [...repo.issues.values()].filter((i) => i.kind === 'issue');
        if (states) list = list.filter((i) => states.includes(i.state.toUpperCase()));
        // GitHub's GraphQL `labels` argument matches issues with ANY of the labels.
        if (labels) {
          const wanted = labels.map((l) => l.toLowerCase());
          list = list.filter((i) => i.labels.some((l) => wanted.includes(l.name.toLowerCase())));
        }
        if (typeof filterBy.assignee === 'string') {
          const who = filterBy.assignee;
          list = list.filter((i) => (who === '*' ? i.assignees.length > 0 : i.assignees.includes(who)));
        }
        if (typeof filterBy.createdBy === 'string') list = list.filter((i) => i.author === filterBy.createdBy);
        if (typeof filterBy.milestoneNumber === 'string') {
          const m = filterBy.milestoneNumber;
          list = list.filter((i) => (m === '*' ? i.milestone !== null : m === 'none' ? i.milestone === null : i.milestone === Number(m)));
        }
        if (typeof filterBy.since === 'string') {
          const since = Date.parse(filterBy.since);
          list = list.filter((i) => Date.parse(i.updatedAt) >= since);
        }
        const order = (a.orderBy ?? { field: 'CREATED_AT', direction: 'ASC' }) as { field: string; direction: string };
        const key = (i: StoredIssue) => (order.field === 'UPDATED_AT' ? i.updatedAt : order.field === 'COMMENTS' ? String(i.comments.length).padStart(9, '0') : i.createdAt);
        list.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : x.number - y.number));
        if (order.direction === 'DESC') list.reverse();
        return this.issueConnection(list, a, 'issues');
      },
      mergeQueue: (a: Args) => {
        this.allowRepo(repo, READ_PULLS, 'mergeQueue');
        const branch = typeof a.branch === 'string' ? a.branch : repo.defaultBranch;
        return repo.refs.has(branch) && branch === repo.defaultBranch && repo.rules.mergeQueue ? this.pulls.queueView(repo, branch) : null;
      },
      pullRequests: (a: Args) => {
        this.allowRepo(repo, READ_PULLS, 'pullRequests');
        const list = [...repo.issues.values()].filter((i) => i.kind === 'pull');
        return this.issueConnection(list, a, 'pullRequests');
      },
      label: (a: Args) => {
        const l = repo.labels.get(String(a.name).toLowerCase());
        return l ? this.labelView(l) : null;
      },
      labels: (a: Args) => connection([...repo.labels.values()].map((l) => this.labelView(l)), a, 'labels'),
      projectsV2: (a: Args) => connection(s.projects.filter((p) => p.items.some((i) => !('draftId' in i.content) && i.content.repo === repo)).map((p) => this.projectView(p)), a, 'projectsV2'),
    };
  }

  labelView(l: { nodeId: string; name: string; color: string; description: string | null }) {
    return { __typename: 'Label', id: l.nodeId, name: l.name, color: l.color, description: l.description };
  }

  issueConnection(list: readonly StoredIssue[], a: Args, name: string) {
    return connection(list.map((i) => this.issueView(i)), a, name);
  }

  issueView(issue: StoredIssue): Record<string, unknown> {
    const s = this.store;
    const isPull = issue.kind === 'pull';
    const pull = issue.pull;
    const url = `https://github.com/${issue.repo.fullName}/${isPull ? 'pull' : 'issues'}/${issue.number}`;
    const openBlockers = () => issue.blockedBy.filter((b) => b.state === 'open').length;
    const common = {
      __typename: isPull ? 'PullRequest' : 'Issue',
      id: issue.nodeId,
      databaseId: issue.id,
      fullDatabaseId: String(issue.id),
      number: issue.number,
      title: issue.title,
      body: issue.body ?? '',
      bodyText: issue.body ?? '',
      url,
      resourcePath: new URL(url).pathname,
      createdAt: issue.createdAt,
      updatedAt: issue.updatedAt,
      closedAt: issue.closedAt,
      closed: issue.state === 'closed',
      authorAssociation: issue.authorAssociation,
      author: this.actor(issue.author),
      repository: () => this.repoView(issue.repo),
      labels: (a: Args) => connection(issue.labels.map((l) => this.labelView(l)), a, 'labels'),
      assignees: (a: Args) => connection(issue.assignees.map((l) => this.actor(l)), a, 'assignees'),
      comments: (a: Args) =>
        connection(
          issue.comments.map((c) => ({
            __typename: 'IssueComment',
            id: c.nodeId,
            databaseId: c.id,
            body: c.body,
            author: this.actor(c.author),
            authorAssociation: c.authorAssociation,
            createdAt: c.createdAt,
            updatedAt: c.updatedAt,
          })),
          a,
          'comments',
        ),
      milestone: issue.milestone === null ? null : { __typename: 'Milestone', id: `MI_${issue.milestone}`, number: issue.milestone, title: `Milestone ${issue.milestone}` },
      projectItems: (a: Args) =>
        connection(
          s.projects.flatMap((p) => p.items.filter((it) => it.content === issue && (a.includeArchived !== false || !it.isArchived))).map((it) => this.itemView(it)),
          a,
          'projectItems',
        ),
    };
    if (isPull && pull) return { ...common, ...this.pulls.pullFields(issue) };
    return {
      ...common,
      state: issue.state.toUpperCase(),
      stateReason: issue.stateReason?.toUpperCase() ?? null,
      blockedBy: (a: Args) => this.issueConnection(issue.blockedBy, a, 'blockedBy'),
      blocking: (a: Args) => this.issueConnection(s.blocking(issue), a, 'blocking'),
      issueDependenciesSummary: () => {
        const blocking = s.blocking(issue);
        return {
          blockedBy: openBlockers(),
          totalBlockedBy: issue.blockedBy.length,
          blocking: blocking.filter((b) => b.state === 'open').length,
          totalBlocking: blocking.length,
        };
      },
      parent: () => (issue.parent ? this.issueView(issue.parent) : null),
      subIssues: (a: Args) => this.issueConnection(issue.subIssues, a, 'subIssues'),
      subIssuesSummary: () => {
        const total = issue.subIssues.length;
        const completed = issue.subIssues.filter((c) => c.state === 'closed').length;
        return { total, completed, percentCompleted: total === 0 ? 0 : Math.round((completed / total) * 100) };
      },
      trackedIssues: (a: Args) => this.issueConnection([], a, 'trackedIssues'),
      closedByPullRequestsReferences: (a: Args) => connection([], a, 'closedByPullRequestsReferences'),
    };
  }

  allowRepo(repo: StoredRepo, need: RepoNeed, operation: string, notFound = `Could not resolve to a Repository with the name '${repo.fullName}'.`): void {
    const refusal = this.principal.checkRepo(repo, need);
    if (!refusal) return;
    const e = refusalError(refusal, this.principal, operation, notFound);
    throw new TypedGraphQLError(e.type, e.message);
  }

  allowProject(project: StoredProject, level: 'read' | 'write', operation: string, notFound: string): void {
    const refusal = this.principal.checkProject(project, level);
    if (!refusal) return;
    const e = refusalError(refusal, this.principal, operation, notFound);
    throw new TypedGraphQLError(e.type, e.message);
  }


  projectView(project: StoredProject) {
    return projectView(this, project);
  }

  itemView(item: StoredItem) {
    return itemView(this, item);
  }
}
