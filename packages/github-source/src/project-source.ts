/**
 * `GitHubProjectSource`: the items of a Projects v2 board as tasks (research §2.3). Issues become
 * tasks with their repository id (`owner/repo#N`); draft issues become tasks with the stable id
 * `draft:<item node id>`; pull requests and redacted items are not tasks. Custom field values are
 * kept in `source.fields`; a number field (Estimate) or a single-select size field gives the
 * estimate.
 */
import { InvalidOptionsError, type TaskSource } from '@pco/contract';
import { GitHubNotFoundError, toGitHubError } from './errors.js';
import { completeIssueNode, ISSUE_FIELDS, issueRecord, lookupReferenceStates, throwIfAborted } from './issue-query.js';
import type { GitHubClient } from './octokit.js';
import { resolveDependencies, type ResolveDependenciesOptions } from './resolve-dependencies.js';
import { parseResponse, ProjectPageSchema, type ItemNode, type ProjectNode } from './response-schemas.js';
import type { GitHubIssueRecord, GitHubTask } from './types.js';

export interface GitHubProjectSourceOptions extends ResolveDependenciesOptions {
  /** A client from `createGitHubClient`. */
  readonly client: GitHubClient;
  /** Login of the organization or user that owns the board. */
  readonly owner: string;
  /** Owner kind; `auto` asks GitHub (one query either way). @default 'auto' */
  readonly ownerType?: 'organization' | 'user' | 'auto';
  /** The project number (from its URL). */
  readonly number: number;
  /** Only items whose Status is one of these option names (case-insensitive). @default all */
  readonly statuses?: readonly string[];
  /** Name of the single-select status field. @default 'Status' */
  readonly statusField?: string;
  /** Number field holding the estimate. @default 'Estimate' */
  readonly estimateField?: string;
  /** Single-select field whose option names map to estimates via `sizeEstimates`. @default 'Size' */
  readonly sizeField?: string;
  /** @default { XS: 1, S: 2, M: 3, L: 5, XL: 8 } */
  readonly sizeEstimates?: Readonly<Record<string, number>>;
  /** Include archived items. @default false */
  readonly includeArchived?: boolean;
  /** Include closed issues (they count as done for dependents either way). @default false */
  readonly includeClosed?: boolean;
  /** Repository that bare `#N` references in draft issues resolve against. */
  readonly draftRepo?: string;
}

const DEFAULT_SIZES: Readonly<Record<string, number>> = { XS: 1, S: 2, M: 3, L: 5, XL: 8 };

const ITEMS_SELECTION = /* GraphQL */ `
  id title
  fields(first: 50) { nodes {
    ... on ProjectV2FieldCommon { id name dataType }
    ... on ProjectV2SingleSelectField { options { id name } }
  } }
  items(first: 100, after: $cursor) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id type isArchived
      content {
        __typename
        ... on DraftIssue { id title body creator { login } }
        ... on Issue { ...PcoIssueFields }
        ... on PullRequest { id }
      }
      fieldValues(first: 50) { nodes {
        __typename
        ... on ProjectV2ItemFieldSingleSelectValue { name optionId field { ... on ProjectV2FieldCommon { name } } }
        ... on ProjectV2ItemFieldNumberValue { number field { ... on ProjectV2FieldCommon { name } } }
        ... on ProjectV2ItemFieldTextValue { text field { ... on ProjectV2FieldCommon { name } } }
        ... on ProjectV2ItemFieldDateValue { date field { ... on ProjectV2FieldCommon { name } } }
        ... on ProjectV2ItemFieldIterationValue { title field { ... on ProjectV2FieldCommon { name } } }
      } }
    }
  }
`;

const query = (ownerType: 'organization' | 'user' | 'auto') => {
  const root =
    ownerType === 'auto'
      ? `repositoryOwner(login: $login) { ... on ProjectV2Owner { projectV2(number: $number) { ${ITEMS_SELECTION} } } }`
      : `${ownerType}(login: $login) { projectV2(number: $number) { ${ITEMS_SELECTION} } }`;
  return `query PcoProjectItems($login: String!, $number: Int!, $cursor: String) { owner: ${root} }\n${ISSUE_FIELDS}`;
};

/** Tasks from a Projects v2 board (implements the contract's `TaskSource`). */
export class GitHubProjectSource implements TaskSource<GitHubTask> {
  readonly #o: GitHubProjectSourceOptions;

  constructor(options: GitHubProjectSourceOptions) {
    if (!options || typeof options.client?.graphql !== 'function') {
      throw new InvalidOptionsError('GitHubProjectSource', 'client', 'expected a client from createGitHubClient()', options?.client);
    }
    if (typeof options.owner !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(options.owner)) {
      throw new InvalidOptionsError('GitHubProjectSource', 'owner', 'expected a login', options.owner);
    }
    if (!Number.isInteger(options.number) || options.number <= 0) {
      throw new InvalidOptionsError('GitHubProjectSource', 'number', 'expected a positive integer', options.number);
    }
    if (options.ownerType !== undefined && !['organization', 'user', 'auto'].includes(options.ownerType)) {
      throw new InvalidOptionsError('GitHubProjectSource', 'ownerType', 'expected organization, user or auto', options.ownerType);
    }
    this.#o = options;
  }

