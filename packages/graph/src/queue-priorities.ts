import { PENDING, READY, type QueueCore } from './queue-core.js';
import type { SkippedTask } from './types.js';

// Bottom levels (a task's estimate plus the longest chain of estimates still waiting on it) are
// the ready heap's priorities. They count only dependents that have not started: computed once at
// construction, raised when tasks are added below, lowered when dependents are skipped.

/** Bottom levels of the first tasks, visited in reverse `order` (topological), over the pending dependents. */
export function initialLevels(core: QueueCore, order: Int32Array): void {
  const { level, est, status } = core;
  const { start, list } = core.succ;
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    let below = 0;
    for (let e = start[i]!, end = start[i + 1]!; e < end; e++) {
      const s = list[e]!;
      if (status[s] === PENDING && level[s]! > below) below = level[s]!;
    }
    level[i] = est[i]! + below;
  }
}

/** Own estimate plus the highest level among the dependents still waiting to start. */
export function levelFromDependents(core: QueueCore, i: number): number {
  let below = 0;
  const { status, level } = core;
  const { start, list, base, extra } = core.succ;
  if (i < base) {
    for (let k = start[i]!, end = start[i + 1]!; k < end; k++) {
      const s = list[k]!;
      const st = status[s];
      if ((st === PENDING || st === READY) && level[s]! > below) below = level[s]!;
    }
  }
  const more = extra[i];
  if (more) {
    for (const s of more) {
      const st = status[s];
      if ((st === PENDING || st === READY) && level[s]! > below) below = level[s]!;
    }
  }
  return core.est[i]! + below;
}

/**
 * After tasks were skipped, their unstarted ancestors no longer wait on them: lower the
 * ancestors' bottom levels (transitively, only as far as a level actually drops).
 */
export function lowerAncestors(core: QueueCore, skipped: readonly SkippedTask[]): void {
  const work: number[] = [];
  for (const s of skipped) work.push(...core.deps.toArray(core.lookup(s.id)!));
  while (work.length > 0) {
    const i = work.pop()!;
    const st = core.status[i];
    if (st !== PENDING && st !== READY) continue;
    const value = levelFromDependents(core, i);
    if (value >= core.level[i]!) continue;
    core.level[i] = value;
    if (st === READY) core.heap.update(i);
    work.push(...core.deps.toArray(i));
  }
}

/** Raises the bottom level of `start` (and, transitively, of its unstarted ancestors). */
export function raise(core: QueueCore, start: number, candidate: number): void {
  const stack: number[] = [start];
  const values: number[] = [candidate];
  while (stack.length > 0) {
    const i = stack.pop()!;
    const value = values.pop()!;
    const s = core.status[i];
    if (value <= core.level[i]! || (s !== PENDING && s !== READY)) continue;
    core.level[i] = value;
    if (s === READY) core.heap.update(i);
    for (const d of core.deps.toArray(i)) {
      stack.push(d);
      values.push(core.est[d]! + value);
    }
  }
}
