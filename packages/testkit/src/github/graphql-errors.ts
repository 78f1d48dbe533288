/**
 * GitHub's shape for GraphQL documents it will not run. GitHub validates with graphql-ruby, whose
 * static-validation errors read `Field 'x' doesn't exist on type 'Mutation'` with
 * `extensions.code` (`undefinedField`, ...) and a `path` that starts at the operation
 * (`["mutation", "x"]`, `["query Name", "repository", "nope"]`); graphql-js words the same
 * problems differently, so the common ones are translated here. Others keep graphql-js's message
 * under the code `graphqlValidation`.
 */
import { Kind, visit, type ASTNode, type DocumentNode, type GraphQLError, type OperationDefinitionNode } from 'graphql';

type Translation = { message: string; extensions: Record<string, string> };

const TRANSLATIONS: readonly [RegExp, (m: RegExpExecArray, op: string) => Translation][] = [
  [
    /^Cannot query field "(\w+)" on type "(\w+)"\./,
    (m) => ({ message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`, extensions: { code: 'undefinedField', typeName: m[2]!, fieldName: m[1]! } }),
  ],
  [
    /^Unknown argument "(\w+)" on field "\w+\.(\w+)"\./,
    (m) => ({ message: `Field '${m[2]}' doesn't accept argument '${m[1]}'`, extensions: { code: 'argumentNotAccepted', name: m[2]!, typeName: 'Field', argumentName: m[1]! } }),
  ],
  [
    /^Field "(\w+)" is not defined by type "(\w+)"\./,
    (m) => ({ message: `InputObject '${m[2]}' doesn't accept argument '${m[1]}'`, extensions: { code: 'argumentNotAccepted', name: m[2]!, typeName: 'InputObject', argumentName: m[1]! } }),
  ],
  [
    /^Field "(\w+)" argument "(\w+)" of type ".+" is required, but it was not provided\./,
    (m) => ({ message: `Field '${m[1]}' is missing required arguments: ${m[2]}`, extensions: { code: 'missingRequiredArguments', className: 'Field', name: m[1]!, arguments: m[2]! } }),
  ],
  [
    /^Field "(\w+)" of type "\[?(\w+)!?\]?!?" must have a selection of subfields\./,
    (m) => ({
      message: `Field '${m[1]}' returns ${m[2]} but has no selections. Did you mean '${m[1]} { ... }'?`,
      extensions: { code: 'selectionMismatch', nodeName: `field '${m[1]}'`, typeName: m[2]! },
    }),
  ],
  [
    /^Variable "\$(\w+)" is never used/,
    (m, op) => ({ message: `Variable $${m[1]} is declared by ${op} but not used`, extensions: { code: 'variableNotUsed', variableName: m[1]! } }),
  ],
  [
    /^Variable "\$(\w+)" is not defined/,
    (m, op) => ({ message: `Variable $${m[1]} is used by ${op} but not declared`, extensions: { code: 'variableNotDefined', variableName: m[1]! } }),
  ],
];

/** The `errors` GitHub returns for a document that fails validation. */
export function validationErrors(document: DocumentNode, errors: readonly GraphQLError[]): unknown[] {
  const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const opName = op?.name ? op.name.value : `anonymous ${op?.operation ?? 'query'}`;
  return errors.map((e) => {
    const node = e.nodes?.[0];
    let translated: Translation | undefined;
    for (const [re, make] of TRANSLATIONS) {
      const m = re.exec(e.message);
      if (m) {
        translated = make(m, opName);
        break;
      }
    }
    return {
      path: node ? pathOf(document, node) : [op?.operation ?? 'query'],
      extensions: translated?.extensions ?? { code: 'graphqlValidation' },
      locations: e.locations,
      message: translated?.message ?? e.message,
    };
  });
}

/** graphql-ruby's path of a node: the operation or fragment, then field names (aliases win) and arguments. */
export function pathOf(document: DocumentNode, target: ASTNode): string[] {
  let found: string[] | undefined;
  visit(document, {
    enter(node, _key, _parent, _path, ancestors) {
      if (found) return false;
      if (node !== target) return undefined;
      found = [...ancestors, node].flatMap((a) => (Array.isArray(a) ? [] : segment(a as ASTNode)));
      return false;
    },
  });
  return found ?? [];
}

function segment(node: ASTNode): string[] {
  switch (node.kind) {
    case Kind.OPERATION_DEFINITION:
      return [node.name ? `${node.operation} ${node.name.value}` : node.operation];
    case Kind.FRAGMENT_DEFINITION:
      return [`fragment ${node.name.value}`];
    case Kind.INLINE_FRAGMENT:
      return [node.typeCondition ? `... on ${node.typeCondition.name.value}` : '...'];
    case Kind.FIELD:
      return [node.alias?.value ?? node.name.value];
    case Kind.ARGUMENT:
    case Kind.OBJECT_FIELD:
      return [node.name.value];
    default:
      return [];
  }
}
