/**
 * GitHub's public GraphQL schema from @octokit/graphql-schema, patched with the issue-dependency
 * fields it lacks (see shared/research/github-api.md §4b; field names from GitHub's 2025 GraphQL
 * changelog). The IDL has duplicate field definitions, hence `assumeValidSDL`.
 */
import { schema as octokitSchema } from '@octokit/graphql-schema';
import { buildSchema, extendSchema, parse, type GraphQLSchema } from 'graphql';

/** The SDL patch applied on top of the published schema. */
export const GITHUB_SCHEMA_PATCH = /* GraphQL */ `
  enum IssueDependencyOrderField { CREATED_AT DEPENDENCY_ADDED_AT }
  input IssueDependencyOrder { field: IssueDependencyOrderField! direction: OrderDirection! }
  type IssueDependenciesSummary { blockedBy: Int! blocking: Int! totalBlockedBy: Int! totalBlocking: Int! }
  extend type Issue {
    blockedBy(after: String, before: String, first: Int, last: Int, orderBy: IssueDependencyOrder): IssueConnection!
    blocking(after: String, before: String, first: Int, last: Int, orderBy: IssueDependencyOrder): IssueConnection!
    issueDependenciesSummary: IssueDependenciesSummary!
  }
  input AddBlockedByInput { clientMutationId: String issueId: ID! blockingIssueId: ID! }
  type AddBlockedByPayload { clientMutationId: String issue: Issue blockingIssue: Issue }
  input RemoveBlockedByInput { clientMutationId: String issueId: ID! blockingIssueId: ID! }
  type RemoveBlockedByPayload { clientMutationId: String issue: Issue blockingIssue: Issue }
  extend type Mutation {
    addBlockedBy(input: AddBlockedByInput!): AddBlockedByPayload
    removeBlockedBy(input: RemoveBlockedByInput!): RemoveBlockedByPayload
  }
`;

let cached: GraphQLSchema | undefined;

/** The patched schema (built once per process, ~300 ms). */
export function githubSchema(): GraphQLSchema {
  if (cached) return cached;
  const base = buildSchema(octokitSchema.idl, { assumeValidSDL: true });
  cached = extendSchema(base, parse(GITHUB_SCHEMA_PATCH), { assumeValidSDL: true });
  return cached;
}
