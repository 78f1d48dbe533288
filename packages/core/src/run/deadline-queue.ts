// Per-attempt timeouts on one timer. Not public API.
import type { Clock, Timers } from '@pco/contract';
import type { Attempt } from './task-record.js';

/**
 * The attempts of a run in the order of their deadlines, behind one timer. Every attempt gets the
 * same timeout, so deadlines are ordered by start time and a FIFO of attempts is a priority queue.
 */
export class DeadlineQueue {
  #list: (Attempt | undefined)[] = [];
  #head = 0;
  #timer: unknown = undefined;
  #closed = false;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #onExpired: (att: Attempt) => void;
  // One bound callback per run, not a closure per arming.
  readonly #fire = (): void => this.#onTimer();

  constructor(clock: Clock, timers: Timers, onExpired: (att: Attempt) => void) {
    this.#clock = clock;
    this.#timers = timers;
    this.#onExpired = onExpired;
  }

  track(att: Attempt): void {
    this.#list.push(att);
    if (this.#timer === undefined && !this.#closed) this.#arm(att.deadline);
  }

  /** Drops settled attempts from the head (amortised O(1)); called as attempts settle. */
  advance(): void {
    const list = this.#list;
    while (this.#head < list.length && (list[this.#head] === undefined || list[this.#head]!.settled)) {
      list[this.#head++] = undefined;
    }
    if (this.#head > 1024 && this.#head * 2 > list.length) {
      this.#list = list.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The run is ending: no more timeouts. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(at: number): void {
    this.#timer = this.#timers.setTimeout(this.#fire, Math.max(0, at - this.#clock.now()));
  }

  #onTimer(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    this.advance();
    // Re-read each turn: an abort's listeners may settle attempts, which may compact the list.
    while (this.#head < this.#list.length) {
      const att = this.#list[this.#head]!;
      if (att.settled) {
        this.#list[this.#head++] = undefined;
        continue;
      }
      if (att.deadline > now) break;
      this.#list[this.#head++] = undefined;
      this.#onExpired(att);
    }
    const head = this.#list[this.#head];
    if (head !== undefined && !this.#closed) this.#arm(head.deadline);
  }
}
