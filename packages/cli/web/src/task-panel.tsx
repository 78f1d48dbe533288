/** The panel a click on a node opens: the task's attempts, errors, dependencies and their results, PRs. */
import type { JSX } from 'preact';
import { formatDuration, safeHref } from './format.js';
import type { ApiPullRequest, LogEvent, TaskView } from './types.js';
import { EventLog } from './event-log.js';

function Link({ url, children }: { readonly url: string | undefined; readonly children: JSX.Element | string }): JSX.Element {
  const href = safeHref(url);
  return href ? (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ) : (
    <span>{children}</span>
  );
}

function PullRequests({ prs }: { readonly prs: readonly ApiPullRequest[] }): JSX.Element | null {
  if (prs.length === 0) return null;
  return (
    <ul class="prs">
      {prs.map((pr) => (
        <li key={pr.url}>
          <Link url={pr.url}>{pr.number !== undefined ? `#${pr.number}` : pr.url}</Link>
          {pr.title ? ` ${pr.title}` : ''}
          {pr.state ? <span class="muted"> ({pr.state})</span> : null}
        </li>
      ))}
    </ul>
  );
}

/** Reactions, when the API carries them: `{ "+1": 2, "rocket": 1 }` or a list. */
function Reactions({ reactions }: { readonly reactions: unknown }): JSX.Element | null {
  if (reactions === undefined || reactions === null) return null;
  const entries = Array.isArray(reactions)
    ? reactions.map((item, i) => [String(i), typeof item === 'string' ? item : JSON.stringify(item)] as const)
    : typeof reactions === 'object'
      ? Object.entries(reactions as Record<string, unknown>).map(([key, value]) => [key, String(value)] as const)
      : [['', String(reactions)] as const];
  return (
    <>
      <h3>Reactions</h3>
      <ul class="reactions">
        {entries.map(([key, value]) => (
          <li key={key}>{Array.isArray(reactions) ? value : `${key}: ${value}`}</li>
        ))}
      </ul>
    </>
  );
}

export function TaskPanel({
  task,
  tasks,
  events,
  onSelect,
  onClose,
}: {
  readonly task: TaskView;
  readonly tasks: ReadonlyMap<string, TaskView>;
  readonly events: readonly LogEvent[];
  readonly onSelect: (id: string) => void;
  readonly onClose: () => void;
}): JSX.Element {
  const dependents = [...tasks.values()].filter((other) => other.dependencies.some((d) => d.id === task.id));
  return (
    <aside class="panel task-panel" aria-label={`task ${task.id}`} data-task={task.id}>
      <div class="task-head">
        <h2>
          <Link url={task.url}>{task.id}</Link> <span class="state-chip" data-state={task.state}>{task.state}</span>
          {task.critical ? <span class="critical-chip">critical path</span> : null}
        </h2>
        <button type="button" class="close" aria-label="close" onClick={onClose}>
          ×
        </button>
      </div>
      <p class="task-title">{task.title}</p>
      <dl class="kv">
        <dt>attempts</dt>
        <dd data-attempts>{task.attempts}</dd>
        <dt>estimate</dt>
        <dd>{task.estimate}</dd>
        <dt>priority</dt>
        <dd>{task.priority}</dd>
        {task.agent ? (
          <>
            <dt>agent</dt>
            <dd>{task.agent}</dd>
          </>
        ) : null}
        {task.remoteStatus ? (
          <>
            <dt>remote status</dt>
            <dd>{task.remoteStatus}</dd>
          </>
        ) : null}
        {task.webUrl ? (
          <>
            <dt>agent run</dt>
            <dd>
              <Link url={task.webUrl}>{task.runId !== undefined ? `run ${task.runId}` : 'trace'}</Link>
            </dd>
          </>
        ) : null}
        {task.durationMs !== undefined ? (
          <>
            <dt>took</dt>
            <dd>{formatDuration(task.durationMs)}</dd>
          </>
        ) : null}
        {task.labels.length > 0 ? (
          <>
            <dt>labels</dt>
            <dd>{task.labels.join(', ')}</dd>
          </>
        ) : null}
      </dl>
      {task.error ? (
        <p class="banner error" data-error>
          {task.error}
        </p>
      ) : null}
      {task.skipReason || task.skippedBecause ? (
        <p class="banner">
          skipped{task.skipReason ? `: ${task.skipReason}` : ''}
          {task.skippedBecause ? (
            <>
              {' '}
              because of{' '}
              <button type="button" class="linkish" onClick={() => onSelect(task.skippedBecause as string)}>
                {task.skippedBecause}
              </button>
            </>
          ) : null}
        </p>
      ) : null}
      {task.warnings.length > 0 ? (
        <ul class="warnings">
          {task.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      ) : null}
      {task.summary ? <p class="summary">{task.summary}</p> : null}
      {task.pullRequests.length > 0 ? <h3>Pull requests</h3> : null}
      <PullRequests prs={task.pullRequests} />
      <h3>Depends on ({task.dependencies.length})</h3>
      <ul class="deps">
        {task.dependencies.map((dependency) => {
          const other = tasks.get(dependency.id);
          return (
            <li key={dependency.id} data-dependency={dependency.id}>
              <button type="button" class="linkish" onClick={() => onSelect(dependency.id)}>
                {dependency.id}
              </button>{' '}
              <span class="origin" data-origin={dependency.origin}>
                {dependency.origin}
              </span>{' '}
              {other ? (
                <span class="state-chip" data-state={other.state}>
                  {other.state}
                </span>
              ) : (
                <span class="muted">not in this run</span>
              )}
              {other?.summary ? <div class="muted dep-summary">{other.summary}</div> : null}
              {other ? <PullRequests prs={other.pullRequests} /> : null}
            </li>
          );
        })}
      </ul>
      {dependents.length > 0 ? (
        <>
          <h3>Needed by ({dependents.length})</h3>
          <ul class="deps">
            {dependents.map((other) => (
              <li key={other.id}>
                <button type="button" class="linkish" onClick={() => onSelect(other.id)}>
                  {other.id}
                </button>{' '}
                <span class="state-chip" data-state={other.state}>
                  {other.state}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <Reactions reactions={task.reactions} />
      <EventLog events={events} onSelect={onSelect} task={task.id} />
    </aside>
  );
}
