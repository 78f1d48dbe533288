/** `pco plan --html FILE`: the view of a plan as one self-contained HTML file. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Redactor, Task } from '@pco/contract';
import type { EmbeddedData } from './api-types.js';
import { defaultAssetsDir } from './assets.js';
import { renderStaticPage } from './static-page.js';
import { RunViewModel } from './view-model.js';

/** The model of a plan: every task pending, the critical path for `workers` agents, the warnings as events. */
export function planViewModel(tasks: readonly Task[], workers: number, now: number): RunViewModel {
  const model = new RunViewModel({ phase: 'plan', concurrency: workers, runId: 'plan', clock: { now: () => now } });
  model.addTasks(tasks);
  for (const task of tasks) {
    for (const warning of task.warnings ?? []) model.record({ at: now, type: 'plan:warning', taskId: task.id, message: warning });
    if (task.skip) model.record({ at: now, type: 'plan:skip', taskId: task.id, message: task.skip.message, data: { reason: task.skip.reason } });
  }
  return model;
}

/** What a model embeds in a static page. */
export function embeddedDataOf(model: RunViewModel): EmbeddedData {
  return { status: model.status(), tasks: model.tasks(), events: model.events({ limit: Number.MAX_SAFE_INTEGER }).events };
}

/** Writes the plan's page to `file` (through a temporary file and a rename). */
export async function writePlanHtml(file: string, tasks: readonly Task[], options: { readonly workers: number; readonly redact: Redactor; readonly assetsDir?: string; readonly now?: number }): Promise<void> {
  const model = planViewModel(tasks, options.workers, options.now ?? Date.now());
  const html = await renderStaticPage(embeddedDataOf(model), { assetsDir: options.assetsDir ?? defaultAssetsDir(), redact: options.redact });
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, html, 'utf8');
  await rename(temporary, file);
}
