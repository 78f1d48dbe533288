/**
 * The pull-request lifecycle of the fake: opening, agent pushes, branch updates, merges, closing,
 * reviews, auto-merge and the merge queue. Nothing runs on timers: before every request (and every
 * control call) `settle()` replays what happened since the last one in time order (checks
 * finishing, reviews arriving, queue checks), letting auto-merge and the queue act at the moment
 * their requirements were met.
 */
import { hexId } from './ids.js';
import { addReview, scheduleReviews, scriptDurationMs, scriptPasses, startCi } from './pull-ci.js';
import { isBehind, isConflicting, MERGEABLE_STATES, rulesFor, settledMergeState } from './pull-state.js';
import type { FakePullScript, FakeReviewInput } from './pulls-types.js';
import type { FakeStore } from './store.js';
import type { StoredIssue, StoredPull, StoredQueueEntry, StoredRepo } from './store-types.js';

/** Why a merge, update or enqueue was refused (the REST and GraphQL layers word it). */
export type PullRefusal =
  | 'closed'
  | 'already-merged'
  | 'head-modified'
  | 'not-mergeable'
  | 'merge-queue-required'
  | 'no-merge-queue'
  | 'conflict'
  | 'up-to-date'
  | 'already-queued'
  | 'not-queued';

export interface PullEngineOptions {
  readonly timeScale: number;
  readonly mergeabilityDelayMs: number;
}

export class PullEngine {
  /** The moment being replayed by `settle()`, else null (then it is `now()`). */
  #cursor: number | null = null;
  #settledAt: number;

  constructor(
    private readonly store: FakeStore,
    private readonly now: () => number,
    readonly options: PullEngineOptions,
  ) {
    this.#settledAt = now();
  }

  /** The current moment (inside `settle()`, the replayed one). */
  t(): number {
    return this.#cursor ?? this.now();
  }

  /** API ms → clock ms. */
  scale(ms: number): number {
    return ms * this.options.timeScale;
  }

  /** A fresh pull request model on `issue` (fixture load and `open`). */
  attach(issue: StoredIssue, o: { headRef: string; baseRef: string; headSha?: string; draft: boolean; files: readonly string[]; script: FakePullScript | null; startCi: boolean }): StoredPull {
    const repo = issue.repo;
    const t = this.t();
    const pull: StoredPull = {
      headRef: o.headRef,
      headSha: o.headSha ?? hexId(this.store.id(), 40),
      baseRef: o.baseRef,
      draft: o.draft,
      merged: false,
      mergedAt: null,
      mergeStateOverride: null,
      autoMerge: null,
      baseSha: repo.refs.get(o.baseRef) ?? hexId(repo.id, 40),
      files: new Set(o.files),
      commits: [],
      pushes: 0,
      checks: [],
      statuses: [],
      reviews: [],
      threads: [],
      script: o.script,
      unknownUntil: o.startCi ? t + this.scale(this.options.mergeabilityDelayMs) : 0,
      mergeCommitSha: null,
      mergedBy: null,
    };
    issue.pull = pull;
    pull.commits.push({ sha: pull.headSha, files: [...o.files], at: t, push: 0, kind: 'push' });
    repo.refs.set(pull.headRef, pull.headSha);
    if (o.startCi) {
      startCi(this.store, issue, pull.headSha, 0, undefined, t, this.options.timeScale);
      scheduleReviews(this.store, issue, 0, t, this.options.timeScale);
    }
    return pull;
  }

