/**
 * The page's data and how it changes: one mutable {@link ViewData}, merged as responses and
 * stream batches arrive, and listeners told at most once per animation frame (a burst of SSE
 * batches costs one render).
 */
import type { LogEvent, StatusResponse, TaskView, TasksResponse, ViewData } from './types.js';

/** Events kept in memory; older ones drop off the front (the server's log is bounded too). */
const MAX_EVENTS = 5000;

export class Store {
  readonly data: ViewData = {
    statusAt: Date.now(),
    tasks: new Map(),
    criticalPath: [],
    events: [],
    graphVersion: 0,
    mode: 'loading',
    connection: 'closed',
  };
  /** Signature of the task set and its edges at the last `graphVersion` bump. */
  private graphKey = '';
  private readonly listeners = new Set<() => void>();
  private frame: number | undefined;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ask for a render on the next frame; many calls in one frame make one render. */
  changed(): void {
    if (this.frame !== undefined) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = undefined;
      for (const listener of this.listeners) listener();
    });
  }

  setStatus(status: StatusResponse): void {
    this.data.status = status;
    this.data.statusAt = Date.now();
    this.changed();
  }

  /** Replace every task (a full `/api/v1/tasks` response). */
  setTasks(response: TasksResponse): void {
    this.data.tasks = new Map(response.tasks.map((task) => [task.id, task as TaskView]));
    this.data.criticalPath = response.criticalPath;
    this.checkGraph();
    this.changed();
  }

  /** Merge changed rows by id (a stream batch). */
  mergeTasks(rows: readonly TaskView[]): void {
    if (rows.length === 0) return;
    for (const row of rows) this.data.tasks.set(row.id, row);
    this.checkGraph();
    this.changed();
  }

  /** Append events not seen yet (by `seq`), in order. */
  addEvents(events: readonly LogEvent[]): void {
    if (events.length === 0) return;
    const last = this.data.events.at(-1)?.seq ?? 0;
    const fresh = events.filter((event) => event.seq > last);
    if (fresh.length === 0) return;
    this.data.events.push(...fresh);
    if (this.data.events.length > MAX_EVENTS) this.data.events.splice(0, this.data.events.length - MAX_EVENTS);
    this.changed();
  }

  set(patch: Partial<Pick<ViewData, 'mode' | 'connection' | 'error'>>): void {
    Object.assign(this.data, patch);
    this.changed();
  }

  /** The server's clock now: its last status's `now` plus the time since it arrived here. */
  serverNow(): number {
    const now = Date.now();
    return this.data.status ? this.data.status.run.now + (now - this.data.statusAt) : now;
  }

  /**
   * Bump `graphVersion` only when the nodes or edges changed: a state change re-renders, only a
   * new shape lays the graph out again.
   */
  private checkGraph(): void {
    const key = graphKey(this.data.tasks);
    if (key === this.graphKey) return;
    this.graphKey = key;
    this.data.graphVersion += 1;
  }
}

/** A string that changes when a task, an edge or an edge's origin does. */
export function graphKey(tasks: ReadonlyMap<string, TaskView>): string {
  const parts: string[] = [];
  for (const task of tasks.values()) {
    parts.push(`${task.id}<${task.dependencies.map((d) => `${d.id}:${d.origin}`).join(',')}`);
  }
  return parts.sort().join('\n');
}
