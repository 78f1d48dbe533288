import { describe, expect, it } from 'vitest';
import { decide, emptyMemory, observe } from './decide.js';
import { defaultPolicy, FAILED_CHECKS, snapshot } from './snapshot-fixture.js';

const HEAD = 'a'.repeat(40);
const BASE = 'b'.repeat(40);

describe('decide', () => {
  it('lands a merged pull request and fails a closed one', () => {
    expect(decide(snapshot({ state: 'MERGED', merged: true }), emptyMemory(), defaultPolicy(), 0)).toEqual({ kind: 'landed' });
    expect(decide(snapshot({ state: 'CLOSED' }), emptyMemory(), defaultPolicy(), 0)).toEqual({ kind: 'closed' });
  });

  it('merges a clean green pull request with the evaluated head', () => {
    expect(decide(snapshot(), emptyMemory(), defaultPolicy(), 0)).toEqual({ kind: 'step', action: 'merge', key: `merge:${HEAD}`, sha: HEAD });
  });

  it('treats a null rollup as no CI, not as failing', () => {
    const d = decide(snapshot({ checks: { state: null, total: 0, failing: [], failingCount: 0 } }), emptyMemory(), defaultPolicy(), 0);
    expect(d).toMatchObject({ kind: 'step', action: 'merge' });
  });

  it('re-reads UNKNOWN mergeability instead of acting on it', () => {
    const d = decide(snapshot({ mergeable: 'UNKNOWN', mergeStateStatus: 'UNKNOWN' }), emptyMemory(), defaultPolicy(), 0);
    expect(d).toMatchObject({ kind: 'wait', human: false, hurry: true });
  });

  it('asks for a checks-failed follow-up keyed on the head sha', () => {
    const d = decide(snapshot({ checks: FAILED_CHECKS, mergeStateStatus: 'UNSTABLE' }), emptyMemory(), defaultPolicy(), 0);
    expect(d).toEqual({ kind: 'follow-up', reason: 'checks-failed', key: `checks-failed:${HEAD}` });
  });

  it('only waits while Codegen owns CI, and steps in after N failed heads', () => {
    const memory = emptyMemory();
    const policy = defaultPolicy({ ciFixes: 'codegen', codegenFixAttempts: 2 });
    const first = snapshot({ checks: FAILED_CHECKS });
    observe(memory, first, 0);
    expect(decide(first, memory, policy, 0)).toMatchObject({ kind: 'wait', status: 'checks-failed', human: false });
    const second = snapshot({ checks: FAILED_CHECKS, headRefOid: 'c'.repeat(40) });
    observe(memory, second, 1);
    expect(decide(second, memory, policy, 1)).toEqual({ kind: 'follow-up', reason: 'checks-failed', key: `checks-failed:${'c'.repeat(40)}` });
  });

  it('needs a human once a reason runs out of follow-ups', () => {
    const memory = emptyMemory();
    memory.followUps.set('checks-failed', 3);
    const d = decide(snapshot({ checks: FAILED_CHECKS }), memory, defaultPolicy(), 0);
    expect(d).toMatchObject({ kind: 'wait', status: 'needs-human', human: true });
    expect((d as { message: string }).message).toContain('used up (3 of 3)');
  });

  it('needs a human once the task runs out of follow-ups, whatever the reason', () => {
    const memory = emptyMemory();
    memory.followUps.set('conflict', 1);
    memory.followUps.set('changes-requested', 1);
    const d = decide(snapshot({ checks: FAILED_CHECKS }), memory, defaultPolicy({ maxFollowUpsPerTask: 2 }), 0);
    expect(d).toMatchObject({ status: 'needs-human', human: true });
  });

  it('waits for the push after a done follow-up, then asks a human if the head did not move', () => {
    const memory = emptyMemory();
    memory.followUpKeys.set(`checks-failed:${HEAD}`, { endedAt: 1000, outcome: 'done' });
    memory.followUps.set('checks-failed', 1);
    const pr = snapshot({ checks: FAILED_CHECKS });
    expect(decide(pr, memory, defaultPolicy(), 2000)).toMatchObject({ kind: 'wait', status: 'checks-failed', hurry: true });
    expect(decide(pr, memory, defaultPolicy(), 1000 + 120_000)).toMatchObject({ status: 'needs-human', human: true });
  });

  it('re-attaches to a follow-up that was in flight before a crash', () => {
    const memory = emptyMemory();
    memory.followUpKeys.set(`checks-failed:${HEAD}`, { endedAt: undefined, outcome: undefined });
    memory.followUps.set('checks-failed', 3);
    expect(decide(snapshot({ checks: FAILED_CHECKS }), memory, defaultPolicy(), 0)).toEqual({ kind: 'follow-up', reason: 'checks-failed', key: `checks-failed:${HEAD}` });
  });

  it('asks for a follow-up per change request (not per tick) and then waits for a new review', () => {
    const reviews = [
      { id: 'R_old', state: 'CHANGES_REQUESTED', author: 'bob', submittedAt: '2026-01-01T00:00:00Z', commitOid: HEAD },
      { id: 'R_new', state: 'CHANGES_REQUESTED', author: 'carol', submittedAt: '2026-01-02T00:00:00Z', commitOid: HEAD },
      { id: 'R_bot', state: 'CHANGES_REQUESTED', author: 'review-bot', submittedAt: '2026-01-03T00:00:00Z', commitOid: HEAD },
    ];
    const pr = snapshot({ reviewDecision: 'CHANGES_REQUESTED', mergeStateStatus: 'BLOCKED', reviews });
    const memory = emptyMemory();
    const policy = defaultPolicy({ ignoredReviewers: new Set(['review-bot']) });
    expect(decide(pr, memory, policy, 0)).toEqual({ kind: 'follow-up', reason: 'changes-requested', key: 'changes-requested:R_new', reviewId: 'R_new' });
    memory.followUpKeys.set('changes-requested:R_new', { endedAt: 5, outcome: 'done' });
    expect(decide(pr, memory, policy, 10)).toMatchObject({ kind: 'wait', status: 'changes-requested', human: true });
  });

  it('asks the agent to merge the base on a conflict, keyed on head and base', () => {
    const d = decide(snapshot({ mergeable: 'CONFLICTING', mergeStateStatus: 'DIRTY' }), emptyMemory(), defaultPolicy(), 0);
    expect(d).toEqual({ kind: 'follow-up', reason: 'conflict', key: `conflict:${HEAD}:${BASE}` });
  });

  it('updates a branch behind its base once per base commit', () => {
    const pr = snapshot({ mergeStateStatus: 'BEHIND' });
    const memory = emptyMemory();
    expect(decide(pr, memory, defaultPolicy(), 0)).toEqual({ kind: 'step', action: 'update-branch', key: `update-branch:${BASE}`, sha: HEAD });
    memory.steps.set(`update-branch:${BASE}`, { attempts: 1, at: 0 });
    expect(decide(pr, memory, defaultPolicy(), 10)).toMatchObject({ kind: 'wait', status: 'behind', human: false });
    memory.steps.set(`update-branch:${BASE}`, { attempts: 2, at: 0 });
    expect(decide(pr, memory, defaultPolicy(), 200_000)).toMatchObject({ status: 'needs-human' });
  });

  it('enqueues a branch behind its base where a merge queue is required, without updating it first (the queue builds it on the latest base)', () => {
    const d = decide(snapshot({ mergeStateStatus: 'BEHIND', isMergeQueueEnabled: true }), emptyMemory(), defaultPolicy(), 0);
    expect(d).toEqual({ kind: 'step', action: 'enqueue', key: `enqueue:${HEAD}`, sha: HEAD });
  });

  it('enables auto-merge on a blocked PR where the repository allows it, else waits for a review', () => {
    const pr = snapshot({ mergeStateStatus: 'BLOCKED', reviewDecision: 'REVIEW_REQUIRED', autoMergeAllowed: true });
    expect(decide(pr, emptyMemory(), defaultPolicy(), 0)).toEqual({ kind: 'step', action: 'auto-merge', key: `auto-merge:${HEAD}`, sha: HEAD });
    expect(decide({ ...pr, autoMergeAllowed: false }, emptyMemory(), defaultPolicy(), 0)).toMatchObject({ status: 'awaiting-review', human: true });
    expect(decide({ ...pr, autoMergeEnabled: true }, emptyMemory(), defaultPolicy(), 0)).toMatchObject({ status: 'awaiting-review', human: true });
  });

  it('enqueues into a merge queue with the head, and waits while queued', () => {
    const pr = snapshot({ isMergeQueueEnabled: true, mergeStateStatus: 'BLOCKED', reviewDecision: 'APPROVED' });
    expect(decide(pr, emptyMemory(), defaultPolicy(), 0)).toEqual({ kind: 'step', action: 'enqueue', key: `enqueue:${HEAD}`, sha: HEAD });
    expect(decide({ ...pr, isInMergeQueue: true }, emptyMemory(), defaultPolicy(), 0)).toMatchObject({ status: 'queued', human: false });
  });

  it('flags checks that stay pending past the timeout', () => {
    const memory = emptyMemory();
    const pr = snapshot({ checks: { state: 'PENDING', total: 1, failing: [], failingCount: 0 }, mergeStateStatus: 'BLOCKED' });
    observe(memory, pr, 0);
    expect(decide(pr, memory, defaultPolicy(), 60_000)).toMatchObject({ status: 'checks-pending', human: false });
    expect(decide(pr, memory, defaultPolicy(), 3_600_000)).toMatchObject({ status: 'needs-human', human: true });
  });

  it('never merges with merge: none', () => {
    expect(decide(snapshot(), emptyMemory(), defaultPolicy({ merge: 'none' }), 0)).toMatchObject({ status: 'approved', human: true });
  });
});
