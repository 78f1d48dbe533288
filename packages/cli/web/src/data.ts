/**
 * Where the data comes from. A static page (`pco plan --html`, a saved view) embeds it in
 * `<script type="application/json" id="pco-data">`; a live page fetches the JSON API and then
 * follows `GET /api/v1/stream` (Server-Sent Events, `event: batch`). Reference: docs/web-api.md.
 *
 * The access token: a page opened as `…/?token=T` sends `Authorization: Bearer T` on its
 * fetches. `EventSource` cannot set headers; the server answers the page with a cookie that the
 * stream request carries. The token is taken out of the address bar (it would otherwise end up
 * in the history and in screenshots).
 */
import type { EmbeddedData, EventsResponse, StatusResponse, StreamBatch, TasksResponse, TaskView } from './types.js';
import type { Store } from './store.js';

const EMBEDDED_DATA_ID = 'pco-data';
const API = {
  status: 'api/v1/status',
  tasks: 'api/v1/tasks',
  events: 'api/v1/events',
  stream: 'api/v1/stream',
} as const;

/** Reads `?token=` once and removes it from the address bar. */
function takeToken(): string | undefined {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token') ?? undefined;
  if (token !== undefined) {
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.href);
  }
  return token;
}

/** The embedded data of a static page, if this is one. */
export function embeddedData(): EmbeddedData | undefined {
  const element = document.getElementById(EMBEDDED_DATA_ID);
  if (!element?.textContent) return undefined;
  return JSON.parse(element.textContent) as EmbeddedData;
}

/** Loads the page's data into the store and keeps it current. */
export async function connect(store: Store): Promise<void> {
  const embedded = embeddedData();
  if (embedded) {
    store.setStatus(embedded.status);
    store.setTasks(embedded.tasks);
    store.addEvents(embedded.events);
    store.set({ mode: 'static', connection: 'closed' });
    return;
  }

  const token = takeToken();
  // API paths are relative to the page, so a server that mounts the view under a prefix works.
  const base = new URL('.', window.location.href);
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(new URL(path, base), {
      headers: token ? { authorization: `Bearer ${token}`, accept: 'application/json' } : { accept: 'application/json' },
      credentials: 'same-origin',
      cache: 'no-store',
    });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };

  try {
    const [status, , events] = await Promise.all([get<StatusResponse>(API.status), get<TasksResponse>(API.tasks).then((tasks) => store.setTasks(tasks)), get<EventsResponse>(`${API.events}?after=0`)]);
    store.setStatus(status);
    store.addEvents(events.events);
    store.set({ mode: 'live' });
  } catch (error) {
    store.set({ mode: 'error', error: error instanceof Error ? error.message : String(error) });
    return;
  }

  const stream = new EventSource(new URL(API.stream, base), { withCredentials: false });
  stream.addEventListener('open', () => store.set({ connection: 'open' }));
  stream.addEventListener('error', () => {
    // EventSource reconnects by itself (sending Last-Event-ID); CLOSED means it gave up.
    store.set({ connection: stream.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting' });
  });
  stream.addEventListener('batch', (message) => {
    const batch = JSON.parse((message as MessageEvent<string>).data) as StreamBatch;
    store.addEvents(batch.events);
    store.setStatus(batch.status);
    if (batch.tasksReset) {
      // Every task (the stream's first batch, or tasks were loaded or added): replace.
      store.setTasks({ tasks: batch.tasks, criticalPath: batch.criticalPath ?? [...store.data.criticalPath] });
    } else {
      store.mergeTasks(batch.tasks as TaskView[]);
    }
    const phase = batch.status.run.phase;
    if (phase === 'finished' || phase === 'interrupted') {
      stream.close();
      store.set({ connection: 'closed' });
    }
  });
}
