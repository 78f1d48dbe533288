/**
 * The web view's server (node:http): the built page, the read-only JSON API and the SSE stream.
 * Safe by default: binds 127.0.0.1; any other interface requires a token; GET and HEAD only;
 * a strict CSP; no CORS; a Host check against DNS rebinding; every string of every response
 * through the one redactor. Reference: docs/web-api.md.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { systemTimers, type Redactor } from '@pco/contract';
import { API_PATHS } from './api-types.js';
import { isLoopback, urlOf } from './address.js';
import { ASSETS_MISSING_MESSAGE, assetsBuilt, defaultAssetsDir, readAsset } from './assets.js';
import { tokenCookie, tokenOf, tokensEqual } from './auth.js';
import { UiServerError } from './errors.js';
import { setSecurityHeaders } from './security-headers.js';
import { SseHub } from './sse.js';
import { UI_SERVER_DEFAULTS, type UiServerOptions } from './types.js';

/** Shortest token accepted: shorter ones can be guessed. */
export const MIN_TOKEN_LENGTH = 16;
/** Most events one `/api/v1/events` page returns. */
export const MAX_EVENTS_LIMIT = 5000;

/** A started server. */
export interface UiServer {
  /** `http://host:port/` (without the token). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Whether requests must carry the token. */
  readonly tokenRequired: boolean;
  /** Ends the SSE streams and closes every connection. */
  close(): Promise<void>;
}

/** Everything a response body goes through: the one redactor, then JSON. */
export function serialize(redact: Redactor, value: unknown): string {
  return JSON.stringify(redact.value(value));
}

/** Starts the server; rejects with a {@link UiServerError} when it cannot start as asked. */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? UI_SERVER_DEFAULTS.host;
  const port = options.port ?? UI_SERVER_DEFAULTS.port;
  const token = options.token;
  if (!isLoopback(host) && token === undefined) {
    throw new UiServerError('UI_TOKEN_REQUIRED', `The web view on ${host} would be reachable from other machines: it needs a token (none was given), refusing to start.`, { context: { host } });
  }
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new UiServerError('UI_TOKEN_REQUIRED', `The web view's token is too short (${token.length} characters; at least ${MIN_TOKEN_LENGTH}), refusing to start.`, { context: { host } });
  }
  const assetsDir = options.assetsDir ?? defaultAssetsDir();
  const json = (value: unknown) => serialize(options.redact, value);
  const hub = new SseHub(options.model, json, {
    batchMs: options.batchMs ?? UI_SERVER_DEFAULTS.batchMs,
    keepAliveMs: options.keepAliveMs ?? UI_SERVER_DEFAULTS.keepAliveMs,
    timers: options.timers ?? systemTimers,
  });
  let actualPort = port;
  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) send(response, request, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    setSecurityHeaders(response);
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return send(response, request, 405, 'text/plain; charset=utf-8', 'read-only: GET and HEAD only\n');
    }
    if (!hostAllowed(request.headers.host, host, actualPort)) {
      return send(response, request, 421, 'text/plain; charset=utf-8', 'unexpected Host header\n');
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (token !== undefined) {
      const given = tokenOf(request, url);
      if (given === undefined || !tokensEqual(given.token, token)) {
        response.setHeader('WWW-Authenticate', 'Bearer');
        return send(response, request, 401, 'text/plain; charset=utf-8', 'This pco web view needs its token: open the URL pco printed (with ?token=...).\n');
      }
      if (given.from === 'query') {
        response.setHeader('Set-Cookie', tokenCookie(token));
        if (!url.pathname.startsWith('/api/')) {
          // The token leaves the address bar (and the history) at once; the cookie carries it on.
          url.searchParams.delete('token');
          response.setHeader('Location', `${url.pathname}${url.search}`);
          return send(response, request, 303, 'text/plain; charset=utf-8', 'see the page\n');
        }
      }
    }
    const model = options.model;
    switch (url.pathname) {
      case API_PATHS.status:
        return sendJson(response, request, json(model.status()));
      case API_PATHS.tasks:
        return sendJson(response, request, json(model.tasks()));
      case API_PATHS.events: {
        const query = eventsQuery(url);
        if (typeof query === 'string') return sendJson(response, request, json({ error: query }), 400);
        return sendJson(response, request, json(model.events(query)));
      }
      case API_PATHS.stream:
        if (method === 'HEAD') return send(response, request, 200, 'text/event-stream; charset=utf-8', '');
        return hub.open(request, response, url);
      default:
        break;
    }
    if (url.pathname.startsWith('/api/')) return sendJson(response, request, json({ error: `no such endpoint: ${url.pathname}` }), 404);
    const asset = await readAsset(assetsDir, url.pathname);
    if (asset !== undefined) {
      response.setHeader('Cache-Control', url.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      return send(response, request, 200, asset.type, asset.body);
    }
    if (!assetsBuilt(assetsDir)) return send(response, request, 503, 'text/plain; charset=utf-8', ASSETS_MISSING_MESSAGE);
    return send(response, request, 404, 'text/plain; charset=utf-8', 'not found\n');
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(new UiServerError('UI_LISTEN_FAILED', `The web view cannot listen on ${host}:${port}: ${error.code ?? error.message}.`, { cause: error, context: { host, port } }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  actualPort = typeof address === 'object' && address !== null ? address.port : port;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      hub.close();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  if (options.signal?.aborted) await close();
  else options.signal?.addEventListener('abort', () => void close(), { once: true });

  return { url: urlOf(host, actualPort), host, port: actualPort, tokenRequired: token !== undefined, close };
}

function send(response: ServerResponse, request: IncomingMessage, status: number, type: string, body: string | Buffer): void {
  response.statusCode = status;
  response.setHeader('Content-Type', type);
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.end(request.method === 'HEAD' ? undefined : body);
}

function sendJson(response: ServerResponse, request: IncomingMessage, body: string, status = 200): void {
  response.setHeader('Cache-Control', 'no-store');
  send(response, request, status, 'application/json; charset=utf-8', body);
}

/**
 * A browser tricked by DNS rebinding sends the attacker's host name: only loopback names, the
 * bound host and IP literals are served (https://en.wikipedia.org/wiki/DNS_rebinding).
 */
function hostAllowed(header: string | undefined, boundHost: string, port: number): boolean {
  if (header === undefined) return true; // HTTP/1.0 clients; browsers always send it
  const name = header.startsWith('[') ? header.slice(1, header.indexOf(']')) : header.replace(/:\d+$/, '');
  if (name.toLowerCase() === boundHost.toLowerCase() || isLoopback(name)) return true;
  // A non-loopback bind (token required) is reached by whatever name or address the user has.
  return !isLoopback(boundHost) && port > 0;
}

/** `after`, `limit`, `type`, `task` of `/api/v1/events`, or the problem as a sentence. */
function eventsQuery(url: URL): { after: number; limit: number; type?: string; task?: string } | string {
  const number = (name: string, fallback: number, max: number): number | string => {
    const text = url.searchParams.get(name);
    if (text === null || text === '') return fallback;
    if (!/^\d{1,15}$/.test(text)) return `${name}: expected a whole number, got ${JSON.stringify(text.slice(0, 40))}`;
    return Math.min(Number(text), max);
  };
  const after = number('after', 0, Number.MAX_SAFE_INTEGER);
  const limit = number('limit', 500, MAX_EVENTS_LIMIT);
  if (typeof after === 'string') return after;
  if (typeof limit === 'string') return limit;
  const type = url.searchParams.get('type');
  const task = url.searchParams.get('task');
  return { after, limit, ...(type ? { type } : {}), ...(task ? { task } : {}) };
}


