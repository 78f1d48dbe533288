import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRedactor } from '@pco/contract';
import { rejectionOf } from '@pco/testkit/helpers';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventsResponseSchema, StatusResponseSchema, TasksResponseSchema } from './api-types.js';
import { ASSETS_MISSING_MESSAGE } from './assets.js';
import { UiServerError } from './errors.js';
import { startUiServer, type UiServer } from './http-server.js';
import { runScenario, SECRET } from './run.fixture.js';
import { CONTENT_SECURITY_POLICY } from './security-headers.js';
import { RunViewModel } from './view-model.js';

describe('the web view server over HTTP', () => {
  let server: UiServer;
  let assets: string;

  beforeAll(async () => {
    const { model, redact } = await runScenario();
    assets = await mkdtemp(path.join(tmpdir(), 'pco-ui-assets-'));
    await mkdir(path.join(assets, 'assets'));
    await writeFile(path.join(assets, 'index.html'), '<!doctype html><title>pco</title><script type="module" src="/assets/app.js"></script>');
    await writeFile(path.join(assets, 'assets', 'app.js'), 'console.log("pco")');
    server = await startUiServer({ model, redact, port: 0, assetsDir: assets });
  });
  afterAll(() => server.close());

  const get = (route: string, init?: RequestInit) => fetch(new URL(route, server.url), { redirect: 'manual', ...init });

  it('serves status, tasks and events in the documented shapes', async () => {
    const status = v.parse(StatusResponseSchema, await (await get('/api/v1/status')).json());
    expect(status.run).toMatchObject({ phase: 'finished', concurrency: 2, counts: { done: 3, failed: 1, skipped: 1, total: 5 } });
    expect(status.slots.map((s) => s.state)).toEqual(['idle', 'idle']);
    expect(status.budgets).toEqual([{ name: 'codegen.create', limit: 10, remaining: 9, windowMs: 60_500, waiting: 0 }]);

    const tasks = v.parse(TasksResponseSchema, await (await get('/api/v1/tasks')).json());
    expect(tasks.criticalPath).toEqual(['o/r#1', 'o/r#2', 'o/r#4', 'o/r#5']);
    const byId = new Map(tasks.tasks.map((t) => [t.id, t]));
    expect(byId.get('o/r#4')!.dependencies).toEqual([
      { id: 'o/r#2', origin: 'blocked-by' },
      { id: 'o/r#3', origin: 'label' },
    ]);
    expect(byId.get('o/r#2')!.dependencies).toEqual([{ id: 'o/r#1', origin: 'prose' }]);
    expect(byId.get('o/r#5')!.dependencies).toEqual([{ id: 'o/r#4', origin: 'unknown' }]);
    expect(byId.get('o/r#3')).toMatchObject({ state: 'done', attempts: 2, critical: false, runId: 1003, webUrl: 'https://codegen.com/agent/trace/3' });
    expect(byId.get('o/r#5')).toMatchObject({ state: 'skipped', skipReason: 'dependency-failed', skippedBecause: 'o/r#4' });
    // #4 and #5 have no estimate: each counts as the typical one (the median of 2 and 3).
    expect(byId.get('o/r#1')).toMatchObject({ critical: true, priority: 2 + 3 + 2.5 + 2.5, pullRequests: [{ url: 'https://github.com/o/r/pull/1' }] });

    const all = v.parse(EventsResponseSchema, await (await get('/api/v1/events')).json());
    expect(all.events[0]).toMatchObject({ seq: 1, type: 'run:start' });
    expect(all.events.at(-1)).toMatchObject({ type: 'run:end' });
    const page = v.parse(EventsResponseSchema, await (await get('/api/v1/events?after=2&limit=3')).json());
    expect(page.events.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(page.next).toBe(5);
    const retries = v.parse(EventsResponseSchema, await (await get('/api/v1/events?type=task:retry&task=o/r%233')).json());
    expect(retries.events).toHaveLength(1);
    expect(retries.events[0]!.message).toMatch(/429/);
    expect((await get('/api/v1/events?limit=lots')).status).toBe(400);
  });

  it('never sends a secret: not in titles, errors or event messages', async () => {
    const bodies = await Promise.all(['/api/v1/status', '/api/v1/tasks', '/api/v1/events?limit=5000'].map(async (route) => (await get(route)).text()));
    const tasks = JSON.parse(bodies[1]!) as { tasks: { id: string; title: string; error?: string }[] };
    const broken = tasks.tasks.find((t) => t.id === 'o/r#4')!;
    expect(broken.title).toBe('Broken (token [REDACTED])');
    expect(broken.error).toContain('[REDACTED]');
    expect(bodies[2]).toContain('failed: push refused');
    for (const body of bodies) expect(body).not.toContain(SECRET);
  });

  it('answers every response with the strict CSP and nosniff, and no CORS header', async () => {
    for (const route of ['/', '/assets/app.js', '/api/v1/status', '/nope']) {
      const response = await get(route, { headers: { Origin: 'https://evil.example' } });
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    const page = await get('/');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('/assets/app.js');
    expect((await get('/assets/app.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('is read-only: 405 for anything but GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const response = await get('/api/v1/status', { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
    }
    const head = await get('/api/v1/tasks', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses other Host names (DNS rebinding), folders outside the assets, unknown endpoints', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      http.get(new URL('/api/v1/status', server.url), { headers: { Host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(status).toBe(421);
    expect((await get('/%2e%2e/%2e%2e/package.json')).status).toBe(404);
    expect((await get('/api/v1/nothing')).status).toBe(404);
  });
});

describe('the web view server: access', () => {
  const model = new RunViewModel();
  const redact = createRedactor();
  const token = 'a-long-enough-test-token-0123456789';

  it('refuses a non-loopback bind without a token, and a short token', async () => {
    const refused = await rejectionOf(startUiServer({ model, redact, host: '0.0.0.0', port: 0 }), UiServerError);
    expect(refused.code).toBe('UI_TOKEN_REQUIRED');
    expect(refused.message).toMatch(/needs a token/);
    expect((await rejectionOf(startUiServer({ model, redact, port: 0, token: 'short' }), UiServerError)).code).toBe('UI_TOKEN_REQUIRED');
  });

  it('requires the token by header, query or cookie, and moves a query token into a cookie', async () => {
    const server = await startUiServer({ model, redact, host: '0.0.0.0', port: 0, token });
    try {
      const url = (route: string) => new URL(route, `http://127.0.0.1:${server.port}`);
      expect(server.tokenRequired).toBe(true);
      expect((await fetch(url('/api/v1/status'))).status).toBe(401);
      expect((await fetch(url('/api/v1/status'), { headers: { Authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(401);
      expect((await fetch(url('/api/v1/status'), { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await fetch(url(`/api/v1/status?token=${token}`))).status).toBe(200);
      const page = await fetch(url(`/?token=${token}&x=1`), { redirect: 'manual' });
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe('/?x=1');
      const cookie = page.headers.get('set-cookie')!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      const withCookie = await fetch(url('/api/v1/tasks'), { headers: { Cookie: cookie.split(';')[0]! } });
      expect(withCookie.status).toBe(200);
      expect(await withCookie.text()).not.toContain(token);
    } finally {
      await server.close();
    }
  });

  it('says how to build the page when its files are missing; the API still works', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'pco-ui-empty-'));
    const server = await startUiServer({ model, redact, port: 0, assetsDir: empty });
    try {
      const page = await fetch(server.url);
      expect(page.status).toBe(503);
      expect(await page.text()).toBe(ASSETS_MISSING_MESSAGE);
      expect((await fetch(new URL('/api/v1/status', server.url))).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('closes when its signal aborts', async () => {
    const controller = new AbortController();
    const server = await startUiServer({ model, redact, port: 0, signal: controller.signal });
    expect((await fetch(new URL('/api/v1/status', server.url))).status).toBe(200);
    controller.abort();
    await server.close();
    await expect(fetch(new URL('/api/v1/status', server.url))).rejects.toThrow();
  });
});
