import type { Executor, Task } from '@pco/contract';
import { Orchestrator } from '@pco/core';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { StatusResponseSchema, TasksResponseSchema } from './api-types.js';
import { isLoopback, parseUiAddress, urlOf } from './address.js';
import { tokensEqual } from './auth.js';
import { RunViewModel } from './view-model.js';

describe('RunViewModel', () => {
  it('shows a running task in its agent slot with its remote status and trace link', async () => {
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const executor: Executor = {
      async execute(_task, context) {
        await context.checkpoint({ agentRunId: 77, webUrl: 'https://codegen.com/agent/trace/77' });
        context.report('ACTIVE');
        started();
        await new Promise<void>((done) => (release = done));
        return { status: 'done' };
      },
    };
    const tasks: Task[] = [{ id: 't1', title: 'One' }];
    const orchestrator = new Orchestrator({ source: { load: async () => tasks }, executor, concurrency: 3 });
    const model = new RunViewModel();
    model.attach(orchestrator);
    expect(model.status().run.phase).toBe('loading');
    const run = orchestrator.run();
    await running;
    const status = v.parse(StatusResponseSchema, model.status());
    expect(status.run).toMatchObject({ phase: 'running', concurrency: 3, counts: { running: 1, total: 1 } });
    const busy = status.slots.filter((slot) => slot.state !== 'idle');
    expect(busy).toEqual([
      expect.objectContaining({ state: 'running', taskId: 't1', title: 'One', attempt: 1, remoteStatus: 'ACTIVE', webUrl: 'https://codegen.com/agent/trace/77' }),
    ]);
    expect(status.slots).toHaveLength(3);
    expect(v.parse(TasksResponseSchema, model.tasks()).tasks[0]).toMatchObject({ state: 'running', runId: 77, critical: true });
    release();
    await run;
    expect(model.status().run.phase).toBe('finished');
    expect(model.status().slots.every((slot) => slot.state === 'idle')).toBe(true);
  });

  it('follows a task into review: its slot frees, milestones and reactions add up, the log says so', () => {
    const model = new RunViewModel({ concurrency: 1 });
    const task: Task = { id: 'r#1', title: 'Landing' };
    const base = { runId: 'run', task, taskId: 'r#1', at: 1 };
    const pr = { url: 'https://github.com/o/r/pull/9', number: 9 };
    model.apply('task:start', { ...base, attempt: 1, agent: 'agent-1', idempotencyKey: 'k', deadline: 9, resumed: false });
    expect(model.status().slots[0]).toMatchObject({ state: 'running', taskId: 'r#1' });
    model.apply('task:review', { ...base, attempt: 1, pullRequests: [pr] });
    model.apply('task:milestone', { ...base, attempt: 1, milestone: 'pr-opened', released: false });
    model.apply('task:review', { ...base, attempt: 1, pullRequests: [pr], review: { status: 'checks-failed', message: 'lint failed' } });
    expect(model.status().slots[0]).toEqual({ agent: 'agent-1', state: 'idle' });
    model.apply('task:start', { ...base, attempt: 2, agent: 'agent-1', idempotencyKey: 'k2', deadline: 9, resumed: false, followUp: { key: 'f1', reason: 'checks-failed' } });
    model.apply('task:follow-up', { ...base, attempt: 2, key: 'f1', reason: 'checks-failed', outcome: 'done' });
    model.apply('task:step', { ...base, attempt: 2, key: 'merge:abc' });
    const row = v.parse(TasksResponseSchema, model.tasks()).tasks[0]!;
    expect(row).toMatchObject({ state: 'in-review', pullRequests: [pr], landing: { state: 'in-review', review: 'checks-failed', message: 'lint failed', reactions: 2, reached: ['pr-opened'] } });
    expect(model.status().run.counts['in-review']).toBe(1);
    expect(model.events().events.map((e) => e.message)).toEqual([
      'started on agent-1 (attempt 1)',
      'in review: 1 pull request opened',
      'milestone pr-opened',
      'in review: checks-failed: lint failed',
      'started on agent-1 (follow-up (checks-failed))',
      'follow-up (checks-failed) done',
      'step merge:abc',
    ]);
  });

  it('keeps a bounded log: the oldest events drop out, seqs go on', () => {
    const model = new RunViewModel({ eventLogSize: 3 });
    for (let i = 1; i <= 5; i++) model.record({ at: i, type: 'note', message: `n${i}` });
    const page = model.events();
    expect(page.events.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(page.oldest).toBe(3);
    expect(model.events({ after: 4 }).events.map((e) => e.message)).toEqual(['n5']);
    expect(model.events({ after: 5 })).toMatchObject({ events: [], next: 5 });
    expect(model.events({ type: 'no' }).events).toEqual([]);
  });

  it('reports only the rows changed since a revision, all of them after the task set changed', () => {
    const model = new RunViewModel();
    model.addTasks([
      { id: 'a', title: 'A' },
      { id: 'b', title: 'B', dependencies: ['a'] },
    ]);
    const first = model.changedSince(-1);
    expect(first.reset).toBe(true);
    expect(first.criticalPath).toEqual(['a', 'b']);
    const seen = model.revision;
    model.applyResult({ id: 'b', state: 'skipped', attempts: 0, pullRequests: [], skipReason: 'untrusted' });
    expect(model.changedSince(seen)).toEqual({ reset: false, rows: [expect.objectContaining({ id: 'b', state: 'skipped', skipReason: 'untrusted' })] });
  });
});

describe('--ui addresses and tokens', () => {
  it('parses host:port forms and knows loopback from the rest', () => {
    expect(parseUiAddress(true)).toEqual({ host: '127.0.0.1', port: 4545 });
    expect(parseUiAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseUiAddress(':8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseUiAddress('9000')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(parseUiAddress('[::1]:4546')).toEqual({ host: '::1', port: 4546 });
    expect(parseUiAddress('0.0.0.0')).toEqual({ host: '0.0.0.0', port: 4545 });
    for (const bad of ['::1', 'host:port', 'h:70000', 'a b:1']) expect(() => parseUiAddress(bad), bad).toThrow(/--ui: expected host:port/);
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '192.168.1.2', '::', 'example.com'].some(isLoopback)).toBe(false);
    expect(urlOf('::1', 4545)).toBe('http://[::1]:4545/');
  });

  it('compares tokens whatever their lengths', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abcd')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
  });
});