  /** Loads the board's items and resolves their dependencies. */
  async load(signal?: AbortSignal): Promise<GitHubTask[]> {
    const o = this.#o;
    const where = `project ${o.owner}/${o.number}`;
    let project: ProjectNode | undefined;
    const items: ItemNode[] = [];
    try {
      const pages = o.client.graphql.paginate.iterator(query(o.ownerType ?? 'auto'), {
        login: o.owner,
        number: o.number,
        request: { signal },
      });
      for await (const page of pages) {
        throwIfAborted(signal);
        const p = parseResponse(ProjectPageSchema, page, `loading ${where}`).owner?.projectV2;
        if (!p) throw new GitHubNotFoundError(`${where} does not exist or is not visible to the token`, { owner: o.owner, number: o.number });
        project ??= p;
        items.push(...p.items.nodes);
      }
    } catch (error) {
      const e = toGitHubError(error, `loading ${where}`);
      // A null owner/project leaves no pageInfo for plugin-paginate-graphql to find.
      if (e instanceof GitHubNotFoundError || (error as Error).name === 'MissingPageInfo') {
        throw new GitHubNotFoundError(`${where} does not exist or is not visible to the token (needs the read:project scope)`, { owner: o.owner, number: o.number }, error);
      }
      throw e;
    }
    if (!project) throw new GitHubNotFoundError(`${where} does not exist`, { owner: o.owner, number: o.number });

    const statusName = o.statusField ?? 'Status';
    const statusField = project.fields.nodes.find((f) => f?.name === statusName);
    const statusOptions = Object.fromEntries((statusField?.options ?? []).map((x) => [x.name, x.id]));
    const wanted = o.statuses?.map((x) => x.toLowerCase());
    const sizes = o.sizeEstimates ?? DEFAULT_SIZES;
    const records: GitHubIssueRecord[] = [];
    for (const item of items) {
      if (item.isArchived && !o.includeArchived) continue;
      const content = item.content;
      if (!content || content.__typename === 'PullRequest') continue; // PRs and redacted items are not tasks
      const fields: Record<string, string | number> = {};
      for (const v of item.fieldValues.nodes) {
        const name = v?.field?.name;
        if (!v || !name) continue;
        const value = v.name ?? v.number ?? v.text ?? v.date ?? v.title;
        if (value !== null && value !== undefined) fields[name] = value;
      }
      const status = typeof fields[statusName] === 'string' ? (fields[statusName] as string) : undefined;
      if (wanted && !(status !== undefined && wanted.includes(status.toLowerCase()))) continue;
      const warnings: string[] = [];
      const estimate = this.#estimate(fields, sizes, warnings);
      const ref = {
        projectId: project.id,
        projectItemId: item.id,
        ...(statusField?.id ? { statusFieldId: statusField.id } : {}),
        statusOptions,
        ...(status !== undefined ? { status } : {}),
        fields,
      };
      if (content.__typename === 'DraftIssue') {
        records.push({
          id: `draft:${item.id}`,
          title: content.title,
          body: content.body ?? '',
          state: 'OPEN',
          ...(content.creator ? { author: content.creator.login } : {}),
          labels: [],
          blockedBy: [],
          subIssues: [],
          ...(estimate !== undefined ? { estimate } : {}),
          ...(warnings.length > 0 ? { warnings } : {}),
          source: { kind: 'draft', nodeId: content.id, ...ref, ...(o.draftRepo ? { repo: o.draftRepo } : {}) },
        });
        continue;
      }
      if (content.state === 'CLOSED' && !o.includeClosed) continue;
      const node = await completeIssueNode(o.client, content, signal);
      const record = issueRecord(node, ref, estimate);
      records.push(warnings.length > 0 ? { ...record, warnings: [...(record.warnings ?? []), ...warnings] } : record);
    }
    throwIfAborted(signal);
    return resolveDependencies(records, (refs, s) => lookupReferenceStates(o.client, refs, s), o, signal);
  }

  #estimate(fields: Readonly<Record<string, string | number>>, sizes: Readonly<Record<string, number>>, warnings: string[]): number | undefined {
    const n = fields[this.#o.estimateField ?? 'Estimate'];
    if (typeof n === 'number') {
      if (n > 0) return n;
      warnings.push(`estimate ${n} is not positive; ignored`);
    }
    const size = fields[this.#o.sizeField ?? 'Size'];
    if (typeof size === 'string') {
      const key = Object.keys(sizes).find((k) => k.toLowerCase() === size.toLowerCase());
      if (key !== undefined) return sizes[key];
      warnings.push(`size "${size}" has no estimate in sizeEstimates; ignored`);
    }
    return undefined;
  }
}
