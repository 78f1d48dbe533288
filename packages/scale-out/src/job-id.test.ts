import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { jobIdOf, queueNameOf } from './job-id.js';

describe('job ids', () => {
  it('are readable for ordinary ids', () => {
    expect(jobIdOf('acme/app', 'acme/app#12', 1)).toBe('acme%2Fapp.acme%2Fapp%2312.a1');
    expect(queueNameOf(42)).toBe('agent-runs-42');
  });

  test.prop([fc.string(), fc.string(), fc.integer({ min: 1, max: 1000 })])('never hold ":" nor only digits, and name one attempt', (backlog, task, attempt) => {
    const id = jobIdOf(backlog, task, attempt);
    expect(id).not.toContain(':');
    expect(id).not.toMatch(/^\d+$/);
    const [b, t, a] = id.split('.');
    expect([decodeURIComponent(b!), decodeURIComponent(t!), a]).toEqual([backlog, task, `a${attempt}`]);
  });
});
