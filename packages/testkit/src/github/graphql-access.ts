/**
 * What GraphQL operations need from a token, and GitHub's GraphQL wording of a refusal:
 * - a classic token lacking a scope: the document is rejected before it runs, one
 *   `INSUFFICIENT_SCOPES` error per field that needs the scope (GitHub checks scopes statically);
 * - a fine-grained token lacking a permission: `FORBIDDEN` "Resource not accessible by personal
 *   access token" on the field, with `null` data there;
 * - a user whose role is too low: `FORBIDDEN` "<login> does not have the correct permissions to
 *   execute `MutationName`";
 * - something the token may not see: `NOT_FOUND`, as if it did not exist.
 */
import { Kind, TypeInfo, getNamedType, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import { FORBIDDEN_PAT, type Principal, type Refusal, type RepoNeed } from './access.js';

/** What each implemented mutation needs: a repository (of its subject) or a board. */
export const MUTATION_NEEDS: Readonly<Record<string, { readonly repo: RepoNeed } | { readonly project: 'write' }>> = {
  addComment: { repo: { anyOf: ['issues', 'pull_requests'], level: 'write', role: 'read' } },
  addBlockedBy: { repo: { anyOf: ['issues'], level: 'write', role: 'triage' } },
  removeBlockedBy: { repo: { anyOf: ['issues'], level: 'write', role: 'triage' } },
  enablePullRequestAutoMerge: { repo: { anyOf: ['pull_requests'], level: 'write', role: 'write' } },
  disablePullRequestAutoMerge: { repo: { anyOf: ['pull_requests'], level: 'write', role: 'write' } },
  mergePullRequest: { repo: { anyOf: ['contents'], level: 'write', role: 'write' } },
  updatePullRequestBranch: { repo: { anyOf: ['contents'], level: 'write', role: 'write' } },
  enqueuePullRequest: { repo: { anyOf: ['contents'], level: 'write', role: 'write' } },
  dequeuePullRequest: { repo: { anyOf: ['contents'], level: 'write', role: 'write' } },
  updateProjectV2ItemFieldValue: { project: 'write' },
  clearProjectV2ItemFieldValue: { project: 'write' },
  addProjectV2ItemById: { project: 'write' },
};

export const READ_ISSUES: RepoNeed = { anyOf: ['issues'], level: 'read', role: 'read' };
export const READ_PULLS: RepoNeed = { anyOf: ['pull_requests'], level: 'read', role: 'read' };

/** The GraphQL error of a refusal (`notFound` is the message of the object as if absent). */
export function refusalError(refusal: Refusal, principal: Principal, operation: string, notFound: string): { type: string; message: string } {
  if (refusal.kind === 'forbidden' && (refusal.reason === 'token' || principal.token?.type === 'fine-grained')) return { type: 'FORBIDDEN', message: FORBIDDEN_PAT };
  if (refusal.kind === 'forbidden') {
    const name = operation.charAt(0).toUpperCase() + operation.slice(1);
    return { type: 'FORBIDDEN', message: `${principal.login} does not have the correct permissions to execute \`${name}\`` };
  }
  return { type: 'NOT_FOUND', message: notFound };
}

/**
 * The `INSUFFICIENT_SCOPES` errors of a document for a classic token, or none. Board fields need
 * `read:project`, board mutations `project`, the other mutations `public_repo`.
 */
export function insufficientScopes(schema: GraphQLSchema, document: DocumentNode, principal: Principal): unknown[] {
  if (principal.token?.type !== 'classic') return [];
  const granted = principal.grantedScopes();
  const errors: unknown[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      [Kind.FIELD](node) {
        const parent = typeInfo.getParentType()?.name ?? '';
        const def = typeInfo.getFieldDef();
        const returns = def ? getNamedType(def.type).name : '';
        const mutation = parent === 'Mutation' ? MUTATION_NEEDS[node.name.value] : undefined;
        const required = mutation ? ('project' in mutation ? 'project' : 'public_repo') : parent.startsWith('ProjectV2') || returns.startsWith('ProjectV2') ? 'read:project' : undefined;
        if (required === undefined || principal.hasScope(required)) return;
        errors.push({
          type: 'INSUFFICIENT_SCOPES',
          locations: node.loc ? [{ line: node.loc.startToken.line, column: node.loc.startToken.column }] : [],
          message:
            `Your token has not been granted the required scopes to execute this query. The '${node.name.value}' field requires one of the following scopes: ['${required}'], ` +
            `but your token has only been granted the: [${granted.map((s) => `'${s}'`).join(', ')}] scopes. Please modify your token's scopes at: https://github.com/settings/tokens.`,
        });
      },
    }),
  );
  return errors;
}
