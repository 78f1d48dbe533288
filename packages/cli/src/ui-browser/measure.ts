/**
 * The render figures of the "usable on a 1,000-task backlog (renders in ≤ 1 s, stays
 * responsive)", read from a page load in chromium: logged by the tests, never asserted (timing
 * depends on the machine and its load). The page writes them on its `<svg>` (graph-view.tsx).
 */
import { availableParallelism, loadavg } from 'node:os';
import type { Browser, Page } from 'playwright-core';

/** One load of the page, in ms. */
export interface LoadFigures {
  /** Since navigation: every node drawn (the placeholder of a large graph, else ELK's layout). */
  readonly firstPaintAt: number;
  /** What the first paint showed: `provisional` or `elk`. */
  readonly firstLayout: string;
  /** Nodes in the first paint. */
  readonly firstNodes: number;
  /** Since navigation: ELK's layout drawn, edges and all. */
  readonly elkAt: number;
  /** ELK alone, in its worker. */
  readonly layoutMs: number;
  /** Drawing ELK's layout (layout received → committed). */
  readonly renderMs: number;
}

/** Loads `url` in a new page (`prepare` sees it first) and waits for ELK's layout; the page is returned open. */
export async function measureLoad(browser: Browser, url: string, options: { readonly timeoutMs: number; readonly prepare?: (page: Page) => void }): Promise<{ page: Page; figures: LoadFigures }> {
  const timeoutMs = options.timeoutMs;
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  options.prepare?.(page);
  await page.goto(url);
  const svg = page.locator('svg.graph-svg[data-ready="true"]');
  await svg.waitFor({ timeout: timeoutMs });
  // A page that does not write a figure (an older build) gets the moment the test saw it ready.
  const seen = (await page.evaluate('performance.now()')) as number;
  const read = async (name: string, fallback: number) => {
    const value = await svg.getAttribute(name);
    return value === null ? fallback : Number(value);
  };
  const elkAt = await read('data-elk-at', seen);
  const figures: LoadFigures = {
    firstPaintAt: await read('data-painted-at', elkAt),
    firstLayout: (await svg.getAttribute('data-first-layout')) ?? 'elk',
    firstNodes: await read('data-first-nodes', await read('data-nodes', 0)),
    elkAt,
    layoutMs: await read('data-layout-ms', Number.NaN),
    renderMs: await read('data-render-ms', Number.NaN),
  };
  return { page, figures };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** One line: the medians of `loads`, their spread and the machine's load average. */
export function describeLoads(label: string, loads: readonly LoadFigures[]): string {
  const m = (pick: (f: LoadFigures) => number) => Math.round(median(loads.map(pick)));
  const range = (pick: (f: LoadFigures) => number) => `${Math.round(Math.min(...loads.map(pick)))}–${Math.round(Math.max(...loads.map(pick)))}`;
  const [one, five] = loadavg();
  return (
    `${label}: median of ${loads.length} loads: every node drawn ${m((f) => f.firstPaintAt)} ms after navigation (${range((f) => f.firstPaintAt)}; ${loads[0]?.firstLayout ?? '?'} first), ` +
    `ELK's layout drawn ${m((f) => f.elkAt)} ms (${range((f) => f.elkAt)}; elk ${m((f) => f.layoutMs)} ms in its worker, drawing ${m((f) => f.renderMs)} ms); ` +
    `load average ${one?.toFixed(2)} (1 min), ${five?.toFixed(2)} (5 min) on ${availableParallelism()} cores`
  );
}

