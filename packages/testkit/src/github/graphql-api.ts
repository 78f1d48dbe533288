/**
 * Resolves GraphQL documents against the fake's store: validates them against the patched schema,
 * then executes them with graphql-js. Views are plain objects whose function-valued properties
 * take the field arguments (graphql-js's default resolver calls them), and every object in an
 * abstract position carries `__typename` (the default type resolver reads it).
 */
import { execute, GraphQLError, Kind, parse, validate, type DocumentNode, type FieldNode, type OperationDefinitionNode, type SelectionNode } from 'graphql';
import { Principal, type RepoNeed } from './access.js';
import { pathOf, validationErrors } from './graphql-errors.js';
import { mutationRoot } from './graphql-mutations.js';
import { insufficientScopes, MUTATION_NEEDS, READ_ISSUES, READ_PULLS, refusalError } from './graphql-access.js';
import { githubSchema } from './schema.js';
import type { FakeStore, StoredField, StoredFieldValue, StoredIssue, StoredItem, StoredProject, StoredRepo } from './store.js';

/** An error GitHub reports with a `type` (NOT_FOUND, UNPROCESSABLE, ...). */
export class TypedGraphQLError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type Args = Record<string, unknown>;
interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export const encodeCursor = (index: number): string => Buffer.from(`cursor:v2:${index}`).toString('base64');
function decodeCursor(cursor: string): number {
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!m) throw new TypedGraphQLError('INVALID_CURSOR_ARGUMENTS', `\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(m[1]);
}

/** Relay connection with GitHub's pagination rules (first/last required, 1..100). */
export function connection<T>(all: readonly T[], args: ConnectionArgs, name: string) {
  const { first, last, after, before } = args;
  if (first == null && last == null) {
    throw new TypedGraphQLError(
      'MISSING_PAGINATION_BOUNDARIES',
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
    );
  }
  for (const [k, v] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (v != null && (v < 0 || v > 100)) {
      throw new TypedGraphQLError(
        'EXCESSIVE_PAGINATION',
        `Requesting ${v} records on the \`${name}\` connection exceeds the \`${k}\` limit of 100 records.`,
      );
    }
  }
  let start = after != null ? decodeCursor(after) + 1 : 0;
  let end = before != null ? decodeCursor(before) : all.length;
  start = Math.max(0, Math.min(start, all.length));
  end = Math.max(start, Math.min(end, all.length));
  if (first != null) end = Math.min(end, start + first);
  if (last != null) start = Math.max(start, end - last);
  const slice = all.slice(start, end);
  return {
    totalCount: all.length,
    nodes: slice,
    edges: slice.map((node, i) => ({ cursor: encodeCursor(start + i), node })),
    pageInfo: {
      hasNextPage: end < all.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length > 0 ? encodeCursor(start) : null,
      endCursor: slice.length > 0 ? encodeCursor(end - 1) : null,
    },
  };
}

export interface GraphQLResponseBody {
  data?: unknown;
  errors?: unknown[];
}

export class FakeGraphQL {
  /** Who the running document acts as (execution is synchronous, so one at a time). */
  #principal: Principal;

  constructor(
    private readonly store: FakeStore,
    private readonly baseUrl: () => string,
    /** The GraphQL budget as the `rateLimit` object reports it. */
    private readonly budget: () => { limit: number; used: number; resetAt: number } = () => ({ limit: 5000, used: 0, resetAt: Date.now() + 3_600_000 }),
  ) {
    this.#principal = new Principal(undefined, store.viewer);
  }

  /** Parses and validates; returns the document or GitHub-shaped errors. */
  prepare(query: unknown): { document: DocumentNode; operation: string } | { errors: unknown[] } {
    if (typeof query !== 'string' || query.trim() === '') {
      return { errors: [{ message: 'A query attribute must be specified and must be a string.' }] };
    }
    let document: DocumentNode;
    try {
      document = parseCached(query);
    } catch (error) {
      const e = error as GraphQLError;
      return { errors: [{ message: `Parse error on ${e.message}`, locations: e.locations }] };
    }
    return { document, operation: operationKey(document) };
  }

