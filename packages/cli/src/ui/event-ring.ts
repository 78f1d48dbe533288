/** The view's bounded event log: a ring buffer of the latest {@link LogEvent}s, by seq. */
import type { LogEvent } from './api-types.js';

/** What {@link EventRing.query} selects. */
export interface EventQuery {
  /** Only events with a larger seq. @default 0 */
  readonly after?: number;
  /** At most this many (the oldest first). @default 500 */
  readonly limit?: number;
  /** Only this event type (`task:done`), or a prefix ending in `:` (`task:`). */
  readonly type?: string;
  /** Only events of this task. */
  readonly task?: string;
}

/** Holds the last `capacity` events; seqs count from 1 and never repeat. */
export class EventRing {
  private readonly items: (LogEvent | undefined)[];
  private nextSeq = 1;

  constructor(private readonly capacity: number) {
    this.items = new Array<LogEvent | undefined>(capacity);
  }

  /** Seq of the newest event, 0 when none. */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** Seq of the oldest event still held, 0 when none. */
  get oldestSeq(): number {
    return this.nextSeq === 1 ? 0 : Math.max(1, this.nextSeq - this.capacity);
  }

  push(event: Omit<LogEvent, 'seq'>): LogEvent {
    const entry: LogEvent = { seq: this.nextSeq, ...event };
    this.items[(this.nextSeq - 1) % this.capacity] = entry;
    this.nextSeq += 1;
    return entry;
  }

  /** Events after `query.after`, oldest first, filtered. */
  query(query: EventQuery = {}): LogEvent[] {
    const limit = query.limit ?? 500;
    const out: LogEvent[] = [];
    const from = Math.max(this.oldestSeq, (query.after ?? 0) + 1);
    for (let seq = from; seq <= this.lastSeq && out.length < limit; seq++) {
      const event = this.items[(seq - 1) % this.capacity];
      if (event === undefined || !matches(event, query)) continue;
      out.push(event);
    }
    return out;
  }
}

function matches(event: LogEvent, query: EventQuery): boolean {
  if (query.task !== undefined && event.taskId !== query.task) return false;
  if (query.type !== undefined && query.type !== '') {
    return query.type.endsWith(':') ? event.type.startsWith(query.type) : event.type === query.type;
  }
  return true;
}
