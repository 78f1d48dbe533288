/** The run's events, newest first, filterable by type, task and text. */
import { useMemo, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { formatClock } from './format.js';
import type { LogEvent } from './types.js';

/** Rows drawn at most; the filters narrow the rest down. */
const MAX_ROWS = 400;

export function EventLog({ events, onSelect, task }: { readonly events: readonly LogEvent[]; readonly onSelect: (id: string) => void; readonly task?: string }): JSX.Element {
  const [type, setType] = useState('');
  const [taskFilter, setTaskFilter] = useState('');
  const [text, setText] = useState('');
  // The array grows in place: its last seq says whether anything arrived.
  const last = events.at(-1)?.seq;
  const types = useMemo(() => [...new Set(events.map((event) => event.type))].sort(), [events, last]);
  const wantedTask = task ?? taskFilter.trim();
  const needle = text.trim().toLowerCase();
  const rows: LogEvent[] = [];
  let matched = 0;
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i] as LogEvent;
    if (type && event.type !== type) continue;
    if (wantedTask && event.taskId !== wantedTask) continue;
    if (needle && !`${event.type} ${event.taskId ?? ''} ${event.message}`.toLowerCase().includes(needle)) continue;
    matched += 1;
    if (rows.length < MAX_ROWS) rows.push(event);
  }
  return (
    <section class="panel log" aria-label="event log">
      <h2>
        Events <span class="muted">{matched === events.length ? events.length : `${matched} of ${events.length}`}</span>
      </h2>
      <div class="filters">
        <select aria-label="event type" value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
          <option value="">all types</option>
          {types.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        {task === undefined ? <input aria-label="task" placeholder="task id" value={taskFilter} onInput={(e) => setTaskFilter((e.target as HTMLInputElement).value)} /> : null}
        <input aria-label="text filter" type="search" placeholder="filter text" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
      </div>
      <ol class="events">
        {rows.map((event) => (
          <li key={event.seq} data-type={event.type}>
            <time>{formatClock(event.at)}</time>
            <span class="type">{event.type}</span>
            {event.taskId !== undefined ? (
              <button type="button" class="linkish" onClick={() => onSelect(event.taskId as string)}>
                {event.taskId}
              </button>
            ) : null}
            <span class="message">{event.message}</span>
          </li>
        ))}
      </ol>
      {matched > rows.length ? <p class="muted">{matched - rows.length} older events not shown: narrow the filters</p> : null}
    </section>
  );
}
