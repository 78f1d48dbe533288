/**
 * The web view's JSON API (reference: docs/web-api.md), as valibot schemas with the types
 * inferred from them. The server validates nothing it sends at run time (it builds these shapes
 * from typed code); the tests validate every response against these schemas, and the page
 * imports the types. Version 1: fields may be added, none removed or changed in meaning.
 */
import * as v from 'valibot';

/** Version of the API, also the `/api/v1` path segment. */
export const API_VERSION = 1;

/** A task's state, as the orchestrator names them (`TaskState` of @pco/contract). */
export const TASK_STATES = [
  'pending',
  'ready',
  'running',
  'retrying',
  'in-review',
  'done',
  'failed',
  'skipped',
  'needs-input',
  'interrupted',
] as const;
export const TaskStateSchema = v.picklist(TASK_STATES);
export type ApiTaskState = v.InferOutput<typeof TaskStateSchema>;

/**
 * Where a dependency edge came from: `prose` (a keyword phrase such as "depends on #3"),
 * `section` (a "Dependencies" heading's list), `label` (a `depends-on:` style label),
 * `blocked-by` (GitHub's native blocked-by link), `sub-issue` (the parent waits for its
 * sub-issues), `unknown` (a source that does not say, e.g. tasks added by an executor).
 */
export const DEPENDENCY_ORIGINS = ['prose', 'section', 'label', 'blocked-by', 'sub-issue', 'unknown'] as const;
export const DependencyOriginSchema = v.picklist(DEPENDENCY_ORIGINS);
export type DependencyOrigin = v.InferOutput<typeof DependencyOriginSchema>;

/** Phase of the run the view shows. `plan`: `pco plan --html`, nothing runs. */
export const RUN_PHASES = ['loading', 'running', 'finished', 'interrupted', 'plan'] as const;
export const RunPhaseSchema = v.picklist(RUN_PHASES);
export type RunPhase = v.InferOutput<typeof RunPhaseSchema>;

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
/** Epoch milliseconds. */
const epochMs = v.number();
const durationMs = v.pipe(v.number(), v.minValue(0));

/** Number of tasks in each state, plus `total`. */
export const StateCountsSchema = v.object({
  pending: count,
  ready: count,
  running: count,
  retrying: count,
  /** Pull requests opened, waiting to land (with a lander; issue 16). */
  'in-review': count,
  done: count,
  failed: count,
  skipped: count,
  'needs-input': count,
  interrupted: count,
  total: count,
});
export type ApiStateCounts = v.InferOutput<typeof StateCountsSchema>;

export const RunInfoSchema = v.object({
  runId: v.string(),
  phase: RunPhaseSchema,
  /** Epoch ms dispatching started; absent while loading and in a plan. */
  startedAt: v.optional(epochMs),
  /** Epoch ms the run ended (finished or interrupted). */
  endedAt: v.optional(epochMs),
  /** The server's clock when the status was made (the run's injected clock). */
  now: epochMs,
  /** Estimated time to finish, once a task has finished (ProgressSnapshot.etaMs). */
  etaMs: v.optional(durationMs),
  /** Agent slots of the run. */
  concurrency: count,
  counts: StateCountsSchema,
  /** Finished tasks per minute so far. */
  throughputPerMinute: v.optional(v.number()),
  /** Busy agent time / (agents × elapsed), 0..1. */
  utilisation: v.optional(v.number()),
  /** Reporter updates (GitHub writes) not delivered yet. */
  pendingUpdates: v.optional(count),
  /** Set when the run stopped itself because an API refused its credentials. Redacted. */
  halted: v.optional(v.object({ service: v.string(), message: v.string(), hint: v.string() })),
  /** Something the view cannot show, in one sentence (e.g. a journal without its task list). */
  notice: v.optional(v.string()),
});
export type ApiRunInfo = v.InferOutput<typeof RunInfoSchema>;

export const SLOT_STATES = ['idle', 'running', 'retrying', 'quarantined'] as const;

