/** The GraphQL views of Projects v2: projects, their fields, items and field values. */
import { connection, type Args } from './graphql-connection.js';
import type { GraphQLViews } from './graphql-views.js';
import type { StoredField, StoredFieldValue, StoredItem, StoredProject } from './store-types.js';

export function projectView(views: GraphQLViews, project: StoredProject) {
  return {
    __typename: 'ProjectV2',
    id: project.id,
    databaseId: project.databaseId,
    number: project.number,
    title: project.title,
    closed: project.closed,
    viewerCanUpdate: views.principal.checkProject(project, 'write') === undefined,
    url: `https://github.com/${project.ownerType === 'user' ? 'users' : 'orgs'}/${project.owner}/projects/${project.number}`,
    owner: () => views.ownerView(project.owner, project.ownerType === 'user' ? 'User' : 'Organization'),
    field: (a: Args) => {
      const f = project.fields.find((x) => x.name === a.name);
      return f ? fieldView(f) : null;
    },
    fields: (a: Args) => connection(project.fields.map((f) => fieldView(f)), a, 'fields'),
    items: (a: Args) => connection(project.items.map((it) => itemView(views, it)), a, 'items'),
  };
}

function fieldView(f: StoredField) {
  const common = { id: f.id, databaseId: f.databaseId, name: f.name, dataType: f.dataType, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' };
  if (f.dataType === 'SINGLE_SELECT') {
    return {
      ...common,
      __typename: 'ProjectV2SingleSelectField',
      options: (a: Args) => {
        const names = a.names as string[] | undefined;
        return f.options
          .filter((o) => !names || names.includes(o.name))
          .map((o) => ({ ...o, nameHTML: o.name, descriptionHTML: o.description }));
      },
    };
  }
  return { ...common, __typename: 'ProjectV2Field' };
}

function valueView(item: StoredItem, f: StoredField, v: StoredFieldValue) {
  const common = { id: `PVTFV_${item.databaseId}_${f.databaseId}`, field: fieldView(f), createdAt: item.createdAt, updatedAt: item.updatedAt, databaseId: f.databaseId };
  if ('optionId' in v) {
    const o = f.options.find((x) => x.id === v.optionId);
    return { ...common, __typename: 'ProjectV2ItemFieldSingleSelectValue', optionId: v.optionId, name: o?.name ?? null, nameHTML: o?.name ?? null, color: o?.color ?? 'GRAY', description: o?.description ?? null };
  }
  if ('number' in v) return { ...common, __typename: 'ProjectV2ItemFieldNumberValue', number: v.number };
  if ('date' in v) return { ...common, __typename: 'ProjectV2ItemFieldDateValue', date: v.date };
  return { ...common, __typename: 'ProjectV2ItemFieldTextValue', text: v.text };
}

export function itemView(views: GraphQLViews, item: StoredItem) {
  const content = item.content;
  return {
    __typename: 'ProjectV2Item',
    id: item.id,
    databaseId: item.databaseId,
    type: item.type,
    isArchived: item.isArchived,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    project: () => projectView(views, item.project),
    content: () =>
      'draftId' in content
        ? { __typename: 'DraftIssue', id: content.draftId, title: content.title, body: content.body, createdAt: item.createdAt, updatedAt: item.updatedAt }
        : views.issueView(content),
    fieldValueByName: (a: Args) => {
      const f = item.project.fields.find((x) => x.name === a.name);
      const v = f && item.values.get(f.id);
      return f && v ? valueView(item, f, v) : null;
    },
    fieldValues: (a: Args) =>
      connection(
        item.project.fields.flatMap((f) => {
          const v = item.values.get(f.id);
          return v ? [valueView(item, f, v)] : [];
        }),
        a,
        'fieldValues',
      ),
  };
}
