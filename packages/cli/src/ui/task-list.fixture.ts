/**
 * Journals with their task lists for the tests of `pco ui --journal` (over HTTP here, in chromium
 * in ui-browser/): `pco run`'s pipeline over the run fixture's tasks, and the command served
 * in-process until its (fake) process gets SIGINT. Not a shared helper (those live in
 * @pco/testkit): it builds this folder's one scenario.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Executor, Task } from '@pco/contract';
import { FileJournal } from '@pco/core';
import { parseConfigText } from '../config/index.js';
import type { CliContext } from '../cli/context.js';
import { executeRun } from '../cli/run-command.js';
import { SECRET, TASKS } from './run.fixture.js';
import { uiCommand } from './ui-command.js';

/** The fixture's tasks with bodies (which must never reach the list) and warnings quoting them. */
const WITH_BODIES: readonly Task[] = TASKS.map((task) => ({ ...task, body: `BODY of ${task.id}: run rm -rf with ${SECRET}`, warnings: [`"blocked by the BODY thing" in ${task.id}`] }));

/** `pco run`'s pipeline (executeRun) over a FileJournal in `dir`; `o/r#2`'s agent adds `o/r#6`. */
export async function runInto(dir: string, options: { readonly resume?: boolean } = {}): Promise<{ journal: string; stdout: string }> {
  const journalPath = path.join(dir, 'journal.jsonl');
  const parsed = parseConfigText(`github:\n  token: t\n  repos: [o/r]\njournal:\n  path: ${journalPath}\n  resultsDir: ${dir}\n`);
  if (!parsed.ok) throw new Error('bad test config');
  const journal = await FileJournal.open({ path: journalPath, fingerprint: 'task-list-test', mode: options.resume ? 'resume' : 'fresh', secrets: [SECRET] });
  let add: ((tasks: readonly Task[]) => unknown) | undefined;
  const executor: Executor = {
    async execute(task) {
      if (task.id === 'o/r#2') add?.([{ id: 'o/r#6', title: 'Found by the agent', dependencies: ['o/r#2'] }]);
      return task.id === 'o/r#4' ? { status: 'failed', error: new Error('compile error') } : { status: 'done' };
    },
  };
  let stdout = '';
  const ctx: CliContext = { stdout: { write: (chunk: string) => ((stdout += chunk), true) }, stderr: { write: () => true }, env: {}, cwd: dir };
  await executeRun(
    ctx,
    { ...parsed.config, logging: { ...parsed.config.logging, format: 'pretty' } },
    {
      source: { load: async () => WITH_BODIES },
      executor,
      journal,
      ...(options.resume ? { resume: true } : {}),
      secrets: [SECRET],
      onOrchestrator: (orchestrator) => (add = (tasks) => orchestrator.add(tasks)),
    },
    {},
  );
  return { journal: journalPath, stdout };
}

/** `pco ui --journal` in-process, serving until the fake process gets SIGINT; `use` gets the URL. */
export async function serveJournal(journal: string, use: (url: string, stdout: () => string) => Promise<void>): Promise<void> {
  const signals = new EventEmitter();
  let stdout = '';
  const ctx: CliContext = {
    stdout: { write: (chunk: string) => ((stdout += chunk), true) },
    stderr: { write: () => true },
    env: {},
    cwd: path.dirname(journal),
    process: { on: (event: string, fn: (...args: unknown[]) => void) => signals.on(event, fn), off: (event: string, fn: (...args: unknown[]) => void) => signals.off(event, fn), exit: () => undefined as never } as unknown as NonNullable<CliContext['process']>,
  };
  const served = uiCommand(ctx, { journal, ui: '127.0.0.1:0' });
  // Awaited below; a failure before the URL is reported from there, not as unhandled.
  served.catch(() => undefined);
  let url: string | undefined;
  for (let i = 0; i < 200 && url === undefined; i += 1) {
    url = /^pco ui: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout)?.[1];
    if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  try {
    if (url === undefined) throw new Error(`pco ui printed no URL: ${stdout}`);
    await use(url, () => stdout);
  } finally {
    signals.emit('SIGINT', 'SIGINT');
  }
  const code = await served;
  if (code !== 0) throw new Error(`pco ui exited ${code}`);
}