  run(document: DocumentNode, variables: Args | undefined, validateDocument: boolean, principal?: Principal): GraphQLResponseBody {
    const schema = githubSchema();
    this.#principal = principal ?? new Principal(undefined, this.store.viewer);
    if (validateDocument) {
      const errors = validateCached(document);
      if (errors.length > 0) return { errors: validationErrors(document, errors) };
    }
    const scopeErrors = insufficientScopes(schema, document, this.#principal);
    if (scopeErrors.length > 0) return { errors: scopeErrors };
    const isMutation = document.definitions.some(
      (d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === 'mutation',
    );
    const root: Record<string, unknown> = isMutation ? this.mutationRoot() : this.queryRoot();
    // A field GitHub has but the fake lacks would resolve to a silent null; say so instead, so a
    // change that starts using it fails loudly rather than testing against nothing.
    const missing = rootFields(document).filter((f) => f.name.value !== '__typename' && !(f.name.value in root));
    if (missing.length > 0) {
      return {
        errors: missing.map((f) => ({
          type: 'FAKE_NOT_IMPLEMENTED',
          path: pathOf(document, f),
          locations: f.loc ? [{ line: f.loc.startToken.line, column: f.loc.startToken.column }] : [],
          message: `fake GitHub: ${isMutation ? 'Mutation' : 'Query'}.${f.name.value} is in GitHub's schema but the fake does not implement it (packages/testkit/src/github/graphql-api.ts)`,
        })),
      };
    }
    const result = execute({
      schema,
      document,
      rootValue: root,
      variableValues: variables ?? {},
    }) as { data?: unknown; errors?: readonly GraphQLError[] };
    if (result instanceof Promise) throw new Error('async resolvers are not used by the fake');
    const body: GraphQLResponseBody = { data: result.data ?? null };
    if (result.errors && result.errors.length > 0) {
      body.errors = result.errors.map((e) => {
        const typed = e.originalError instanceof TypedGraphQLError ? e.originalError : undefined;
        return {
          ...(typed ? { type: typed.type } : {}),
          path: e.path,
          locations: e.locations,
          message: e.message,
        };
      });
    }
    return body;
  }

  // ---------------------------------------------------------------------------------------- views

  private queryRoot() {
    const s = this.store;
    return {
      repository: (a: Args) => {
        const repo = s.repo(String(a.owner), String(a.name));
        if (!repo || !this.#principal.canSee(repo)) {
          throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to a Repository with the name '${String(a.owner)}/${String(a.name)}'.`);
        }
        return this.repoView(repo);
      },
      organization: (a: Args) => this.ownerView(String(a.login), 'Organization'),
      user: (a: Args) => this.ownerView(String(a.login), 'User'),
      repositoryOwner: (a: Args) => {
        const owner = s.owners.get(String(a.login).toLowerCase());
        return owner ? this.ownerView(owner.login, owner.type) : null;
      },
      viewer: () => this.ownerView(this.#principal.login, 'User'),
      node: (a: Args) => this.nodeView(String(a.id)),
      nodes: (a: Args) => (a.ids as string[]).map((id) => this.nodeView(id)),
      rateLimit: () => {
        const b = this.budget();
        return { cost: 1, limit: b.limit, remaining: Math.max(0, b.limit - b.used), used: b.used, resetAt: this.store.iso(b.resetAt), nodeCount: 0 };
      },
    };
  }

  private nodeView(id: string): unknown {
    const n = this.store.nodes.get(id);
    if (n === undefined) throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`);
    const x = n as Record<string, unknown>;
    const hidden = () => new TypedGraphQLError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`);
    if ('kind' in x && 'repo' in x) {
      if (!this.#principal.canSee((n as StoredIssue).repo)) throw hidden();
      return this.issueView(n as StoredIssue);
    }
    if ('fullName' in x) {
      if (!this.#principal.canSee(n as StoredRepo)) throw hidden();
      return this.repoView(n as StoredRepo);
    }
    if ('items' in x && 'fields' in x) {
      this.#allowProject(n as StoredProject, 'read', 'node', hidden().message);
      return this.projectView(n as StoredProject);
    }
    if ('project' in x && 'values' in x) {
      this.#allowProject((n as StoredItem).project, 'read', 'node', hidden().message);
      return this.itemView(n as StoredItem);
    }
    throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`);
  }

  private ownerView(login: string, type: 'Organization' | 'User') {
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
        this.#allowProject(project, 'read', 'projectV2', notFound);
        return this.projectView(project);
      },
    };
  }

  private actor(login: string) {
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
      viewerPermission: this.#principal.role(repo) === 'none' ? null : this.#principal.role(repo).toUpperCase(),
      viewerCanAdminister: this.#principal.permissions(repo).admin,
      defaultBranchRef: {
        __typename: 'Ref',
        id: `REF_${repo.id}`,
        name: repo.defaultBranch,
        prefix: 'refs/heads/',
        target: { __typename: 'Commit', oid: repo.refs.get(repo.defaultBranch) },
      },
      issue: (a: Args) => {
        this.#allowRepo(repo, READ_ISSUES, 'issue');
        const issue = repo.issues.get(Number(a.number));
        if (!issue || issue.kind !== 'issue') {
          throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to an Issue with the number of ${String(a.number)}.`);
        }
        return this.issueView(issue);
      },
      pullRequest: (a: Args) => {
        this.#allowRepo(repo, READ_PULLS, 'pullRequest');
        const pull = repo.issues.get(Number(a.number));
        if (!pull || pull.kind !== 'pull') {
          throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to a PullRequest with the number of ${String(a.number)}.`);
        }
        return this.issueView(pull);
      },
      issueOrPullRequest: (a: Args) => {
        this.#allowRepo(repo, { ...READ_ISSUES, anyOf: ['issues', 'pull_requests'] }, 'issueOrPullRequest');
        const issue = repo.issues.get(Number(a.number));
        if (!issue) {
          throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to an issue or pull request with the number of ${String(a.number)}.`);
        }
        return this.issueView(issue);
      },
      issues: (a: Args) => {
        this.#allowRepo(repo, READ_ISSUES, 'issues');
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
      pullRequests: (a: Args) => {
        this.#allowRepo(repo, READ_PULLS, 'pullRequests');
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

  private labelView(l: { nodeId: string; name: string; color: string; description: string | null }) {
    return { __typename: 'Label', id: l.nodeId, name: l.name, color: l.color, description: l.description };
  }

  private issueConnection(list: readonly StoredIssue[], a: Args, name: string) {
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
    if (isPull && pull) {
      const mergeable = pull.mergeStateStatus === 'DIRTY' ? 'CONFLICTING' : pull.mergeStateStatus === 'UNKNOWN' ? 'UNKNOWN' : 'MERGEABLE';
      return {
        ...common,
        state: pull.merged ? 'MERGED' : issue.state.toUpperCase(),
        isDraft: pull.draft,
        merged: pull.merged,
        mergedAt: pull.mergedAt,
        headRefName: pull.headRef,
        headRefOid: pull.headSha,
        baseRefName: pull.baseRef,
        mergeable,
        mergeStateStatus: pull.mergeStateStatus,
        viewerCanEnableAutoMerge: issue.repo.autoMergeAllowed && issue.state === 'open' && !['CLEAN', 'UNSTABLE', 'DRAFT'].includes(pull.mergeStateStatus),
        viewerCanDisableAutoMerge: pull.autoMerge !== null,
        autoMergeRequest: pull.autoMerge && {
          __typename: 'AutoMergeRequest',
          enabledAt: pull.autoMerge.enabledAt,
          mergeMethod: pull.autoMerge.mergeMethod,
          enabledBy: this.actor(pull.autoMerge.enabledBy),
        },
      };
    }
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

  projectView(project: StoredProject) {
    return {
      __typename: 'ProjectV2',
      id: project.id,
      databaseId: project.databaseId,
      number: project.number,
      title: project.title,
      closed: project.closed,
      viewerCanUpdate: this.#principal.checkProject(project, 'write') === undefined,
      url: `https://github.com/${project.ownerType === 'user' ? 'users' : 'orgs'}/${project.owner}/projects/${project.number}`,
      owner: () => this.ownerView(project.owner, project.ownerType === 'user' ? 'User' : 'Organization'),
      field: (a: Args) => {
        const f = project.fields.find((x) => x.name === a.name);
        return f ? this.fieldView(f) : null;
      },
      fields: (a: Args) => connection(project.fields.map((f) => this.fieldView(f)), a, 'fields'),
      items: (a: Args) => connection(project.items.map((it) => this.itemView(it)), a, 'items'),
    };
  }

  private fieldView(f: StoredField) {
    const common = { id: f.id, databaseId: f.databaseId, name: f.name, dataType: f.dataType, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' };
    if (f.dataType === 'SINGLE_SELECT') {
      return {
        ...common,
        __typename: 'ProjectV2SingleSelectField',
        options: (a: Args) => {
          const names = a.names as string[] | undefined;
          return f.options
            .filter((o) => !names || names.includes(o.name))
            .map((o) => ({ ...o, nameHTML: o.name, descriptionHTML: o.description }));
        },
      };
    }
    return { ...common, __typename: 'ProjectV2Field' };
  }

  private valueView(item: StoredItem, f: StoredField, v: StoredFieldValue) {
    const common = { id: `PVTFV_${item.databaseId}_${f.databaseId}`, field: this.fieldView(f), createdAt: item.createdAt, updatedAt: item.updatedAt, databaseId: f.databaseId };
    if ('optionId' in v) {
      const o = f.options.find((x) => x.id === v.optionId);
      return { ...common, __typename: 'ProjectV2ItemFieldSingleSelectValue', optionId: v.optionId, name: o?.name ?? null, nameHTML: o?.name ?? null, color: o?.color ?? 'GRAY', description: o?.description ?? null };
    }
    if ('number' in v) return { ...common, __typename: 'ProjectV2ItemFieldNumberValue', number: v.number };
    if ('date' in v) return { ...common, __typename: 'ProjectV2ItemFieldDateValue', date: v.date };
    return { ...common, __typename: 'ProjectV2ItemFieldTextValue', text: v.text };
  }

  itemView(item: StoredItem) {
    const content = item.content;
    return {
      __typename: 'ProjectV2Item',
      id: item.id,
      databaseId: item.databaseId,
      type: item.type,
      isArchived: item.isArchived,
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
      project: () => this.projectView(item.project),
      content: () =>
        'draftId' in content
          ? { __typename: 'DraftIssue', id: content.draftId, title: content.title, body: content.body, createdAt: item.createdAt, updatedAt: item.updatedAt }
          : this.issueView(content),
      fieldValueByName: (a: Args) => {
        const f = item.project.fields.find((x) => x.name === a.name);
        const v = f && item.values.get(f.id);
        return f && v ? this.valueView(item, f, v) : null;
      },
      fieldValues: (a: Args) =>
        connection(
          item.project.fields.flatMap((f) => {
            const v = item.values.get(f.id);
            return v ? [this.valueView(item, f, v)] : [];
          }),
          a,
          'fieldValues',
        ),
    };
  }

  // ------------------------------------------------------------------------------------ mutations

  /** Throws GitHub's error when the principal may not do `need` on `repo`. */
  #allowRepo(repo: StoredRepo, need: RepoNeed, operation: string, notFound = `Could not resolve to a Repository with the name '${repo.fullName}'.`): void {
    const refusal = this.#principal.checkRepo(repo, need);
    if (!refusal) return;
    const e = refusalError(refusal, this.#principal, operation, notFound);
    throw new TypedGraphQLError(e.type, e.message);
  }

  #allowProject(project: StoredProject, level: 'read' | 'write', operation: string, notFound: string): void {
    const refusal = this.#principal.checkProject(project, level);
    if (!refusal) return;
    const e = refusalError(refusal, this.#principal, operation, notFound);
    throw new TypedGraphQLError(e.type, e.message);
  }

  /** Checks a mutation's need on its subject before it changes anything. */
  #allowMutation(operation: string, subject: StoredRepo | StoredProject, subjectId: unknown): void {
    const need = MUTATION_NEEDS[operation];
    if (!need) throw new Error(`fake GitHub: no permission rule for mutation ${operation}`);
    const notFound = `Could not resolve to a node with the global id of '${String(subjectId)}'`;
    if ('repo' in need) this.#allowRepo(subject as StoredRepo, need.repo, operation, notFound);
    else this.#allowProject(subject as StoredProject, need.project, operation, notFound);
  }

  private mutationRoot() {
    return mutationRoot({
      store: this.store,
      principal: this.#principal,
      allow: (operation, subject, subjectId) => this.#allowMutation(operation, subject, subjectId),
      issueView: (issue) => this.issueView(issue),
      itemView: (item) => this.itemView(item),
      actor: (login) => this.actor(login),
    });
  }
}

const validated = new WeakMap<DocumentNode, readonly GraphQLError[]>();
const parsedByText = new Map<string, DocumentNode>();

/** Parses a query, reusing the document of an identical earlier query (so validation is cached too). */
export function parseCached(query: string): DocumentNode {
  let document = parsedByText.get(query);
  if (!document) {
    document = parse(query);
    if (parsedByText.size > 500) parsedByText.clear();
    parsedByText.set(query, document);
  }
  return document;
}

function validateCached(document: DocumentNode): readonly GraphQLError[] {
  let errors = validated.get(document);
  if (!errors) {
    errors = validate(githubSchema(), document);
    validated.set(document, errors);
  }
  return errors;
}

/** Marks a pull request merged (shared by REST and GraphQL). */
export function mergePull(s: FakeStore, pull: StoredIssue): void {
  if (!pull.pull) return;
  pull.pull.merged = true;
  pull.pull.mergedAt = s.iso();
  pull.pull.autoMerge = null;
  pull.state = 'closed';
  pull.closedAt = pull.pull.mergedAt;
  pull.updatedAt = pull.pull.mergedAt;
}

/** The top-level fields of every operation, through fragments. */
function rootFields(document: DocumentNode): FieldNode[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const out: FieldNode[] = [];
  const seen = new Set<string>();
  const walk = (selections: readonly SelectionNode[]) => {
    for (const sel of selections) {
      if (sel.kind === Kind.FIELD) out.push(sel);
      else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet.selections);
      else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const f = fragments.get(sel.name.value);
        if (f) walk(f.selectionSet.selections);
      }
    }
  };
  for (const d of document.definitions) if (d.kind === Kind.OPERATION_DEFINITION) walk(d.selectionSet.selections);
  return out;
}

/** `query Name` for named operations, else `query firstField` / `mutation firstField`. */
export function operationKey(document: DocumentNode): string {
  const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!op) return 'query';
  if (op.name) return `${op.operation} ${op.name.value}`;
  const first = op.selectionSet.selections.find((x) => x.kind === Kind.FIELD);
  return `${op.operation} ${first && first.kind === Kind.FIELD ? first.name.value : ''}`.trim();
}
