import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { followUpJobIdOf, jobIdOf, queueNameOf } from './job-id.js';

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

  test.prop([fc.string(), fc.string(), fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 1000 })])(
    'name a follow-up by its key: one job per reaction, never an attempt’s id',
    (backlog, task, key, attempt) => {
      const id = followUpJobIdOf(backlog, task, key);
      expect(id).not.toContain(':');
      expect(id).not.toBe(jobIdOf(backlog, task, attempt));
      const [b, t, f] = id.split('.');
      expect([decodeURIComponent(b!), decodeURIComponent(t!), decodeURIComponent(f!.slice(1))]).toEqual([backlog, task, key]);
    },
  );
});
