/**
 * GitHub's GraphQL point cost of a query (docs: "Rate limits and query limits for the GraphQL
 * API"; research github-api.md §2.6, github-pr-lifecycle.md §1.4): count one request per
 * connection per parent object, assuming every `first`/`last` is used in full (a nested connection
 * costs one request per node of its parent); `nodes(ids:)` is a list, so what it holds counts once
 * per id. The sum divided by 100 and rounded, at least 1, is the cost. `rateLimit` is free; a
 * mutation costs 1 point of the primary budget.
 */
import {
  getArgumentValues,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export interface QueryCost {
  /** Points charged (what `rateLimit { cost }` reports). */
  readonly cost: number;
  /** Requests the formula counted before dividing by 100. */
  readonly requests: number;
  /** Nodes the query may return at most (`rateLimit { nodeCount }`). */
  readonly nodeCount: number;
}

/** The cost of running `document` with `variables` (documents must have passed validation). */
export function queryCost(schema: GraphQLSchema, document: DocumentNode, variables: Readonly<Record<string, unknown>> = {}): QueryCost {
  const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!op || op.operation !== 'query') return { cost: 1, requests: 1, nodeCount: 0 };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const root = schema.getQueryType();
  if (!root) return { cost: 1, requests: 1, nodeCount: 0 };
  let requests = 0;
  let nodeCount = 0;
  const typeNamed = (name: string, fallback: GraphQLCompositeType): GraphQLCompositeType => {
    const t = schema.getType(name);
    return t && isCompositeType(t) ? t : fallback;
  };
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, multiplier: number, depth: number): void => {
    if (depth > 50) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, sel.typeCondition ? typeNamed(sel.typeCondition.name.value, parent) : parent, multiplier, depth + 1);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        if (f) walk(f.selectionSet, typeNamed(f.typeCondition.name.value, parent), multiplier, depth + 1);
        continue;
      }
      const name = sel.name.value;
      if (name.startsWith('__') || (parent === root && name === 'rateLimit')) continue;
      if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
      const def = parent.getFields()[name];
      if (!def) continue;
      const named = getNamedType(def.type);
      let args: Record<string, unknown> = {};
      try {
        args = getArgumentValues(def, sel, variables as Record<string, unknown>);
      } catch {
        // Coercion problems are reported by execution; the cost just ignores them.
      }
      let inner = multiplier;
      const size = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : undefined;
      if (named.name.endsWith('Connection') && size !== undefined) {
        requests += multiplier;
        nodeCount += multiplier * size;
        inner = multiplier * size;
      } else if (parent === root && name === 'nodes' && Array.isArray(args.ids)) {
        inner = multiplier * args.ids.length;
      }
      if (sel.selectionSet && isCompositeType(named)) walk(sel.selectionSet, named, inner, depth + 1);
    }
  };
  walk(op.selectionSet, root, 1, 0);
  return { cost: Math.max(1, Math.round(requests / 100)), requests, nodeCount };
}
