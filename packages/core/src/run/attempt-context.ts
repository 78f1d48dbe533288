// The executor's view of one attempt: its signal, identity, priority, the results of its
// dependencies, and the two calls back (status reports, checkpoints). Not public API.
import type { ExecutionContext, FollowUp, JournalEntry, PreviousAttempt, RunCheckpoint, TaskResult } from '@pco/contract';
import { commit, commitForExecutor } from './journal-commits.js';
import type { Run } from './run.js';
import { NO_TASKS, TERMINAL, type Attempt } from './task-record.js';

/** One per attempt; the signal and dependency map are built on first use. */
export class AttemptContext implements ExecutionContext {
  readonly #run: Run;
  readonly #att: Attempt;
  #deps: ReadonlyMap<string, TaskResult> | undefined;

  constructor(run: Run, att: Attempt) {
    this.#run = run;
    this.#att = att;
  }
  get signal(): AbortSignal {
    return (this.#att.controller ??= new AbortController()).signal;
  }
  get attempt(): number {
    return this.#att.number;
  }
  get agent(): string {
    return this.#att.lease.agent;
  }
  get runId(): string {
    return this.#run.runId;
  }
  get idempotencyKey(): string {
    return this.#run.key(this.#att);
  }
  get deadline(): number {
    return this.#att.deadline;
  }
  get dependencyResults(): ReadonlyMap<string, TaskResult> {
    return (this.#deps ??= dependencyResults(this.#run, this.#att));
  }
  get previous(): PreviousAttempt | undefined {
    return this.#att.previous;
  }
  get followUp(): FollowUp | undefined {
    const pending = this.#att.followUp;
    if (pending === undefined) return undefined;
    const previousRunId = this.#att.record._x?.landing?.agentRunId;
    return { ...pending.request, ...(previousRunId === undefined ? {} : { previousRunId }) };
  }
  // Read from the queue on demand (no cost per attempt when no executor asks): a running task's
  // bottom level no longer changes, so this is its priority at dispatch.
  get priority(): number | undefined {
    const queue = this.#run.queue;
    const id = this.#att.record.task.id;
    return queue?.has(id) ? queue.priority(id) : undefined;
  }
  waiting(reason: string | undefined): void {
    if (this.#att.settled) return;
    if (reason === undefined && this.#att.record._x === undefined) return;
    this.#att.record.x.waitingFor = typeof reason === 'string' ? reason : undefined;
  }
  report(status: string, detail?: Readonly<Record<string, unknown>>): void {
    try {
      reportStatus(this.#run, this.#att, status, detail);
    } catch {
      // Reporting a status must never throw into the executor.
    }
  }
  checkpoint(data: RunCheckpoint): Promise<void> {
    return checkpoint(this.#run, this.#att, data);
  }
}

function reportStatus(run: Run, att: Attempt, status: string, detail: Readonly<Record<string, unknown>> | undefined): void {
  if (att.settled || typeof status !== 'string') return;
  const r = att.record;
  r.x.agentStatus = status;
  if (run.events.wants('task:status')) {
    run.events.emit('task:status', {
      ...run.taskBase(r, att.number),
      agent: att.lease.agent,
      status,
      ...(detail === undefined ? {} : { detail }),
    });
  }
  void commit(run, { type: 'status', runId: run.runId, taskId: r.task.id, attempt: att.number, status, at: run.o.clock.now() });
}

function checkpoint(run: Run, att: Attempt, data: RunCheckpoint): Promise<void> {
  if (typeof data !== 'object' || data === null || (typeof data.agentRunId !== 'string' && typeof data.agentRunId !== 'number')) {
    return Promise.reject(new TypeError('checkpoint() needs { agentRunId: string | number, webUrl? }'));
  }
  const r = att.record;
  r.x.agentRunId = data.agentRunId;
  if (data.webUrl !== undefined) r.x.webUrl = data.webUrl;
  if (run.events.wants('task:checkpoint')) {
    run.events.emit('task:checkpoint', {
      ...run.taskBase(r, att.number),
      agent: att.lease.agent,
      agentRunId: data.agentRunId,
      ...(data.webUrl === undefined ? {} : { webUrl: data.webUrl }),
    });
  }
  const journal = run.o.journal;
  if (journal === undefined) return Promise.resolve();
  const entry: JournalEntry & { readonly taskId: string } = {
    type: 'created',
    runId: run.runId,
    taskId: r.task.id,
    attempt: att.number,
    idempotencyKey: run.key(att),
    agentRunId: data.agentRunId,
    ...(data.webUrl === undefined ? {} : { webUrl: data.webUrl }),
    ...(data.note === undefined ? {} : { note: data.note }),
    at: run.o.clock.now(),
  };
  return commitForExecutor(run, journal, entry);
}

/** The results of the attempt's dependencies that are terminal (or done before a resume). */
function dependencyResults(run: Run, att: Attempt): ReadonlyMap<string, TaskResult> {
  const map = new Map<string, TaskResult>();
  for (const id of att.record.task.dependencies ?? NO_TASKS) {
    const dep = run.record(id);
    if (dep !== undefined && TERMINAL.has(dep.state)) map.set(id, run.resultOf(dep));
    else if (dep === undefined && run.doneBefore.has(id)) map.set(id, run.doneBefore.get(id)!);
  }
  return map;
}
