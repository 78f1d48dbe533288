/**
 * The merge train for repositories without auto-merge or a merge queue: one pull request per
 * repository and base branch at a time is brought up to date, waits for its checks and is
 * merged; the next one then starts from the new base. Without it, N green PRs merged at once
 * would each be BEHIND (strict checks) or conflict after the first lands, and update-branch on
 * all of them at every merge loops (research: github-pr-lifecycle §3.1, §7.12).
 */
export class MergeTrain {
  /** Per track (`owner/name:base`), the holder's release and the waiters in order. */
  readonly #tracks = new Map<string, { busy: boolean; readonly waiting: (() => void)[] }>();

  /** Resolves with the release once it is the caller's turn on `track`; rejects when `signal` aborts. */
  acquire(track: string, signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const t = this.#tracks.get(track) ?? { busy: false, waiting: [] };
    this.#tracks.set(track, t);
    const releaser = () => {
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const next = t.waiting.shift();
        if (next) next();
        else {
          t.busy = false;
          this.#tracks.delete(track);
        }
      };
    };
    if (!t.busy) {
      t.busy = true;
      return Promise.resolve(releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        resolve(releaser());
      };
      const onAbort = () => {
        const at = t.waiting.indexOf(grant);
        if (at >= 0) t.waiting.splice(at, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      t.waiting.push(grant);
    });
  }

  /** Pull requests waiting for their turn on `track` (for tests and the live view). */
  waiting(track: string): number {
    return this.#tracks.get(track)?.waiting.length ?? 0;
  }
}
