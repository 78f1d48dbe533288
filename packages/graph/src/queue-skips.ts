import { FAILED, PENDING, READY, RUNNING, SKIPPED, type QueueCore } from './queue-core.js';
import { lowerAncestors } from './queue-priorities.js';
import type { SkippedTask } from './types.js';

// Failure propagation: a failed or skipped task skips every transitive dependent that has not
// started, each naming the root of the failure; the ancestors' priorities drop accordingly.

/** Marks running (or ready) task `i` (named `id`) failed and skips its unstarted transitive dependents. */
export function failTask(core: QueueCore, i: number, id: string): SkippedTask[] {
  const s = core.status[i]!;
  if (s !== RUNNING && s !== READY) core.badTransition(i, 'fail');
  if (s === READY) core.heap.remove(i);
  core.setState(i, FAILED);
  core.origin.set(i, id);
  const skipped: SkippedTask[] = [];
  skipDependents(core, i, id, skipped);
  lowerAncestors(core, skipped);
  return skipped;
}

/** Skips task `i` (not started) with `because`, and every transitive dependent with `because` = its id. */
export function skipTask(core: QueueCore, i: number, because: string): SkippedTask[] {
  const s = core.status[i]!;
  if (s !== PENDING && s !== READY) core.badTransition(i, 'skip');
  const skipped: SkippedTask[] = [];
  skipFrom(core, i, because, skipped);
  lowerAncestors(core, skipped);
  return skipped;
}

/**
 * Skips task `i` with `because`; its dependents name `root` (the task itself when it is the
 * root of the skip, or the failed/skipped ancestor it inherits). Levels are the caller's job.
 */
export function skipFrom(core: QueueCore, i: number, because: string, out: SkippedTask[], root: string = core.idAt(i)): void {
  if (core.status[i] === READY) core.heap.remove(i);
  core.setState(i, SKIPPED);
  core.because.set(i, because);
  core.origin.set(i, root);
  out.push({ id: core.idAt(i), because });
  skipDependents(core, i, root, out);
}

function skipDependents(core: QueueCore, start: number, because: string, out: SkippedTask[]): void {
  const stack = [start];
  while (stack.length > 0) {
    const i = stack.pop()!;
    for (const s of core.succ.toArray(i)) {
      const st = core.status[s];
      if (st !== PENDING && st !== READY) continue;
      if (st === READY) core.heap.remove(s);
      core.setState(s, SKIPPED);
      core.because.set(s, because);
      core.origin.set(s, because);
      out.push({ id: core.idAt(s), because });
      stack.push(s);
    }
  }
}

/** The root cause that blocks a new task: a failed dependency, or what its skip goes back to. */
export function blockedCause(core: QueueCore, i: number): string | undefined {
  for (const d of core.deps.toArray(i)) {
    const s = core.status[d];
    if (s === FAILED || s === SKIPPED) return core.origin.get(d);
  }
  return undefined;
}
