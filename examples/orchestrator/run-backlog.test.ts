import { describe, expect, it } from 'vitest';
import { runBacklog } from './run-backlog.js';

describe('examples/orchestrator/run-backlog', () => {
  it('runs the JSON backlog with the command executor: a retry, a failure that skips its dependent, CSV out', async () => {
    const lines: string[] = [];
    const summary = await runBacklog((line) => lines.push(line));
    const state = Object.fromEntries(summary.results.map((r) => [r.id, `${r.state}/${r.attempts}`]));
    expect(state).toEqual({
      lint: 'done/1',
      build: 'done/1',
      'flaky-test': 'done/2',
      docs: 'failed/1',
      'publish-docs': 'skipped/0',
      release: 'done/1',
      untitled: 'skipped/0',
    });
    const out = lines.join('\n');
    expect(out).toMatch(/retry {3}flaky-test in \d+ ms: exit code 75: port busy/);
    expect(out).toContain('skipped publish-docs: Dependency docs failed.');
    expect(out).toContain('skipped untitled: untitled has no title');
    expect(out).toContain('done    release: v1.0.0');
    expect(out).toContain('id,state,attempts,agent,runId,webUrl,pullRequests,summary,error,skippedBecause,startedAt,endedAt,durationMs');
    expect(out).toMatch(/docs,failed,1,agent-\d,,,,,exit code 1: broken link,,/);
  });
});
