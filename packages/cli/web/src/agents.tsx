/** Agent slots (task, remote status, elapsed time, links) and the rate-limit budgets (with when the next slot frees). */
import type { JSX } from 'preact';
import { formatDuration, safeHref } from './format.js';
import type { ApiBudget, ApiSlot, ViewData } from './types.js';

function Slot({ slot, now, statusNow, onSelect }: { readonly slot: ApiSlot; readonly now: number; readonly statusNow: number; readonly onSelect: (id: string) => void }): JSX.Element {
  // Ticks between status updates: the elapsed time at the status, plus the time since.
  const elapsed = slot.startedAt !== undefined ? now - slot.startedAt : slot.elapsedMs !== undefined ? slot.elapsedMs + (now - statusNow) : undefined;
  if (slot.state === 'idle') {
    return (
      <li class="slot idle" data-agent={slot.agent} data-slot-state="idle">
        {slot.agent}
      </li>
    );
  }
  const trace = safeHref(slot.webUrl);
  const pr = safeHref(slot.pullRequestUrl);
  return (
    <li class="slot" data-agent={slot.agent} data-slot-state={slot.state}>
      <div class="slot-head">
        <span class="agent">{slot.agent}</span>
        <span class={`slot-state s-${slot.state}`}>{slot.state}</span>
        {slot.taskId !== undefined ? <span class="elapsed" data-elapsed>{formatDuration(elapsed)}</span> : null}
      </div>
      {slot.taskId !== undefined ? (
        <div class="slot-task">
          <button type="button" class="linkish" onClick={() => onSelect(slot.taskId as string)}>
            {slot.taskId}
          </button>{' '}
          <span class="muted">{slot.title}</span>
          {slot.attempt !== undefined && slot.attempt > 1 ? <span class="muted"> (attempt {slot.attempt})</span> : null}
        </div>
      ) : null}
      <div class="slot-meta">
        {slot.remoteStatus ? <span class="remote">{slot.remoteStatus}</span> : null}
        {slot.waitingFor ? <span class="waiting">waiting for {slot.waitingFor}</span> : null}
        {slot.state === 'quarantined' && slot.until !== undefined ? <span class="waiting">back in {formatDuration(slot.until - now)}</span> : null}
        {trace ? (
          <a href={trace} target="_blank" rel="noopener noreferrer">
            trace
          </a>
        ) : null}
        {pr ? (
          <a href={pr} target="_blank" rel="noopener noreferrer">
            PR
          </a>
        ) : null}
      </div>
    </li>
  );
}

function Budget({ budget, now }: { readonly budget: ApiBudget; readonly now: number }): JSX.Element {
  const { limit, remaining } = budget;
  const pct = limit && remaining !== undefined ? Math.max(0, Math.min(1, remaining / limit)) : undefined;
  const wait = budget.nextFreeAt !== undefined ? budget.nextFreeAt - now : undefined;
  return (
    <li class="budget" data-budget={budget.name}>
      <div class="budget-head">
        <span class="name">{budget.name}</span>
        <span>
          {remaining !== undefined ? Math.floor(remaining) : '?'}
          {limit !== undefined ? ` / ${limit}` : ''}
          {budget.windowMs !== undefined ? <span class="muted"> per {formatDuration(budget.windowMs)}</span> : null}
        </span>
      </div>
      {pct !== undefined ? (
        <div class={`bar${pct < 0.15 ? ' low' : ''}`}>
          <div class="fill" style={{ width: `${pct * 100}%` }} />
        </div>
      ) : null}
      <div class="muted">
        {wait !== undefined && wait > 0 ? `next slot free in ${Math.ceil(wait / 1000)} s` : 'a slot is free'}
        {budget.resetAt !== undefined && budget.resetAt > now ? ` · resets in ${formatDuration(budget.resetAt - now)}` : ''}
        {budget.waiting ? ` · ${budget.waiting} waiting` : ''}
      </div>
    </li>
  );
}

export function AgentsPanel({ data, now, onSelect }: { readonly data: ViewData; readonly now: number; readonly onSelect: (id: string) => void }): JSX.Element {
  const slots = data.status?.slots ?? [];
  const statusNow = data.status?.run.now ?? now;
  const busy = slots.filter((slot) => slot.state !== 'idle');
  const idle = slots.filter((slot) => slot.state === 'idle');
  return (
    <section class="panel agents" aria-label="agents">
      <h2>
        Agents <span class="muted">{busy.length}/{slots.length} busy</span>
      </h2>
      <ul class="slots">
        {busy.map((slot) => (
          <Slot key={slot.agent} slot={slot} now={now} statusNow={statusNow} onSelect={onSelect} />
        ))}
      </ul>
      {idle.length > 0 ? (
        <ul class="idle-slots" aria-label="idle agents">
          {idle.map((slot) => (
            <Slot key={slot.agent} slot={slot} now={now} statusNow={statusNow} onSelect={onSelect} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

export function BudgetsPanel({ data, now }: { readonly data: ViewData; readonly now: number }): JSX.Element {
  const budgets = data.status?.budgets ?? [];
  return (
    <section class="panel budgets-panel" aria-label="budgets">
      <h2>Budgets</h2>
      {budgets.length === 0 ? <p class="muted">no rate-limit budgets reported</p> : null}
      <ul class="budgets">
        {budgets.map((budget) => (
          <Budget key={budget.name} budget={budget} now={now} />
        ))}
      </ul>
    </section>
  );
}
