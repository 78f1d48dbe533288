/** The run at a glance: phase, counts per state, elapsed time, ETA, throughput. */
import type { JSX } from 'preact';
import { formatDuration } from './format.js';
import { KNOWN_STATES } from './states.js';
import type { ViewData } from './types.js';

export function Header({ data, now }: { readonly data: ViewData; readonly now: number }): JSX.Element {
  const run = data.status?.run;
  const counts = (run?.counts ?? {}) as Record<string, number | undefined>;
  const elapsed = run?.startedAt !== undefined ? (run.endedAt ?? now) - run.startedAt : undefined;
  const done = (counts.done ?? 0) + (counts.failed ?? 0) + (counts.skipped ?? 0);
  const total = counts.total ?? data.tasks.size;
  return (
    <header class="header">
      <div class="brand">
        <strong>pco</strong>
        <span class={`phase phase-${run?.phase ?? 'loading'}`} data-phase={run?.phase ?? 'loading'}>
          {run?.phase ?? data.mode}
        </span>
        {data.mode === 'live' ? <span class={`conn conn-${data.connection}`} title="live updates">{data.connection === 'open' ? 'live' : data.connection}</span> : null}
        {data.mode === 'static' ? <span class="conn">snapshot</span> : null}
      </div>
      <div class="progress" title={`${done} of ${total} tasks finished`}>
        <div class="bar">
          <div class="fill" data-pct={total ? Math.round((done / total) * 100) : 0} style={{ width: `${total ? (done / total) * 100 : 0}%` }} />
        </div>
        <span>
          {done}/{total}
        </span>
      </div>
      <ul class="counts">
        {KNOWN_STATES.filter((state) => (counts[state] ?? 0) > 0).map((state) => (
          <li key={state} data-state={state}>
            <i class="swatch" data-state={state} />
            {state} <b data-count={state}>{counts[state]}</b>
          </li>
        ))}
      </ul>
      <dl class="facts">
        <dt>elapsed</dt>
        <dd>{formatDuration(elapsed)}</dd>
        <dt>ETA</dt>
        <dd data-eta>{run?.phase === 'finished' ? 'done' : formatDuration(run?.etaMs)}</dd>
        {run?.throughputPerMinute !== undefined ? (
          <>
            <dt>throughput</dt>
            <dd>{run.throughputPerMinute.toFixed(1)}/min</dd>
          </>
        ) : null}
        {run?.utilisation !== undefined ? (
          <>
            <dt>agents busy</dt>
            <dd>{Math.round(run.utilisation * 100)}%</dd>
          </>
        ) : null}
        {run?.pendingUpdates ? (
          <>
            <dt>GitHub writes queued</dt>
            <dd>{run.pendingUpdates}</dd>
          </>
        ) : null}
      </dl>
      {run?.halted ? (
        <p class="banner error" role="alert">
          Stopped: {run.halted.service} refused the credentials. {run.halted.message} {run.halted.hint}
        </p>
      ) : null}
      {run?.notice ? (
        <p class="banner notice" role="status">
          {run.notice}
        </p>
      ) : null}
      {data.mode === 'error' ? (
        <p class="banner error" role="alert">
          Could not load the run: {data.error}
        </p>
      ) : null}
    </header>
  );
}
