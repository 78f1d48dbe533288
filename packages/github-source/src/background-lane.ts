/**
 * A lane for low-priority writes: one at a time, in call order, each waiter abortable.
 *
 * Why: plugin-throttling puts every write (and every GraphQL call) in one FIFO queue spaced
 * 1 s apart (research/github-api.md §3.4), with no priorities. A run's start reports hundreds of
 * tasks as queued; written straight away, those labels would hold the first `running` and `done`
 * writes back for minutes. Through this lane at most one low-priority write waits in that queue,
 * so an urgent write waits for one at most, and a queued write that goes stale while it waits
 * here (its signal aborts) never costs a request or a slot in the spacing.
 */
const NO_RELEASE = (): void => {};

export class BackgroundLane {
  #busy = false;
  readonly #waiting: { readonly grant: () => void }[] = [];

  /**
   * Resolves with the release function once it is this caller's turn; rejects with the signal's
   * reason. A caller that has to wait gets `promote` through `onWait`: calling it lets that
   * caller through at once, outside the lane (its release then frees nothing).
   */
  acquire(signal?: AbortSignal, onWait?: (promote: () => void) => void): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.#busy) {
      this.#busy = true;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const leave = (): boolean => {
        const at = this.#waiting.indexOf(entry);
        if (at < 0) return false;
        this.#waiting.splice(at, 1);
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const onAbort = (): void => {
        if (leave()) reject(signal!.reason);
      };
      const entry = {
        grant: (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#releaser());
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(entry);
      onWait?.(() => {
        if (leave()) resolve(NO_RELEASE);
      });
    });
  }

  /** A release that only counts once, so a double call cannot let two writers through. */
  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next === undefined) this.#busy = false;
      else next.grant();
    };
  }
}
