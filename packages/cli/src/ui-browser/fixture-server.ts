/**
 * A stand-in for the view's server, for the page's browser tests without a run: serves the built
 * page (packages/cli/dist/web) under the same Content-Security-Policy, answers the JSON API from a
 * fixture, streams batches the test pushes, and records every request (path and Authorization).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { EmbeddedData, StreamBatch } from '../ui/api-types.js';
import { CONTENT_SECURITY_POLICY } from '../ui/security-headers.js';
import { WEB_DIST } from './browser.js';

/** The policy the real server sends. */
const FIXTURE_CSP = CONTENT_SECURITY_POLICY;

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

export interface FixtureServer {
  readonly url: string;
  readonly requests: { readonly path: string; readonly authorization?: string }[];
  /** Sends one `event: batch` to every open stream. */
  push(batch: StreamBatch): void;
  close(): Promise<void>;
}

export interface FixtureServerOptions {
  /** index.html carries the data instead (a static page). @default false */
  readonly embed?: boolean;
  /** The built page to serve (another build, to compare). @default WEB_DIST */
  readonly assetsDir?: string;
}

/** Serves `data` as the API; with `embed`, index.html carries it instead (a static page). */
export async function startFixtureServer(data: EmbeddedData, options: FixtureServerOptions = {}): Promise<FixtureServer> {
  const assetsDir = options.assetsDir ?? WEB_DIST;
  const streams = new Set<ServerResponse>();
  const requests: { path: string; authorization?: string }[] = [];
  const json = (response: ServerResponse, body: unknown) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-security-policy': FIXTURE_CSP });
    response.end(JSON.stringify(body));
  };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: url.pathname + url.search, ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}) });
    if (url.pathname === '/api/v1/status') return json(response, data.status);
    if (url.pathname === '/api/v1/tasks') return json(response, data.tasks);
    if (url.pathname === '/api/v1/events') {
      const after = Number(url.searchParams.get('after') ?? 0);
      const events = data.events.filter((event) => event.seq > after);
      return json(response, { events, next: events.at(-1)?.seq ?? after, oldest: data.events[0]?.seq ?? 0 });
    }
    if (url.pathname === '/api/v1/stream') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'content-security-policy': FIXTURE_CSP });
      response.write(': open\n\n');
      streams.add(response);
      request.on('close', () => streams.delete(response));
      return;
    }
    const file = path.join(assetsDir, url.pathname === '/' ? 'index.html' : path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
    readFile(file).then(
      (body) => {
        let out: Buffer | string = body;
        if (options.embed && file.endsWith('index.html')) {
          // `<` escaped as in the real server: the JSON cannot close the script element.
          const payload = JSON.stringify(data).replace(/</g, '\\u003c');
          out = body.toString('utf8').replace('</head>', `<script type="application/json" id="pco-data">${payload}</script></head>`);
        }
        response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-security-policy': FIXTURE_CSP, 'x-content-type-options': 'nosniff' });
        response.end(out);
      },
      () => {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found');
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    push(batch) {
      const last = batch.events.at(-1)?.seq;
      for (const stream of streams) stream.write(`event: batch\n${last !== undefined ? `id: ${last}\n` : ''}data: ${JSON.stringify(batch)}\n\n`);
    },
    async close() {
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
