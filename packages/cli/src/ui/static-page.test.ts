import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRedactor } from '@pco/contract';
import { sampleBacklogFixture, startFakeGitHub, type FakeGitHub } from '@pco/testkit/github';
import { rejectionOf } from '@pco/testkit/helpers';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/index.js';
import { createGitHubClientFor, createTaskSource } from '../cli/pipeline.js';
import { EmbeddedDataSchema } from './api-types.js';
import { UiServerError } from './errors.js';
import { writePlanHtml } from './plan-html.js';
import { embeddedData, renderStaticPage } from './static-page.js';
import { planViewModel, embeddedDataOf } from './plan-html.js';

const GH_TOKEN = 'ghp_staticPageTestToken0123456789abcdef';
const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('pco plan --html: one self-contained page', () => {
  let github: FakeGitHub;
  let dir: string;
  let assets: string;

  beforeAll(async () => {
    github = await startFakeGitHub(sampleBacklogFixture(), { token: GH_TOKEN });
    dir = await mkdtemp(path.join(tmpdir(), 'pco-plan-html-'));
    assets = path.join(dir, 'web');
    await mkdir(path.join(assets, 'assets'), { recursive: true });
    await writeFile(
      path.join(assets, 'index.html'),
      '<!doctype html><html><head><meta charset="utf-8"><link rel="modulepreload" href="/assets/dep.js"><link rel="pco-layout-engine" href="./assets/engine.js"><script type="module" crossorigin src="/assets/app.js"></script><link rel="stylesheet" crossorigin href="/assets/app.css"></head><body><div id="app"></div></body></html>',
    );
    await writeFile(path.join(assets, 'assets', 'app.js'), 'document.getElementById("app").textContent = "pco";');
    await writeFile(path.join(assets, 'assets', 'app.css'), 'body { color: #333 }');
    await writeFile(path.join(assets, 'assets', 'engine.js'), 'globalThis.engine = 1;');
  });
  afterAll(() => github.close());

  it('embeds the plan (validating against the schema) and inlines the page under a hash-only CSP', async () => {
    const parsed = parseConfigText(`github:\n  token: \${GH_TOKEN}\n  baseUrl: ${github.url}\n  repos: [acme/shop]\nagent:\n  maxConcurrentAgents: 3\n`, { env: { GH_TOKEN } });
    if (!parsed.ok) throw new Error('config');
    const tasks = await createTaskSource(parsed.config, createGitHubClientFor(parsed.config)).load();
    const file = path.join(dir, 'out', 'plan.html');
    await writePlanHtml(file, tasks, { workers: 3, redact: createRedactor([GH_TOKEN]), assetsDir: assets, now: 1_800_000_000_000 });
    const html = await readFile(file, 'utf8');

    const data = v.parse(EmbeddedDataSchema, embeddedData(html));
    expect(data.status.run).toMatchObject({ phase: 'plan', concurrency: 3, counts: { pending: 23, total: 23 } });
    expect(data.tasks.criticalPath).toEqual(['acme/shop#1', 'acme/shop#2', 'acme/shop#3', 'acme/shop#4', 'acme/shop#21', 'acme/shop#22', 'acme/shop#23']);
    const origins = new Set(data.tasks.tasks.flatMap((t) => t.dependencies.map((d) => d.origin)));
    // The sample backlog has prose, label, blocked-by and sub-issue dependencies (github-source records which).
    for (const origin of ['prose', 'label', 'blocked-by', 'sub-issue'] as const) expect(origins).toContain(origin);
    expect(origins).not.toContain('unknown');
    expect(data.events.some((e) => e.type === 'plan:skip' && e.taskId === 'acme/shop#15')).toBe(true);

    expect(html).not.toContain('src="/assets');
    expect(html).not.toContain('modulepreload');
    expect(html).toContain('<script type="module">document.getElementById("app").textContent = "pco";</script>');
    expect(html).toContain('<style>body { color: #333 }</style>');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    expect(csp).toContain(`script-src ${sha('document.getElementById("app").textContent = "pco";')}`);
    expect(csp).toContain(`style-src ${sha('body { color: #333 }')}`);
    // The layout engine, which a live page only names (its worker loads it), runs in this page.
    expect(html).toContain('<script>globalThis.engine = 1;</script>');
    expect(html).not.toContain('pco-layout-engine');
    expect(csp).toContain(sha('globalThis.engine = 1;'));
    expect(html.indexOf('globalThis.engine')).toBeLessThan(html.indexOf('<script type="module">'));
    expect(csp).toContain("connect-src 'none'");
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script type="module">'));
    expect(html).not.toContain(GH_TOKEN);
  });

  it('keeps embedded text from closing its script element, and redacts it', async () => {
    const model = planViewModel([{ id: 'x#1', title: '</script><script>alert(1)</script> s3cret-value-1234' }], 1, 0);
    const html = await renderStaticPage(embeddedDataOf(model), { assetsDir: assets, redact: createRedactor(['s3cret-value-1234']) });
    expect(html).not.toContain('</script><script>alert(1)');
    const data = v.parse(EmbeddedDataSchema, embeddedData(html));
    expect(data.tasks.tasks[0]!.title).toBe('</script><script>alert(1)</script> [REDACTED]');
  });

  it('says how to build the page when it is not built', async () => {
    const model = planViewModel([], 1, 0);
    const error = await rejectionOf(renderStaticPage(embeddedDataOf(model), { assetsDir: path.join(dir, 'none'), redact: createRedactor() }), UiServerError);
    expect(error.code).toBe('UI_PAGE_NOT_BUILT');
    expect(error.message).toMatch(/npm run build -w @pco\/cli/);
  });
});
