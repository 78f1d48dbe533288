/**
 * The GraphQL selections shared by both sources, the mapping of an issue node to a record, the
 * follow-up for truncated nested connections. The batched state lookup of references lives in
 * reference-lookup.ts (re-exported here).
 */
import type { GitHubClient } from './octokit.js';
import { toGitHubError } from './errors.js';
import { IssueConnectionPageSchema, parseResponse, type IssueNode, type LinkNode } from './response-schemas.js';
import type { GitHubIssueRecord, GitHubTaskSourceRef, IssueLink } from './types.js';

export { lookupReferenceStates, type LookupReferenceStatesOptions } from './reference-lookup.js';

/** Nested connections are read in one page; research §1.7: at most 50 blockers per issue. */
export const NESTED_PAGE = 50;

export const ISSUE_FIELDS = /* GraphQL */ `
  fragment PcoIssueFields on Issue {
    id databaseId number title body url state authorAssociation
    author { login }
    repository { nameWithOwner }
    labels(first: ${NESTED_PAGE}) { totalCount nodes { name } }
    blockedBy(first: ${NESTED_PAGE}) { totalCount nodes { number state repository { nameWithOwner } } }
    subIssues(first: ${NESTED_PAGE}) { totalCount nodes { number state repository { nameWithOwner } } }
  }
`;

const link = (n: LinkNode): IssueLink => ({ repo: n.repository.nameWithOwner, number: n.number, state: n.state });

/** Completes truncated nested connections of `node` (rare: > 50 labels, blockers or sub-issues). */
export async function completeIssueNode(client: GitHubClient, node: IssueNode, signal?: AbortSignal): Promise<IssueNode> {
  const [owner, name] = node.repository.nameWithOwner.split('/') as [string, string];
  const more = async <F extends 'labels' | 'blockedBy' | 'subIssues'>(field: F, selection: string, conn: IssueNode[F]): Promise<IssueNode[F]> => {
    if (conn.nodes.length + conn.hidden >= conn.totalCount) return conn;
    const query = `query PcoIssueConnection($owner: String!, $name: String!, $number: Int!, $cursor: String) {
      repository(owner: $owner, name: $name) { issue(number: $number) {
        ${field}(first: 100, after: $cursor) { totalCount pageInfo { hasNextPage endCursor } nodes { ${selection} } } } } }`;
    const operation = `loading ${field} of ${node.repository.nameWithOwner}#${node.number}`;
    let all: unknown;
    try {
      all = await client.graphql.paginate(query, { owner, name, number: node.number, request: { signal } });
    } catch (error) {
      throw toGitHubError(error, operation);
    }
    const page = parseResponse(IssueConnectionPageSchema(field), all, operation);
    return (page.repository.issue[field] as IssueNode[F] | undefined) ?? conn;
  };
  const linkSel = 'number state repository { nameWithOwner }';
  return {
    ...node,
    labels: await more('labels', 'name', node.labels),
    blockedBy: await more('blockedBy', linkSel, node.blockedBy),
    subIssues: await more('subIssues', linkSel, node.subIssues),
  };
}

/**
 * Blocked-by links and sub-issues GitHub hid from the token (null items): like a reference that
 * does not resolve, they are ignored with a warning (`pco plan` shows it).
 */
function hiddenLinkWarnings(node: IssueNode): { warnings?: string[] } {
  const warnings: string[] = [];
  const { hidden: blockers } = node.blockedBy;
  const { hidden: subIssues } = node.subIssues;
  if (blockers > 0) warnings.push(`${blockers} blocked-by link${blockers === 1 ? '' : 's'} to issues the token cannot see; ignored`);
  if (subIssues > 0) warnings.push(`${subIssues} sub-issue${subIssues === 1 ? '' : 's'} the token cannot see; ignored`);
  return warnings.length > 0 ? { warnings } : {};
}

/** Maps an issue node to a record; `extra` adds the project fields. */
export function issueRecord(node: IssueNode, extra: Partial<GitHubTaskSourceRef> = {}, estimate?: number): GitHubIssueRecord {
  const repo = node.repository.nameWithOwner;
  return {
    id: `${repo}#${node.number}`,
    title: node.title,
    body: node.body ?? '',
    url: node.url,
    state: node.state,
    ...(node.author ? { author: node.author.login } : {}),
    authorAssociation: node.authorAssociation,
    labels: node.labels.nodes.map((l) => l.name),
    blockedBy: node.blockedBy.nodes.map(link),
    subIssues: node.subIssues.nodes.map(link),
    ...hiddenLinkWarnings(node),
    ...(estimate !== undefined ? { estimate } : {}),
    source: { kind: 'issue', repo, number: node.number, nodeId: node.id, ...(node.databaseId !== null ? { databaseId: node.databaseId } : {}), ...extra },
  };
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+$/;

/** True when `fullName` is a valid `owner/repo` (names only: they are inlined into lookup queries). */
export function isRepoName(fullName: unknown): fullName is string {
  return typeof fullName === 'string' && NAME_RE.test(fullName);
}

/** Splits `owner/repo`; the source's constructor checked it with {@link isRepoName}. */
export function splitRepo(fullName: string): [string, string] {
  const [owner, name] = fullName.split('/') as [string, string];
  return [owner, name];
}

/** Rejects with an AbortError-like error when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw toGitHubError(Object.assign(new Error('aborted'), { name: 'AbortError' }), 'loading tasks');
}
