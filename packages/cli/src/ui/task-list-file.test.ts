import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { StatusResponseSchema, TasksResponseSchema } from './api-types.js';
import { SECRET } from './run.fixture.js';
import { readTaskList, TASK_LIST_VERSION, TaskListFileSchema, taskListPath, writeTaskList } from './task-list-file.js';
import { runInto, serveJournal } from './task-list.fixture.js';

describe('the task list beside the journal (<journal>.view.json)', () => {
  it('pco run writes it when the tasks load and when tasks are added: ids, titles, links, estimates, origins; no body, no warning, no secret', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pco-task-list-'));
    const { journal } = await runInto(dir);
    const text = await readFile(taskListPath(journal), 'utf8');
    const list = v.parse(TaskListFileSchema, JSON.parse(text));
    expect(list.version).toBe(TASK_LIST_VERSION);
    expect(list.tasks.map((t) => t.id)).toEqual(['o/r#1', 'o/r#2', 'o/r#3', 'o/r#4', 'o/r#5', 'o/r#6']);
    expect(list.tasks.find((t) => t.id === 'o/r#4')).toEqual({
      id: 'o/r#4',
      title: 'Broken (token [REDACTED])',
      labels: [],
      // No estimate of its own: none in the file (the view counts it as a typical task).
      dependencies: [
        { id: 'o/r#2', origin: 'blocked-by' },
        { id: 'o/r#3', origin: 'label' },
      ],
    });
    expect(list.tasks.find((t) => t.id === 'o/r#2')).toMatchObject({ estimate: 3, dependencies: [{ id: 'o/r#1', origin: 'prose' }] });
    expect(list.tasks.find((t) => t.id === 'o/r#6')).toMatchObject({ title: 'Found by the agent', dependencies: [{ id: 'o/r#2', origin: 'unknown' }] });
    expect(text).not.toContain('BODY');
    expect(text).not.toContain(SECRET);
  });

  it('a resumed run keeps the tasks an earlier process wrote; a fresh one starts over', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pco-task-list-'));
    const { journal } = await runInto(dir);
    const file = taskListPath(journal);
    const earlier = v.parse(TaskListFileSchema, JSON.parse(await readFile(file, 'utf8')));
    await writeTaskList(file, { ...earlier, tasks: [...earlier.tasks, { id: 'o/r#9', title: 'Only the earlier process knew', labels: [], estimate: 1, dependencies: [] }] });
    await runInto(dir, { resume: true });
    const resumed = await readTaskList(file);
    expect(resumed.kind === 'found' && resumed.list.tasks.map((t) => t.id)).toContain('o/r#9');
    await runInto(dir);
    const fresh = await readTaskList(file);
    expect(fresh.kind === 'found' && fresh.list.tasks.map((t) => t.id)).not.toContain('o/r#9');
  });

  it('reads a missing file as absent and a broken one as invalid, with the problem', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pco-task-list-'));
    const file = path.join(dir, 'journal.jsonl.view.json');
    expect(await readTaskList(file)).toEqual({ kind: 'absent' });
    await writeFile(file, '{"version":1,"runId":"r","writtenAt":0,"tasks":[{"id":"a"}]}');
    expect(await readTaskList(file)).toMatchObject({ kind: 'invalid', problem: expect.stringMatching(/^tasks\.0\.title: /) });
    await writeFile(file, '{"version":1,');
    expect(await readTaskList(file)).toMatchObject({ kind: 'invalid', problem: expect.stringMatching(/^not JSON/) });
  });

  it('pco ui --journal serves the real graph over HTTP from it, and says when it is absent', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pco-task-list-'));
    const { journal } = await runInto(dir);
    await serveJournal(journal, async (url, stdout) => {
      const tasks = v.parse(TasksResponseSchema, await (await fetch(new URL('api/v1/tasks', url))).json());
      expect(tasks.tasks.find((t) => t.id === 'o/r#4')).toMatchObject({ title: 'Broken (token [REDACTED])', state: 'failed', dependencies: [{ id: 'o/r#2', origin: 'blocked-by' }, { id: 'o/r#3', origin: 'label' }] });
      expect(tasks.tasks.find((t) => t.id === 'o/r#5')).toMatchObject({ title: 'Docs', state: 'skipped', dependencies: [{ id: 'o/r#4', origin: 'unknown' }] });
      expect(tasks.tasks.find((t) => t.id === 'o/r#6')).toMatchObject({ title: 'Found by the agent', state: 'done' });
      // The critical path needs the edges: o/r#1 (2) → o/r#2 (3) → o/r#4 → o/r#5.
      expect(tasks.criticalPath).toEqual(['o/r#1', 'o/r#2', 'o/r#4', 'o/r#5']);
      const status = v.parse(StatusResponseSchema, await (await fetch(new URL('api/v1/status', url))).json());
      expect(status.run).toMatchObject({ phase: 'finished', counts: { done: 4, failed: 1, skipped: 1, total: 6 } });
      expect(status.run.notice).toBeUndefined();
      expect(stdout()).not.toContain('No task list');
    });

    await rm(taskListPath(journal));
    await serveJournal(journal, async (url, stdout) => {
      expect(stdout()).toMatch(/^pco ui: No task list beside the journal \(journal\.jsonl\.view\.json\): tasks are shown by id, without titles or dependency edges\./m);
      const status = v.parse(StatusResponseSchema, await (await fetch(new URL('api/v1/status', url))).json());
      expect(status.run.notice).toMatch(/^No task list beside the journal/);
      const tasks = v.parse(TasksResponseSchema, await (await fetch(new URL('api/v1/tasks', url))).json());
      expect(tasks.tasks.find((t) => t.id === 'o/r#4')).toMatchObject({ title: 'o/r#4', dependencies: [] });
    });
  });
});