/** One agent slot. An idle slot has only `agent` and `state`. */
export const SlotSchema = v.object({
  /** Slot id, e.g. `agent-3`. */
  agent: v.string(),
  state: v.picklist(SLOT_STATES),
  taskId: v.optional(v.string()),
  title: v.optional(v.string()),
  attempt: v.optional(count),
  /** Last agent-side status (Codegen: QUEUED, ACTIVE, ...). */
  remoteStatus: v.optional(v.string()),
  /** Epoch ms the current attempt started. */
  startedAt: v.optional(epochMs),
  elapsedMs: v.optional(durationMs),
  /** The agent run's page (Codegen trace). */
  webUrl: v.optional(v.string()),
  pullRequestUrl: v.optional(v.string()),
  /** What the attempt waits for before its remote work starts (e.g. a rate-limit budget). */
  waitingFor: v.optional(v.string()),
  /** For a quarantined slot: epoch ms the cool-down ends. */
  until: v.optional(epochMs),
});
export type ApiSlot = v.InferOutput<typeof SlotSchema>;

/**
 * One rate-limit budget: `codegen.create`, `codegen.read`, `github.rest`, `github.graphql`, ...
 * Fields a budget does not know are absent.
 */
export const BudgetSchema = v.object({
  name: v.string(),
  /** Requests (or points) allowed per window. */
  limit: v.optional(count),
  /** Left in the current window. */
  remaining: v.optional(v.number()),
  windowMs: v.optional(durationMs),
  /** Epoch ms the next request may go (absent: now). */
  nextFreeAt: v.optional(epochMs),
  /** Epoch ms the window resets (GitHub's `x-ratelimit-reset`). */
  resetAt: v.optional(epochMs),
  /** Requests queued for this budget. */
  waiting: v.optional(count),
});
export type ApiBudget = v.InferOutput<typeof BudgetSchema>;

/** `GET /api/v1/status`. */
export const StatusResponseSchema = v.object({
  version: v.literal(API_VERSION),
  run: RunInfoSchema,
  slots: v.array(SlotSchema),
  budgets: v.array(BudgetSchema),
});
export type StatusResponse = v.InferOutput<typeof StatusResponseSchema>;

export const DependencySchema = v.object({ id: v.string(), origin: DependencyOriginSchema });
export type ApiDependency = v.InferOutput<typeof DependencySchema>;

export const PullRequestSchema = v.object({
  url: v.string(),
  number: v.optional(v.number()),
  title: v.optional(v.string()),
  state: v.optional(v.string()),
  repo: v.optional(v.string()),
});
export type ApiPullRequest = v.InferOutput<typeof PullRequestSchema>;

/** How a task's pull requests are landing (with a lander; issue 16). */
export const LandingSchema = v.object({
  /** `in-review`, `landed`, `closed`, `needs-human`. */
  state: v.string(),
  /** The latest review status (`checks-failed`, `changes-requested`, `conflict`, ...). */
  review: v.optional(v.string()),
  message: v.optional(v.string()),
  /** ISO-8601. */
  landedAt: v.optional(v.string()),
  /** Follow-ups and steps (branch updates, merges) made for the task. */
  reactions: count,
  /** Milestones reached, in order: `run-complete`, `pr-opened`, `checks-passed`, `merged`. */
  reached: v.array(v.string()),
});
export type ApiLanding = v.InferOutput<typeof LandingSchema>;

