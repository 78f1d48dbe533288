/**
 * Loads a {@link FakeGitHubFixture} into a {@link FakeStore}: repositories with their labels,
 * issues, comments and pull requests, then the cross-references (blockers, parents) once every
 * issue exists, then the projects. Inconsistencies throw a {@link FakeFixtureError}.
 */
import { FakeFixtureError, hexId, type FakeStore } from './store.js';
import type { StoredField, StoredIssue, StoredItem, StoredProject, StoredRepo } from './store-types.js';
import type { FakeGitHubFixture, FakeProjectFieldFixture } from './types.js';

const OPTION_COLORS = ['GRAY', 'BLUE', 'GREEN', 'YELLOW', 'ORANGE', 'RED', 'PINK', 'PURPLE'];

export function loadFixture(store: FakeStore, fixture: FakeGitHubFixture): void {
  const later: (() => void)[] = [];
  for (const r of fixture.repos) {
    const fullName = `${r.owner}/${r.name}`;
    if (store.repos.has(fullName.toLowerCase())) throw new FakeFixtureError(`duplicate repository ${fullName}`);
    const id = store.id();
    const repo: StoredRepo = {
      id,
      nodeId: `R_kgDO${id}`,
      owner: r.owner,
      ownerType: r.ownerType ?? 'Organization',
      name: r.name,
      fullName,
      defaultBranch: r.defaultBranch ?? 'main',
      autoMergeAllowed: r.autoMergeAllowed ?? true,
      visibility: r.visibility ?? 'public',
      labels: new Map(),
      issues: new Map(),
      refs: new Map([[r.defaultBranch ?? 'main', hexId(id, 40)]]),
      rules: {
        requiredChecks: [...(r.rules?.requiredChecks ?? [])],
        requiredApprovals: r.rules?.requiredApprovals ?? 0,
        strictUpToDate: r.rules?.strictUpToDate ?? false,
        mergeQueue: r.rules?.mergeQueue ?? false,
        dismissStaleReviews: r.rules?.dismissStaleReviews ?? false,
      },
      pullScript: r.pullScript ?? null,
      baseHistory: new Map(),
      queues: new Map(),
    };
    if (r.rules?.autoMergeAllowed !== undefined) repo.autoMergeAllowed = r.rules.autoMergeAllowed;
    for (const [name, sha] of Object.entries(r.branches ?? {})) repo.refs.set(name, sha);
    store.addOwner(r.owner, repo.ownerType);
    store.repos.set(fullName.toLowerCase(), repo);
    store.nodes.set(repo.nodeId, repo);
    for (const l of r.labels ?? []) {
      const label = typeof l === 'string' ? { name: l } : l;
      store.ensureLabel(repo, label.name, label.color, label.description ?? null);
    }
    for (const i of r.issues ?? []) {
      const issue = store.addIssue(repo, 'issue', i.number, i.title, i.body ?? null, {
        state: i.state ?? 'open',
        stateReason: i.stateReason ?? ((i.state ?? 'open') === 'closed' ? 'completed' : null),
        author: i.author ?? 'octocat',
        authorAssociation: i.authorAssociation ?? 'MEMBER',
        labels: i.labels ?? [],
        createdAt: i.createdAt,
        updatedAt: i.updatedAt,
      });
      issue.assignees = [...(i.assignees ?? [])];
      issue.milestone = i.milestone ?? null;
      for (const c of i.comments ?? []) {
        store.addComment(issue, c.body, c.author ?? store.viewer, c.authorAssociation ?? 'MEMBER');
      }
      later.push(() => {
        for (const ref of i.blockedBy ?? []) issue.blockedBy.push(mustResolve(store, ref, repo, `${fullName}#${i.number} blockedBy`));
        if (i.parent !== undefined) {
          const parent = mustResolve(store, i.parent, repo, `${fullName}#${i.number} parent`);
          issue.parent = parent;
          parent.subIssues.push(issue);
        }
      });
    }
    for (const p of r.pulls ?? []) {
      const pull = store.addIssue(repo, 'pull', p.number, p.title, p.body ?? null, {
        state: p.merged ? 'closed' : (p.state ?? 'open'),
        stateReason: null,
        author: p.author ?? 'octocat',
        authorAssociation: 'MEMBER',
        labels: p.labels ?? [],
      });
      const script = p.script ?? repo.pullScript;
      const model = store.pulls.attach(pull, {
        headRef: p.headRef ?? `pr-${p.number}`,
        headSha: p.headSha ?? hexId(pull.id, 40),
        baseRef: p.baseRef ?? repo.defaultBranch,
        draft: p.draft ?? false,
        files: p.files ?? script?.files ?? [],
        script,
        // A scripted PR starts its CI when the fake starts; the others are settled already.
        startCi: script !== null && !p.merged && (p.state ?? 'open') === 'open',
      });
      model.mergeStateOverride = p.mergeStateStatus ?? null;
      if (p.merged) {
        model.merged = true;
        model.mergedAt = pull.createdAt;
        model.mergeCommitSha = hexId(pull.id + 7, 40);
      }
    }
  }
  for (const fn of later) fn();
  for (const p of fixture.projects ?? []) addProject(store, p);
}

