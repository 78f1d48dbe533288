/**
 * The fake's in-memory model of GitHub, built from a fixture. REST and GraphQL handlers both read
 * and write this model, so a label added over REST shows up in a GraphQL query.
 */
import type {
  FakeAuthorAssociation,
  FakeGitHubFixture,
  FakeMergeStateStatus,
  FakeProjectFieldFixture,
} from './types.js';

export interface StoredLabel {
  id: number;
  nodeId: string;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface StoredComment {
  id: number;
  nodeId: string;
  issue: StoredIssue;
  body: string;
  author: string;
  authorAssociation: FakeAuthorAssociation;
  createdAt: string;
  updatedAt: string;
}

export interface StoredPull {
  headRef: string;
  headSha: string;
  baseRef: string;
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergeStateStatus: FakeMergeStateStatus;
  autoMerge: { mergeMethod: string; enabledAt: string; enabledBy: string } | null;
}

export interface StoredIssue {
  kind: 'issue' | 'pull';
  id: number;
  nodeId: string;
  repo: StoredRepo;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: string | null;
  author: string;
  authorAssociation: FakeAuthorAssociation;
  labels: StoredLabel[];
  assignees: string[];
  milestone: number | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  blockedBy: StoredIssue[];
  parent: StoredIssue | null;
  subIssues: StoredIssue[];
  comments: StoredComment[];
  pull: StoredPull | null;
}

export interface StoredRepo {
  id: number;
  nodeId: string;
  owner: string;
  ownerType: 'Organization' | 'User';
  name: string;
  fullName: string;
  defaultBranch: string;
  autoMergeAllowed: boolean;
  visibility: 'public' | 'private';
  labels: Map<string, StoredLabel>;
  issues: Map<number, StoredIssue>;
  refs: Map<string, string>;
}

export interface StoredField {
  id: string;
  databaseId: number;
  name: string;
  dataType: 'SINGLE_SELECT' | 'NUMBER' | 'TEXT' | 'DATE';
  options: { id: string; name: string; color: string; description: string }[];
}

export type StoredFieldValue = { optionId: string } | { number: number } | { text: string } | { date: string };

export interface StoredItem {
  id: string;
  databaseId: number;
  project: StoredProject;
  type: 'ISSUE' | 'PULL_REQUEST' | 'DRAFT_ISSUE';
  content: StoredIssue | { draftId: string; title: string; body: string };
  values: Map<string, StoredFieldValue>;
  isArchived: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface StoredProject {
  id: string;
  databaseId: number;
  number: number;
  title: string;
  owner: string;
  ownerType: 'organization' | 'user';
  closed: boolean;
  fields: StoredField[];
  items: StoredItem[];
}

export interface StoredOwner {
  login: string;
  nodeId: string;
  type: 'Organization' | 'User';
}

const OPTION_COLORS = ['GRAY', 'BLUE', 'GREEN', 'YELLOW', 'ORANGE', 'RED', 'PINK', 'PURPLE'];

/** Deterministic hex string from a number (shas, option ids). */
export function hexId(seed: number, length: number): string {
  let x = (seed * 2654435761) >>> 0;
  let out = '';
  while (out.length < length) {
    x = (Math.imul(x ^ (x >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    out += x.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

/** Thrown while building the store: the fixture is inconsistent. */
export class FakeFixtureError extends Error {
  override name = 'FakeFixtureError';
}

export class FakeStore {
  readonly repos = new Map<string, StoredRepo>();
  readonly projects: StoredProject[] = [];
  readonly owners = new Map<string, StoredOwner>();
  readonly nodes = new Map<string, unknown>();
  readonly comments = new Map<number, StoredComment>();
  readonly viewer: string;
  private nextId = 1000;
  constructor(
    fixture: FakeGitHubFixture,
    private readonly now: () => number,
  ) {
    this.viewer = fixture.viewer ?? 'pco-bot';
    this.addOwner(this.viewer, 'User');
    const later: (() => void)[] = [];
    for (const r of fixture.repos) {
      const fullName = `${r.owner}/${r.name}`;
      if (this.repos.has(fullName.toLowerCase())) throw new FakeFixtureError(`duplicate repository ${fullName}`);
      const id = this.id();
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
      };
      for (const [name, sha] of Object.entries(r.branches ?? {})) repo.refs.set(name, sha);
      this.addOwner(r.owner, repo.ownerType);
      this.repos.set(fullName.toLowerCase(), repo);
      this.nodes.set(repo.nodeId, repo);
      for (const l of r.labels ?? []) {
        const label = typeof l === 'string' ? { name: l } : l;
        this.ensureLabel(repo, label.name, label.color, label.description ?? null);
      }
      for (const i of r.issues ?? []) {
        const issue = this.addIssue(repo, 'issue', i.number, i.title, i.body ?? null, {
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
          this.addComment(issue, c.body, c.author ?? this.viewer, c.authorAssociation ?? 'MEMBER');
        }
        later.push(() => {
          for (const ref of i.blockedBy ?? []) issue.blockedBy.push(this.mustResolve(ref, repo, `${fullName}#${i.number} blockedBy`));
          if (i.parent !== undefined) {
            const parent = this.mustResolve(i.parent, repo, `${fullName}#${i.number} parent`);
            issue.parent = parent;
            parent.subIssues.push(issue);
          }
        });
      }
      for (const p of r.pulls ?? []) {
        const pull = this.addIssue(repo, 'pull', p.number, p.title, p.body ?? null, {
          state: p.merged ? 'closed' : (p.state ?? 'open'),
          stateReason: null,
          author: p.author ?? 'octocat',
          authorAssociation: 'MEMBER',
          labels: p.labels ?? [],
        });
        pull.pull = {
          headRef: p.headRef ?? `pr-${p.number}`,
          headSha: p.headSha ?? hexId(pull.id, 40),
          baseRef: p.baseRef ?? repo.defaultBranch,
          draft: p.draft ?? false,
          merged: p.merged ?? false,
          mergedAt: p.merged ? pull.createdAt : null,
          mergeStateStatus: p.mergeStateStatus ?? (p.draft ? 'DRAFT' : 'CLEAN'),
          autoMerge: null,
        };
        repo.refs.set(pull.pull.headRef, pull.pull.headSha);
      }
    }
    for (const fn of later) fn();
    for (const p of fixture.projects ?? []) this.addProject(p);
  }

  id(): number {
    return this.nextId++;
  }

  iso(ms = this.now()): string {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Registers a user (e.g. a token's login) so `viewer` and `user(login:)` resolve it. */
  ensureUser(login: string): StoredOwner {
    return this.addOwner(login, 'User');
  }

  private addOwner(login: string, type: 'Organization' | 'User'): StoredOwner {
    const existing = this.owners.get(login.toLowerCase());
    if (existing) return existing;
    const owner = { login, type, nodeId: `${type === 'User' ? 'U' : 'O'}_kgDO${this.id()}` };
    this.owners.set(login.toLowerCase(), owner);
    this.nodes.set(owner.nodeId, owner);
    return owner;
  }

  repo(owner: string, name: string): StoredRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  /** Resolves `#N` (relative to `base`) or `owner/repo#N`. */
  resolve(ref: string, base?: StoredRepo): StoredIssue | undefined {
    const m = /^(?:([\w.-]+)\/([\w.-]+))?#(\d+)$/.exec(ref.trim());
    if (!m) return undefined;
    const repo = m[1] !== undefined && m[2] !== undefined ? this.repo(m[1], m[2]) : base;
    return repo?.issues.get(Number(m[3]));
  }

  private mustResolve(ref: string, base: StoredRepo, where: string): StoredIssue {
    const issue = this.resolve(ref, base);
    if (!issue) throw new FakeFixtureError(`${where}: ${ref} does not exist in the fixture`);
    return issue;
  }

  ensureLabel(repo: StoredRepo, name: string, color = 'ededed', description: string | null = null): StoredLabel {
    const key = name.toLowerCase();
    const existing = repo.labels.get(key);
    if (existing) return existing;
    const id = this.id();
    const label: StoredLabel = { id, nodeId: `LA_kwDO${id}`, name, color, description, default: false };
    repo.labels.set(key, label);
    this.nodes.set(label.nodeId, label);
    return label;
  }

  addIssue(
    repo: StoredRepo,
    kind: 'issue' | 'pull',
    number: number,
    title: string,
    body: string | null,
    o: {
      state: 'open' | 'closed';
      stateReason: string | null;
      author: string;
      authorAssociation: FakeAuthorAssociation;
      labels: readonly string[];
      createdAt?: string | undefined;
      updatedAt?: string | undefined;
    },
  ): StoredIssue {
    if (repo.issues.has(number)) throw new FakeFixtureError(`${repo.fullName}#${number} is defined twice`);
    const id = this.id();
    const createdAt = o.createdAt ?? new Date(Date.UTC(2026, 0, 1) + number * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const issue: StoredIssue = {
      kind,
      id,
      nodeId: `${kind === 'pull' ? 'PR' : 'I'}_kwDO${id}`,
      repo,
      number,
      title,
      body,
      state: o.state,
      stateReason: o.stateReason,
      author: o.author,
      authorAssociation: o.authorAssociation,
      labels: o.labels.map((l) => this.ensureLabel(repo, l)),
      assignees: [],
      milestone: null,
      createdAt,
      updatedAt: o.updatedAt ?? createdAt,
      closedAt: o.state === 'closed' ? (o.updatedAt ?? createdAt) : null,
      blockedBy: [],
      parent: null,
      subIssues: [],
      comments: [],
      pull: null,
    };
    this.addOwner(o.author, 'User');
    repo.issues.set(number, issue);
    this.nodes.set(issue.nodeId, issue);
    return issue;
  }

  addComment(issue: StoredIssue, body: string, author: string, association: FakeAuthorAssociation): StoredComment {
    const id = this.id();
    const at = this.iso();
    const comment: StoredComment = {
      id,
      nodeId: `IC_kwDO${id}`,
      issue,
      body,
      author,
      authorAssociation: association,
      createdAt: at,
      updatedAt: at,
    };
    issue.comments.push(comment);
    this.comments.set(id, comment);
    this.nodes.set(comment.nodeId, comment);
    return comment;
  }

  /** Issues that list `issue` as a blocker. */
  blocking(issue: StoredIssue): StoredIssue[] {
    const out: StoredIssue[] = [];
    for (const repo of this.repos.values()) {
      for (const other of repo.issues.values()) if (other.blockedBy.includes(issue)) out.push(other);
    }
    return out;
  }

  touch(issue: StoredIssue): void {
    issue.updatedAt = this.iso();
  }

  private addProject(p: {
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
    this.addOwner(p.owner, ownerType === 'user' ? 'User' : 'Organization');
    if (this.projects.some((x) => x.owner.toLowerCase() === p.owner.toLowerCase() && x.number === p.number)) {
      throw new FakeFixtureError(`duplicate project ${p.owner}/${p.number}`);
    }
    const databaseId = this.id();
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
      const fid = this.id();
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
      this.nodes.set(field.id, field);
    }
    this.projects.push(project);
    this.nodes.set(project.id, project);
    for (const it of p.items) {
      let item: StoredItem;
      if (it.draft) {
        item = this.addItem(project, { draftId: `DI_lADO${this.id()}`, title: it.draft.title, body: it.draft.body ?? '' });
      } else if (it.content !== undefined) {
        const content = this.resolve(it.content);
        if (!content) throw new FakeFixtureError(`project ${p.owner}/${p.number}: ${it.content} does not exist in the fixture`);
        item = this.addItem(project, content);
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

  addItem(project: StoredProject, content: StoredItem['content']): StoredItem {
    const databaseId = this.id();
    const at = this.iso();
    const type = 'draftId' in content ? 'DRAFT_ISSUE' : content.kind === 'pull' ? 'PULL_REQUEST' : 'ISSUE';
    const item: StoredItem = {
      id: `PVTI_lADO${databaseId}`,
      databaseId,
      project,
      type,
      content,
      values: new Map(),
      isArchived: false,
      createdAt: at,
      updatedAt: at,
    };
    project.items.push(item);
    this.nodes.set(item.id, item);
    if ('draftId' in content) this.nodes.set(content.draftId, item);
    return item;
  }
}
