/**
 * `GET /api/v1/stream`: Server-Sent Events of the run, batched. At most one `event: batch` per
 * `batchMs` per client, and only when something changed: the log events since the client's last
 * one (its `id:` is the last event's seq, so a reconnecting EventSource resumes with
 * `Last-Event-ID`), the status, and the task rows that changed. A comment line keeps idle
 * connections open. https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Timers } from '@pco/contract';
import type { StreamBatch } from './api-types.js';
import type { RunViewModel } from './view-model.js';

/** Log events per batch at most; more wait for the next batches. */
const MAX_EVENTS_PER_BATCH = 1000;

interface Client {
  readonly response: ServerResponse;
  lastSeq: number;
  /** Model revision the client has seen; -1 before its first batch (every row is sent). */
  lastRev: number;
  lastWriteAt: number;
}

/** The open streams of one server, and the one timer that batches for all of them. */
export class SseHub {
  readonly #clients = new Set<Client>();
  #timer: unknown;
  #ticks = 0;

  constructor(
    private readonly model: RunViewModel,
    private readonly serialize: (value: unknown) => string,
    private readonly options: { readonly batchMs: number; readonly keepAliveMs: number; readonly timers: Timers },
  ) {}

  /** Open streams. */
  get size(): number {
    return this.#clients.size;
  }

  /** Serves one stream until the client leaves or {@link close}. */
  open(request: IncomingMessage, response: ServerResponse, url: URL): void {
    const header = request.headers['last-event-id'];
    const resumeFrom = parseSeq(Array.isArray(header) ? header[0] : header) ?? parseSeq(url.searchParams.get('after') ?? undefined) ?? 0;
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write(`retry: 2000\n\n`);
    const client: Client = { response, lastSeq: resumeFrom, lastRev: -1, lastWriteAt: this.#ticks };
    this.#clients.add(client);
    const leave = () => this.#clients.delete(client);
    request.on('close', leave);
    response.on('close', leave);
    // The first batch at once: the client sees the state without waiting for a change.
    this.#send(client);
    this.#schedule();
  }

  /** Ends every stream and stops the timer. */
  close(): void {
    if (this.#timer !== undefined) this.options.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const client of this.#clients) client.response.end();
    this.#clients.clear();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#clients.size === 0) return;
    this.#timer = this.options.timers.setTimeout(() => {
      this.#timer = undefined;
      this.#tick();
      this.#schedule();
    }, this.options.batchMs);
  }

  #tick(): void {
    this.#ticks += 1;
    const keepAliveTicks = Math.max(1, Math.round(this.options.keepAliveMs / this.options.batchMs));
    for (const client of this.#clients) {
      if (this.model.revision !== client.lastRev || this.model.lastSeq > client.lastSeq) this.#send(client);
      else if (this.#ticks - client.lastWriteAt >= keepAliveTicks) {
        client.response.write(': keep-alive\n\n');
        client.lastWriteAt = this.#ticks;
      }
    }
  }

  #send(client: Client): void {
    const revision = this.model.revision;
    const { events } = this.model.events({ after: client.lastSeq, limit: MAX_EVENTS_PER_BATCH });
    const changes = this.model.changedSince(client.lastRev);
    const batch: StreamBatch = {
      events,
      status: this.model.status(),
      tasks: [...changes.rows],
      tasksReset: changes.reset,
      ...(changes.criticalPath ? { criticalPath: [...changes.criticalPath] } : {}),
    };
    if (events.length > 0) client.lastSeq = events[events.length - 1]!.seq;
    // More events than one batch holds: the next tick sends the rest (lastSeq is behind).
    client.lastRev = revision;
    const id = client.lastSeq > 0 ? `id: ${client.lastSeq}\n` : '';
    client.response.write(`event: batch\n${id}data: ${this.serialize(batch)}\n\n`);
    client.lastWriteAt = this.#ticks;
  }
}

function parseSeq(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,15}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}
