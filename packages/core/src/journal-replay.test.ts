import { describe, expect, it } from 'vitest';
import { replayJournal } from './journal-replay.js';
import type { JournalEntry, TaskResult } from '@pco/contract';

const done: TaskResult = { id: 'a', state: 'done', attempts: 1, pullRequests: [] };
const intent = (taskId: string, attempt: number, runId = 'r1'): JournalEntry => ({
  type: 'intent',
  runId,
  taskId,
  attempt,
  idempotencyKey: `${runId}:${taskId}:${attempt}`,
  agent: 'agent-1',
  at: 0,
});

describe('replayJournal', () => {
  it('is empty for an empty journal', () => {
    const replay = replayJournal([]);
    expect(replay.runId).toBeUndefined();
    expect(replay.tasks.size).toBe(0);
  });

  it('tracks intents, created runs, statuses, retries and results', () => {
    const replay = replayJournal([
      { type: 'run', runId: 'r1', resumed: false, at: 0 },
      intent('a', 1),
      { type: 'created', runId: 'r1', taskId: 'a', attempt: 1, idempotencyKey: 'r1:a:1', agentRunId: 5, webUrl: 'w', at: 1 },
      { type: 'status', runId: 'r1', taskId: 'a', attempt: 1, status: 'ACTIVE', at: 2 },
      { type: 'result', runId: 'r1', result: done, at: 3 },
      intent('b', 1),
      { type: 'attempt-failed', runId: 'r1', taskId: 'b', attempt: 1, error: '503', transient: true, at: 4 },
      intent('b', 2),
      { type: 'created', runId: 'r1', taskId: 'b', attempt: 2, idempotencyKey: 'r1:b:2', agentRunId: 6, at: 5 },
      { type: 'status', runId: 'r1', taskId: 'b', attempt: 2, status: 'EVALUATION', at: 6 },
      intent('c', 1),
    ]);
    expect(replay.runId).toBe('r1');
    expect(replay.tasks.get('a')).toEqual({ taskId: 'a', attempts: 1, result: done, open: undefined });
    expect(replay.tasks.get('b')).toMatchObject({
      attempts: 2,
      open: { attempt: 2, idempotencyKey: 'r1:b:2', agentRunId: 6, status: 'EVALUATION' },
    });
    expect(replay.tasks.get('c')!.open).toEqual({ attempt: 1, idempotencyKey: 'r1:c:1', agent: 'agent-1' });
    expect(replay.ignored).toBe(0);
  });

  it('keeps a detached attempt open (re-attach on resume), closes a cancelled one', () => {
    const interrupted: TaskResult = { id: 'a', state: 'interrupted', attempts: 1, pullRequests: [], runId: 5 };
    const base: JournalEntry[] = [
      { type: 'run', runId: 'r1', resumed: false, at: 0 },
      intent('a', 1),
      { type: 'created', runId: 'r1', taskId: 'a', attempt: 1, idempotencyKey: 'r1:a:1', agentRunId: 5, at: 1 },
    ];
    expect(replayJournal([...base, { type: 'result', runId: 'r1', result: interrupted, detached: true, at: 2 }]).tasks.get('a')!.open).toMatchObject({
      agentRunId: 5,
    });
    expect(replayJournal([...base, { type: 'result', runId: 'r1', result: interrupted, at: 2 }]).tasks.get('a')!.open).toBeUndefined();
  });

  it('an open attempt dispatched again by a resume keeps its run, so a second crash does not forget it', () => {
    const note = { resume: 'sending', logEnd: '2026-12-02T10:00:00.000Z' };
    const replay = replayJournal([
      { type: 'run', runId: 'r1', resumed: false, at: 0 },
      intent('a', 1),
      { type: 'created', runId: 'r1', taskId: 'a', attempt: 1, idempotencyKey: 'r1:a:1', agentRunId: 5, webUrl: 'w', note, at: 1 },
      { type: 'status', runId: 'r1', taskId: 'a', attempt: 1, status: 'ACTIVE', at: 2 },
      // The next process re-attaches (the same attempt's intent again), then dies too.
      { type: 'run', runId: 'r1', resumed: true, at: 3 },
      intent('a', 1),
      // A later attempt is a new one: nothing carried over.
      intent('b', 1),
      { type: 'created', runId: 'r1', taskId: 'b', attempt: 1, idempotencyKey: 'r1:b:1', agentRunId: 6, at: 4 },
      { type: 'attempt-failed', runId: 'r1', taskId: 'b', attempt: 1, error: '503', transient: true, at: 5 },
      intent('b', 2),
    ]);
    expect(replay.tasks.get('a')!.open).toEqual({ attempt: 1, idempotencyKey: 'r1:a:1', agent: 'agent-1', agentRunId: 5, webUrl: 'w', status: 'ACTIVE', note });
    expect(replay.tasks.get('b')!.open).toEqual({ attempt: 2, idempotencyKey: 'r1:b:2', agent: 'agent-1' });
  });

  it('a fresh run starts over; a resumed run continues; stray entries are counted, not fatal', () => {
    const replay = replayJournal([
      { type: 'run', runId: 'old', resumed: false, at: 0 },
      intent('a', 1, 'old'),
      { type: 'run', runId: 'r2', resumed: false, at: 1 },
      intent('b', 1, 'r2'),
      { type: 'run', runId: 'r2', resumed: true, at: 2 },
      { type: 'created', runId: 'r2', taskId: 'zzz', attempt: 1, idempotencyKey: 'k', agentRunId: 1, at: 3 },
      { type: 'bogus' } as unknown as JournalEntry,
    ]);
    expect(replay.runId).toBe('r2');
    expect([...replay.tasks.keys()]).toEqual(['b']);
    expect(replay.ignored).toBe(2);
  });
});
