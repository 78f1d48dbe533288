/**
 * One log line per orchestrator event: a short sentence and a few fields (never the whole task,
 * whose body is the user's prose). Strings are redacted later, at the API boundary.
 */
import type { OrchestratorEvents } from '@pco/core';
import { ORCHESTRATOR_EVENT_NAMES } from '../cli/event-log.js';
import type { LogEvent } from './api-types.js';

/** An event the log records: every orchestrator event but `progress` (which only feeds the status). */
export type LoggedEvent = Exclude<(typeof ORCHESTRATOR_EVENT_NAMES)[number], 'progress'>;

/** The events the log records, in the CLI's one list of them. */
export const LOGGED_EVENTS: readonly LoggedEvent[] = ORCHESTRATOR_EVENT_NAMES.filter((name): name is LoggedEvent => name !== 'progress');

type Entry = Omit<LogEvent, 'seq'>;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The log entry of one event. */
export function describeEvent<E extends LoggedEvent>(type: E, payload: OrchestratorEvents[E]): Entry {
  const p = payload as OrchestratorEvents[LoggedEvent];
  const base = { at: p.at, type };
  switch (type) {
    case 'run:start': {
      const e = p as OrchestratorEvents['run:start'];
      return { ...base, message: `run ${e.resumed ? 'resumed' : 'started'}: ${plural(e.tasks, 'task')} on ${plural(e.concurrency, 'agent')}`, data: { tasks: e.tasks, concurrency: e.concurrency, resumed: e.resumed } };
    }
    case 'task:queued': {
      const e = p as OrchestratorEvents['task:queued'];
      const deps = e.dependencies.length > 0 ? ` after ${e.dependencies.join(', ')}` : '';
      return { ...base, taskId: e.taskId, message: `queued${deps}`, data: { dependencies: [...e.dependencies], priority: e.priority } };
    }
    case 'task:ready': {
      const e = p as OrchestratorEvents['task:ready'];
      return { ...base, taskId: e.taskId, message: 'ready: waits for a free agent' };
    }
    case 'task:start': {
      const e = p as OrchestratorEvents['task:start'];
      const what = e.followUp ? `follow-up (${e.followUp.reason})` : `attempt ${e.attempt}`;
      return { ...base, taskId: e.taskId, message: `started on ${e.agent} (${what}${e.resumed ? ', resumed' : ''})`, data: { agent: e.agent, attempt: e.attempt, resumed: e.resumed, ...(e.followUp ? { followUp: e.followUp.reason } : {}) } };
    }
    case 'task:status': {
      const e = p as OrchestratorEvents['task:status'];
      return { ...base, taskId: e.taskId, message: `agent status ${e.status}`, data: { agent: e.agent, status: e.status } };
    }
    case 'task:checkpoint': {
      const e = p as OrchestratorEvents['task:checkpoint'];
      return { ...base, taskId: e.taskId, message: `agent run ${e.agentRunId} created`, data: { agentRunId: e.agentRunId, ...(e.webUrl ? { webUrl: e.webUrl } : {}) } };
    }
    case 'task:retry': {
      const e = p as OrchestratorEvents['task:retry'];
      return { ...base, taskId: e.taskId, message: `attempt ${e.attempt} failed (${e.error}); attempt ${e.nextAttempt} in ${seconds(e.delayMs)}`, data: { error: e.error, nextAttempt: e.nextAttempt, delayMs: e.delayMs } };
    }
    case 'task:review': {
      const e = p as OrchestratorEvents['task:review'];
      const status = e.review ? `${e.review.status}${e.review.message ? `: ${e.review.message}` : ''}` : `${plural(e.pullRequests.length, 'pull request')} opened`;
      return { ...base, taskId: e.taskId, message: `in review: ${status}`, data: { pullRequests: e.pullRequests.map((pr) => pr.url), ...(e.review ? { review: e.review.status } : {}) } };
    }
    case 'task:milestone': {
      const e = p as OrchestratorEvents['task:milestone'];
      return { ...base, taskId: e.taskId, message: `milestone ${e.milestone}${e.released ? ': dependents released' : ''}`, data: { milestone: e.milestone, released: e.released } };
    }
    case 'task:step': {
      const e = p as OrchestratorEvents['task:step'];
      return { ...base, taskId: e.taskId, message: `step ${e.key}`, data: { key: e.key } };
    }
    case 'task:follow-up': {
      const e = p as OrchestratorEvents['task:follow-up'];
      return { ...base, taskId: e.taskId, message: `follow-up (${e.reason}) ${e.outcome}${e.error ? `: ${e.error}` : ''}`, data: { key: e.key, reason: e.reason, outcome: e.outcome } };
    }
    case 'task:done': {
      const e = p as OrchestratorEvents['task:done'];
      const prs = e.result.pullRequests.length;
      return { ...base, taskId: e.taskId, message: `done in ${seconds(e.durationMs)}${prs > 0 ? `, ${plural(prs, 'pull request')}` : ''}`, data: { durationMs: e.durationMs, pullRequests: e.result.pullRequests.map((pr) => pr.url) } };
    }
    case 'task:failed': {
      const e = p as OrchestratorEvents['task:failed'];
      return { ...base, taskId: e.taskId, message: `failed: ${e.error}`, data: { error: e.error, attempts: e.result.attempts } };
    }
    case 'task:skipped': {
      const e = p as OrchestratorEvents['task:skipped'];
      return { ...base, taskId: e.taskId, message: `skipped (${e.reason})${e.because ? ` because of ${e.because}` : ''}`, data: { reason: e.reason, ...(e.because ? { because: e.because } : {}) } };
    }
    case 'task:needs-input': {
      const e = p as OrchestratorEvents['task:needs-input'];
      return { ...base, taskId: e.taskId, message: `needs input: ${e.reason}`, data: { reason: e.reason } };
    }
    case 'task:interrupted': {
      const e = p as OrchestratorEvents['task:interrupted'];
      return { ...base, taskId: e.taskId, message: `interrupted (${e.mode})`, data: { mode: e.mode } };
    }
    case 'tasks:added': {
      const e = p as OrchestratorEvents['tasks:added'];
      return { ...base, message: `${plural(e.taskIds.length, 'task')} added${e.by ? ` by ${e.by}` : ''}`, data: { taskIds: [...e.taskIds] } };
    }
    case 'tasks:rejected': {
      const e = p as OrchestratorEvents['tasks:rejected'];
      return { ...base, message: `${plural(e.taskIds.length, 'task')} rejected: ${e.issues.map((i) => i.message).join('; ')}`, data: { taskIds: [...e.taskIds] } };
    }
    case 'agent:failed': {
      const e = p as OrchestratorEvents['agent:failed'];
      return { ...base, message: `${e.agent} quarantined after ${plural(e.consecutiveFailures, 'failure')}`, data: { agent: e.agent, until: e.until } };
    }
    case 'agent:recovered': {
      const e = p as OrchestratorEvents['agent:recovered'];
      return { ...base, message: `${e.agent} back in service`, data: { agent: e.agent } };
    }
    case 'run:end': {
      const e = p as OrchestratorEvents['run:end'];
      const c = e.summary.counts;
      return { ...base, message: `run ${e.summary.stopped ? 'stopped' : 'finished'}: ${c.done} done, ${c.failed} failed, ${c.skipped} skipped of ${c.total}`, data: { counts: { ...c } } };
    }
    default: {
      const e = p as OrchestratorEvents['error'];
      return { ...base, ...(e.taskId ? { taskId: e.taskId } : {}), message: `${e.source} error: ${e.message}`, data: { source: e.source } };
    }
  }
}
