/**
 * SIGINT / SIGTERM: the first one stops dispatching (the run then writes its state and reports
 * running tasks as interrupted, leaving their remote runs alive for the next `pco run`); the
 * second one exits at once with 130.
 */
import type { CliContext } from './context.js';
import { EXIT } from './context.js';

export interface Shutdown {
  /** Aborted by the first signal. */
  readonly signal: AbortSignal;
  /** The signal received first, if any. */
  readonly received: () => NodeJS.Signals | undefined;
  /** Removes the handlers. */
  dispose(): void;
}

/**
 * Installs the handlers. `onFirst` runs on the first signal (to tell the user what happens);
 * `onForce` right before the forced exit (to restore the terminal).
 */
export function installShutdown(ctx: CliContext, hooks: { onFirst?: (signal: NodeJS.Signals) => void; onForce?: () => void } = {}): Shutdown {
  const controller = new AbortController();
  let first: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (first === undefined) {
      first = signal;
      try {
        hooks.onFirst?.(signal);
      } finally {
        controller.abort(new Error(`received ${signal}`));
      }
      return;
    }
    try {
      hooks.onForce?.();
    } finally {
      ctx.process?.exit(EXIT.interrupted);
    }
  };
  ctx.process?.on('SIGINT', handler);
  ctx.process?.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    received: () => first,
    dispose() {
      ctx.process?.off('SIGINT', handler);
      ctx.process?.off('SIGTERM', handler);
    },
  };
}
