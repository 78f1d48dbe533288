import * as v from 'valibot';

/** Name written in every journal header, so a random JSONL file is never taken for a journal. */
export const JOURNAL_FORMAT = 'pco-journal';
/** Format version this code writes; it reads this version and refuses newer ones. */
export const JOURNAL_VERSION = 1;

const isoTime = v.pipe(v.string(), v.minLength(1));
const taskId = v.pipe(v.string(), v.minLength(1));
const attempt = v.pipe(v.number(), v.integer(), v.minValue(1));
const remoteRunId = v.union([v.pipe(v.number(), v.integer()), v.pipe(v.string(), v.minLength(1))]);
const base = { seq: v.pipe(v.number(), v.integer(), v.minValue(1)), at: isoTime };

const pullRequestSchema = v.looseObject({
  url: v.string(),
  number: v.optional(v.number()),
  title: v.optional(v.string()),
  state: v.optional(v.string()),
  repo: v.optional(v.string()),
  headBranch: v.optional(v.string()),
});

const taskStateSchema = v.picklist([
  'pending',
  'ready',
  'running',
  'retrying',
  'done',
  'failed',
  'skipped',
  'needs-input',
  'interrupted',
]);

/** A TaskResult as stored: checked leniently (unknown fields kept) so newer writers stay readable. */
const taskResultSchema = v.looseObject({
  id: taskId,
  state: taskStateSchema,
  attempts: v.pipe(v.number(), v.integer(), v.minValue(0)),
  agent: v.optional(v.string()),
  runId: v.optional(remoteRunId),
  webUrl: v.optional(v.string()),
  pullRequests: v.array(pullRequestSchema),
  summary: v.optional(v.string()),
  result: v.optional(v.string()),
  error: v.optional(v.string()),
  skippedBecause: v.optional(v.string()),
  startedAt: v.optional(v.string()),
  endedAt: v.optional(v.string()),
  durationMs: v.optional(v.number()),
});

const plannedTaskSchema = v.object({
  id: taskId,
  title: v.optional(v.string()),
  url: v.optional(v.string()),
  dependencies: v.optional(v.array(v.string())),
});

/** First record of every journal: what wrote it and for which configuration. */
export const headerRecordSchema = v.object({
  ...base,
  t: v.literal('header'),
  format: v.literal(JOURNAL_FORMAT),
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** Random id of this journal; part of every idempotency key, so two journals never collide. */
  journalId: v.pipe(v.string(), v.minLength(8)),
  /** {@link configFingerprint} of the configuration the journal belongs to. */
  fingerprint: v.pipe(v.string(), v.minLength(1)),
});

/** A process opened the journal to run (first run or resume). */
export const sessionRecordSchema = v.object({
  ...base,
  t: v.literal('session'),
  /** Correlation id of the orchestrator run. */
  session: v.string(),
  pid: v.number(),
  hostname: v.string(),
  resumed: v.boolean(),
});

/** The task set of a session (`set`) or tasks added during it (`add`). */
export const tasksRecordSchema = v.object({
  ...base,
  t: v.literal('tasks'),
  mode: v.picklist(['set', 'add']),
  tasks: v.array(plannedTaskSchema),
});

/** Written and synced BEFORE the agent run is created: the attempt and its idempotency key. */
export const intentRecordSchema = v.object({
  ...base,
  t: v.literal('intent'),
  task: taskId,
  attempt,
  key: v.pipe(v.string(), v.minLength(1)),
});

/** The agent run exists (written right after the create call returned). */
export const runRecordSchema = v.object({
  ...base,
  t: v.literal('run'),
  task: taskId,
  attempt,
  key: v.optional(v.string()),
  runId: remoteRunId,
  webUrl: v.optional(v.string()),
  /** How the run was obtained: created now, or found on the remote by idempotency key. */
  via: v.optional(v.picklist(['created', 'found'])),
});

/** A task state change (`state`) or an agent-side status change (`agentStatus`). */
export const statusRecordSchema = v.object({
  ...base,
  t: v.literal('status'),
  task: taskId,
  attempt: v.pipe(v.number(), v.integer(), v.minValue(0)),
  state: v.optional(taskStateSchema),
  agentStatus: v.optional(v.string()),
  agent: v.optional(v.string()),
  /** Why (for `retrying`: the transient error). */
  reason: v.optional(v.string()),
});

/** The task's final result in this session. */
export const resultRecordSchema = v.object({
  ...base,
  t: v.literal('result'),
  task: taskId,
  result: taskResultSchema,
});

/** The session ended (cleanly or stopped); `counts` are by terminal state. */
export const endRecordSchema = v.object({
  ...base,
  t: v.literal('end'),
  session: v.string(),
  interrupted: v.boolean(),
  counts: v.record(v.string(), v.number()),
});

export const journalRecordSchema = v.variant('t', [
  headerRecordSchema,
  sessionRecordSchema,
  tasksRecordSchema,
  intentRecordSchema,
  runRecordSchema,
  statusRecordSchema,
  resultRecordSchema,
  endRecordSchema,
]);

export type HeaderRecord = v.InferOutput<typeof headerRecordSchema>;
export type SessionRecord = v.InferOutput<typeof sessionRecordSchema>;
export type TasksRecord = v.InferOutput<typeof tasksRecordSchema>;
export type IntentRecord = v.InferOutput<typeof intentRecordSchema>;
export type RunRecord = v.InferOutput<typeof runRecordSchema>;
export type StatusRecord = v.InferOutput<typeof statusRecordSchema>;
export type ResultRecord = v.InferOutput<typeof resultRecordSchema>;
export type EndRecord = v.InferOutput<typeof endRecordSchema>;
/** One line of the journal. */
export type JournalRecord = v.InferOutput<typeof journalRecordSchema>;
/** A task as recorded in a `tasks` record. */
export type PlannedTask = v.InferOutput<typeof plannedTaskSchema>;
/** A TaskResult as read back from the journal. */
export type JournaledTaskResult = v.InferOutput<typeof taskResultSchema>;

/** Distributive Omit, so a record union keeps its discriminant. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A record before the writer numbers and stamps it. */
export type JournalRecordInput = DistributiveOmit<JournalRecord, 'seq' | 'at'> & { readonly at?: string };

/** A problem found while reading a journal; reading goes on. */
export interface JournalWarning {
  /** `corrupt-line`: bad JSON/checksum/shape in the middle; `torn-tail`: incomplete last line(s) after a crash; `out-of-order`: a replayed or reordered record. */
  readonly kind: 'corrupt-line' | 'torn-tail' | 'out-of-order' | 'unknown-record';
  /** 1-based line number. */
  readonly line: number;
  /** Byte offset where the line starts. */
  readonly offset: number;
  readonly message: string;
}
