// Tasks that will not run: held back by the source's policy (task.skip), or skipped because a
// dependency failed, needs input, was skipped or is unknown. Not public API.
import type { SkippedTask } from '@pco/graph';
import { commit } from './journal-commits.js';
import { notify } from './reporting.js';
import type { Run } from './run.js';

/** Marks the queue's skipped tasks skipped; `selfSkip` is a task skipped by its own `task.skip`. */
export function applySkips(run: Run, skipped: readonly SkippedTask[], selfSkip?: string): void {
  const events = run.events;
  for (const { id, because } of skipped) {
    const r = run.record(id)!;
    let reason: string;
    if (id === selfSkip && r.task.skip) {
      reason = r.task.skip.reason;
      r.x.error = events.redact(r.task.skip.message);
      r.x.policySkip = r.task.skip.policy !== false;
    } else {
      const cause = run.record(because);
      r.x.skippedBecause = because;
      // The state already says "skipped": the message says why, without repeating it.
      if (cause === undefined) {
        reason = 'unknown-dependency';
        r.x.error = `Depends on unknown task ${because}.`;
      } else {
        reason =
          cause.state === 'failed' ? 'dependency-failed' : cause.state === 'needs-input' ? 'dependency-needs-input' : 'dependency-skipped';
        const what = cause.state === 'failed' ? 'failed' : cause.state === 'needs-input' ? 'needs input' : 'was skipped';
        r.x.error = `Dependency ${because} ${what}.`;
        // `because` is the root of the skip (ReadyQueue names it for every transitive dependent).
        if (cause.state === 'skipped' && cause._x?.policySkip === true) r.x.policySkip = true;
      }
    }
    r.x.skipReason = reason;
    r.endedAt = run.o.clock.now();
    run.setState(r, 'skipped');
    const result = run.resultOf(r);
    run.writeResult(r);
    void commit(run, { type: 'result', runId: run.runId, result, at: r.endedAt });
    if (events.wants('task:skipped')) {
      events.emit('task:skipped', {
        ...run.taskBase(r, r.attempts),
        result,
        reason,
        ...(r._x?.skippedBecause === undefined ? {} : { because: r._x?.skippedBecause }),
      });
    }
    notify(run, r, 'skipped');
  }
}
