/**
 * The fake's in-memory model of GitHub (filled from a fixture by `loadFixture`). REST and GraphQL
 * handlers both read and write this model, so a label added over REST shows up in a GraphQL query.
 */
import type { StoredComment, StoredIssue, StoredItem, StoredLabel, StoredOwner, StoredProject, StoredRepo } from './store-types.js';
import { PullEngine, type PullEngineOptions } from './pull-engine.js';
import type { FakeAuthorAssociation } from './types.js';

export { hexId } from './ids.js';

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
  /** The pull-request lifecycle (checks, reviews, merges, queues) over this store. */
  readonly pulls: PullEngine;
  private nextId = 1000;
  constructor(
    /** Who an unauthenticated or default request acts as. */
    readonly viewer: string,
    private readonly now: () => number,
    pullOptions: PullEngineOptions = { timeScale: 1, mergeabilityDelayMs: 0 },
  ) {
    this.addOwner(viewer, 'User');
    this.pulls = new PullEngine(this, now, pullOptions);
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

  addOwner(login: string, type: 'Organization' | 'User'): StoredOwner {
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