  /** A new head commit: CI restarts, the queue entry goes, mergeability is recomputed. */
  #newHead(issue: StoredIssue, kind: 'push' | 'update', files: readonly string[], verdict: boolean | undefined): string {
    const pull = issue.pull!;
    const t = this.t();
    const sha = hexId(this.store.id(), 40);
    const push = kind === 'push' ? pull.pushes + 1 : pull.pushes;
    if (kind === 'push') pull.pushes = push;
    // A branch update keeps the verdict of the agent's last push: the code under test is the same.
    const keep = kind === 'update' ? pull.commits[pull.commits.length - 1]?.verdict : verdict;
    pull.commits.push({ sha, files, at: t, push, kind, ...(keep !== undefined ? { verdict: keep } : {}) });
    pull.headSha = sha;
    for (const f of files) pull.files.add(f);
    issue.repo.refs.set(pull.headRef, sha);
    pull.unknownUntil = t + this.scale(this.options.mergeabilityDelayMs);
    this.#leaveQueue(issue);
    startCi(this.store, issue, sha, push, keep, t, this.options.timeScale);
    if (kind === 'push') scheduleReviews(this.store, issue, push, t, this.options.timeScale);
    issue.updatedAt = this.store.iso(t);
    return sha;
  }

  /** A push by the PR's author. */
  push(issue: StoredIssue, o: { files?: readonly string[]; fixes?: boolean; mergeBase?: boolean } = {}): string {
    const pull = issue.pull!;
    if (pull.merged || issue.state !== 'open') throw new Error(`fake GitHub: ${issue.repo.fullName}#${issue.number} is not open`);
    if (o.mergeBase ?? o.fixes === true) pull.baseSha = issue.repo.refs.get(pull.baseRef) ?? pull.baseSha;
    const sha = this.#newHead(issue, 'push', o.files ?? [], o.fixes);
    const rules = rulesFor(issue.repo, pull.baseRef);
    if (rules.dismissStaleReviews) {
      for (const r of pull.reviews) if (r.state === 'APPROVED' && r.submittedAt <= this.t()) r.state = 'DISMISSED';
    }
    return sha;
  }

  /** `update-branch`: merges the base into the head. */
  updateBranch(issue: StoredIssue, expectedHeadSha: string | undefined): PullRefusal | string {
    const pull = issue.pull!;
    if (pull.merged) return 'already-merged';
    if (issue.state !== 'open') return 'closed';
    if (expectedHeadSha !== undefined && expectedHeadSha !== pull.headSha) return 'head-modified';
    if (isConflicting(issue.repo, pull)) return 'conflict';
    if (!isBehind(issue.repo, pull)) return 'up-to-date';
    pull.baseSha = issue.repo.refs.get(pull.baseRef)!;
    return this.#newHead(issue, 'update', [], undefined);
  }

  /** Checks of a merge request (REST merge, `mergePullRequest`), in GitHub's order. */
  mergeRefusal(issue: StoredIssue, expectedHeadSha: string | undefined): PullRefusal | undefined {
    const pull = issue.pull!;
    if (pull.merged) return 'already-merged';
    if (issue.state !== 'open') return 'closed';
    if (expectedHeadSha !== undefined && expectedHeadSha !== pull.headSha) return 'head-modified';
    if (!pull.mergeStateOverride && rulesFor(issue.repo, pull.baseRef).mergeQueue) return 'merge-queue-required';
    if (!MERGEABLE_STATES.includes(settledMergeState(issue, this.t()))) return 'not-mergeable';
    return undefined;
  }

  /** Lands the PR: the base branch advances by a merge commit carrying the PR's files. */
  merge(issue: StoredIssue, by: string): string {
    const pull = issue.pull!;
    const repo = issue.repo;
    const t = this.t();
    const sha = hexId(this.store.id(), 40);
    // The groups behind it were built on top of it: they carry on.
    this.#leaveQueue(issue, false);
    pull.merged = true;
    pull.mergedAt = this.store.iso(t);
    pull.mergedBy = by;
    pull.mergeCommitSha = sha;
    pull.autoMerge = null;
    issue.state = 'closed';
    issue.closedAt = pull.mergedAt;
    issue.updatedAt = pull.mergedAt;
    repo.refs.set(pull.baseRef, sha);
    const history = repo.baseHistory.get(pull.baseRef) ?? [];
    history.push({ sha, files: [...pull.files], at: t });
    repo.baseHistory.set(pull.baseRef, history);
    // The base moved: every sibling's mergeability is computed again.
    for (const other of repo.issues.values()) {
      if (other.pull && other !== issue && other.state === 'open' && other.pull.baseRef === pull.baseRef) {
        other.pull.unknownUntil = t + this.scale(this.options.mergeabilityDelayMs);
      }
    }
    return sha;
  }

  close(issue: StoredIssue): void {
    if (issue.pull!.merged || issue.state !== 'open') return;
    this.#leaveQueue(issue);
    issue.pull!.autoMerge = null;
    issue.state = 'closed';
    issue.closedAt = this.store.iso(this.t());
    issue.updatedAt = issue.closedAt;
  }

  review(issue: StoredIssue, input: FakeReviewInput): void {
    addReview(this.store, issue, input, this.t());
  }

  /** The branch's queue. */
  queue(repo: StoredRepo, branch: string): StoredQueueEntry[] {
    let q = repo.queues.get(branch);
    if (!q) {
      q = [];
      repo.queues.set(branch, q);
    }
    return q;
  }

  entryOf(issue: StoredIssue): StoredQueueEntry | undefined {
    return issue.pull ? this.queue(issue.repo, issue.pull.baseRef).find((e) => e.pull === issue) : undefined;
  }

  /** `enqueuePullRequest`: the queue builds a merge group and runs the PR's CI on it. */
  enqueue(issue: StoredIssue, by: string, expectedHeadSha: string | undefined, jump: boolean): PullRefusal | StoredQueueEntry {
    const pull = issue.pull!;
    if (pull.merged) return 'already-merged';
    if (issue.state !== 'open') return 'closed';
    if (!rulesFor(issue.repo, pull.baseRef).mergeQueue) return 'no-merge-queue';
    if (expectedHeadSha !== undefined && expectedHeadSha !== pull.headSha) return 'head-modified';
    const existing = this.entryOf(issue);
    if (existing) return existing;
    const state = settledMergeState(issue, this.t());
    // The queue brings the PR up to date itself, so BEHIND may join.
    if (!MERGEABLE_STATES.includes(state) && state !== 'BEHIND') return 'not-mergeable';
    const t = this.t();
    const id = this.store.id();
    const last = pull.commits[pull.commits.length - 1];
    const entry: StoredQueueEntry = {
      nodeId: `MQE_kwDO${id}`,
      pull: issue,
      enqueuedAt: t,
      enqueuer: by,
      jump,
      checksDoneAt: t + Math.max(1, this.scale(scriptDurationMs(pull.script))),
      passes: scriptPasses(pull.script, pull.pushes, last?.verdict),
    };
    const q = this.queue(issue.repo, pull.baseRef);
    if (jump) q.unshift(entry);
    else q.push(entry);
    return entry;
  }

  /** `dequeuePullRequest` (and every push, close and merge). */
  dequeue(issue: StoredIssue): StoredQueueEntry | undefined {
    return this.#leaveQueue(issue);
  }

  #leaveQueue(issue: StoredIssue, rebuild = true): StoredQueueEntry | undefined {
    if (!issue.pull) return undefined;
    const q = this.queue(issue.repo, issue.pull.baseRef);
    const idx = q.findIndex((e) => e.pull === issue);
    if (idx < 0) return undefined;
    const [entry] = q.splice(idx, 1);
    if (!rebuild) return entry;
    // Later groups contained this PR: they are rebuilt and their checks start again.
    const t = this.t();
    for (const later of q.slice(idx)) later.checksDoneAt = t + Math.max(1, this.scale(scriptDurationMs(later.pull.pull!.script)));
    return entry;
  }

  /** Replays every moment since the last settle at which something finished, in time order. */
  settle(): void {
    if (this.#cursor !== null) return;
    const end = this.now();
    for (let guard = 0; guard < 100_000; guard++) {
      const next = this.#nextEvent(this.#settledAt, end);
      const at = next ?? end;
      this.#cursor = at;
      try {
        this.#actAt(at);
      } finally {
        this.#cursor = null;
      }
      this.#settledAt = Math.max(this.#settledAt, at);
      if (next === undefined) return;
    }
  }

  #openPulls(): StoredIssue[] {
    const out: StoredIssue[] = [];
    for (const repo of this.store.repos.values()) {
      for (const issue of repo.issues.values()) if (issue.pull && issue.state === 'open' && !issue.pull.merged) out.push(issue);
    }
    return out;
  }

  #nextEvent(after: number, end: number): number | undefined {
    let best: number | undefined;
    const consider = (x: number) => {
      if (x > after && x <= end && (best === undefined || x < best)) best = x;
    };
    for (const issue of this.#openPulls()) {
      const p = issue.pull!;
      for (const c of p.checks) consider(c.completesAt);
      for (const s of p.statuses) consider(s.completesAt);
      for (const r of p.reviews) consider(r.submittedAt);
    }
    for (const repo of this.store.repos.values()) for (const q of repo.queues.values()) for (const e of q) consider(e.checksDoneAt);
    return best;
  }

  /** Auto-merge and the merge queues at moment `t`. */
  #actAt(t: number): void {
    for (const repo of this.store.repos.values()) {
      for (const q of repo.queues.values()) {
        // The head of the queue lands when its group's checks pass; a failing group leaves.
        for (let head = q[0]; head && head.checksDoneAt <= t; head = q[0]) {
          if (head.passes && !isConflicting(repo, head.pull.pull!)) this.merge(head.pull, head.enqueuer);
          else this.#leaveQueue(head.pull);
        }
        for (const e of [...q]) if (e.checksDoneAt <= t && !e.passes) this.#leaveQueue(e.pull);
      }
    }
    for (const issue of this.#openPulls().sort((a, b) => a.number - b.number)) {
      const p = issue.pull!;
      if (!p.autoMerge || p.mergeStateOverride) continue;
      const state = settledMergeState(issue, t);
      if (rulesFor(issue.repo, p.baseRef).mergeQueue) {
        if (!this.entryOf(issue) && (MERGEABLE_STATES.includes(state) || state === 'BEHIND')) this.enqueue(issue, p.autoMerge.enabledBy, undefined, false);
      } else if (MERGEABLE_STATES.includes(state)) {
        this.merge(issue, p.autoMerge.enabledBy);
      }
    }
  }
}
