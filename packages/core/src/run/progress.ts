// Live figures of a run (progress()) and the periodic `progress` event. Not public API.
import type { ProgressSnapshot, ReviewingTask, RunningTask } from '../results.js';
import { flushEtaMs } from './reporting.js';
import type { Run } from './run.js';
import { TERMINAL } from './task-record.js';

export function progressSnapshot(run: Run): ProgressSnapshot {
  const o = run.o;
  const now = o.clock.now();
  const elapsedMs = run.started ? now - run.startedAt : 0;
  const counts = run.countsSnapshot();
  const finished = counts.done + counts.failed + counts.skipped + counts['needs-input'] + counts.interrupted;
  const running: RunningTask[] = [];
  const queue = run.queue;
  let remainingWork = 0;
  let remainingPath = 0;
  for (const r of run.records) {
    if (TERMINAL.has(r.state)) continue;
    remainingWork += r.estimate;
    if (queue?.has(r.task.id)) remainingPath = Math.max(remainingPath, queue.priority(r.task.id));
    if (r.state === 'running' || r.state === 'retrying') {
      running.push({
        taskId: r.task.id,
        title: r.task.title,
        attempt: r.attempts,
        state: r.state,
        startedAt: r.current?.startedAt ?? r.firstStartedAt ?? now,
        ...(r.agent === undefined ? {} : { agent: r.agent }),
        ...(r._x?.agentStatus === undefined ? {} : { agentStatus: r._x?.agentStatus }),
        ...(r._x?.waitingFor === undefined ? {} : { waitingFor: r._x?.waitingFor }),
        ...(r._x?.webUrl === undefined ? {} : { webUrl: r._x?.webUrl }),
      });
    }
  }
  const msPerUnit = run.finishedEstimate > 0 ? run.finishedDurationMs / run.finishedEstimate : undefined;
  const etaUnits = Math.max(remainingPath, remainingWork / o.concurrency);
  // What the ETA must also wait for: tasks that cannot start faster than the executor's start
  // rate allows, and reporter updates still to be written.
  let etaMs = msPerUnit === undefined ? undefined : Math.round(etaUnits * msPerUnit);
  const rate = o.startRate;
  const unstarted = counts.pending + counts.ready;
  if (rate !== undefined && unstarted > 0 && !run.stopping) etaMs = Math.max(etaMs ?? 0, Math.round((unstarted / rate.limit) * rate.windowMs));
  const flushMs = flushEtaMs(run);
  if (finished === counts.total) etaMs = flushMs;
  else if (etaMs !== undefined && flushMs !== undefined) etaMs = Math.max(etaMs, flushMs);
  const stats = run.pool?.stats();
  const inReview: ReviewingTask[] = [];
  for (const r of run.landing) {
    const landing = r._x!.landing!;
    inReview.push({
      taskId: r.task.id,
      title: r.task.title,
      pullRequests: landing.pullRequests,
      since: landing.since,
      ...(landing.review === undefined ? {} : { review: landing.review.status }),
      ...(landing.review?.message === undefined ? {} : { message: landing.review.message }),
    });
  }
  return {
    runId: run.runId,
    at: now,
    elapsedMs,
    counts,
    finished,
    throughputPerMinute: elapsedMs > 0 ? (finished * 60_000) / elapsedMs : 0,
    ...(etaMs === undefined ? {} : { etaMs }),
    utilisation: stats?.utilisation ?? 0,
    busyAgents: stats?.busy ?? 0,
    running,
    inReview,
    pendingUpdates: run.pendingUpdates,
  };
}

/** A `progress` event every `progressIntervalMs` while the run runs or flushes. */
export function armProgress(run: Run): void {
  run.progressTimer = run.o.timers.setTimeout(() => {
    run.progressTimer = undefined;
    if (run.phase !== 'running' && run.phase !== 'finishing') return;
    if (run.events.wants('progress')) run.events.emit('progress', progressSnapshot(run));
    armProgress(run);
  }, run.o.progressIntervalMs);
}

export function stopProgress(run: Run): void {
  if (run.progressTimer !== undefined) run.o.timers.clearTimeout(run.progressTimer);
  run.progressTimer = undefined;
}
