/**
 * The web view's page in a real browser (Debian's chromium, playwright-core) against a fixture
 * server: a generated 1,000-task backlog, live batches, the task panel, the token, the static
 * (embedded) mode. The page against a real run (`pco demo --ui`) is in demo-ui.test.ts.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRedactor } from '@pco/contract';
import type { Page } from 'playwright-core';
import * as v from 'valibot';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedDataSchema, type ApiTaskRow } from '../ui/api-types.js';
import { renderStaticPage } from '../ui/static-page.js';
import { browserTestsRun, chromiumForSuite, foreignRequests, WEB_DIST, watchPage, type PageWatch } from './browser.js';
import { generateBacklog } from './fixture.js';
import { startFixtureServer, type FixtureServer } from './fixture-server.js';
import { describeLoads, measureLoad, type LoadFigures } from './measure.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
/** Loads of the 1,000-task page whose median is logged. */
const LOADS = 5;

describe.skipIf(!browserTestsRun)('web view page (fixture server, chromium)', () => {
  const browser = chromiumForSuite();
  const servers: FixtureServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('the generated fixture matches the API schemas', () => {
    const data = generateBacklog({ tasks: 50 });
    expect(v.safeParse(EmbeddedDataSchema, data).issues).toBeUndefined();
    expect(new Set(data.tasks.tasks.flatMap((task) => task.dependencies.map((d) => d.origin)))).toEqual(new Set(['prose', 'section', 'label', 'blocked-by', 'sub-issue']));
  });

  it('draws a 1,000-task backlog: every node at once, then ELK\'s layout, coloured by state, the critical path outlined', async () => {
    const data = generateBacklog({ tasks: 1000 });
    const server = await startFixtureServer(data);
    servers.push(server);
    // The issue's "renders in ≤ 1 s, stays responsive": the median of several loads, logged with
    // the machine's load average, not asserted (timing depends on the machine).
    const loads: LoadFigures[] = [];
    const watches: PageWatch[] = [];
    let page: Page | undefined;
    for (let i = 0; i < LOADS; i += 1) {
      await page?.close();
      // Generous: on a loaded 2-core machine elk alone has taken 9 s here.
      const load = await measureLoad(browser(), server.url, { timeoutMs: 100_000, prepare: (opened) => watches.push(watchPage(opened)) });
      page = load.page;
      loads.push(load.figures);
    }
    if (!page) throw new Error('no load');
    console.log(describeLoads('1,000 tasks, 1,438 edges', loads));
    // Every node in the first paint: the placeholder (columns by dependency depth), then ELK's layout.
    expect(loads.every((figures) => figures.firstLayout === 'provisional' && figures.firstNodes === 1000)).toBe(true);
    const svg = page.locator('svg.graph-svg[data-ready="true"]');
    expect(await svg.getAttribute('data-layout')).toBe('elk');
    const edges = await svg.getAttribute('data-edges');

    expect(await page.locator('g.node').count()).toBe(1000);
    expect(Number(edges)).toBe(new Set(data.tasks.tasks.flatMap((t) => t.dependencies.map((d) => `${d.id}->${t.id}`))).size);
    const critical = data.tasks.criticalPath;
    expect(critical.length).toBeGreaterThan(5);
    expect(await page.locator('g.node.critical').count()).toBe(critical.length);
    expect(await page.locator('g.edge.critical').count()).toBe(critical.length - 1);
    // Every state of the fixture gets its own colour; critical nodes a thicker outline.
    const fills = new Map<string, unknown>();
    for (const state of ['done', 'pending', 'ready', 'running', 'failed', 'skipped']) {
      fills.set(state, await page.evaluate(`getComputedStyle(document.querySelector('g.node[data-state="${state}"] rect')).fill`));
    }
    expect(new Set(fills.values()).size).toBe(fills.size);
    const outline = (selector: string) => page.evaluate(`parseFloat(getComputedStyle(document.querySelector('${selector} rect')).strokeWidth)`);
    expect(await outline('g.node.critical')).toBeGreaterThan((await outline('g.node:not(.critical)')) as number);
    // Edge styles by origin: dashed prose, dotted label, solid blocked-by, double sub-issue.
    const dash = (origin: string) => page.evaluate(`getComputedStyle(document.querySelector('g.edge.o-${origin}:not(.critical) .line')).strokeDasharray`);
    expect(await dash('blocked-by')).toBe('none');
    expect(await dash('prose')).not.toBe('none');
    expect(await dash('label')).not.toBe(await dash('prose'));
    expect(await page.locator('g.edge.o-sub-issue .gap').count()).toBeGreaterThan(0);
    // Header, agents, budgets, events.
    await expect.poll(() => page.locator('[data-count="done"]').textContent()).toBe(String(data.status.run.counts.done));
    expect(await page.locator('li.slot[data-slot-state="running"]').count()).toBe(3);
    expect(await page.locator('li.budget[data-budget="codegen.create"]').textContent()).toMatch(/next slot free in \d+ s/);
    expect(await page.locator('ol.events li').count()).toBeGreaterThan(0);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}web-view-1000.png` });
    // Stays responsive: a batch recolours a node (render → next frame), a wheel zoom repaints.
    const target = data.tasks.tasks.find((task) => task.state === 'ready') as ApiTaskRow;
    server.push({ events: [], status: data.status, tasks: [{ ...target, state: 'running', attempts: 1 }], tasksReset: false });
    await expect.poll(() => page.locator(`g.node[data-id="${target.id}"]`).getAttribute('data-state')).toBe('running');
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    const recolourMs = await svg.getAttribute('data-frame-ms');
    const zoomMs = await page.evaluate(`(async () => {
      const element = document.querySelector('svg.graph-svg');
      const rect = element.getBoundingClientRect();
      const started = performance.now();
      element.dispatchEvent(new WheelEvent('wheel', { deltaY: -240, clientX: rect.left + rect.width / 2, clientY: rect.top + rect.height / 2, bubbles: true, cancelable: true }));
      // Two frames: the one that paints the zoom has ended when the second starts.
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      return Math.round(performance.now() - started);
    })()`);
    console.log(`1,000 tasks: a state change redrawn in ${recolourMs} ms (render → next frame), a wheel zoom painted in ${zoomMs} ms`);
    expect(await svg.getAttribute('data-layouts')).toBe('1');

    for (const watch of watches) {
      expect(watch.violations).toEqual([]);
      expect(watch.errors).toEqual([]);
      expect(foreignRequests(watch.requests)).toEqual([]);
    }
    await page.close();
  }, 400_000);

  it('follows the stream: a batch recolours a node without laying the graph out again; a click opens the task panel', async () => {
    const data = generateBacklog({ tasks: 60, seed: 3 });
    const server = await startFixtureServer(data);
    servers.push(server);
    const page = await browser().newPage({ viewport: { width: 1400, height: 900 } });
    const watch = watchPage(page);
    await page.goto(`${server.url}?token=fixture-view-token-123`);
    await page.locator('svg.graph-svg[data-ready="true"]').waitFor();
    // A small graph's first paint is ELK's layout (no placeholder).
    expect(await page.locator('svg.graph-svg').getAttribute('data-first-layout')).toBe('elk');
    await page.locator('.conn-open').waitFor();
    // The token went as a header on every API fetch, and left the address bar.
    const apiCalls = server.requests.filter((r) => r.path.startsWith('/api/v1/') && !r.path.startsWith('/api/v1/stream'));
    expect(apiCalls.length).toBeGreaterThanOrEqual(3);
    expect(apiCalls.every((r) => r.authorization === 'Bearer fixture-view-token-123')).toBe(true);
    expect(page.url()).not.toContain('token');
    expect(await page.locator('body').innerText()).not.toContain('fixture-view-token-123');

    const target = data.tasks.tasks.find((task) => task.state === 'running') as ApiTaskRow;
    const node = page.locator(`g.node[data-id="${target.id}"]`);
    expect(await node.getAttribute('data-state')).toBe('running');
    const done: ApiTaskRow = { ...target, state: 'done', summary: 'Finished in the stream.', pullRequests: [{ url: 'http://127.0.0.1:9/acme/app/pull/77', number: 77 }] };
    const seq = (data.events.at(-1)?.seq ?? 0) + 1;
    server.push({
      events: [{ seq, at: data.status.run.now + 1000, type: 'task:done', taskId: target.id, message: `${target.id} done` }],
      status: { ...data.status, run: { ...data.status.run, counts: { ...data.status.run.counts, running: data.status.run.counts.running - 1, done: data.status.run.counts.done + 1 } } },
      tasks: [done],
      tasksReset: false,
    });
    await expect.poll(() => node.getAttribute('data-state')).toBe('done');
    expect(await page.locator('svg.graph-svg').getAttribute('data-layouts')).toBe('1');

    // A state this page does not know (a newer server) is drawn in the neutral colour.
    const other = data.tasks.tasks.find((task) => task.state === 'pending') as ApiTaskRow;
    server.push({ events: [], status: data.status, tasks: [{ ...other, state: 'parked-by-user' as ApiTaskRow['state'] }], tasksReset: false });
    const fill = (selector: string) => page.evaluate(`getComputedStyle(document.querySelector('${selector}')).fill`);
    await expect.poll(() => fill(`g.node[data-id="${other.id}"] rect`)).toBe('rgb(203, 213, 225)');
    expect(await fill(`g.node[data-id="${target.id}"] rect`)).not.toBe('rgb(203, 213, 225)');
    await expect.poll(() => page.locator('ol.events li[data-type="task:done"]').first().textContent()).toContain(target.id);

    await node.click();
    const panel = page.locator(`aside.task-panel[data-task="${target.id}"]`);
    await panel.waitFor();
    expect(await panel.textContent()).toContain('Finished in the stream.');
    expect(await panel.locator('a[href="http://127.0.0.1:9/acme/app/pull/77"]').count()).toBe(1);
    expect(await panel.locator('li[data-dependency]').count()).toBe(target.dependencies.length);
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });

    // The event log filters by text.
    await page.locator('section.log input[aria-label="text filter"]').first().fill(target.id);
    await expect.poll(async () => (await page.locator('section.log ol.events li').allTextContents()).every((text) => text.includes(target.id))).toBe(true);
    expect(watch.violations).toEqual([]);
    expect(foreignRequests(watch.requests)).toEqual([]);
    await page.close();
  });

  it('a static page reads its embedded data and requests no API', async () => {
    const data = generateBacklog({ tasks: 40, seed: 11 });
    const server = await startFixtureServer(data, { embed: true });
    servers.push(server);
    const page = await browser().newPage();
    const watch = watchPage(page);
    await page.goto(server.url);
    await page.locator('svg.graph-svg[data-ready="true"]').waitFor();
    expect(await page.locator('g.node').count()).toBe(40);
    expect(await page.locator('.conn').textContent()).toBe('snapshot');
    expect(server.requests.filter((r) => r.path.startsWith('/api/'))).toEqual([]);
    expect(watch.violations).toEqual([]);
    await page.close();
  });

  it('a self-contained page (pco plan --html) opened from disk lays out in the page, under its own CSP, with no request', async () => {
    const data = generateBacklog({ tasks: 80, seed: 5 });
    const dir = mkdtempSync(path.join(tmpdir(), 'pco-static-'));
    const file = path.join(dir, 'plan.html');
    writeFileSync(file, await renderStaticPage(data, { assetsDir: WEB_DIST, redact: createRedactor([]) }));
    const page = await browser().newPage();
    const watch = watchPage(page);
    await page.goto(pathToFileURL(file).href);
    await page.locator('svg.graph-svg[data-ready="true"]').waitFor();
    expect(await page.locator('g.node').count()).toBe(80);
    expect(await page.locator('g.node.critical').count()).toBe(data.tasks.criticalPath.length);
    expect(watch.requests.filter((url) => url !== pathToFileURL(file).href)).toEqual([]);
    expect(watch.violations).toEqual([]);
    expect(watch.errors).toEqual([]);
    await page.close();
  });
});
