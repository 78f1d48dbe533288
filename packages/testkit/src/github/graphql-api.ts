/**
 * Resolves GraphQL documents against the fake's store: validates them against the patched schema,
 * checks the token's scopes, then executes them with graphql-js over the views
 * (graphql-views.ts, graphql-project-views.ts) or the mutations (graphql-mutations.ts). The
 * query root lives here: a root field it lacks is reported as not implemented.
 */
import { defaultFieldResolver, execute, Kind, type DocumentNode, type GraphQLError, type GraphQLFieldResolver } from 'graphql';
import { Principal } from './access.js';
import { insufficientScopes, MUTATION_NEEDS } from './graphql-access.js';
import { TypedGraphQLError, type Args } from './graphql-connection.js';
import { queryCost, type QueryCost } from './graphql-cost.js';
import { operationKey, parseCached, rootFields, validateCached } from './graphql-documents.js';
import { pathOf, validationErrors } from './graphql-errors.js';
import { mutationRoot } from './graphql-mutations.js';
import { GraphQLViews } from './graphql-views.js';
import { githubSchema } from './schema.js';
import type { FakeStore } from './store.js';
import type { StoredProject, StoredRepo } from './store-types.js';

export interface GraphQLResponseBody {
  data?: unknown;
  errors?: unknown[];
}

/**
 * graphql-js's default resolver, except on the fake's strict views (`__strict`): a field GitHub's
 * schema has but the view lacks is an error naming it, never a silent null.
 */
const strictResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
  if (source !== null && typeof source === 'object' && '__strict' in source && !(info.fieldName in source)) {
    throw new TypedGraphQLError(
      'FAKE_NOT_IMPLEMENTED',
      `fake GitHub: ${info.parentType.name}.${info.fieldName} is in GitHub's schema but the fake does not implement it (packages/testkit/src/github/graphql-pull-views.ts)`,
    );
  }
  return defaultFieldResolver(source, args, context, info);
};

export class FakeGraphQL {
  /** The views, and who the running document acts as. */
  private readonly views: GraphQLViews;
  /** The cost charged for the running document. */
  #charged: QueryCost = { cost: 1, requests: 1, nodeCount: 0 };

  constructor(
    private readonly store: FakeStore,
    private readonly baseUrl: () => string,
    /** The GraphQL budget of a user as the `rateLimit` object reports it (after this request's charge). */
    private readonly budget: (login: string) => { limit: number; used: number; resetAt: number } = () => ({ limit: 5000, used: 0, resetAt: Date.now() + 3_600_000 }),
  ) {
    this.views = new GraphQLViews(store);
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

  /** The point cost of a document (1 when it does not validate: it will not run). */
  cost(document: DocumentNode, variables: Args | undefined): QueryCost {
    if (validateCached(document).length > 0) return { cost: 1, requests: 1, nodeCount: 0 };
    return queryCost(githubSchema(), document, variables ?? {});
  }

  run(document: DocumentNode, variables: Args | undefined, validateDocument: boolean, principal?: Principal, charged: QueryCost = { cost: 1, requests: 1, nodeCount: 0 }): GraphQLResponseBody {
    this.#charged = charged;
    const schema = githubSchema();
    this.views.principal = principal ?? new Principal(undefined, this.store.viewer);
    if (validateDocument) {
      const errors = validateCached(document);
      if (errors.length > 0) return { errors: validationErrors(document, errors) };
    }
    const scopeErrors = insufficientScopes(schema, document, this.views.principal);
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
      fieldResolver: strictResolver,
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

  private queryRoot() {
    const s = this.store;
    const v = this.views;
    return {
      repository: (a: Args) => {
        const repo = s.repo(String(a.owner), String(a.name));
        if (!repo || !v.principal.canSee(repo)) {
          throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to a Repository with the name '${String(a.owner)}/${String(a.name)}'.`);
        }
        return v.repoView(repo);
      },
      organization: (a: Args) => v.ownerView(String(a.login), 'Organization'),
      user: (a: Args) => v.ownerView(String(a.login), 'User'),
      repositoryOwner: (a: Args) => {
        const owner = s.owners.get(String(a.login).toLowerCase());
        return owner ? v.ownerView(owner.login, owner.type) : null;
      },
      viewer: () => v.ownerView(v.principal.login, 'User'),
      node: (a: Args) => v.nodeView(String(a.id)),
      // An id that does not resolve is a null entry plus a NOT_FOUND error; the others still come
      // back (graphql-js turns an Error list item into exactly that).
      nodes: (a: Args) =>
        (a.ids as string[]).map((id) => {
          try {
            return v.nodeView(id);
          } catch (error) {
            return error;
          }
        }),
      // The cost of this very document, already charged (`dryRun` is not modelled: the query runs).
      rateLimit: () => {
        const b = this.budget(v.principal.login);
        const { cost, nodeCount } = this.#charged;
        return { cost, limit: b.limit, remaining: Math.max(0, b.limit - b.used), used: b.used, resetAt: this.store.iso(b.resetAt), nodeCount };
      },
    };
  }

  /** Checks a mutation's need on its subject before it changes anything. */
  #allowMutation(operation: string, subject: StoredRepo | StoredProject, subjectId: unknown): void {
    const need = MUTATION_NEEDS[operation];
    if (!need) throw new Error(`fake GitHub: no permission rule for mutation ${operation}`);
    const notFound = `Could not resolve to a node with the global id of '${String(subjectId)}'`;
    if ('repo' in need) this.views.allowRepo(subject as StoredRepo, need.repo, operation, notFound);
    else this.views.allowProject(subject as StoredProject, need.project, operation, notFound);
  }

  private mutationRoot() {
    return mutationRoot({
      store: this.store,
      principal: this.views.principal,
      allow: (operation, subject, subjectId) => this.#allowMutation(operation, subject, subjectId),
      issueView: (issue) => this.views.issueView(issue),
      itemView: (item) => this.views.itemView(item),
      actor: (login) => this.views.actor(login),
      pulls: this.views.pulls,
    });
  }
}
