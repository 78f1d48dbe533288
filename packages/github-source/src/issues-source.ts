/**
 * `GitHubIssuesSource`: the issues of one or more repositories as tasks. One GraphQL query per
 * page of 100 issues brings each issue with its labels, author association, native blocked-by
 * links and sub-issues (research §2.2); references outside the loaded set are looked up in one
 * batched query per 2,500 (reference-lookup.ts). Repository.issues never returns pull requests.
 */
import { InvalidOptionsError, type TaskSource } from '@pco/contract';
import { toGitHubError } from './errors.js';
import { completeIssueNode, isRepoName, ISSUE_FIELDS, issueRecord, lookupReferenceStates, splitRepo, throwIfAborted } from './issue-query.js';
import { IssuesPageSchema, parseResponse, type IssueNode } from './response-schemas.js';
import type { GitHubClient } from './octokit.js';
import { resolveDependencies, type ResolveDependenciesOptions } from './resolve-dependencies.js';
import type { GitHubIssueRecord, GitHubTask } from './types.js';

export interface GitHubIssuesSourceOptions extends ResolveDependenciesOptions {
  /** A client from `createGitHubClient`. */
  readonly client: GitHubClient;
  /** `owner/repo`, or several. */
  readonly repos: string | readonly string[];
  /** Which issues. @default 'open' */
  readonly state?: 'open' | 'closed' | 'all';
  /** Only issues carrying ALL of these labels (case-insensitive). @default [] */
  readonly labels?: readonly string[];
  /** Only issues assigned to this login (`*`: to anyone). */
  readonly assignee?: string;
  /** Only issues of this milestone number (`*`: any milestone, `none`: no milestone). */
  readonly milestone?: number | '*' | 'none';
  /** Only issues created by this login. */
  readonly createdBy?: string;
  /** Only issues updated at or after this time. */
  readonly since?: Date | string;
  /**
   * Labels carrying an estimate: the first capture group is the number (`estimate:3`, `points:5`).
   * @default /^(?:estimate|points?|size):\s*(\d+(?:\.\d+)?)$/i
   */
  readonly estimateLabelPattern?: RegExp;
}

const ISSUES_QUERY = /* GraphQL */ `
  query PcoIssues($owner: String!, $name: String!, $cursor: String, $states: [IssueState!], $labels: [String!], $filterBy: IssueFilters) {
    repository(owner: $owner, name: $name) {
      issues(first: 100, after: $cursor, states: $states, labels: $labels, filterBy: $filterBy, orderBy: { field: CREATED_AT, direction: ASC }) {
        pageInfo { hasNextPage endCursor }
        nodes { ...PcoIssueFields }
      }
    }
  }
  ${ISSUE_FIELDS}
`;

const DEFAULT_ESTIMATE_LABEL = /^(?:estimate|points?|size):\s*(\d+(?:\.\d+)?)$/i;

/** Tasks from repository issues (implements the contract's `TaskSource`). */
export class GitHubIssuesSource implements TaskSource<GitHubTask> {
  readonly #o: GitHubIssuesSourceOptions;
  readonly #repos: readonly string[];
  readonly #since: string | undefined;

  constructor(options: GitHubIssuesSourceOptions) {
    if (!options || typeof options.client?.graphql !== 'function') {
      throw new InvalidOptionsError('GitHubIssuesSource', 'client', 'expected a client from createGitHubClient()', options?.client);
    }
    const repos = typeof options.repos === 'string' ? [options.repos] : [...(options.repos ?? [])];
    if (repos.length === 0) throw new InvalidOptionsError('GitHubIssuesSource', 'repos', 'expected at least one "owner/repo"', options.repos);
    repos.forEach((r, i) => {
      if (!isRepoName(r)) throw new InvalidOptionsError('GitHubIssuesSource', `repos[${i}]`, 'expected "owner/repo"', r);
    });
    if (options.state !== undefined && !['open', 'closed', 'all'].includes(options.state)) {
      throw new InvalidOptionsError('GitHubIssuesSource', 'state', 'expected open, closed or all', options.state);
    }
    let since: string | undefined;
    if (options.since !== undefined) {
      const ms = options.since instanceof Date ? options.since.getTime() : Date.parse(options.since);
      if (Number.isNaN(ms)) throw new InvalidOptionsError('GitHubIssuesSource', 'since', 'expected a Date or a date string', options.since);
      since = new Date(ms).toISOString();
    }
    this.#o = options;
    this.#repos = repos;
    this.#since = since;
  }

  /** Loads every matching issue and resolves its dependencies. */
  async load(signal?: AbortSignal): Promise<GitHubTask[]> {
    const records: GitHubIssueRecord[] = [];
    for (const repo of this.#repos) records.push(...(await this.#loadRepo(repo, signal)));
    throwIfAborted(signal);
    return resolveDependencies(records, (refs, s) => lookupReferenceStates(this.#o.client, refs, s), this.#o, signal);
  }

  async #loadRepo(repo: string, signal?: AbortSignal): Promise<GitHubIssueRecord[]> {
    const [owner, name] = splitRepo(repo);
    const o = this.#o;
    const state = o.state ?? 'open';
    const labels = o.labels ?? [];
    const filterBy: Record<string, string> = {};
    if (o.assignee !== undefined) filterBy.assignee = o.assignee;
    if (o.createdBy !== undefined) filterBy.createdBy = o.createdBy;
    if (o.milestone !== undefined) filterBy.milestoneNumber = String(o.milestone);
    if (this.#since !== undefined) filterBy.since = this.#since;
    const nodes: IssueNode[] = [];
    try {
      const pages = this.#o.client.graphql.paginate.iterator(ISSUES_QUERY, {
        owner,
        name,
        states: state === 'all' ? ['OPEN', 'CLOSED'] : [state.toUpperCase()],
        // GraphQL `labels` matches ANY label (research §2.2); it narrows the download, and the
        // ALL-of filter below gives REST's semantics.
        ...(labels.length > 0 ? { labels: [...labels] } : {}),
        ...(Object.keys(filterBy).length > 0 ? { filterBy } : {}),
        request: { signal },
      });
      for await (const page of pages) {
        throwIfAborted(signal);
        nodes.push(...parseResponse(IssuesPageSchema, page, `loading issues of ${repo}`).repository.issues.nodes);
      }
    } catch (error) {
      throw toGitHubError(error, `loading issues of ${repo}`);
    }
    const wanted = labels.map((l) => l.toLowerCase());
    const records: GitHubIssueRecord[] = [];
    for (const raw of nodes) {
      const node = await completeIssueNode(this.#o.client, raw, signal);
      const names = node.labels.nodes.map((l) => l.name.toLowerCase());
      if (!wanted.every((w) => names.includes(w))) continue;
      records.push(issueRecord(node, {}, estimateFromLabels(node.labels.nodes.map((l) => l.name), o.estimateLabelPattern ?? DEFAULT_ESTIMATE_LABEL)));
    }
    return records;
  }
}

function estimateFromLabels(labels: readonly string[], pattern: RegExp): number | undefined {
  for (const l of labels) {
    const m = pattern.exec(l);
    if (m?.[1] !== undefined && Number.isFinite(Number(m[1])) && Number(m[1]) > 0) return Number(m[1]);
  }
  return undefined;
}
