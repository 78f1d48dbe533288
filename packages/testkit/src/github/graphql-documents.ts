/** Parsing and validation of GraphQL documents (cached by text and by document), and what they ask for. */
import { Kind, parse, validate, type DocumentNode, type FieldNode, type GraphQLError, type OperationDefinitionNode, type SelectionNode } from 'graphql';
import { githubSchema } from './schema.js';

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

export function validateCached(document: DocumentNode): readonly GraphQLError[] {
  let errors = validated.get(document);
  if (!errors) {
    errors = validate(githubSchema(), document);
    validated.set(document, errors);
  }
  return errors;
}

/** The top-level fields of every operation, through fragments. */
export function rootFields(document: DocumentNode): FieldNode[] {
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