function mustResolve(store: FakeStore, ref: string, base: StoredRepo, where: string): StoredIssue {
  const issue = store.resolve(ref, base);
  if (!issue) throw new FakeFixtureError(`${where}: ${ref} does not exist in the fixture`);
  return issue;
}

function addProject(store: FakeStore, p: {
  owner: string;
  ownerType?: 'organization' | 'user';
  number: number;
  title: string;
  fields?: readonly FakeProjectFieldFixture[];
  items: readonly {
    content?: string;
    draft?: { title: string; body?: string };
    fields?: Readonly<Record<string, string | number>>;
    archived?: boolean;
  }[];
}): void {
  const ownerType = p.ownerType ?? 'organization';
  store.addOwner(p.owner, ownerType === 'user' ? 'User' : 'Organization');
  if (store.projects.some((x) => x.owner.toLowerCase() === p.owner.toLowerCase() && x.number === p.number)) {
    throw new FakeFixtureError(`duplicate project ${p.owner}/${p.number}`);
  }
  const databaseId = store.id();
  const project: StoredProject = {
    id: `PVT_kwDO${databaseId}`,
    databaseId,
    number: p.number,
    title: p.title,
    owner: p.owner,
    ownerType,
    closed: false,
    fields: [],
    items: [],
  };
  const fieldFixtures = [...(p.fields ?? [])];
  if (!fieldFixtures.some((f) => f.name === 'Status')) {
    fieldFixtures.unshift({ name: 'Status', type: 'SINGLE_SELECT', options: ['Todo', 'In Progress', 'Done'] });
  }
  for (const f of fieldFixtures) {
    const fid = store.id();
    const field: StoredField = {
      id: `${f.type === 'SINGLE_SELECT' ? 'PVTSSF' : 'PVTF'}_lADO${fid}`,
      databaseId: fid,
      name: f.name,
      dataType: f.type,
      options:
        f.type === 'SINGLE_SELECT'
          ? f.options.map((name, i) => ({ id: hexId(fid * 31 + i, 8), name, color: OPTION_COLORS[i % 8] ?? 'GRAY', description: '' }))
          : [],
    };
    project.fields.push(field);
    store.nodes.set(field.id, field);
  }
  store.projects.push(project);
  store.nodes.set(project.id, project);
  for (const it of p.items) {
    let item: StoredItem;
    if (it.draft) {
      item = store.addItem(project, { draftId: `DI_lADO${store.id()}`, title: it.draft.title, body: it.draft.body ?? '' });
    } else if (it.content !== undefined) {
      const content = store.resolve(it.content);
      if (!content) throw new FakeFixtureError(`project ${p.owner}/${p.number}: ${it.content} does not exist in the fixture`);
      item = store.addItem(project, content);
    } else {
      throw new FakeFixtureError(`project ${p.owner}/${p.number}: an item needs content or draft`);
    }
    item.isArchived = it.archived ?? false;
    for (const [name, value] of Object.entries(it.fields ?? {})) {
      const field = project.fields.find((f) => f.name === name);
      if (!field) throw new FakeFixtureError(`project ${p.owner}/${p.number}: no field named ${name}`);
      if (field.dataType === 'SINGLE_SELECT') {
        const option = field.options.find((o) => o.name === value);
        if (!option) throw new FakeFixtureError(`project ${p.owner}/${p.number}: field ${name} has no option ${value}`);
        item.values.set(field.id, { optionId: option.id });
      } else if (field.dataType === 'NUMBER') item.values.set(field.id, { number: Number(value) });
      else if (field.dataType === 'DATE') item.values.set(field.id, { date: String(value) });
      else item.values.set(field.id, { text: String(value) });
    }
  }
}
