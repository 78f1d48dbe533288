import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { decide, emptyMemory, observe } from './decide.js';
import type { PullRequestSnapshot } from './snapshot.js';
import { defaultPolicy, FAILED_CHECKS, snapshot } from './snapshot-fixture.js';

const sha = fc.stringMatching(/^[0-9a-f]{40}$/);
const checks = fc.constantFrom<PullRequestSnapshot['checks']>(
  { state: 'SUCCESS', total: 1, failing: [], failingCount: 0 },
  { state: null, total: 0, failing: [], failingCount: 0 },
  { state: 'PENDING', total: 1, failing: [], failingCount: 0 },
  { state: 'EXPECTED', total: 1, failing: [], failingCount: 0 },
  FAILED_CHECKS,
  { ...FAILED_CHECKS, state: 'ERROR' },
);
const pullRequest = fc.record({
  state: fc.constantFrom<'OPEN' | 'CLOSED' | 'MERGED'>('OPEN', 'OPEN', 'OPEN', 'CLOSED', 'MERGED'),
  isDraft: fc.boolean(),
  mergeable: fc.constantFrom('MERGEABLE', 'CONFLICTING', 'UNKNOWN'),
  mergeStateStatus: fc.constantFrom('BEHIND', 'BLOCKED', 'CLEAN', 'DIRTY', 'HAS_HOOKS', 'UNKNOWN', 'UNSTABLE'),
  reviewDecision: fc.constantFrom(null, 'APPROVED', 'CHANGES_REQUESTED', 'REVIEW_REQUIRED'),
  headRefOid: sha,
  baseRefOid: sha,
  isMergeQueueEnabled: fc.boolean(),
  isInMergeQueue: fc.boolean(),
  autoMergeAllowed: fc.boolean(),
  autoMergeEnabled: fc.boolean(),
  checks,
  reviews: fc.constantFrom([], [{ id: 'R1', state: 'CHANGES_REQUESTED', author: 'bob', submittedAt: '2026-01-01T00:00:00Z', commitOid: undefined }]),
}).map((p) => snapshot({ ...p, merged: p.state === 'MERGED' }));
const mergeMode = fc.constantFrom<'auto' | 'train' | 'none'>('auto', 'train', 'none');
const used = fc.record({ 'checks-failed': fc.nat(4), 'changes-requested': fc.nat(4), conflict: fc.nat(4) });

describe('decide properties', () => {
  test.prop([pullRequest, mergeMode, fc.nat(10_000_000)])('merges only an open, green, conflict-free, unrejected PR, and only its evaluated head', (pr, merge, now) => {
    const d = decide(pr, emptyMemory(), defaultPolicy({ merge }), now);
    if (d.kind === 'step' && (d.action === 'merge' || d.action === 'enqueue' || d.action === 'auto-merge')) {
      expect(merge).not.toBe('none');
      expect(pr.state).toBe('OPEN');
      expect(pr.isDraft).toBe(false);
      expect(pr.checks.state === null || pr.checks.state === 'SUCCESS').toBe(true);
      expect(pr.mergeable).toBe('MERGEABLE');
      expect(['DIRTY', 'UNKNOWN']).not.toContain(pr.mergeStateStatus);
      // Behind the base: merged directly or by auto-merge only once updated; a merge queue builds
      // the PR on the latest base itself, so it may be enqueued behind (research §3.3: update once
      // per base change, or use a merge queue).
      if (d.action !== 'enqueue') expect(pr.mergeStateStatus).not.toBe('BEHIND');
      expect(pr.reviewDecision).not.toBe('CHANGES_REQUESTED');
      expect(d.sha).toBe(pr.headRefOid);
      expect(d.key).toBe(`${d.action}:${pr.headRefOid}`);
    }
  });

  test.prop([pullRequest, used, fc.integer({ min: 0, max: 8 })])('never asks for a follow-up past a reason\'s or the task\'s budget', (pr, counts, perTask) => {
    const memory = emptyMemory();
    for (const [reason, n] of Object.entries(counts)) memory.followUps.set(reason, n);
    const policy = defaultPolicy({ maxFollowUpsPerTask: perTask });
    const d = decide(pr, memory, policy, 0);
    if (d.kind === 'follow-up') {
      expect(memory.followUps.get(d.reason) ?? 0).toBeLessThan(policy.maxFollowUps[d.reason]);
      expect(counts['checks-failed'] + counts['changes-requested'] + counts.conflict).toBeLessThan(perTask);
    }
  });

  test.prop([pullRequest, fc.nat(10_000_000)])('never repeats a follow-up whose key already ran to an end', (pr, now) => {
    const memory = emptyMemory();
    const first = decide(pr, memory, defaultPolicy(), now);
    if (first.kind !== 'follow-up') return;
    memory.followUps.set(first.reason, 1);
    memory.followUpKeys.set(first.key, { endedAt: now, outcome: fc.sample(fc.constantFrom('done', 'failed', 'needs-input'), 1)[0] });
    for (const later of [now, now + 60_000, now + 10_000_000]) {
      const again = decide(pr, memory, defaultPolicy(), later);
      expect(again.kind === 'follow-up' && again.key === first.key).toBe(false);
    }
  });

  test.prop([pullRequest, fc.nat(10_000_000)])('an UNKNOWN mergeability never leads to a merge, a conflict follow-up or a human', (pr, now) => {
    const unknown = { ...pr, mergeable: 'UNKNOWN', mergeStateStatus: 'UNKNOWN', state: 'OPEN' as const, merged: false, isDraft: false, reviewDecision: null, checks: { state: 'SUCCESS' as const, total: 1, failing: [], failingCount: 0 } };
    const memory = emptyMemory();
    observe(memory, unknown, now);
    expect(decide(unknown, memory, defaultPolicy(), now)).toMatchObject({ kind: 'wait', human: false, hurry: true });
  });
});
