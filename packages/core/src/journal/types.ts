import * as v from 'valibot';

/** Name written in every journal header, so a random JSONL file is never taken for a journal. */
export const JOURNAL_FORMAT = 'pco-journal';
/** Format version this code writes; it reads this version and refuses newer ones. */
export const JOURNAL_VERSION = 1;

const nonEmpty = v.pipe(v.string(), v.minLength(1));
const attempt = v.pipe(v.number(), v.integer(), v.minValue(1));
const remoteRunId = v.union([v.pipe(v.number(), v.integer()), nonEmpty]);
/** Every line: a strictly increasing sequence number and an ISO-8601 time. */
const base = { seq: v.pipe(v.number(), v.integer(), v.minValue(1)), at: nonEmpty };

const pullRequestSchema = v.looseObject({ url: v.string() });

const taskStateSchema = v.picklist(['pending', 'ready', 'running', 'retrying', 'in-review', 'done', 'failed', 'skipped', 'needs-input', 'interrupted']);

/**
 * A TaskResult as stored: only what the replay relies on is checked (a result must never be lost
 * to a picky schema on resume); every other field is kept as written.
 */
const taskResultSchema = v.looseObject({
  id: nonEmpty,
  state: taskStateSchema,
  attempts: v.pipe(v.number(), v.integer(), v.minValue(0)),
  runId: v.optional(v.nullable(remoteRunId)),
  pullRequests: v.array(pullRequestSchema),
});

/** First line of every journal: what wrote it and for which configuration. */
export const headerRecordSchema = v.object({
  ...base,
  t: v.literal('header'),
  format: v.literal(JOURNAL_FORMAT),
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** Random id of this journal file. */
  journalId: v.pipe(v.string(), v.minLength(8)),
  /** {@link configFingerprint} of the configuration the journal belongs to. */
  fingerprint: nonEmpty,
});

/*
 * The other records are the orchestrator's JournalEntry values (@pco/contract's types.ts), one
 * per line: `type` becomes `t`, the epoch-ms `at` an ISO time, and `seq` numbers the line.
 */

/** A run (process) began; `resumed` continues the entries before it. */
export const runRecordSchema = v.object({ ...base, t: v.literal('run'), runId: nonEmpty, resumed: v.boolean() });

/** Written and synced BEFORE the executor (and so the create call) runs. */
export const intentRecordSchema = v.object({
  ...base,
  t: v.literal('intent'),
  runId: nonEmpty,
  taskId: nonEmpty,
  attempt,
  idempotencyKey: nonEmpty,
  agent: v.string(),
  /** Set when the attempt is a lander's follow-up on the task's pull request. */
  followUp: v.optional(v.object({ key: nonEmpty, reason: v.string(), prompt: v.optional(v.string()), pullRequest: v.optional(pullRequestSchema) })),
});

/** The remote run exists (written right after the create call returned). */
export const createdRecordSchema = v.object({
  ...base,
  t: v.literal('created'),
  runId: nonEmpty,
  taskId: nonEmpty,
  attempt,
  idempotencyKey: nonEmpty,
  agentRunId: remoteRunId,
  webUrl: v.optional(v.nullable(v.string())),
  note: v.optional(v.record(v.string(), v.union([v.string(), v.number(), v.boolean()]))),
});

/** An agent-side status change. */
export const statusRecordSchema = v.object({
  ...base,
  t: v.literal('status'),
  runId: nonEmpty,
  taskId: nonEmpty,
  attempt,
  status: v.string(),
});

/** An attempt failed and will be retried. */
export const attemptFailedRecordSchema = v.object({
  ...base,
  t: v.literal('attempt-failed'),
  runId: nonEmpty,
  taskId: nonEmpty,
  attempt,
  error: v.string(),
  transient: v.boolean(),
});

/** The task's final state in a run; `detached`: its remote run was left running. */
export const resultRecordSchema = v.object({
  ...base,
  t: v.literal('result'),
  runId: nonEmpty,
  result: taskResultSchema,
  detached: v.optional(v.boolean()),
});

/** The agent's pull requests are open: the task is in review (see `Lander`). */
export const reviewRecordSchema = v.object({
  ...base,
  t: v.literal('review'),
  runId: nonEmpty,
  taskId: nonEmpty,
  attempt,
  pullRequests: v.array(pullRequestSchema),
  agentRunId: v.optional(remoteRunId),
  webUrl: v.optional(v.string()),
});

/** A task in review reached a landing milestone. */
export const milestoneRecordSchema = v.object({
  ...base,
  t: v.literal('milestone'),
  runId: nonEmpty,
  taskId: nonEmpty,
  milestone: v.picklist(['run-complete', 'pr-opened', 'checks-passed', 'merged']),
});

/** A lander's step (a branch update, a merge request), recorded so a crash neither repeats nor loses it. */
export const stepRecordSchema = v.object({
  ...base,
  t: v.literal('step'),
  runId: nonEmpty,
  taskId: nonEmpty,
  key: nonEmpty,
  data: v.optional(v.record(v.string(), v.unknown())),
});

/** A follow-up attempt ended (its key is never run again). */
export const followUpRecordSchema = v.object({
  ...base,
  t: v.literal('follow-up'),
  runId: nonEmpty,
  taskId: nonEmpty,
  attempt,
  key: nonEmpty,
  outcome: v.picklist(['done', 'failed', 'needs-input']),
  error: v.optional(v.string()),
  pullRequests: v.optional(v.array(pullRequestSchema)),
  agentRunId: v.optional(remoteRunId),
});

/** Records this version knows; a line of another type with a valid checksum is kept as is. */
export const knownRecordSchema = v.variant('t', [
  headerRecordSchema,
  runRecordSchema,
  intentRecordSchema,
  createdRecordSchema,
  statusRecordSchema,
  attemptFailedRecordSchema,
  resultRecordSchema,
  reviewRecordSchema,
  milestoneRecordSchema,
  stepRecordSchema,
  followUpRecordSchema,
]);

export type HeaderRecord = v.InferOutput<typeof headerRecordSchema>;
/** A known journal line. */
export type KnownJournalRecord = v.InferOutput<typeof knownRecordSchema>;
/**
 * One journal line. Lines of a type this version does not know (written by a newer minor
 * version) pass through loosely: the orchestrator's replay ignores entry types it does not know.
 */
export type JournalRecord =
  | KnownJournalRecord
  | { readonly seq: number; readonly at: string; readonly t: string; readonly [field: string]: unknown };

/** A problem found while reading a journal; reading goes on. */
export interface JournalWarning {
  /**
   * `corrupt-line`: bad JSON, checksum or shape between valid lines; `torn-tail`: the incomplete
   * last write(s) of a crash; `out-of-order`: a replayed or reordered line.
   */
  readonly kind: 'corrupt-line' | 'torn-tail' | 'out-of-order';
  /** 1-based line number. */
  readonly line: number;
  /** Byte offset where the line starts. */
  readonly offset: number;
  readonly message: string;
}
