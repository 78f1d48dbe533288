/**
 * The journal's part of the contract: the entries the orchestrator commits at each decision that
 * matters, and the storage a {@link RunJournal} provides for them.
 */
import type { LandingMilestone } from './landing.js';
import type { PullRequestRef, TaskResult } from './types.js';

/** One commit point of a run, as the orchestrator hands it to a {@link RunJournal}. */
export type JournalEntry =
  /** A run began (`resumed`: it continues the entries before it; otherwise they are history). */
  | { readonly type: 'run'; readonly runId: string; readonly resumed: boolean; readonly at: number }
  /** Written and awaited BEFORE the executor is called for this attempt. */
  | {
      readonly type: 'intent';
      readonly runId: string;
      readonly taskId: string;
      readonly attempt: number;
      readonly idempotencyKey: string;
      readonly agent: string;
      /**
       * Set when the attempt is a lander's follow-up: the whole request, so that a resume can
       * finish an open follow-up even if its lander does not ask for it again.
       */
      readonly followUp?: { readonly key: string; readonly reason: string; readonly prompt?: string; readonly pullRequest?: PullRequestRef };
      readonly at: number;
    }
  /** The remote run exists (from `context.checkpoint`). Awaited by the executor. */
  | {
      readonly type: 'created';
      readonly runId: string;
      readonly taskId: string;
      readonly attempt: number;
      readonly idempotencyKey: string;
      readonly agentRunId: number | string;
      readonly webUrl?: string;
      /** The checkpoint's `note`. */
      readonly note?: Readonly<Record<string, string | number | boolean>>;
      readonly at: number;
    }
  /** An agent-side status change (not awaited by anyone). */
  | { readonly type: 'status'; readonly runId: string; readonly taskId: string; readonly attempt: number; readonly status: string; readonly at: number }
  /** An attempt failed and will be retried (a later attempt gets a new intent). */
  | {
      readonly type: 'attempt-failed';
      readonly runId: string;
      readonly taskId: string;
      readonly attempt: number;
      readonly error: string;
      readonly transient: boolean;
      readonly at: number;
    }
  /**
   * The task's final state in this run (awaited before dependents start). `detached`: the remote
   * run was left running on stop; a resume re-attaches to it.
   */
  | { readonly type: 'result'; readonly runId: string; readonly result: TaskResult; readonly detached?: boolean; readonly at: number }
  | LandingJournalEntry;

/**
 * The landing entries (see `Lander`): the task entered review, reached a milestone, recorded a
 * step, or a follow-up attempt ended.
 */
export type LandingJournalEntry =
  | {
      readonly type: 'review';
      readonly runId: string;
      readonly taskId: string;
      readonly attempt: number;
      readonly pullRequests: readonly PullRequestRef[];
      readonly agentRunId?: number | string;
      readonly webUrl?: string;
      readonly at: number;
    }
  | { readonly type: 'milestone'; readonly runId: string; readonly taskId: string; readonly milestone: LandingMilestone; readonly at: number }
  | {
      readonly type: 'step';
      readonly runId: string;
      readonly taskId: string;
      readonly key: string;
      readonly data?: Readonly<Record<string, unknown>>;
      readonly at: number;
    }
  | {
      readonly type: 'follow-up';
      readonly runId: string;
      readonly taskId: string;
      readonly attempt: number;
      readonly key: string;
      readonly outcome: 'done' | 'failed' | 'needs-input';
      readonly error?: string;
      readonly pullRequests?: readonly PullRequestRef[];
      readonly agentRunId?: number | string;
      readonly at: number;
    };

/**
 * Durable storage of {@link JournalEntry} records: the orchestrator's crash-safety hook. Optional:
 * without a journal nothing is persisted. The semantics of the entries (what is done, what to
 * re-attach) live in `replayJournal()`, so an implementation only stores and loads them.
 */
export interface RunJournal {
  /**
   * Entries recorded earlier, oldest first (called only for `run({ resume: true })`). Skip
   * corrupt or truncated lines; reject only when the journal cannot be used at all (e.g. it
   * belongs to another configuration).
   */
  load(signal?: AbortSignal): Promise<readonly JournalEntry[]>;
  /**
   * Appends one entry; resolves once it is durable (fsync). May be called again before an
   * earlier call resolved: entries must land in call order.
   */
  append(entry: JournalEntry): Promise<void>;
}
