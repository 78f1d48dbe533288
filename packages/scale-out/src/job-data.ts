/**
 * What a job carries between processes (internal): the task, its attempt and dependencies'
 * results, and back the outcome. Everything is JSON: errors travel as their message, name, code
 * and transient flag, never as objects.
 */
import type { ExecutorOutcome, FollowUp, Task, TaskResult } from '@pco/contract';
import { RemoteExecutorError } from './errors.js';
import type { JsonValue } from './types.js';

/** A job's data. */
export interface AgentJobData {
  readonly backlogId: string;
  readonly backlogData: Readonly<Record<string, JsonValue>>;
  readonly task: Task;
  readonly attempt: number;
  /** The Codegen idempotency key: the job id (the same in every process). */
  readonly key: string;
  /** Epoch ms at which the attempt times out (the first adder's deadline). */
  readonly deadline: number;
  readonly dependencyResults: readonly (readonly [string, TaskResult])[];
  readonly priority?: number;
  readonly followUp?: FollowUp;
  /** Weighted-fair-queuing start tag (virtual time) of the job. */
  readonly vstart: number;
  /**
   * Set when the run may already exist: a process re-added the job after Redis lost it, or the
   * adding process resumed an attempt its journal shows open. The worker looks the run up by its
   * key before creating one.
   */
  readonly lookupFirst?: boolean;
  /**
   * Set when the job is added again after Redis lost it (or after an add that failed and may
   * have reached Redis): a host may still hold the lost job without knowing it yet. The worker
   * holds the job back until such a host has noticed its lock is gone (`lockDurationMs` after
   * the add), then looks the run up before creating one.
   */
  readonly readded?: boolean;
  /** Set by the worker right after the run was created (checkpoint): a takeover re-attaches. */
  readonly agentRunId?: number | string;
  readonly webUrl?: string;
}

/** What a worker sends through `job.updateProgress` for the waiting processes. */
export type AgentJobProgress =
  | { readonly kind: 'checkpoint'; readonly agentRunId: number | string; readonly webUrl?: string }
  | { readonly kind: 'status'; readonly status: string; readonly detail?: Readonly<Record<string, JsonValue>> }
  | { readonly kind: 'waiting'; readonly reason: string | null };

/** An error as it travels. */
export interface WireError {
  readonly message: string;
  readonly name: string;
  readonly code?: string;
  readonly transient?: boolean;
}

/** An outcome as it travels (the job's return value). */
export type WireOutcome = Omit<ExecutorOutcome, 'error'> & {
  readonly error?: WireError;
  /** The executor threw (rather than returned a failed outcome). */
  readonly thrown?: boolean;
};

/** The outcome as JSON (its error as text). */
export function toWire(outcome: ExecutorOutcome): WireOutcome {
  const plain = JSON.parse(JSON.stringify({ ...outcome, error: undefined })) as Record<string, unknown>;
  if (outcome.status === 'failed') plain.error = wireError(outcome.error);
  return plain as unknown as WireOutcome;
}

/** Back from JSON: the error becomes a {@link RemoteExecutorError}. */
export function fromWire(wire: WireOutcome): ExecutorOutcome {
  const { thrown: _thrown, ...rest } = wire;
  if (rest.status !== 'failed') return rest as ExecutorOutcome;
  const error = rest.error ?? { message: 'failed', name: 'Error' };
  return { ...rest, error: new RemoteExecutorError(error.message, error.name, error.code, error.transient) } as ExecutorOutcome;
}

/** An error (or anything thrown) as text. */
export function wireError(error: unknown): WireError {
  if (error instanceof Error) {
    const { code, transient } = error as { code?: unknown; transient?: unknown };
    return {
      message: error.message,
      name: error.name,
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof transient === 'boolean' ? { transient } : {}),
    };
  }
  return { message: typeof error === 'string' ? error : JSON.stringify(error) ?? String(error), name: 'Error' };
}

/** A JSON copy (task objects may carry prototypes or undefined fields). */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
