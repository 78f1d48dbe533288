import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Executor } from '@pco/contract';
import { FileJournal, Orchestrator } from '@pco/core';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { runPcoInProcess } from '../cli/in-process-cli.js';
import { EventsResponseSchema, StatusResponseSchema, TasksResponseSchema } from './api-types.js';
import { journalViewModel } from './journal-view.js';
import { TASKS } from './run.fixture.js';

/** Runs the fixture's tasks into a journal file; `stop` stops the run (detach) while o/r#2 runs. */
async function journalOf(stop = false): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'pco-ui-journal-')), 'journal.jsonl');
  const journal = await FileJournal.open({ path: file, fingerprint: 'ui-test', mode: 'fresh' });
  const controller = new AbortController();
  const executor: Executor = {
    async execute(task, context) {
      await context.checkpoint({ agentRunId: task.id, webUrl: `https://codegen.com/agent/trace/${task.id}` });
      if (stop && task.id === 'o/r#2') {
        controller.abort();
        if (!context.signal.aborted) await new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true }));
        return { status: 'failed', error: context.signal.reason };
      }
      if (task.id === 'o/r#4') return { status: 'failed', error: new Error('compile error') };
      return { status: 'done', pullRequests: [{ url: `https://github.com/${task.id.replace('#', '/pull/')}` }] };
    },
  };
  const orchestrator = new Orchestrator({ source: { load: async () => TASKS }, executor, journal, concurrency: 1 });
  await orchestrator.run({ signal: controller.signal, stopMode: 'detach' });
  await journal.close();
  return file;
}

describe('pco ui --journal', () => {
  it('rebuilds a finished run: results, agent runs, pull requests and the log', async () => {
    const file = await journalOf();
    const { entries } = await (await import('@pco/core')).readJournal(file);
    const model = journalViewModel(entries);
    const status = v.parse(StatusResponseSchema, model.status());
    expect(status.run).toMatchObject({ phase: 'finished', counts: { done: 3, failed: 1, skipped: 1, total: 5 } });
    const tasks = v.parse(TasksResponseSchema, model.tasks());
    expect(tasks.tasks.find((t) => t.id === 'o/r#2')).toMatchObject({ state: 'done', runId: 'o/r#2', webUrl: 'https://codegen.com/agent/trace/o/r#2', pullRequests: [{ url: 'https://github.com/o/r/pull/2' }] });
    expect(tasks.tasks.find((t) => t.id === 'o/r#4')).toMatchObject({ state: 'failed', error: 'compile error' });
    const events = v.parse(EventsResponseSchema, model.events({ limit: 5000 }));
    expect(events.events.map((e) => e.type)).toContain('task:checkpoint');
    expect(events.events[0]!.type).toBe('run:start');
  });

  it('shows an interrupted run as interrupted; serves it in-process and prints the URL', async () => {
    const file = await journalOf(true);
    const { entries } = await (await import('@pco/core')).readJournal(file);
    const model = journalViewModel(entries);
    expect(model.status().run.phase).toBe('interrupted');
    expect(model.tasks().tasks.find((t) => t.id === 'o/r#2')).toMatchObject({ state: 'interrupted', runId: 'o/r#2' });
    const result = await runPcoInProcess(['ui', '--journal', file, '--ui', '127.0.0.1:0']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^pco ui: http:\/\/127\.0\.0\.1:\d+\/\n/);
    const missing = await runPcoInProcess(['ui', '--journal', path.join(path.dirname(file), 'none.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot show/);
    const open = await runPcoInProcess(['ui', '--journal', file, '--ui', '0.0.0.0:0'], { env: { PCO_UI_TOKEN: 'short' } });
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/token is too short/);
  });
});
