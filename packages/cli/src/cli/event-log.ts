/**
 * `--json` and non-TTY output: one pino JSON line per orchestrator event, with the fields a log
 * pipeline needs (time, level, event, runId, taskId, agentId, attempt, durationMs) and the
 * event's own details. Every line passes through the redactor before it is written.
 */
import pino, { type Logger, type Level } from 'pino';
import type { Orchestrator, OrchestratorEventName, OrchestratorEvents } from '@pco/core';
import type { Redactor } from '@pco/contract';
import type { CliStream } from './context.js';

/** Every orchestrator event, for subscribing to all of them. */
export const ORCHESTRATOR_EVENT_NAMES = [
  'run:start',
  'task:queued',
  'task:ready',
  'task:start',
  'task:status',
  'task:checkpoint',
  'task:retry',
  'task:review',
  'task:milestone',
  'task:step',
  'task:follow-up',
  'task:done',
  'task:failed',
  'task:skipped',
  'task:needs-input',
  'task:interrupted',
  'tasks:added',
  'tasks:rejected',
  'agent:failed',
  'agent:recovered',
  'progress',
  'run:end',
  'error',
] as const satisfies readonly OrchestratorEventName[];

const LEVELS: Partial<Record<OrchestratorEventName, Level>> = {
  progress: 'debug',
  'task:ready': 'debug',
  'task:queued': 'debug',
  'task:retry': 'warn',
  'task:step': 'debug',
  'task:failed': 'error',
  'task:skipped': 'warn',
  'task:needs-input': 'warn',
  'task:interrupted': 'warn',
  'tasks:rejected': 'error',
  'agent:failed': 'warn',
  error: 'warn',
};

/** A pino logger writing JSON lines to `stream`, secrets scrubbed. */
export function createJsonLogger(stream: CliStream, level: string, redact: Redactor): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: (line: string) => stream.write(redact(line)) },
  );
}

