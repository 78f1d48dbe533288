/**
 * Scripted CI and reviews of one push: the check runs and commit statuses a push starts (their
 * conclusions from the script's `results[push]`, the last one repeating), and the reviews the
 * script submits after that push. Everything is stored ahead of time with its timestamps; what is
 * visible at a moment is computed on read (pull-state.ts).
 */
import type { FakeCheckConclusion, FakePullScript, FakeReviewCommentInput, FakeReviewState } from './pulls-types.js';
import type { FakeStore } from './store.js';
import type { StoredCheckRun, StoredIssue, StoredReview, StoredReviewComment, StoredThread } from './store-types.js';

const DEFAULT_DURATION_MS = 60_000;

function pick<T>(results: readonly T[] | undefined, push: number, fallback: T): T {
  if (!results || results.length === 0) return fallback;
  return results[Math.min(push, results.length - 1)]!;
}

/** The conclusion a scripted check gets on agent push `push` (`verdict` from `fixes` overrides it). */
export function scriptedConclusion(results: readonly FakeCheckConclusion[] | undefined, push: number, verdict: boolean | undefined): FakeCheckConclusion {
  if (verdict !== undefined) return verdict ? 'success' : 'failure';
  return pick(results, push, 'success');
}

/** Whether every scripted check and status of push `push` passes (the merge queue's CI on the group). */
export function scriptPasses(script: FakePullScript | null, push: number, verdict: boolean | undefined): boolean {
  if (!script) return true;
  const checks = (script.checks ?? []).every((c) => ['success', 'neutral', 'skipped'].includes(scriptedConclusion(c.results, push, verdict)));
  const statuses = (script.statuses ?? []).every((s) => (verdict !== undefined ? verdict : pick(s.results, push, 'success') === 'success'));
  return checks && statuses;
}

/** The longest scripted duration (API ms), the time CI takes. */
export function scriptDurationMs(script: FakePullScript | null): number {
  const all = [...(script?.checks ?? []), ...(script?.statuses ?? [])].map((c) => c.durationMs ?? DEFAULT_DURATION_MS);
  return all.length === 0 ? 0 : Math.max(...all);
}

/**
 * Starts the checks and statuses of `sha` at `t` for agent push `push` (durations already in
 * API ms, scaled by `scale`).
 */
export function startCi(store: FakeStore, issue: StoredIssue, sha: string, push: number, verdict: boolean | undefined, t: number, scale: number): void {
  const pull = issue.pull!;
  const script = pull.script;
  if (!script) return;
  const runId = store.id();
  for (const c of script.checks ?? []) {
    const id = store.id();
    const conclusion = scriptedConclusion(c.results, push, verdict);
    const ok = ['success', 'neutral', 'skipped'].includes(conclusion);
    const run: StoredCheckRun = {
      id,
      nodeId: `CR_kwDO${id}`,
      runId,
      name: c.name,
      headSha: sha,
      appSlug: c.app ?? 'github-actions',
      startedAt: t,
      completesAt: t + (c.durationMs ?? DEFAULT_DURATION_MS) * scale,
      conclusion,
      title: ok ? `${c.name} ${conclusion}` : (c.title ?? `${c.name} failed`),
      summary: ok ? `The ${c.name} job succeeded.` : (c.summary ?? `The ${c.name} job failed.`),
      text: ok ? null : (c.text ?? null),
      log: ok
        ? `##[group]Run ${c.name}\n${c.name}: all steps passed\n##[endgroup]\n`
        : (c.log ?? `##[group]Run ${c.name}\n${c.name}: a step failed\n##[endgroup]\n##[error]Process completed with exit code 1.\n`),
      annotations: ok ? [] : (c.annotations ?? []).map((a) => ({ path: a.path, line: a.line, message: a.message, level: a.level ?? 'failure' })),
    };
    pull.checks.push(run);
    store.nodes.set(run.nodeId, { pullNode: 'checkRun', issue, run });
  }
  for (const s of script.statuses ?? []) {
    const id = store.id();
    pull.statuses.push({
      id,
      nodeId: `SC_kwDO${id}`,
      sha,
      context: s.context,
      state: verdict !== undefined ? (verdict ? 'success' : 'failure') : pick(s.results, push, 'success'),
      createdAt: t,
      completesAt: t + (s.durationMs ?? DEFAULT_DURATION_MS) * scale,
      description: s.description ?? null,
      targetUrl: s.targetUrl ?? null,
    });
  }
}

/** Adds a review (submitted at `at`, possibly in the future) with its inline comments and threads. */
export function addReview(
  store: FakeStore,
  issue: StoredIssue,
  r: { readonly state: FakeReviewState; readonly body?: string; readonly author?: string; readonly comments?: readonly FakeReviewCommentInput[] },
  at: number,
): StoredReview {
  const pull = issue.pull!;
  const id = store.id();
  const author = r.author ?? 'reviewer';
  store.addOwner(author, 'User');
  const review: StoredReview = { id, nodeId: `PRR_kwDO${id}`, author, state: r.state, body: r.body ?? '', commitSha: pull.headSha, submittedAt: at, comments: [] };
  for (const c of r.comments ?? []) {
    const cid = store.id();
    const thread: StoredThread = { nodeId: `PRRT_kwDO${cid}`, path: c.path, line: c.line, isResolved: false, resolvedBy: null, commitSha: pull.headSha, comments: [] };
    const comment: StoredReviewComment = { id: cid, nodeId: `PRRC_kwDO${cid}`, review, thread, path: c.path, line: c.line, body: c.body, author, commitSha: pull.headSha };
    thread.comments.push(comment);
    review.comments.push(comment);
    pull.threads.push(thread);
    store.nodes.set(thread.nodeId, { pullNode: 'thread', issue, thread });
    store.nodes.set(comment.nodeId, { pullNode: 'comment', issue, comment });
  }
  pull.reviews.push(review);
  store.nodes.set(review.nodeId, { pullNode: 'review', issue, review });
  return review;
}

/** Schedules the script's reviews that come after agent push `push`. */
export function scheduleReviews(store: FakeStore, issue: StoredIssue, push: number, t: number, scale: number): void {
  const script = issue.pull!.script;
  for (const r of script?.reviews ?? []) {
    if (r.after !== push) continue;
    addReview(store, issue, r, t + (r.delayMs ?? scriptDurationMs(script)) * scale);
  }
}
