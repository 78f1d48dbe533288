/**
 * Where the run watcher stands in its scan of the run list. A scan reads the list newest first,
 * one page per poll tick, until every watched run was seen, the list ends, a page is older than
 * every watched run, or `maxPages` pages were read; the runs it did not show (another user's, or
 * deeper than the scan goes) are then read by GET, one per tick, between list ticks. So a tick
 * never sends more than one read, however many runs are live.
 */
import type { AgentRun, Page } from './types.js';

/** The list page size the watcher asks for (the API's maximum). */
export const LIST_PAGE_SIZE = 100;

export class ListScan {
  readonly #maxPages: number;
  #skip = 0;
  #pages = 0;
  readonly #seen = new Set<number>();
  /** Live runs the last finished scan did not show, in the order they are to be read by GET. */
  readonly #missing = new Set<number>();

  constructor(maxPages: number) {
    this.#maxPages = maxPages;
  }

  /** Where the next list page starts. */
  get skip(): number {
    return this.#skip;
  }

  /** The next run to read by GET (dropped from the queue), skipping runs no longer live. */
  takeMissing(isLive: (runId: number) => boolean): number | undefined {
    for (const runId of this.#missing) {
      this.#missing.delete(runId);
      if (isLive(runId)) return runId;
    }
    return undefined;
  }

  /**
   * Takes one page read at `skip`: returns the watched runs it shows (each once per scan) and
   * ends the scan when there is nothing more to look for; `oldest` is the creation time of the
   * oldest watched run (-Infinity when one is not known yet).
   */
  accept(page: Page<AgentRun>, live: readonly number[], oldest: number): AgentRun[] {
    const wanted = new Set(live);
    const shown: AgentRun[] = [];
    for (const run of page.items) {
      if (wanted.has(run.id) && !this.#seen.has(run.id)) {
        this.#seen.add(run.id);
        shown.push(run);
      }
    }
    this.#skip += page.items.length;
    this.#pages += 1;
    const pending = live.filter((id) => !this.#seen.has(id));
    // Newest first: once a page is older than every watched run, the rest are elsewhere.
    const last = page.items.at(-1)?.created_at;
    const more =
      pending.length > 0 &&
      page.items.length >= LIST_PAGE_SIZE &&
      this.#skip < page.total &&
      this.#pages < this.#maxPages &&
      !(last && Date.parse(last) < oldest);
    if (!more) {
      for (const id of pending) this.#missing.add(id);
      this.reset();
    }
    return shown;
  }

  /** Starts the next scan from the newest run. */
  reset(): void {
    this.#skip = 0;
    this.#pages = 0;
    this.#seen.clear();
  }
}
