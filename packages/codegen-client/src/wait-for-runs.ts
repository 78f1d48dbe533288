import type { CodegenClient } from './codegen-client.js';
import { RunWatcher, type RunWatcherOptions } from './run-watcher.js';
import type { AgentRun } from './types.js';
import type { RunWatcherEvents } from './watcher-events.js';

/** One run's result in {@link waitForRuns}. */
export type RunWaitResult =
  | { readonly runId: number; readonly ok: true; readonly run: AgentRun }
  | { readonly runId: number; readonly ok: false; readonly error: unknown };

/** Options of {@link waitForRuns}. */
export interface WaitForRunsOptions extends RunWatcherOptions {
  /** Per-run timeout (ms on the watcher's clock). @default none */
  readonly timeoutMs?: number;
  /** Called on every status change. */
  readonly onStatus?: (event: RunWatcherEvents['status']) => void;
}

/**
 * Watches `runIds` with one {@link RunWatcher} until each settles, times out or fails, and
 * resolves with one result per run, in the order given. Rejects only when `signal` aborts.
 */
export async function waitForRuns(
  client: CodegenClient,
  runIds: readonly number[],
  options: WaitForRunsOptions = {},
): Promise<RunWaitResult[]> {
  const watcher = new RunWatcher(client, options);
  const off = options.onStatus ? watcher.on('status', options.onStatus) : undefined;
  try {
    const settled = await Promise.allSettled(
      runIds.map((runId) => watcher.watch(runId, { timeoutMs: options.timeoutMs, signal: options.signal })),
    );
    options.signal?.throwIfAborted();
    return settled.map((result, index) => {
      const runId = runIds[index] as number;
      return result.status === 'fulfilled'
        ? { runId, ok: true as const, run: result.value }
        : { runId, ok: false as const, error: result.reason as unknown };
    });
  } finally {
    off?.();
    watcher.close();
  }
}

