/**
 * The GraphQL selections shared by both sources, the mapping of an issue node to a record, the
 * follow-up for truncated nested connections, and the batched state lookup of references.
 */
import type { GitHubClient } from './octokit.js';
import { GitHubOptionsError, toGitHubError } from './errors.js';
import { refKey, type ReferenceState } from './resolve-dependencies.js';
import { IssueConnectionPageSchema, parseResponse, type IssueNode, type LinkNode } from './response-schemas.js';
import type { GitHubIssueRecord, GitHubTaskSourceRef, IssueLink } from './types.js';

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

/** Splits `owner/repo`, validating it (names only: they are inlined into lookup queries). */
export function splitRepo(fullName: string, field = 'repo'): [string, string] {
  if (!NAME_RE.test(fullName)) throw new GitHubOptionsError(`${field}: expected "owner/repo", got ${JSON.stringify(fullName)}`, { field });
  const [owner, name] = fullName.split('/') as [string, string];
  return [owner, name];
}

/**
 * States of issues / pull requests by reference, 100 per GraphQL call (aliases). References that
 * do not resolve (NOT_FOUND) come back as `MISSING`.
 */
export async function lookupReferenceStates(client: GitHubClient, refs: readonly IssueLink[], signal?: AbortSignal): Promise<Map<string, ReferenceState>> {
  const out = new Map<string, ReferenceState>();
  const valid = refs.filter((r) => {
    if (NAME_RE.test(r.repo)) return true;
    out.set(refKey(r.repo, r.number), 'MISSING');
    return false;
  });
  for (let i = 0; i < valid.length; i += 100) {
    const chunk = valid.slice(i, i + 100);
    const byRepo = new Map<string, IssueLink[]>();
    for (const r of chunk) byRepo.set(r.repo.toLowerCase(), [...(byRepo.get(r.repo.toLowerCase()) ?? []), r]);
    const repos = [...byRepo.values()];
    const query = `query PcoReferenceStates {\n${repos
      .map((list, ri) => {
        const [owner, name] = list[0]!.repo.split('/') as [string, string];
        const issues = list
          .map((r) => `i${r.number}: issueOrPullRequest(number: ${r.number}) { __typename ... on Issue { issueState: state } ... on PullRequest { prState: state } }`)
          .join('\n    ');
        return `  r${ri}: repository(owner: "${owner}", name: "${name}") {\n    ${issues}\n  }`;
      })
      .join('\n')}\n}`;
    let data: Record<string, Record<string, { issueState?: string; prState?: string } | null> | null>;
    try {
      data = await client.graphql(query, { request: { signal } });
    } catch (error) {
      const e = error as { name?: string; data?: typeof data; errors?: { type?: string }[] };
      // Partial data: unresolvable references come back as NOT_FOUND errors with null data.
      if (e.name === 'GraphqlResponseError' && e.data && (e.errors ?? []).every((x) => x.type === 'NOT_FOUND')) data = e.data;
      else throw toGitHubError(error, 'looking up dependency states');
    }
    repos.forEach((list, ri) => {
      for (const r of list) {
        const node = data[`r${ri}`]?.[`i${r.number}`];
        const state = node?.issueState ?? node?.prState;
        out.set(refKey(r.repo, r.number), state === 'OPEN' || state === 'CLOSED' || state === 'MERGED' ? state : 'MISSING');
      }
    });
  }
  return out;
}

/** Rejects with an AbortError-like error when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw toGitHubError(Object.assign(new Error('aborted'), { name: 'AbortError' }), 'loading tasks');
}