/** One task row. Every string is redacted. */
export const TaskRowSchema = v.object({
  id: v.string(),
  title: v.string(),
  url: v.optional(v.string()),
  labels: v.array(v.string()),
  state: TaskStateSchema,
  /** Attempts started (0 before the first). */
  attempts: count,
  /** The task's estimate (default 1). */
  estimate: v.number(),
  /** Critical-path priority: own estimate plus the longest chain of estimates below it. */
  priority: v.number(),
  /** On the critical path of the whole graph (`criticalPath` of the tasks response). */
  critical: v.boolean(),
  dependencies: v.array(DependencySchema),
  /** Agent slot of the last attempt. */
  agent: v.optional(v.string()),
  /** Remote agent run id of the last attempt (Codegen run id). */
  runId: v.optional(v.union([v.string(), v.number()])),
  /** The agent run's page (Codegen trace). */
  webUrl: v.optional(v.string()),
  /** Last agent-side status. */
  remoteStatus: v.optional(v.string()),
  pullRequests: v.array(PullRequestSchema),
  summary: v.optional(v.string()),
  /** Why it failed, was skipped, needs input, or the last transient error of a retry. */
  error: v.optional(v.string()),
  /** For `skipped`: the source's or the run's reason (`untrusted`, `dependency-failed`, ...). */
  skipReason: v.optional(v.string()),
  /** For `skipped`: the failed or blocked ancestor. */
  skippedBecause: v.optional(v.string()),
  /** Problems found while loading (unresolvable dependency phrases, ...). */
  warnings: v.array(v.string()),
  /** ISO-8601. */
  startedAt: v.optional(v.string()),
  endedAt: v.optional(v.string()),
  durationMs: v.optional(durationMs),
  landing: v.optional(LandingSchema),
});
export type ApiTaskRow = v.InferOutput<typeof TaskRowSchema>;

/** `GET /api/v1/tasks`. */
export const TasksResponseSchema = v.object({
  tasks: v.array(TaskRowSchema),
  /** Task ids of the longest path by summed estimates, first to last. */
  criticalPath: v.array(v.string()),
});
export type TasksResponse = v.InferOutput<typeof TasksResponseSchema>;

/**
 * One entry of the event log. `type` is the orchestrator event's name (`task:start`,
 * `task:done`, `run:end`, ... see docs/events.md), `message` one redacted sentence, `data` a few
 * redacted fields of the event (never the whole task).
 */
export const LogEventSchema = v.object({
  /** 1, 2, 3, ... per server; the SSE id and the `after` cursor. */
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  at: epochMs,
  type: v.string(),
  taskId: v.optional(v.string()),
  message: v.string(),
  data: v.optional(v.record(v.string(), v.unknown())),
});
export type LogEvent = v.InferOutput<typeof LogEventSchema>;

/** `GET /api/v1/events?after=SEQ&limit=N&type=T&task=ID`. */
export const EventsResponseSchema = v.object({
  events: v.array(LogEventSchema),
  /** Pass as `after` to get the next page (the last seq returned, or `after` when none). */
  next: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** Oldest seq still held (the log is a bounded ring; older ones are gone). */
  oldest: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type EventsResponse = v.InferOutput<typeof EventsResponseSchema>;

/**
 * Data of one `event: batch` of `GET /api/v1/stream`: the log events since the last batch (the
 * SSE `id:` is the last one's seq) and the status at the end of the batch. `tasks` holds the
 * rows that changed since the last batch (the page merges them by id). With `tasksReset: true`
 * (the first batch of a stream, and whenever tasks were loaded or added) `tasks` is every task:
 * replace, do not merge; `criticalPath` is then set too.
 */
export const StreamBatchSchema = v.object({
  events: v.array(LogEventSchema),
  status: StatusResponseSchema,
  tasks: v.array(TaskRowSchema),
  tasksReset: v.boolean(),
  criticalPath: v.optional(v.array(v.string())),
});
export type StreamBatch = v.InferOutput<typeof StreamBatchSchema>;

/**
 * What a static page (`pco plan --html`, a saved view) embeds as
 * `<script type="application/json" id="pco-data">`; the page reads it instead of fetching.
 */
export const EmbeddedDataSchema = v.object({
  status: StatusResponseSchema,
  tasks: TasksResponseSchema,
  events: v.array(LogEventSchema),
});
export type EmbeddedData = v.InferOutput<typeof EmbeddedDataSchema>;

/** Id of the `<script type="application/json">` element holding {@link EmbeddedData}. */
export const EMBEDDED_DATA_ID = 'pco-data';

/** API paths. */
export const API_PATHS = {
  status: '/api/v1/status',
  tasks: '/api/v1/tasks',
  events: '/api/v1/events',
  stream: '/api/v1/stream',
} as const;
