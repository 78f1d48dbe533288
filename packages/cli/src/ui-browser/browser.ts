/**
 * Chromium for the page's browser tests: Debian's chromium (no browser download) driven by
 * playwright-core. Without it the tests are skipped with one line saying how to run them; under
 * `CI=true` they run regardless (and fail without chromium: .ci/run installs it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type ConsoleMessage, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/** Where Debian's package puts it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Whether the browser tests run here. */
export const browserTestsRun = existsSync(CHROMIUM_PATH) || process.env.CI === 'true';

/** The one line a machine without chromium gets (print it from one test file only). */
export const SKIP_LINE = `browser tests of the web view skipped: no ${CHROMIUM_PATH}; run \`apt-get install chromium\` (Debian) to run them`;

/** The @pco/cli package folder and its built page. */
export const CLI_PACKAGE = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIST = path.join(CLI_PACKAGE, 'dist/web');

/** Builds the page (Vite) when a checkout has not been built yet; CI has built it already. */
export function ensurePageBuilt(): void {
  if (existsSync(path.join(WEB_DIST, 'index.html'))) return;
  const vite = fileURLToPath(new URL('../../../../node_modules/vite/bin/vite.js', import.meta.url));
  execFileSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts'], { cwd: CLI_PACKAGE, stdio: 'ignore' });
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Root in a container needs --no-sandbox; no background requests to Google's services.
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * One Chromium for the calling suite: its hooks build the page if needed and launch the browser
 * before the suite's tests, and close it after them. Returns the browser (valid in the tests).
 */
export function chromiumForSuite(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    ensurePageBuilt();
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('chromiumForSuite(): the browser is used before the suite started it');
    return browser;
  };
}

/** What a page did that the tests check: every request URL, CSP violations, errors. */
export interface PageWatch {
  readonly requests: string[];
  readonly violations: string[];
  readonly errors: string[];
}

export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { requests: [], violations: [], errors: [] };
  page.on('request', (request: Request) => watch.requests.push(request.url()));
  page.on('console', (message: ConsoleMessage) => {
    const text = message.text();
    if (/Content Security Policy|Refused to/i.test(text)) watch.violations.push(text);
    else if (message.type() === 'error') watch.errors.push(text);
  });
  page.on('pageerror', (error) => watch.errors.push(String(error)));
  return watch;
}

/** Requests that went anywhere but 127.0.0.1 (data: and about: are not requests that leave). */
export function foreignRequests(urls: readonly string[]): string[] {
  return urls.filter((url) => {
    const parsed = new URL(url);
    if (parsed.protocol === 'data:' || parsed.protocol === 'about:' || parsed.protocol === 'blob:') return false;
    return parsed.hostname !== '127.0.0.1';
  });
}
