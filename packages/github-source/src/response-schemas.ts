/**
 * valibot schemas of the GraphQL responses the sources read, so a response of an unexpected
 * shape (a schema change, a proxy's error page parsed as data) fails with a
 * {@link GitHubResponseError} that names the field, instead of a TypeError deep in the mapping.
 * Loose objects: fields GitHub adds later pass through. GitHub types every connection's `nodes`
 * as a list of nullable items (https://docs.github.com/en/graphql/reference/objects); nulls are
 * dropped here so the mapping code never sees them, and an issue's connections count them
 * (`hidden`) so a blocker the token cannot see is reported, not silently lost.
 */
import * as v from 'valibot';
import { GitHubResponseError } from './errors.js';

const nonNull = <T>(value: T | null): value is T => value !== null;

/** A list of nullable items, with the nulls dropped. */
const presentItems = <T extends v.GenericSchema>(node: T) =>
  v.pipe(v.array(v.nullable(node)), v.transform((nodes) => nodes.filter(nonNull)));

/**
 * `{ totalCount, nodes }` with the null items dropped and counted as `hidden` (GitHub answers null
 * for an item the token may not see, e.g. a blocker in a private repository).
 */
const connection = <T extends v.GenericSchema>(node: T) =>
  v.pipe(
    v.looseObject({ totalCount: v.number(), nodes: v.array(v.nullable(node)) }),
    v.transform((conn) => {
      const nodes = conn.nodes.filter(nonNull);
      return { ...conn, nodes, hidden: conn.nodes.length - nodes.length };
    }),
  );

const RepositoryName = v.looseObject({ nameWithOwner: v.string() });

const LinkNode = v.looseObject({ number: v.number(), state: v.string(), repository: RepositoryName });

const LabelNode = v.looseObject({ name: v.string() });

/** The `PcoIssueFields` fragment. */
const issueEntries = {
  id: v.string(),
  databaseId: v.nullish(v.number(), null),
  number: v.pipe(v.number(), v.integer()),
  title: v.string(),
  body: v.nullish(v.string(), ''),
  url: v.string(),
  state: v.picklist(['OPEN', 'CLOSED']),
  authorAssociation: v.string(),
  author: v.nullable(v.looseObject({ login: v.string() })),
  repository: RepositoryName,
  labels: connection(LabelNode),
  blockedBy: connection(LinkNode),
  subIssues: connection(LinkNode),
};

export const IssueNodeSchema = v.looseObject(issueEntries);
export type IssueNode = v.InferOutput<typeof IssueNodeSchema>;
export type LinkNode = v.InferOutput<typeof LinkNode>;

/** One page of `repository.issues`. */
export const IssuesPageSchema = v.looseObject({
  repository: v.looseObject({ issues: v.looseObject({ nodes: presentItems(IssueNodeSchema) }) }),
});

/** The rest of one nested connection of an issue (labels, blockedBy or subIssues). */
export const IssueConnectionPageSchema = (field: 'labels' | 'blockedBy' | 'subIssues') =>
  v.looseObject({
    repository: v.looseObject({
      issue: v.looseObject({ [field]: connection(field === 'labels' ? LabelNode : LinkNode) }),
    }),
  });

const FieldNode = v.looseObject({
  id: v.optional(v.string()),
  name: v.optional(v.string()),
  dataType: v.optional(v.string()),
  options: v.optional(v.array(v.looseObject({ id: v.string(), name: v.string() }))),
});

const ValueNode = v.looseObject({
  __typename: v.string(),
  name: v.nullish(v.string()),
  optionId: v.nullish(v.string()),
  number: v.nullish(v.number()),
  text: v.nullish(v.string()),
  date: v.nullish(v.string()),
  title: v.nullish(v.string()),
  field: v.optional(v.looseObject({ name: v.optional(v.string()) })),
});

const ItemContent = v.variant('__typename', [
  v.looseObject({ __typename: v.literal('Issue'), ...issueEntries }),
  v.looseObject({
    __typename: v.literal('DraftIssue'),
    id: v.string(),
    title: v.string(),
    body: v.nullish(v.string(), ''),
    creator: v.nullish(v.looseObject({ login: v.string() }), null),
  }),
  v.looseObject({ __typename: v.literal('PullRequest'), id: v.string() }),
]);

const ItemNode = v.looseObject({
  id: v.string(),
  type: v.string(),
  isArchived: v.boolean(),
  content: v.nullable(ItemContent),
  fieldValues: connectionWithoutCount(ValueNode),
});

function connectionWithoutCount<T extends v.GenericSchema>(node: T) {
  return v.looseObject({ nodes: presentItems(node) });
}

const ProjectNode = v.looseObject({
  id: v.string(),
  title: v.string(),
  fields: connectionWithoutCount(FieldNode),
  items: connectionWithoutCount(ItemNode),
});

/** One page of a board's items (owner null when the login does not exist; projectV2 null or absent when the board does not). */
export const ProjectPageSchema = v.looseObject({
  owner: v.nullable(v.looseObject({ projectV2: v.nullish(ProjectNode) })),
});
export type ProjectNode = v.InferOutput<typeof ProjectNode>;
export type ItemNode = v.InferOutput<typeof ItemNode>;

/** Parses a response with `schema`, or throws a {@link GitHubResponseError} naming the fields that do not fit. */
export function parseResponse<S extends v.GenericSchema>(schema: S, data: unknown, operation: string): v.InferOutput<S> {
  const parsed = v.safeParse(schema, data);
  if (parsed.success) return parsed.output;
  const issues = parsed.issues.map((issue) => `${v.getDotPath(issue) ?? '(response)'}: ${issue.message}`);
  throw new GitHubResponseError(`${operation}: GitHub returned an unexpected response: ${issues.slice(0, 5).join('; ')}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`, {
    operation,
    issues,
  });
}
