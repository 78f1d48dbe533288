/**
 * The web view against a real run: `pco demo --ui 127.0.0.1:0` as a subprocess (the CLI from its
 * sources through tsx, the page from packages/cli/dist/web), driven in Debian's chromium: the
 * graph appears, states change as the run goes, the critical path is highlighted, a task panel
 * opens; no secret in the page or any API response, no request leaves 127.0.0.1, no CSP
 * violation. A screenshot is kept in packages/cli/test-artifacts/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as v from 'valibot';
import { afterAll, describe, expect, it } from 'vitest';
import { EventsResponseSchema, StatusResponseSchema, TasksResponseSchema, type TasksResponse } from '../ui/api-types.js';
import { browserTestsRun, chromiumForSuite, CLI_PACKAGE, foreignRequests, SKIP_LINE, watchPage } from './browser.js';

const ROOT = path.resolve(CLI_PACKAGE, '../..');
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const ARTIFACTS = path.join(CLI_PACKAGE, 'test-artifacts');
/** The demo's credentials (src/demo/demo-environment.ts): they must never reach the page. */
const SECRETS = ['demo-github-token-0000', 'demo-codegen-token-0000'];

if (!browserTestsRun) console.warn(SKIP_LINE);

/** Starts `pco demo --ui 127.0.0.1:0` and resolves with the URL it prints. */
function startDemoUi(args: readonly string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--conditions=@pco/source', '--import', TSX, path.join(CLI_PACKAGE, 'src/cli.ts'), 'demo', '--ui', '127.0.0.1:0', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /^pco ui: (http:\/\/127\.0\.0\.1:\d+\/)\S*$/m.exec(output);
      if (match?.[1]) resolve({ child, url: match[1], output: () => output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`pco demo --ui exited ${code} before printing its URL:\n${output}`)));
  });
}

describe.skipIf(!browserTestsRun)('web view of `pco demo --ui` (chromium)', () => {
  const browser = chromiumForSuite();
  let demo: Awaited<ReturnType<typeof startDemoUi>> | undefined;
  afterAll(async () => {
    if (demo && demo.child.exitCode === null) {
      const exited = new Promise((resolve) => demo?.child.once('exit', resolve));
      demo.child.kill('SIGINT');
      await exited;
    }
  });

  it('shows the run live: graph, state changes, critical path, task panel; no secret, no foreign request, no CSP violation', async () => {
    // Half the default speed (240×): the run takes ≈ 20 s, so the page sees tasks run, then finish.
    demo = await startDemoUi(['--speed', '120']);
    const page = await browser().newPage({ viewport: { width: 1440, height: 900 } });
    const watch = watchPage(page);
    const apiBodies: string[] = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname.startsWith('/api/') && url.pathname !== '/api/v1/stream') void response.text().then((text) => apiBodies.push(text), () => undefined);
    });
    await page.goto(demo.url);
    const svg = page.locator('svg.graph-svg[data-ready="true"]');
    await svg.waitFor({ timeout: 30_000 });

    // Watch the states while the run goes: some task is seen running, and later done.
    const seen = new Map<string, Set<string>>();
    mkdirSync(ARTIFACTS, { recursive: true });
    let midRun = false;
    const sample = async () => {
      if (!midRun && (await page.locator('li.slot[data-slot-state="running"]').count()) >= 3) {
        midRun = true;
        await page.screenshot({ path: path.join(ARTIFACTS, 'web-view-demo-running.png') });
      }
      for (const [id, state] of await page.locator('g.node').evaluateAll((nodes) => nodes.map((n) => [n.getAttribute('data-id'), n.getAttribute('data-state')]))) {
        if (!id || !state) continue;
        if (!seen.has(id)) seen.set(id, new Set());
        seen.get(id)?.add(state);
      }
    };
    await expect
      .poll(
        async () => {
          await sample();
          return page.locator('[data-phase]').getAttribute('data-phase');
        },
        { timeout: 90_000, interval: 100 },
      )
      .toBe('finished');
    await sample();
    const changed = [...seen].filter(([, states]) => states.has('running') && states.has('done'));
    expect(changed.length).toBeGreaterThan(0);
    expect(await page.locator('g.node[data-state="done"]').count()).toBeGreaterThan(10);
    expect(await page.locator('g.node[data-state="failed"]').count()).toBe(2);

    // The critical path as the API names it is outlined.
    const tasks = (await (await fetch(new URL('api/v1/tasks', demo.url))).json()) as TasksResponse;
    expect(v.safeParse(TasksResponseSchema, tasks).issues).toBeUndefined();
    expect(tasks.criticalPath.length).toBeGreaterThan(1);
    expect(await page.locator('g.node.critical').count()).toBe(tasks.criticalPath.length);
    expect(await page.locator('g.edge.critical').count()).toBe(tasks.criticalPath.length - 1);

    // A click on a node opens its panel.
    const first = tasks.criticalPath[0] as string;
    await page.locator(`g.node[data-id="${first}"]`).click();
    const panel = page.locator(`aside.task-panel[data-task="${first}"]`);
    await panel.waitFor();
    expect(await panel.textContent()).toContain(first);

    await page.screenshot({ path: path.join(ARTIFACTS, 'web-view-demo.png') });

    // Nothing secret anywhere: the page, what the API answered it, and the API read directly.
    const direct = await Promise.all(['api/v1/status', 'api/v1/tasks', 'api/v1/events?after=0'].map(async (p) => (await fetch(new URL(p, demo?.url))).text()));
    expect(v.safeParse(StatusResponseSchema, JSON.parse(direct[0] as string)).issues).toBeUndefined();
    expect(v.safeParse(EventsResponseSchema, JSON.parse(direct[2] as string)).issues).toBeUndefined();
    // The stream's first batch carries every task (`tasksReset`): read it for a second.
    const stream = await fetch(new URL('api/v1/stream', demo.url), { signal: AbortSignal.timeout(1000) });
    let streamed = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) streamed += decoder.decode(chunk, { stream: true });
    } catch {
      // the timeout ends the read
    }
    expect(streamed).toContain('event: batch');
    const everything = [await page.content(), await page.locator('body').innerText(), ...apiBodies, ...direct, streamed, demo.output()].join('\n');
    expect(apiBodies.length).toBeGreaterThanOrEqual(3);
    for (const secret of SECRETS) expect(everything).not.toContain(secret);

    expect(foreignRequests(watch.requests)).toEqual([]);
    expect(watch.violations).toEqual([]);
    expect(watch.errors).toEqual([]);
    await page.close();
  }, 180_000);
});
