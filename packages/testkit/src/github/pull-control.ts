/**
 * `fake.pulls`: the control API of the pull-request lifecycle, for tests, the fake Codegen's
 * follow-up runs and the demo. Every call first settles what finished by now (like a request).
 */
import { hexId } from './ids.js';
import { checkStatus, latestChecks, mergeable, mergeState, reviewDecision, settledMergeState, submittedReviews } from './pull-state.js';
import type { FakeBranchRules, FakePullControl, FakePullSnapshot } from './pulls-types.js';
import type { FakeStore } from './store.js';
import type { StoredIssue, StoredRepo } from './store-types.js';

export function createPullControl(store: FakeStore): FakePullControl {
  const engine = store.pulls;
  const repoOf = (name: string): StoredRepo => {
    const [owner = '', repo = ''] = name.split('/');
    const r = store.repo(owner, repo);
    if (!r) throw new Error(`fake GitHub: no repository ${name}`);
    return r;
  };
  const pullOf = (repo: string, number: number): StoredIssue => {
    const issue = repoOf(repo).issues.get(number);
    if (!issue?.pull) throw new Error(`fake GitHub: ${repo}#${number} is not a pull request`);
    engine.settle();
    return issue;
  };
  const snapshot = (issue: StoredIssue): FakePullSnapshot => {
    const p = issue.pull!;
    const t = engine.t();
    const entry = engine.entryOf(issue);
    const queue = entry ? engine.queue(issue.repo, p.baseRef) : [];
    return {
      number: issue.number,
      nodeId: issue.nodeId,
      url: `https://github.com/${issue.repo.fullName}/pull/${issue.number}`,
      state: p.merged ? 'MERGED' : issue.state === 'open' ? 'OPEN' : 'CLOSED',
      merged: p.merged,
      mergedAt: p.mergedAt,
      mergeCommitSha: p.mergeCommitSha,
      headRef: p.headRef,
      baseRef: p.baseRef,
      headSha: p.headSha,
      headShas: p.commits.map((c) => c.sha),
      pushes: p.pushes,
      files: [...p.files],
      mergeable: mergeable(issue, t),
      mergeStateStatus: mergeState(issue, t),
      settledMergeStateStatus: settledMergeState(issue, t),
      reviewDecision: reviewDecision(issue.repo, p, t),
      checks: latestChecks(p, p.headSha, t).map((r) => {
        const status = checkStatus(r, t);
        return { id: r.id, name: r.name, status, conclusion: status === 'completed' ? r.conclusion : null };
      }),
      reviews: submittedReviews(p, t).map((r) => ({ author: r.author, state: r.state, body: r.body })),
      autoMerge: p.autoMerge && { mergeMethod: p.autoMerge.mergeMethod },
      mergeQueue: entry ? { state: entry.checksDoneAt <= t ? (entry.passes ? 'MERGEABLE' : 'UNMERGEABLE') : 'AWAITING_CHECKS', position: queue.indexOf(entry) + 1 } : null,
    };
  };
  return {
    open(o) {
      const repo = repoOf(o.repo);
      engine.settle();
      const number = Math.max(0, ...repo.issues.keys()) + 1;
      const author = o.author ?? 'pco-agent';
      const issue = store.addIssue(repo, 'pull', number, o.title, o.body ?? null, {
        state: 'open',
        stateReason: null,
        author,
        authorAssociation: 'NONE',
        labels: [],
        createdAt: store.iso(engine.t()),
      });
      const script = o.script ?? repo.pullScript;
      const base = o.base ?? repo.defaultBranch;
      if (!repo.refs.has(base)) throw new Error(`fake GitHub: ${o.repo} has no branch ${base}`);
      const pull = engine.attach(issue, {
        headRef: o.head,
        baseRef: base,
        headSha: hexId(store.id(), 40),
        draft: o.draft ?? false,
        files: o.files ?? script?.files ?? [],
        script,
        startCi: true,
      });
      return { number, nodeId: issue.nodeId, url: `https://github.com/${repo.fullName}/pull/${number}`, headSha: pull.headSha };
    },
    push(repo, number, o = {}) {
      return engine.push(pullOf(repo, number), o);
    },
    get(repo, number) {
      return snapshot(pullOf(repo, number));
    },
    mergeAsHuman(repo, number, o = {}) {
      const issue = pullOf(repo, number);
      if (issue.pull!.merged || issue.state !== 'open') throw new Error(`fake GitHub: ${repo}#${number} is not open`);
      if (settledMergeState(issue, engine.t()) === 'DIRTY') throw new Error(`fake GitHub: ${repo}#${number} has conflicts with its base`);
      return engine.merge(issue, o.login ?? 'octocat');
    },
    close(repo, number) {
      engine.close(pullOf(repo, number));
    },
    review(repo, number, review) {
      engine.review(pullOf(repo, number), review);
    },
    resolveThreads(repo, number) {
      for (const th of pullOf(repo, number).pull!.threads) {
        th.isResolved = true;
        th.resolvedBy ??= 'reviewer';
      }
    },
    setScript(repo, number, script) {
      pullOf(repo, number).pull!.script = script;
    },
    setRules(repo, rules: FakeBranchRules) {
      const r = repoOf(repo);
      engine.settle();
      r.rules = {
        requiredChecks: [...(rules.requiredChecks ?? [])],
        requiredApprovals: rules.requiredApprovals ?? 0,
        strictUpToDate: rules.strictUpToDate ?? false,
        mergeQueue: rules.mergeQueue ?? false,
        dismissStaleReviews: rules.dismissStaleReviews ?? false,
      };
      if (rules.autoMergeAllowed !== undefined) r.autoMergeAllowed = rules.autoMergeAllowed;
    },
  };
}
