/** GitHub's GraphQL plumbing shared by queries and mutations: typed errors, cursors, Relay connections. */

/** An error GitHub reports with a `type` (NOT_FOUND, UNPROCESSABLE, ...). */
export class TypedGraphQLError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** Marks a view strict: a schema field it lacks is an error, not a null (graphql-api.ts). */
export const STRICT = { __strict: true } as const;

/** Field arguments as graphql-js passes them to a resolver. */
export type Args = Record<string, unknown>;
interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export const encodeCursor = (index: number): string => Buffer.from(`cursor:v2:${index}`).toString('base64');
function decodeCursor(cursor: string): number {
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!m) throw new TypedGraphQLError('INVALID_CURSOR_ARGUMENTS', `\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(m[1]);
}

/** Relay connection with GitHub's pagination rules (first/last required, 1..100). */
export function connection<T>(all: readonly T[], args: ConnectionArgs, name: string) {
  const { first, last, after, before } = args;
  if (first == null && last == null) {
    throw new TypedGraphQLError(
      'MISSING_PAGINATION_BOUNDARIES',
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
    );
  }
  for (const [k, v] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (v != null && (v < 0 || v > 100)) {
      throw new TypedGraphQLError(
        'EXCESSIVE_PAGINATION',
        `Requesting ${v} records on the \`${name}\` connection exceeds the \`${k}\` limit of 100 records.`,
      );
    }
  }
  let start = after != null ? decodeCursor(after) + 1 : 0;
  let end = before != null ? decodeCursor(before) : all.length;
  start = Math.max(0, Math.min(start, all.length));
  end = Math.max(start, Math.min(end, all.length));
  if (first != null) end = Math.min(end, start + first);
  if (last != null) start = Math.max(start, end - last);
  const slice = all.slice(start, end);
  return {
    totalCount: all.length,
    nodes: slice,
    edges: slice.map((node, i) => ({ cursor: encodeCursor(start + i), node })),
    pageInfo: {
      hasNextPage: end < all.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length > 0 ? encodeCursor(start) : null,
      endCursor: slice.length > 0 ? encodeCursor(end - 1) : null,
    },
  };
}
