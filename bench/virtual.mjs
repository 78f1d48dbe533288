// Virtual time for the bench runners' `--virtual` mode: @pco/testkit's ManualClock (a Clock and
// Timers as @pco/contract defines them) as the only clock, so a makespan is exact virtual time,
// with no timer slack and no scheduling cost in it.
import { writeFileSync } from 'node:fs';
import { ManualClock } from '@pco/testkit/clock';

const turn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A manual clock, a task sleep on it, and the loop that moves it.
 *
 * `drive(finished, afterInstant)` repeats, until `finished()`: one real macrotask turn (every
 * promise callback pending runs, e.g. the reactions to the tasks that just ended and the tasks
 * they start), `afterInstant()`, then the clock jumps to the next timer and fires every timer due
 * at that instant, in the order they were set (the tasks that started first end first). It
 * resolves with the virtual time reached, and rejects when nothing is left to fire before
 * `finished()` (a deadlock).
 *
 * Tasks that end at the same instant therefore end in one batch before anything reacts to them,
 * like the completions of one instant in bound.mjs's simulation; what a scheduler then does with
 * them (one dispatch per completion, or one for the instant) is its own.
 */
export function virtualTime() {
  const clock = new ManualClock(0);
  const sleep = (ms) => new Promise((resolve) => clock.setTimeout(resolve, ms));
  async function drive(finished, afterInstant = () => {}) {
    for (;;) {
      await turn();
      afterInstant();
      if (finished()) return clock.now();
      const at = clock.nextAt;
      if (at === undefined) throw new Error(`virtual clock: nothing left to fire at ${clock.now()} ms and the run is not finished (deadlock)`);
      while (clock.nextAt === at) clock.fireNext();
    }
  }
  return { clock, sleep, drive };
}

/** `--trace FILE`: the tasks' virtual start times (by task index) as JSON, for exact.mjs. */
export function writeTrace(starts, argv = process.argv) {
  const k = argv.indexOf('--trace');
  if (k >= 0 && argv[k + 1] !== undefined) writeFileSync(argv[k + 1], JSON.stringify(starts));
}
