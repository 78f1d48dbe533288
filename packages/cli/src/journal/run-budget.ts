/**
 * The Codegen rate-limit budget of a run, kept beside its journal. The server counts every
 * request a process sent for a window after it (a minute for creates); a resumed process that
 * started from a full budget would send into windows the server still counts and get 429s.
 */
import { FileBucketStore, type BucketStoreIOError } from '@pco/codegen-client';

/** Options of {@link runBudgetStore}. */
export interface RunBudgetOptions {
  /**
   * The fake's time scale (tests, the demo): a request in flight when a process died counts as
   * answered after `30 s × timeScale`, but never less than 1 s of real time (a loaded machine is
   * not faster with a fake).
   * @default 1
   */
  readonly timeScale?: number;
  /** See `FileBucketStoreOptions.onError`: report a file failure and go on in memory. */
  readonly onError?: (error: BucketStoreIOError) => void;
}

/** The budget file of the journal at `journalPath`: `<journal>.budget.json`. */
export function runBudgetPath(journalPath: string): string {
  return `${journalPath}.budget.json`;
}

/**
 * A {@link FileBucketStore} at {@link runBudgetPath}: give it to the run's `CodegenClient`
 * (`limits.store`) and a process that resumes the journal, after a crash or a kill, starts from
 * the budget the server still counts. Keys are a hash of the token and the endpoint, never the
 * token. The journal's lock keeps it to one process at a time.
 */
export function runBudgetStore(journalPath: string, options: RunBudgetOptions = {}): FileBucketStore {
  const scale = options.timeScale ?? 1;
  // 30 s is the client's request timeout: a request not answered by then was abandoned, so the
  // server counted it before then or never.
  return new FileBucketStore({
    path: runBudgetPath(journalPath),
    staleAfterMs: scale === 1 ? 30_000 : Math.max(1_000, 30_000 * scale),
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
