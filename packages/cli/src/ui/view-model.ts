/**
 * What the web view shows, kept up to date from a run's typed events: one row per task, the
 * agent slots, the budgets and a bounded event log. The HTTP server, the SSE stream and the static
 * page all read it; nothing here is redacted yet (the one redactor runs at the boundary, see
 * `serialize()` in http-server.ts and static-page.ts).
 */
import { systemClock, type Task, type TaskResult } from '@pco/contract';
import type { Orchestrator, OrchestratorEvents, ProgressSnapshot } from '@pco/core';
import { API_VERSION, TASK_STATES, type ApiSlot, type ApiStateCounts, type ApiTaskRow, type LogEvent, type RunPhase, type StatusResponse, type TasksResponse } from './api-types.js';
import { EventRing, type EventQuery } from './event-ring.js';
import { describeEvent, LOGGED_EVENTS, type LoggedEvent } from './event-messages.js';
import { applyResult, criticalPathOf, landingOf, rowOf, type MutableRow } from './task-rows.js';
import { VIEW_MODEL_DEFAULTS, type RunViewModelOptions } from './types.js';

/** Rows changed since a revision, for one SSE batch. */
export interface RowChanges {
  /** True when the set of tasks changed: `rows` is then every row, and `criticalPath` is set. */
  readonly reset: boolean;
  readonly rows: readonly ApiTaskRow[];
  readonly criticalPath?: readonly string[];
}

interface ActiveAttempt {
  taskId: string;
  attempt: number;
  startedAt: number;
  state: 'running' | 'retrying';
}

/** The model of one run (live), one journal (replayed) or one plan (static). */
export class RunViewModel {
  readonly #options: Required<Omit<RunViewModelOptions, 'budgets' | 'runId'>> & Pick<RunViewModelOptions, 'budgets'>;
  readonly #rows = new Map<string, MutableRow>();
  readonly #log: EventRing;
  readonly #active = new Map<string, ActiveAttempt>();
  readonly #quarantined = new Map<string, number>();
  #progress: (() => ProgressSnapshot) | undefined;
  #runId: string;
  #phase: RunPhase;
  #concurrency: number;
  #startedAt: number | undefined;
  #endedAt: number | undefined;
  #halted: StatusResponse['run']['halted'];
  #notice: string | undefined;
  #rev = 0;
  #structureRev = 0;
  #critical: { rev: number; ids: string[] } = { rev: -1, ids: [] };

