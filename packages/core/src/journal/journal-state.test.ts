import { describe, expect, it } from 'vitest';
import { planResume, reduceJournal } from './journal-state.js';
import type { JournalRecord, JournalRecordInput } from './types.js';

function records(...inputs: JournalRecordInput[]): JournalRecord[] {
  const header: JournalRecordInput = { t: 'header', format: 'pco-journal', version: 1, journalId: 'journal-1', fingerprint: 'f' };
  return [header, ...inputs].map((input, index) => ({ at: '2025-01-01T00:00:00.000Z', ...input, seq: index + 1 }) as JournalRecord);
}

const result = (id: string, state: 'done' | 'failed' | 'interrupted' | 'needs-input' | 'skipped', attempts: number, runId?: number) => ({
  t: 'result' as const,
  task: id,
  result: { id, state, attempts, pullRequests: [], ...(runId === undefined ? {} : { runId }) },
});

describe('planResume', () => {
  const state = reduceJournal(
    records(
      { t: 'session', session: 's1', pid: 1, hostname: 'h', resumed: false },
      { t: 'tasks', mode: 'set', tasks: ['done', 'failed', 'created', 'intent', 'retrying', 'queued', 'interrupted', 'paused', 'skipped', 'refound'].map((id) => ({ id })) },
      // done: intent, run, result
      { t: 'intent', task: 'done', attempt: 1, key: 'k-done' },
      { t: 'run', task: 'done', attempt: 1, runId: 1 },
      result('done', 'done', 1, 1),
      // failed permanently
      { t: 'intent', task: 'failed', attempt: 1, key: 'k-failed' },
      { t: 'run', task: 'failed', attempt: 1, runId: 2 },
      result('failed', 'failed', 1, 2),
      // run created, process died before the result
      { t: 'intent', task: 'created', attempt: 1, key: 'k-created-1' },
      { t: 'run', task: 'created', attempt: 1, runId: 3, webUrl: 'https://codegen.com/agent/trace/3' },
      { t: 'status', task: 'created', attempt: 1, agentStatus: 'ACTIVE' },
      // intent written, no run id (died around the create call), on its second attempt
      { t: 'intent', task: 'intent', attempt: 1, key: 'k-intent-1' },
      { t: 'run', task: 'intent', attempt: 1, runId: 4 },
      { t: 'status', task: 'intent', attempt: 1, state: 'retrying', reason: '502' },
      { t: 'intent', task: 'intent', attempt: 2, key: 'k-intent-2' },
      // attempt 1 failed transiently, retry not yet dispatched
      { t: 'intent', task: 'retrying', attempt: 1, key: 'k-retrying-1' },
      { t: 'run', task: 'retrying', attempt: 1, runId: 5 },
      { t: 'status', task: 'retrying', attempt: 1, state: 'retrying' },
      // only queued
      { t: 'status', task: 'queued', attempt: 0, state: 'ready' },
      // stopped by SIGINT with the remote run left running
      { t: 'intent', task: 'interrupted', attempt: 1, key: 'k-int' },
      { t: 'run', task: 'interrupted', attempt: 1, runId: 6 },
      result('interrupted', 'interrupted', 1, 6),
      // PAUSED: waiting for a human; re-attaching costs nothing
      { t: 'intent', task: 'paused', attempt: 1, key: 'k-paused' },
      { t: 'run', task: 'paused', attempt: 1, runId: 7 },
      result('paused', 'needs-input', 1, 7),
      result('skipped', 'skipped', 0),
      // a run found by key on an earlier resume
      { t: 'intent', task: 'refound', attempt: 1, key: 'k-refound' },
      { t: 'run', task: 'refound', attempt: 1, runId: 8, via: 'found' },
      { t: 'end', session: 's1', interrupted: true, counts: {} },
    ),
  );

  it('decides per task: completed, reattach, lookup or start (at which attempt)', () => {
    const plan = planResume(state);
    expect(Object.fromEntries([...plan].map(([id, action]) => [id, action]))).toEqual({
      done: expect.objectContaining({ kind: 'completed', result: expect.objectContaining({ state: 'done' }) }),
      failed: expect.objectContaining({ kind: 'completed', result: expect.objectContaining({ state: 'failed' }) }),
      created: { kind: 'reattach', task: 'created', attempt: 1, runId: 3, key: 'k-created-1', webUrl: 'https://codegen.com/agent/trace/3' },
      intent: { kind: 'lookup', task: 'intent', attempt: 2, key: 'k-intent-2', intentAt: '2025-01-01T00:00:00.000Z' },
      retrying: { kind: 'start', task: 'retrying', nextAttempt: 2 },
      queued: { kind: 'start', task: 'queued', nextAttempt: 1 },
      interrupted: expect.objectContaining({ kind: 'reattach', attempt: 1, runId: 6 }),
      paused: expect.objectContaining({ kind: 'reattach', attempt: 1, runId: 7 }),
      skipped: { kind: 'start', task: 'skipped', nextAttempt: 1 },
      refound: expect.objectContaining({ kind: 'reattach', attempt: 1, runId: 8 }),
    });
  });

  it('re-runs failed tasks with a new attempt when asked', () => {
    expect(planResume(state, { retryFailed: true }).get('failed')).toEqual({ kind: 'start', task: 'failed', nextAttempt: 2 });
  });

  it('knows whether the last session ended', () => {
    expect(state.unfinishedSession).toBe(false);
    expect(state.lastEnd?.interrupted).toBe(true);
    const crashed = reduceJournal(records({ t: 'session', session: 's', pid: 1, hostname: 'h', resumed: false }));
    expect(crashed.unfinishedSession).toBe(true);
  });
});
