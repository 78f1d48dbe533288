/**
 * A small run for the web view's tests: five tasks with a diamond, a transient failure, a
 * permanent one whose message carries a secret, and the skip behind it. Not a shared helper
 * (those live in @pco/testkit): it builds this folder's one scenario.
 */
import { createRedactor, type Executor, type Redactor, type Task } from '@pco/contract';
import { Orchestrator } from '@pco/core';
import { RunViewModel } from './view-model.js';

/** The run's secret, which the scenario leaks into a title and an error message. */
export const SECRET = 's3cr3t-codegen-token-4242';

export const TASKS: readonly Task[] = [
  { id: 'o/r#1', title: 'Schema', estimate: 2, source: { kind: 'issue', dependencyOrigins: {} } },
  { id: 'o/r#2', title: 'Model', dependencies: ['o/r#1'], estimate: 3, source: { kind: 'issue', dependencyOrigins: { 'o/r#1': 'keyword' } } },
  { id: 'o/r#3', title: 'API', dependencies: ['o/r#1'], source: { kind: 'issue', dependencyOrigins: { 'o/r#1': 'sub-issue' } } },
  { id: 'o/r#4', title: `Broken (token ${SECRET})`, dependencies: ['o/r#2', 'o/r#3'], source: { kind: 'issue', dependencyOrigins: { 'o/r#2': 'blocked-by', 'o/r#3': 'label' } } },
  { id: 'o/r#5', title: 'Docs', dependencies: ['o/r#4'] },
];

/** The scenario with a model attached, not started yet: `run()` runs it to its end. */
export function scenario(): { model: RunViewModel; redact: Redactor; run: () => Promise<unknown> } {
  let transient = 0;
  const executor: Executor = {
    async execute(task, context) {
      await context.checkpoint({ agentRunId: Number(task.id.split('#')[1]) + 1000, webUrl: `https://codegen.com/agent/trace/${task.id.split('#')[1]}` });
      context.report('ACTIVE');
      if (task.id === 'o/r#3' && transient++ === 0) return { status: 'failed', transient: true, error: new Error('429 Too Many Requests') };
      if (task.id === 'o/r#4') return { status: 'failed', error: new Error(`push refused: https://x-access-token:${SECRET}@github.com/o/r.git (Bearer ${SECRET})`) };
      return { status: 'done', summary: 'ok', pullRequests: [{ url: `https://github.com/o/r/pull/${task.id.split('#')[1]}` }] };
    },
  };
  const orchestrator = new Orchestrator({ source: { load: async () => TASKS }, executor, concurrency: 2, retry: { attempts: 2, baseDelayMs: 1, jitter: 0 } });
  const model = new RunViewModel({ budgets: () => [{ name: 'codegen.create', limit: 10, remaining: 9, windowMs: 60_500, waiting: 0 }] });
  model.attach(orchestrator);
  return { model, redact: createRedactor([SECRET]), run: () => orchestrator.run() };
}

/** Runs the scenario to its end; resolves with the model. */
export async function runScenario(): Promise<{ model: RunViewModel; redact: Redactor }> {
  const { model, redact, run } = scenario();
  await run();
  return { model, redact };
}
