import { expect, it } from 'vitest';
import { main } from './watch-runs.js';

it('the watch-runs example runs every task to its end against the fake', async () => {
  const lines: string[] = [];
  const summary = await main((line) => lines.push(line));
  expect(summary.runs.map((r) => r.status)).toEqual(['COMPLETE', 'COMPLETE', 'ERROR', 'COMPLETE', 'PAUSED']);
  expect(summary.runs.map((r) => r.prs.length)).toEqual([1, 1, 0, 2, 0]);
  expect(summary.rateLimited).toBe(0);
  expect(summary.statusChanges).toBeGreaterThanOrEqual(5);
  expect(lines.some((line) => /run \d+ ended COMPLETE: https:\/\/github\.com\/acme\/app\/pull\/\d+/.test(line))).toBe(true);
});
