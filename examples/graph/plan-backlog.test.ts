import { describe, expect, it } from 'vitest';
import { backlog, planBacklog } from './plan-backlog.js';

describe('examples/graph/plan-backlog', () => {
  it('prints the critical path, bounds and the dispatch order', () => {
    const out = planBacklog();
    expect(out).toContain('10 tasks, no problems found.');
    expect(out).toContain('Critical path (110 min): acme/api#1 → acme/api#4 → acme/web#7 → acme/docs#10');
    expect(out).toContain(' 1 agents: lower bound 225.0 min, simulated makespan 225.0 min');
    expect(out).toMatch(/1\. acme\/api#1 Define the OpenAPI schema/);
  });

  it('reports problems instead of planning a broken backlog', () => {
    const out = planBacklog([...backlog, { id: 'acme/api#11', title: 'Loop', dependencies: ['acme/api#11'], estimate: 1 }]);
    expect(out).toContain('task "acme/api#11" depends on itself');
  });
});
