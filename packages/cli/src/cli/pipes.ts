/**
 * A reader that goes away (`pco --help | head -1`, `pco status | less` then `q`) is not an error.
 * Node ignores SIGPIPE and reports the closed pipe as an `EPIPE` 'error' event on the stream; with
 * no listener that event is an uncaught exception: a stack trace and exit code 1. Here it only
 * stops the output: the command ends as it would have, with its own exit code.
 * https://nodejs.org/api/process.html#signal-events ("SIGPIPE is ignored by default")
 */
import type { CliContext } from './context.js';

/** Errors of a stream whose reader has gone: EPIPE, and what later writes to it report. */
const CLOSED = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

const guarded = new WeakSet<object>();

/**
 * Makes a closed pipe on `ctx.stdout` / `ctx.stderr` quiet: no stack trace, and `onClosed` is told
 * once. Any other stream error is rethrown as before. Safe to call for every command (a stream is
 * guarded once); streams without `on` (in-process captures) are left alone.
 */
export function quietClosedPipes(ctx: Pick<CliContext, 'stdout' | 'stderr'>, onClosed?: (stream: 'stdout' | 'stderr') => void): void {
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = ctx[name] as { on?: (event: 'error', listener: (error: NodeJS.ErrnoException) => void) => unknown };
    if (typeof stream.on !== 'function' || guarded.has(stream)) continue;
    guarded.add(stream);
    let told = false;
    stream.on('error', (error) => {
      if (!CLOSED.has(String(error?.code))) throw error;
      if (!told) {
        told = true;
        onClosed?.(name);
      }
    });
  }
}
