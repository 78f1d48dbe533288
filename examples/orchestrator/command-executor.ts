/**
 * A custom Executor: runs each task's `source.command` as a child process. Exit code 0 is done;
 * a non-zero exit fails permanently; exit code 75 (EX_TEMPFAIL) fails transiently, so the
 * orchestrator retries it with back-off. The signal (timeout or stop) kills the process.
 */
import { execFile } from 'node:child_process';
import type { ExecutionContext, Executor, ExecutorOutcome, Task } from '@pco/contract';

export class CommandExecutor implements Executor {
  execute(task: Task, ctx: ExecutionContext): Promise<ExecutorOutcome> {
    const [file, ...args] = (task.source?.['command'] as string[] | undefined) ?? [];
    if (file === undefined) return Promise.resolve({ status: 'failed', error: `${task.id} has no source.command` });
    ctx.report('RUNNING', { command: [file, ...args].join(' ') });
    return new Promise((resolve, reject) => {
      execFile(file, args, { signal: ctx.signal, env: { ...process.env, PCO_ATTEMPT: String(ctx.attempt) } }, (error, stdout) => {
        if (ctx.signal.aborted) return reject(ctx.signal.reason); // timeout or stop: the orchestrator decides
        if (!error) return resolve({ status: 'done', result: stdout.trim(), summary: stdout.trim().split('\n')[0] });
        const code = typeof error.code === 'number' ? error.code : undefined;
        resolve({ status: 'failed', error: `exit code ${code ?? error.code}: ${stdout.trim()}`, transient: code === 75 });
      });
    });
  }
}
