/**
 * `pco ui --journal` in chromium: a journal written by `pco run`'s pipeline, with the task list
 * beside it, is drawn as the run's real graph (titles, dependency edges, critical path); without
 * the list the page says why it shows ids only. The server runs in-process (task-list.fixture.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { taskListPath } from '../ui/task-list-file.js';
import { runInto, serveJournal } from '../ui/task-list.fixture.js';
import { browserTestsRun, chromiumForSuite, foreignRequests, watchPage } from './browser.js';

describe.skipIf(!browserTestsRun)('web view of `pco ui --journal` (chromium)', () => {
  const browser = chromiumForSuite();

  it('draws the run from its journal and task list; says so when the list is missing', async () => {
    const { journal } = await runInto(await mkdtemp(path.join(tmpdir(), 'pco-ui-journal-')));
    await serveJournal(journal, async (url) => {
      const page = await browser().newPage();
      const watch = watchPage(page);
      await page.goto(url);
      const svg = page.locator('svg.graph-svg[data-ready="true"]');
      await svg.waitFor({ timeout: 60_000 });
      expect(await page.locator('g.node').count()).toBe(6);
      // o/r#1→2, 1→3, 2→4, 3→4, 4→5, 2→6: the run's edges, with where they came from.
      expect(await svg.getAttribute('data-edges')).toBe('6');
      expect(await page.locator('svg.graph-svg g.edge.o-blocked-by').count()).toBe(1);
      expect(await page.locator('g.node[data-id="o/r#6"] title').textContent()).toContain('Found by the agent');
      expect(await page.locator('g.node[data-id="o/r#4"]').getAttribute('data-state')).toBe('failed');
      expect(await page.locator('g.node.critical').count()).toBe(4);
      expect(await page.locator('.banner.notice').count()).toBe(0);
      expect(watch.violations).toEqual([]);
      expect(watch.errors).toEqual([]);
      expect(foreignRequests(watch.requests)).toEqual([]);
      await page.close();
    });

    await rm(taskListPath(journal));
    await serveJournal(journal, async (url) => {
      const page = await browser().newPage();
      await page.goto(url);
      await page.locator('svg.graph-svg[data-ready="true"]').waitFor({ timeout: 60_000 });
      expect(await page.locator('.banner.notice').textContent()).toMatch(/^No task list beside the journal \(journal\.jsonl\.view\.json\)/);
      expect(await page.locator('svg.graph-svg g.edge').count()).toBe(0);
      expect(await page.locator('svg.graph-svg g.node').count()).toBe(6);
      await page.close();
    });
  }, 120_000);
});
