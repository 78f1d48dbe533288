/**
 * `--ui [host:port]` of `pco run` and `pco demo`: the view model on the run's orchestrator and the
 * server, the URL printed on stdout as `pco ui: URL` (tests and scripts parse that line), and
 * after the run, the view kept up until Ctrl-C.
 */
import { createRedactor } from '@pco/contract';
import type { Orchestrator } from '@pco/core';
import type { ApiBudget } from './api-types.js';
import { isLoopback, parseUiAddress } from './address.js';
import { generateToken } from './auth.js';
import { UiServerError } from './errors.js';
import { startUiServer, type UiServer } from './http-server.js';
import { RunViewModel } from './view-model.js';
import { CliUsageError, type CliContext } from '../cli/context.js';
import { installShutdown } from '../cli/shutdown.js';

/** Environment variable holding a fixed token (else one is generated for a non-loopback host). */
export const UI_TOKEN_ENV = 'PCO_UI_TOKEN';

/** What `--ui` started. */
export interface RunUi {
  readonly server: UiServer;
  readonly model: RunViewModel;
  /**
   * After the run: keeps the view up until SIGINT/SIGTERM (unless the run was interrupted, or
   * there is no process to wait on), then closes it.
   */
  linger(interrupted: boolean): Promise<void>;
  close(): Promise<void>;
}

export interface RunUiOptions {
  /** The `--ui` value: `host:port`, or true for 127.0.0.1:4545. */
  readonly address: string | true;
  /** Scrubbed from every response. */
  readonly secrets: readonly string[];
  readonly budgets?: () => readonly ApiBudget[];
  readonly concurrency?: number;
  /** The configured token (`ui.token`); else `$PCO_UI_TOKEN`; else one is generated for a non-loopback host. */
  readonly token?: string;
}

/** Starts the view of `orchestrator`'s run and prints its URL. */
export async function startRunUi(ctx: CliContext, orchestrator: Orchestrator, options: RunUiOptions): Promise<RunUi> {
  const { host, port } = usage(() => parseUiAddress(options.address));
  const configured = options.token ?? (ctx.env[UI_TOKEN_ENV] || undefined);
  const token = configured ?? (isLoopback(host) ? undefined : generateToken());
  const model = new RunViewModel({ ...(options.budgets ? { budgets: options.budgets } : {}), ...(options.concurrency ? { concurrency: options.concurrency } : {}) });
  const detach = model.attach(orchestrator);
  const redact = createRedactor([...options.secrets, ...(token ? [token] : [])]);
  let server: UiServer;
  try {
    server = await startUiServer({ model, redact, host, port, ...(token ? { token } : {}) }).catch((error: unknown) => {
      throw error instanceof UiServerError ? new CliUsageError(error.message, { cause: error }) : error;
    });
  } catch (error) {
    detach();
    throw error;
  }
  // The generated token is shown once, here; a configured one the user already knows.
  ctx.stdout.write(`pco ui: ${server.url}${token && !configured ? `?token=${token}` : ''}\n`);
  if (token && configured) ctx.stdout.write(`pco ui: open it with the configured token (ui.token or $${UI_TOKEN_ENV}): ${server.url}?token=…\n`);
  const close = async () => {
    detach();
    await server.close();
  };
  return {
    server,
    model,
    close,
    async linger(interrupted) {
      if (interrupted || ctx.process === undefined) return close();
      ctx.stdout.write(`pco ui: the run is over; the view stays up at ${server.url} until Ctrl-C.\n`);
      const shutdown = installShutdown(ctx);
      try {
        await new Promise<void>((resolve) => shutdown.signal.addEventListener('abort', () => resolve(), { once: true }));
      } finally {
        shutdown.dispose();
        await close();
      }
    },
  };
}

function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw error instanceof UiServerError ? new CliUsageError(error.message, { cause: error }) : error;
  }
}
