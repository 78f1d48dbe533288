import { describe, expect, it } from 'vitest';
import { backlogRoundTrip } from './backlog-round-trip.js';

describe('examples/github-source/backlog-round-trip', () => {
  it('loads the sample backlog and writes a result back', async () => {
    const out = await backlogRoundTrip();
    expect(out).toContain('23 tasks loaded in 2 API calls');
    expect(out).toMatch(/acme\/shop#4 +REST endpoint: list orders ← acme\/shop#2, acme\/shop#3/);
    expect(out).toMatch(/acme\/shop#17 +Admin dashboard +\[skipped: external-blocker\]/);
    expect(out).toContain('warning: dependency phrase without a resolvable reference');
    expect(out).toContain('merge https://github.com/acme/shop/pull/25: merged');
    expect(out).toContain('acme/shop#1 labels: agent, backend, status:done');
    expect(out).toContain('acme/shop#1 comments: 1');
  });
});
