/** Errors of @pco/scale-out (flat, on the one `PcoError` base). */
import { PcoError } from '@pco/contract';

/**
 * A job's run failed on the worker side in a way that is not the task's (the processor threw,
 * the job stalled more often than allowed, or the outcome could not be read). Transient: the
 * orchestrator retries the task with a new attempt (a new job id).
 */
export class ScaleOutJobError extends PcoError {
  declare readonly code: 'SCALE_OUT_JOB';
  /** Always true: another attempt may succeed. */
  readonly transient = true;
  constructor(jobId: string, reason: string, options: { readonly cause?: unknown } = {}) {
    super('SCALE_OUT_JOB', `Job ${jobId} failed: ${reason}`, { cause: options.cause, context: { jobId } });
  }
}

/**
 * An executor outcome carried across processes: the worker's error, rebuilt from its message,
 * name and code on the waiting side (errors are serialised as text, never as objects).
 */
export class RemoteExecutorError extends PcoError {
  /** The original error's class name on the worker side (e.g. `CodegenApiError`). */
  readonly remoteName: string;
  constructor(message: string, remoteName: string, code: string | undefined, transient: boolean | undefined) {
    super(code ?? 'REMOTE_EXECUTOR', message, { context: { remoteName, ...(transient === undefined ? {} : { transient }) } });
    this.remoteName = remoteName;
    if (transient !== undefined) (this as { transient?: boolean }).transient = transient;
  }
}
