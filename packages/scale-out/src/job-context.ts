/** The `ExecutionContext` a worker hands the real executor for a job (internal). */
import { RunStoppedError, TaskTimeoutError, type Clock, type ExecutionContext, type PreviousAttempt, type Timers } from '@pco/contract';
import type { Job } from 'bullmq';
import { plain, type AgentJobData, type AgentJobProgress, type WireOutcome } from './job-data.js';
import type { JsonValue } from './types.js';

/** What the host can do to a running job. */
export interface JobControl {
  /** A cancel stop from a waiting process: the executor stops the agent run. */
  cancel(): void;
  /** The job's lock was lost: stop following the run (another host takes the job over). */
  lostLock(): void;
  /** The host closes: stop following the run, the job goes back to the queue. */
  handBack(): void;
  readonly lockLost: boolean;
  readonly handedBack: boolean;
  dispose(): void;
}

export interface JobContextDeps {
  readonly name: string;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly report: (error: Error) => void;
}

/**
 * The context of the job's attempt. Its idempotency key is the job id, the same in every
 * process, so a takeover finds the run a dead host created. `previous` is set whenever the run
 * may exist already (the job holds a run id, was started before, or was added again after Redis
 * lost it): the executor re-attaches or looks the run up before creating one.
 */
export function jobContext(job: Job<AgentJobData, WireOutcome>, deps: JobContextDeps): { readonly ctx: ExecutionContext; readonly control: JobControl } {
  const data = job.data;
  const controller = new AbortController();
  let lockLost = false;
  let handedBack = false;
  const abort = (reason: unknown) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const timeoutMs = Math.max(0, data.deadline - job.timestamp);
  const timer = deps.timers.setTimeout(() => abort(new TaskTimeoutError(data.task.id, data.attempt, timeoutMs)), Math.max(0, data.deadline - deps.clock.now()));
  const control: JobControl = {
    cancel: () => abort(new RunStoppedError('cancel')),
    lostLock: () => {
      lockLost = true;
      abort(new RunStoppedError('detach'));
    },
    handBack: () => {
      handedBack = true;
      abort(new RunStoppedError('detach'));
    },
    get lockLost() {
      return lockLost;
    },
    get handedBack() {
      return handedBack;
    },
    dispose: () => deps.timers.clearTimeout(timer),
  };
  const progress = (value: AgentJobProgress): Promise<void> => job.updateProgress(value as unknown as object);
  const quiet = (promise: Promise<unknown>) => void promise.catch((error: unknown) => deps.report(error as Error));
  const taken = data.agentRunId !== undefined || data.lookupFirst === true || job.attemptsStarted > 1 || job.stalledCounter > 0;
  const previous: PreviousAttempt | undefined = !taken
    ? undefined
    : data.agentRunId === undefined
    ? {}
    : { agentRunId: data.agentRunId, ...(data.webUrl === undefined ? {} : { webUrl: data.webUrl }) };
  const ctx: ExecutionContext = {
    signal: controller.signal,
    attempt: data.attempt,
    agent: deps.name,
    runId: data.backlogId,
    idempotencyKey: data.key,
    deadline: data.deadline,
    dependencyResults: new Map(data.dependencyResults),
    ...(previous === undefined ? {} : { previous }),
    ...(data.followUp === undefined ? {} : { followUp: data.followUp }),
    ...(data.priority === undefined ? {} : { priority: data.priority }),
    waiting(reason) {
      quiet(progress({ kind: 'waiting', reason: reason ?? null }));
    },
    report(status, detail) {
      quiet(progress({ kind: 'status', status, ...(detail === undefined ? {} : { detail: plain(detail) as Readonly<Record<string, JsonValue>> }) }));
    },
    async checkpoint(checkpoint) {
      // Durable in Redis before the executor goes on: a takeover re-attaches by this id.
      await job.updateData({ ...job.data, agentRunId: checkpoint.agentRunId, ...(checkpoint.webUrl === undefined ? {} : { webUrl: checkpoint.webUrl }) });
      quiet(progress({ kind: 'checkpoint', agentRunId: checkpoint.agentRunId, ...(checkpoint.webUrl === undefined ? {} : { webUrl: checkpoint.webUrl }) }));
    },
  };
  return { ctx, control };
}
