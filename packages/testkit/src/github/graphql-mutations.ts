/**
 * The mutations the fake implements, on the store, each checked against the caller's token
 * (`ctx.allow`) before it changes anything. A mutation GitHub has but this table lacks is refused
 * by `FakeGraphQL.run` as not implemented.
 */
import type { Principal } from './access.js';
import { encodeCursor, TypedGraphQLError } from './graphql-connection.js';
import { pullMutations } from './graphql-pull-mutations.js';
import type { PullViews } from './graphql-pull-views.js';
import type { FakeStore } from './store.js';
import type { StoredIssue, StoredItem, StoredProject, StoredRepo } from './store-types.js';

type Args = Record<string, unknown>;

/** What the mutations need from the GraphQL layer. */
export interface MutationContext {
  readonly store: FakeStore;
  readonly principal: Principal;
  /** Throws GitHub's error when the principal may not run `operation` on `subject`. */
  allow(operation: string, subject: StoredRepo | StoredProject, subjectId: unknown): void;
  issueView(issue: StoredIssue): unknown;
  itemView(item: StoredItem): unknown;
  actor(login: string): unknown;
  readonly pulls: PullViews;
}

/** The root value of a mutation document. */
export function mutationRoot(ctx: MutationContext): Record<string, (a: Args) => unknown> {
  const s = ctx.store;
  const input = (a: Args) => a.input as Args;
  const findItem = (projectId: unknown, itemId: unknown) => {
    const project = s.nodes.get(String(projectId)) as StoredProject | undefined;
    if (!project || !('items' in project)) throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to a node with the global id of '${String(projectId)}'`);
    const item = project.items.find((i) => i.id === itemId);
    if (!item) throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to a node with the global id of '${String(itemId)}'`);
    return { project, item };
  };
  const findPull = (id: unknown) => {
    const pull = s.nodes.get(String(id)) as StoredIssue | undefined;
    if (!pull || !('kind' in pull) || pull.kind !== 'pull' || !pull.pull) {
      throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to a node with the global id of '${String(id)}'`);
    }
    return { pull, p: pull.pull };
  };
  const findIssue = (id: unknown) => {
    const issue = s.nodes.get(String(id)) as StoredIssue | undefined;
    if (!issue || !('kind' in issue)) throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to a node with the global id of '${String(id)}'`);
    return issue;
  };
  return {
    updateProjectV2ItemFieldValue: (a: Args) => {
      const i = input(a);
      const { project, item } = findItem(i.projectId, i.itemId);
      ctx.allow('updateProjectV2ItemFieldValue', project, i.projectId);
      const field = project.fields.find((f) => f.id === i.fieldId);
      if (!field) throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to a node with the global id of '${String(i.fieldId)}'`);
      const value = (i.value ?? {}) as Args;
      const slots = Object.entries(value).filter(([, v]) => v !== undefined && v !== null);
      if (slots.length !== 1) {
        throw new TypedGraphQLError('UNPROCESSABLE', 'Exactly one of text, number, date, singleSelectOptionId or iterationId must be provided.');
      }
      const [slot, v] = slots[0] as [string, unknown];
      const expected = { SINGLE_SELECT: 'singleSelectOptionId', NUMBER: 'number', TEXT: 'text', DATE: 'date' }[field.dataType];
      if (slot !== expected) throw new TypedGraphQLError('UNPROCESSABLE', `The field ${field.name} does not accept a ${slot} value.`);
      if (slot === 'singleSelectOptionId') {
        if (!field.options.some((o) => o.id === v)) {
          throw new TypedGraphQLError('UNPROCESSABLE', `The single select option Id does not belong to the field`);
        }
        item.values.set(field.id, { optionId: String(v) });
      } else if (slot === 'number') item.values.set(field.id, { number: Number(v) });
      else if (slot === 'date') item.values.set(field.id, { date: String(v) });
      else item.values.set(field.id, { text: String(v) });
      item.updatedAt = s.iso();
      return { clientMutationId: i.clientMutationId ?? null, projectV2Item: ctx.itemView(item) };
    },
    clearProjectV2ItemFieldValue: (a: Args) => {
      const i = input(a);
      const { project, item } = findItem(i.projectId, i.itemId);
      ctx.allow('clearProjectV2ItemFieldValue', project, i.projectId);
      item.values.delete(String(i.fieldId));
      return { clientMutationId: i.clientMutationId ?? null, projectV2Item: ctx.itemView(item) };
    },
    addProjectV2ItemById: (a: Args) => {
      const i = input(a);
      const project = s.nodes.get(String(i.projectId)) as StoredProject | undefined;
      if (!project || !('items' in project)) throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to a node with the global id of '${String(i.projectId)}'`);
      const content = findIssue(i.contentId);
      ctx.allow('addProjectV2ItemById', project, i.projectId);
      if (!ctx.principal.canSee(content.repo)) throw new TypedGraphQLError('NOT_FOUND', `Could not resolve to a node with the global id of '${String(i.contentId)}'`);
      // Idempotent: the existing item comes back when the content is already on the board.
      const item = project.items.find((x) => x.content === content) ?? s.addItem(project, content);
      return { clientMutationId: i.clientMutationId ?? null, item: ctx.itemView(item) };
    },
    addComment: (a: Args) => {
      const i = input(a);
      const issue = findIssue(i.subjectId);
      ctx.allow('addComment', issue.repo, i.subjectId);
      const c = s.addComment(issue, String(i.body), ctx.principal.login, 'MEMBER');
      return { clientMutationId: i.clientMutationId ?? null, subject: ctx.issueView(issue), commentEdge: { cursor: encodeCursor(0), node: { __typename: 'IssueComment', id: c.nodeId, databaseId: c.id, body: c.body } } };
    },
    addBlockedBy: (a: Args) => {
      const i = input(a);
      const issue = findIssue(i.issueId);
      const blocker = findIssue(i.blockingIssueId);
      ctx.allow('addBlockedBy', issue.repo, i.issueId);
      if (!issue.blockedBy.includes(blocker)) issue.blockedBy.push(blocker);
      return { clientMutationId: i.clientMutationId ?? null, issue: ctx.issueView(issue), blockingIssue: ctx.issueView(blocker) };
    },
    removeBlockedBy: (a: Args) => {
      const i = input(a);
      const issue = findIssue(i.issueId);
      const blocker = findIssue(i.blockingIssueId);
      ctx.allow('removeBlockedBy', issue.repo, i.issueId);
      issue.blockedBy = issue.blockedBy.filter((b) => b !== blocker);
      return { clientMutationId: i.clientMutationId ?? null, issue: ctx.issueView(issue), blockingIssue: ctx.issueView(blocker) };
    },
    ...pullMutations(ctx, input, findPull),
  };
}