  constructor(options: RunViewModelOptions = {}) {
    this.#options = {
      clock: options.clock ?? systemClock,
      eventLogSize: options.eventLogSize ?? VIEW_MODEL_DEFAULTS.eventLogSize,
      concurrency: options.concurrency ?? VIEW_MODEL_DEFAULTS.concurrency,
      phase: options.phase ?? VIEW_MODEL_DEFAULTS.phase,
      ...(options.budgets ? { budgets: options.budgets } : {}),
    };
    this.#log = new EventRing(Math.max(1, this.#options.eventLogSize));
    this.#runId = options.runId ?? '';
    this.#phase = this.#options.phase;
    this.#concurrency = this.#options.concurrency;
  }

  /** Changes with every event, row or phase change (the SSE batches compare it). */
  get revision(): number {
    return this.#rev;
  }

  /** Seq of the newest log event (0 when none). */
  get lastSeq(): number {
    return this.#log.lastSeq;
  }

  get phase(): RunPhase {
    return this.#phase;
  }

  /** Follows `orchestrator`'s events; returns the function that stops following. */
  attach(orchestrator: Orchestrator): () => void {
    this.#progress = () => orchestrator.progress();
    const off = LOGGED_EVENTS.map((type) => orchestrator.on(type, (payload) => this.apply(type, payload)));
    return () => {
      for (const unsubscribe of off) unsubscribe();
      this.#progress = undefined;
    };
  }

  /** Applies one orchestrator event (what {@link attach} does for each). */
  apply<E extends LoggedEvent>(type: E, payload: OrchestratorEvents[E]): void {
    this.#on(type, payload as OrchestratorEvents[LoggedEvent]);
    const entry = describeEvent(type, payload);
    this.#log.push(entry);
    this.#touch();
  }

  /** Adds tasks the model learns of without events (a plan, a journal's tasks). */
  addTasks(tasks: readonly Task[]): void {
    for (const task of tasks) if (!this.#rows.has(task.id)) this.#rows.set(task.id, rowOf(task, this.#rev + 1));
    this.#structureRev = this.#touch();
  }

  /** Sets a task's outcome as a journal recorded it. */
  applyResult(result: TaskResult): void {
    const row = this.#row({ id: result.id, title: result.id });
    applyResult(row, result);
    row.rev = this.#touch();
  }

  /** Adds a log entry that is not an orchestrator event (a journal's records). */
  record(entry: Omit<LogEvent, 'seq'>): void {
    this.#log.push(entry);
    this.#touch();
  }

  /** Sets the phase and, when known, the run's id and times. */
  setRun(run: { readonly phase?: RunPhase; readonly runId?: string; readonly startedAt?: number; readonly endedAt?: number; readonly concurrency?: number; readonly notice?: string }): void {
    if (run.phase !== undefined) this.#phase = run.phase;
    if (run.notice !== undefined) this.#notice = run.notice;
    if (run.runId !== undefined) this.#runId = run.runId;
    if (run.startedAt !== undefined) this.#startedAt = run.startedAt;
    if (run.endedAt !== undefined) this.#endedAt = run.endedAt;
    if (run.concurrency !== undefined) this.#concurrency = run.concurrency;
    this.#touch();
  }

  /** `GET /api/v1/status`. */
  status(): StatusResponse {
    const now = this.#options.clock.now();
    const live = this.#phase === 'running' ? this.#progress?.() : undefined;
    return {
      version: API_VERSION,
      run: {
        runId: this.#runId,
        phase: this.#phase,
        ...(this.#startedAt !== undefined ? { startedAt: this.#startedAt } : {}),
        ...(this.#endedAt !== undefined ? { endedAt: this.#endedAt } : {}),
        now,
        ...(live?.etaMs !== undefined ? { etaMs: live.etaMs } : {}),
        concurrency: this.#concurrency,
        counts: this.#counts(),
        ...(live ? { throughputPerMinute: live.throughputPerMinute, utilisation: live.utilisation, pendingUpdates: live.pendingUpdates } : {}),
        ...(this.#halted ? { halted: this.#halted } : {}),
        ...(this.#notice !== undefined ? { notice: this.#notice } : {}),
      },
      slots: this.#slots(now, live),
      budgets: [...(this.#options.budgets?.() ?? [])],
    };
  }

  /** `GET /api/v1/tasks`. */
  tasks(): TasksResponse {
    const criticalPath = this.#criticalPath();
    return { tasks: [...this.#rows.values()].map(publicRow), criticalPath };
  }

  /** `GET /api/v1/events`. */
  events(query: EventQuery = {}): { events: LogEvent[]; next: number; oldest: number } {
    const events = this.#log.query(query);
    const next = events.length > 0 ? events[events.length - 1]!.seq : Math.max(query.after ?? 0, 0);
    return { events, next, oldest: this.#log.oldestSeq };
  }

  /** Rows changed after revision `since` (every row when the task set changed since). */
  changedSince(since: number): RowChanges {
    if (this.#structureRev > since) {
      return { reset: true, rows: [...this.#rows.values()].map(publicRow), criticalPath: this.#criticalPath() };
    }
    const rows: ApiTaskRow[] = [];
    for (const row of this.#rows.values()) if (row.rev > since) rows.push(publicRow(row));
    return { reset: false, rows };
  }

  #touch(): number {
    this.#rev += 1;
    return this.#rev;
  }

  #row(task: Task, dependencies?: readonly string[]): MutableRow {
    let row = this.#rows.get(task.id);
    if (row === undefined) {
      row = rowOf(task, this.#rev + 1, dependencies);
      this.#rows.set(task.id, row);
      this.#structureRev = this.#rev + 1;
    }
    return row;
  }

  #on(type: LoggedEvent, p: OrchestratorEvents[LoggedEvent]): void {
    const next = this.#rev + 1;
    switch (type) {
      case 'run:start': {
        const e = p as OrchestratorEvents['run:start'];
        this.#phase = 'running';
        this.#runId = e.runId;
        this.#startedAt = e.at;
        this.#concurrency = e.concurrency;
        return;
      }
      case 'run:end': {
        const e = p as OrchestratorEvents['run:end'];
        this.#phase = e.summary.stopped !== undefined ? 'interrupted' : 'finished';
        this.#endedAt = e.at;
        if (e.summary.halted) this.#halted = { service: e.summary.halted.service, message: e.summary.halted.message, hint: e.summary.halted.hint };
        for (const result of e.summary.results) {
          const row = this.#rows.get(result.id);
          if (row && row.state !== result.state) {
            applyResult(row, result);
            row.rev = next;
          }
        }
        this.#active.clear();
        return;
      }
      case 'agent:failed': {
        const e = p as OrchestratorEvents['agent:failed'];
        this.#quarantined.set(e.agent, e.until);
        return;
      }
      case 'agent:recovered':
        this.#quarantined.delete((p as OrchestratorEvents['agent:recovered']).agent);
        return;
      case 'tasks:added':
        this.#structureRev = next;
        return;
      case 'tasks:rejected':
      case 'error':
        return;
      default:
        break;
    }
    const e = p as OrchestratorEvents['task:ready'];
    const row = this.#row(e.task, type === 'task:queued' ? (p as OrchestratorEvents['task:queued']).dependencies : undefined);
    row.rev = next;
    switch (type) {
      case 'task:queued': {
        const q = p as OrchestratorEvents['task:queued'];
        row.priority = q.priority;
        if (row.state === 'pending' || row.state === 'ready') row.state = 'pending';
        return;
      }
      case 'task:ready':
        row.state = 'ready';
        return;
      case 'task:start': {
        const s = p as OrchestratorEvents['task:start'];
        row.state = 'running';
        row.attempts = Math.max(row.attempts, s.attempt);
        row.agent = s.agent;
        if (s.followUp) landingOf(row).reactions += 1;
        if (row.startedAt === undefined) row.startedAt = new Date(s.at).toISOString();
        this.#active.set(s.agent, { taskId: s.taskId, attempt: s.attempt, startedAt: s.at, state: 'running' });
        return;
      }
      case 'task:status':
        row.remoteStatus = (p as OrchestratorEvents['task:status']).status;
        return;
      case 'task:checkpoint': {
        const c = p as OrchestratorEvents['task:checkpoint'];
        row.runId = c.agentRunId;
        if (c.webUrl !== undefined) row.webUrl = c.webUrl;
        return;
      }
      case 'task:review': {
        const r = p as OrchestratorEvents['task:review'];
        row.state = 'in-review';
        if (r.pullRequests.length > 0) applyResult(row, { id: row.id, state: 'in-review', attempts: row.attempts, pullRequests: r.pullRequests });
        const landing = landingOf(row);
        landing.state = 'in-review';
        if (r.review) {
          landing.review = r.review.status;
          if (r.review.message !== undefined) landing.message = r.review.message;
        }
        this.#release(row.id);
        return;
      }
      case 'task:milestone': {
        const m = (p as OrchestratorEvents['task:milestone']).milestone;
        const landing = landingOf(row);
        if (!landing.reached.includes(m)) landing.reached.push(m);
        return;
      }
      case 'task:step':
        landingOf(row).reactions += 1;
        return;
      case 'task:follow-up':
        row.state = 'in-review';
        this.#release(row.id);
        return;
      case 'task:retry': {
        const r = p as OrchestratorEvents['task:retry'];
        row.state = 'retrying';
        row.error = r.error;
        if (e.agent !== undefined) this.#active.delete(e.agent);
        return;
      }
      default: {
        const end = p as OrchestratorEvents['task:done'];
        applyResult(row, end.result);
        if (type === 'task:skipped') row.skipReason = (p as OrchestratorEvents['task:skipped']).reason;
        if (type === 'task:needs-input') row.error = (p as OrchestratorEvents['task:needs-input']).reason;
        this.#release(row.id);
      }
    }
  }

  /** Frees the slot `taskId` held (it ended, or went on in review without one). */
  #release(taskId: string): void {
    for (const [agent, attempt] of this.#active) if (attempt.taskId === taskId) this.#active.delete(agent);
  }

  #counts(): ApiStateCounts {
    const counts = Object.fromEntries(TASK_STATES.map((state) => [state, 0])) as Record<(typeof TASK_STATES)[number], number>;
    for (const row of this.#rows.values()) counts[row.state] += 1;
    return { ...counts, total: this.#rows.size };
  }

  #slots(now: number, live: ProgressSnapshot | undefined): ApiSlot[] {
    const agents = Array.from({ length: this.#concurrency }, (_, i) => `agent-${i + 1}`);
    for (const agent of this.#active.keys()) if (!agents.includes(agent)) agents.push(agent);
    const running = new Map((live?.running ?? []).flatMap((r) => (r.agent !== undefined ? [[r.agent, r] as const] : [])));
    return agents.map((agent): ApiSlot => {
      const active = this.#active.get(agent);
      if (active === undefined) {
        const until = this.#quarantined.get(agent);
        return until !== undefined && until > now ? { agent, state: 'quarantined', until } : { agent, state: 'idle' };
      }
      const row = this.#rows.get(active.taskId);
      const snap = running.get(agent);
      const remoteStatus = snap?.agentStatus ?? row?.remoteStatus;
      const pr = row?.pullRequests[0]?.url;
      return {
        agent,
        state: snap?.state ?? active.state,
        taskId: active.taskId,
        ...(row ? { title: row.title } : {}),
        attempt: active.attempt,
        ...(remoteStatus !== undefined ? { remoteStatus } : {}),
        startedAt: active.startedAt,
        elapsedMs: Math.max(0, now - active.startedAt),
        ...(row?.webUrl !== undefined ? { webUrl: row.webUrl } : snap?.webUrl !== undefined ? { webUrl: snap.webUrl } : {}),
        ...(pr !== undefined ? { pullRequestUrl: pr } : {}),
        ...(snap?.waitingFor !== undefined ? { waitingFor: snap.waitingFor } : {}),
      };
    });
  }

  #criticalPath(): string[] {
    if (this.#critical.rev !== this.#structureRev) {
      const { ids, priority, fill } = criticalPathOf(this.#rows.values(), this.#concurrency);
      const onPath = new Set(ids);
      for (const row of this.#rows.values()) {
        row.estimate = row.given ?? fill;
        const critical = onPath.has(row.id);
        const p = priority.get(row.id);
        // Priorities from the run's own events win; a plan or journal has only the graph's.
        if (row.critical !== critical || (this.#phase !== 'running' && p !== undefined && row.priority !== p)) {
          row.critical = critical;
          if (this.#phase !== 'running' && p !== undefined) row.priority = p;
        }
      }
      this.#critical = { rev: this.#structureRev, ids };
    }
    return this.#critical.ids;
  }
}

function publicRow(row: MutableRow): ApiTaskRow {
  const { rev: _rev, given: _given, ...rest } = row;
  return { ...rest, dependencies: rest.dependencies.map((d) => ({ ...d })), pullRequests: rest.pullRequests.map((pr) => ({ ...pr })), labels: [...rest.labels], warnings: [...rest.warnings] };
}