/** The structured fields of one event (never the whole task: bodies stay out of logs). */
export function eventFields<E extends OrchestratorEventName>(event: E, payload: OrchestratorEvents[E]): Record<string, unknown> {
  const p = payload as unknown as Record<string, unknown>;
  const fields: Record<string, unknown> = { event, runId: p.runId };
  if (typeof p.taskId === 'string') fields.taskId = p.taskId;
  if (typeof p.agent === 'string') fields.agentId = p.agent;
  if (typeof p.attempt === 'number') fields.attempt = p.attempt;
  switch (event) {
    case 'run:start': {
      const e = payload as OrchestratorEvents['run:start'];
      Object.assign(fields, { tasks: e.tasks, concurrency: e.concurrency, resumed: e.resumed });
      break;
    }
    case 'task:queued': {
      const e = payload as OrchestratorEvents['task:queued'];
      Object.assign(fields, { dependencies: e.dependencies, priority: e.priority });
      break;
    }
    case 'task:start': {
      const e = payload as OrchestratorEvents['task:start'];
      Object.assign(fields, { resumed: e.resumed, deadline: new Date(e.deadline).toISOString(), ...(e.followUp ? { followUp: e.followUp.key, reason: e.followUp.reason } : {}) });
      break;
    }
    case 'task:review': {
      const e = payload as OrchestratorEvents['task:review'];
      Object.assign(fields, {
        pullRequests: e.pullRequests.map((pr) => pr.url),
        ...(e.review ? { review: e.review.status, ...(e.review.message ? { message: e.review.message } : {}) } : {}),
      });
      break;
    }
    case 'task:milestone': {
      const e = payload as OrchestratorEvents['task:milestone'];
      Object.assign(fields, { milestone: e.milestone, released: e.released });
      break;
    }
    case 'task:step': {
      const e = payload as OrchestratorEvents['task:step'];
      fields.key = e.key;
      break;
    }
    case 'task:follow-up': {
      const e = payload as OrchestratorEvents['task:follow-up'];
      Object.assign(fields, { key: e.key, reason: e.reason, outcome: e.outcome, ...(e.error ? { error: e.error } : {}) });
      break;
    }
    case 'task:status': {
      const e = payload as OrchestratorEvents['task:status'];
      fields.status = e.status;
      break;
    }
    case 'task:checkpoint': {
      const e = payload as OrchestratorEvents['task:checkpoint'];
      Object.assign(fields, { agentRunId: e.agentRunId, ...(e.webUrl ? { webUrl: e.webUrl } : {}) });
      break;
    }
    case 'task:retry': {
      const e = payload as OrchestratorEvents['task:retry'];
      Object.assign(fields, { error: e.error, nextAttempt: e.nextAttempt, delayMs: e.delayMs });
      break;
    }
    case 'task:done': {
      const e = payload as OrchestratorEvents['task:done'];
      Object.assign(fields, {
        durationMs: e.durationMs,
        ...(e.result.runId !== undefined ? { agentRunId: e.result.runId } : {}),
        pullRequests: e.result.pullRequests.map((pr) => pr.url),
        ...(e.result.landing ? { landing: e.result.landing.state, reactions: e.result.landing.reactions, ...(e.result.landing.landedAt ? { landedAt: e.result.landing.landedAt } : {}) } : {}),
      });
      break;
    }
    case 'task:failed': {
      const e = payload as OrchestratorEvents['task:failed'];
      Object.assign(fields, { error: e.error, durationMs: e.result.durationMs });
      break;
    }
    case 'task:skipped': {
      const e = payload as OrchestratorEvents['task:skipped'];
      Object.assign(fields, { reason: e.reason, ...(e.because ? { because: e.because } : {}) });
      break;
    }
    case 'task:needs-input': {
      const e = payload as OrchestratorEvents['task:needs-input'];
      fields.reason = e.reason;
      break;
    }
    case 'task:interrupted': {
      const e = payload as OrchestratorEvents['task:interrupted'];
      fields.mode = e.mode;
      break;
    }
    case 'tasks:added':
    case 'tasks:rejected': {
      const e = payload as OrchestratorEvents['tasks:added'] & { issues?: readonly { message: string }[] };
      Object.assign(fields, { taskIds: e.taskIds, ...(e.by ? { by: e.by } : {}), ...(e.issues ? { issues: e.issues.map((i) => i.message) } : {}) });
      break;
    }
    case 'agent:failed': {
      const e = payload as OrchestratorEvents['agent:failed'];
      Object.assign(fields, { consecutiveFailures: e.consecutiveFailures, until: new Date(e.until).toISOString() });
      break;
    }
    case 'progress': {
      const e = payload as OrchestratorEvents['progress'];
      Object.assign(fields, { counts: e.counts, finished: e.finished, etaMs: e.etaMs, utilisation: e.utilisation });
      break;
    }
    case 'run:end': {
      const e = payload as OrchestratorEvents['run:end'];
      const s = e.summary;
      Object.assign(fields, {
        durationMs: s.makespanMs,
        counts: s.counts,
        ok: s.ok,
        ...(s.stopped ? { stopped: s.stopped } : {}),
        attempts: s.attempts,
        retries: s.retries,
        utilisation: Number(s.utilisation.toFixed(4)),
      });
      break;
    }
    case 'error': {
      const e = payload as OrchestratorEvents['error'];
      Object.assign(fields, { source: e.source, error: e.message, ...(e.event ? { failedEvent: e.event } : {}) });
      break;
    }
    default:
      break;
  }
  return fields;
}

/** Logs every event of `orchestrator` to `logger`; returns the unsubscribe. */
export function attachEventLog(orchestrator: Orchestrator, logger: Logger): () => void {
  const offs = ORCHESTRATOR_EVENT_NAMES.map((event) =>
    orchestrator.on(event, (payload) => {
      const level = LEVELS[event] ?? 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](eventFields(event, payload as never), event);
    }),
  );
  return () => offs.forEach((off) => off());
}
