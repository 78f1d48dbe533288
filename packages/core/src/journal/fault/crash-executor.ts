/**
 * Stand-in for the Codegen executor while it is being written: follows the ExecutionContext
 * contract (idempotency key in metadata, checkpoint right after the create, re-attach or look up
 * on resume). TODO: replace by the real CodegenExecutor once it lands.
 */
import { isTerminal, type CodegenClient, type RunWatcher } from '@pco/codegen-client';
import type { ExecutionContext, Executor, ExecutorOutcome, Task } from '../../types.js';

export function createCrashExecutor({ client, watcher }: { client: CodegenClient; watcher: RunWatcher }): Executor {
  return {
    async execute(task: Task, context: ExecutionContext): Promise<ExecutorOutcome> {
      let runId: number;
      if (context.previous?.agentRunId !== undefined) {
        runId = Number(context.previous.agentRunId);
      } else {
        const { run } = await client.createRunOnce(
          { prompt: `${task.title}\n\n${task.body ?? ''}`, metadata: { pco_task: task.id, pco_attempt: context.attempt } },
          { key: 'pco_idempotency_key', value: context.idempotencyKey, lookupFirst: context.previous !== undefined, signal: context.signal },
        );
        runId = run.id;
        await context.checkpoint({ agentRunId: run.id, ...(run.web_url ? { webUrl: run.web_url } : {}) });
      }
      const off = watcher.on('status', (event) => {
        if (event.runId === runId && event.status) context.report(event.status);
      });
      try {
        const run = await watcher.watch(runId, { signal: context.signal });
        if (run.status === 'COMPLETE') {
          return { status: 'done', agentRunId: run.id, ...(run.summary ? { summary: run.summary } : {}), pullRequests: [] };
        }
        return { status: 'failed', agentRunId: run.id, error: `run ended ${run.status}`, transient: !isTerminal(run.status ?? '') };
      } finally {
        off();
      }
    },
  };
}
