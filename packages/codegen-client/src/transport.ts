/**
 * One HTTP call to the Codegen API: rate-limit budget, retries with backoff, the mapping of
 * every failure to a {@link CodegenApiError}, and the scrubbing of the token out of errors.
 */
import { createRedactor, systemTimers, type Clock, type Redactor } from '@pco/contract';
import * as v from 'valibot';
import type { ResolvedClientOptions } from './client-options.js';
import { CodegenApiError, kindForStatus, messageFromBody, type CodegenErrorKind } from './errors.js';
import { budgetOf, type CodegenOperation, type RateLimiter } from './rate-limiter.js';
import { formatIssues } from './schemas.js';
import { sleepOn, type Sleep } from './sleep.js';

/** One request as the client's methods describe it. */
export interface Call<T> {
  readonly operation: CodegenOperation;
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  readonly schema: v.GenericSchema<unknown, T>;
  /** `reads`: retry every transient failure; `safe`: only those that prove nothing happened. */
  readonly retry: 'reads' | 'safe';
  readonly signal: AbortSignal | undefined;
  readonly onWait?: ((waitMs: number) => void) | undefined;
  /** Place among the endpoint's waiters for budget (see {@link RateLimiter.acquire}). */
  readonly priority?: number | undefined;
}

// Connection errors that prove nothing was sent (undici / libuv codes).
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CONNECT',
]);

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Sends calls for one client. */
export class Transport {
  readonly sleep: Sleep;
  readonly #options: ResolvedClientOptions;
  readonly #limiter: RateLimiter | undefined;
  /**
   * Scrubs the token (and anything token-shaped) out of what goes into an error: messages and
   * the string values of error bodies. Parsed responses are data and are never rewritten.
   */
  readonly #redact: Redactor;

  constructor(options: ResolvedClientOptions, limiter: RateLimiter | undefined) {
    this.#options = options;
    this.#limiter = limiter;
    this.sleep = sleepOn(options.timers);
    this.#redact = createRedactor([options.token]);
  }

  /** The client's clock. */
  get clock(): Clock {
    return this.#options.clock;
  }

  /** Backoff before retry number `attempt` (0-based): exponential, full jitter. */
  backoff(attempt: number): number {
    const ceiling = Math.min(this.#options.maxDelayMs, this.#options.minDelayMs * 2 ** attempt);
    return ceiling / 2 + (this.#options.random() * ceiling) / 2;
  }

  /** `signal` combined with the client's own. */
  signalFor(signal: AbortSignal | undefined): AbortSignal | undefined {
    const own = this.#options.signal;
    if (!signal) return own;
    if (!own) return signal;
    return AbortSignal.any([signal, own]);
  }

  /** Sends `call`, waiting for budget and retrying as its `retry` allows; throws {@link CodegenApiError}. */
  async send<T>(call: Call<T>): Promise<T> {
    const signal = this.signalFor(call.signal);
    const url = new URL(this.#options.baseUrl + call.path);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const request = `${call.method} ${call.path}`;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      const release = await this.#limiter?.acquire(budgetOf(call.operation), signal, call.onWait, call.priority);
      let error: CodegenApiError | undefined;
      try {
        return await this.#attempt(call, url, request, signal);
      } catch (caught) {
        if (!(caught instanceof CodegenApiError)) throw caught;
        error = caught;
      } finally {
        // Released before any back-off, so other callers use the budget meanwhile. The slot
        // counts until a window after the response (the server saw the request earlier), unless
        // nothing was sent: then it goes back at once and the retry waits for a new one.
        release?.(error?.kind !== 'network');
      }
      const retryable = error.transient && (call.retry === 'reads' || !error.outcomeUnknown);
      if (!retryable || attempt >= this.#options.retries) throw error;
      let delay = this.backoff(attempt);
      if (error.kind === 'rate-limited') {
        // Our budget and the server's disagree (another process on the same token?): hold the
        // whole bucket, not just this caller.
        delay = error.retryAfterMs ?? delay;
        await this.#limiter?.penalize(budgetOf(call.operation), delay);
      }
      await this.sleep(delay, signal);
    }
  }

  async #attempt<T>(call: Call<T>, url: URL, request: string, signal: AbortSignal | undefined): Promise<T> {
    const { requestTimeoutMs } = this.#options;
    const timeout = new AbortController();
    // Real time on purpose (see `requestTimeoutMs`): an accelerated clock does not speed up I/O.
    const timer = systemTimers.setTimeout(() => timeout.abort(), requestTimeoutMs);
    const prefix = `Codegen ${call.operation} (${request})`;
    const fail = (kind: CodegenErrorKind, message: string, cause: unknown) =>
      new CodegenApiError(this.#redact(`${prefix} failed: ${message}`), { kind, status: 0, operation: call.operation, request, cause });
    let response: Response;
    let text: string;
    try {
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...this.#options.headers,
        authorization: `Bearer ${this.#options.token}`,
      };
      if (call.body !== undefined) headers['content-type'] = 'application/json';
      response = await this.#options.fetch(url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal,
      });
      text = await response.text();
    } catch (cause) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.signal.aborted) throw fail('timeout', `no response within ${requestTimeoutMs} ms`, cause);
      const code = errorCode(cause);
      const sent = !(code && NOT_SENT_CODES.has(code));
      throw fail(
        sent ? 'connection-lost' : 'network',
        sent ? `connection lost before a response (${code ?? 'unknown error'})` : `could not connect (${code})`,
        cause,
      );
    } finally {
      systemTimers.clearTimeout(timer);
    }

    let body: unknown = text;
    if (text !== '' && /json/i.test(response.headers.get('content-type') ?? 'json')) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    // The parsed body is data: it is never rewritten. Only what goes into an error is scrubbed
    // (a server may echo the token back in a message).
    if (!response.ok) {
      const message = messageFromBody(body) ?? (response.statusText || `HTTP ${response.status}`);
      throw new CodegenApiError(this.#redact(`${prefix} failed: ${response.status} ${message}`), {
        kind: kindForStatus(response.status),
        status: response.status,
        operation: call.operation,
        request,
        body: this.#redact.value(body),
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.#options.clock.now()),
      });
    }
    const parsed = v.safeParse(call.schema, body);
    if (!parsed.success) {
      throw new CodegenApiError(
        this.#redact(`${prefix} returned an unexpected body: ${formatIssues(parsed.issues).slice(0, 5).join('; ')}`),
        { kind: 'invalid-response', status: response.status, operation: call.operation, request, body: this.#redact.value(body) },
      );
    }
    return parsed.output;
  }
}
