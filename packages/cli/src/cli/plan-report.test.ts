import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { Task } from '@pco/contract';
import { buildPlan } from './plan-report.js';
import { renderPlan } from './plan-render.js';

const plain = pc.createColors(false);
const task = (id: string, dependencies: string[] = [], extra: Partial<Task> = {}): Task => ({ id, title: `Task ${id}`, dependencies, ...extra });

describe('buildPlan', () => {
  it('plans the runnable tasks and explains what will not run', () => {
    const report = buildPlan(
      [
        task('a'),
        task('b', ['a'], { estimate: 3 }),
        task('c', ['b']),
        task('u', [], { skip: { reason: 'untrusted', message: 'u was opened by a stranger' } }),
        task('d', ['u']),
        task('e', ['d']),
        task('x', ['elsewhere#1']),
        task('w', [], { warnings: ['"after the API" names no issue'] }),
      ],
      2,
    );
    expect(report.ok).toBe(true);
    const byId = Object.fromEntries(report.tasks.map((t) => [t.id, t]));
    expect(byId.u).toMatchObject({ status: 'skipped', reason: 'u was opened by a stranger' });
    expect(byId.d).toMatchObject({ status: 'blocked', reason: 'waits for u, which is skipped' });
    expect(byId.e).toMatchObject({ status: 'blocked', reason: 'waits for d, which is blocked' });
    expect(byId.x).toMatchObject({ status: 'blocked', reason: 'depends on elsewhere#1, which is not in the task set' });
    // b's estimate (3) is the only one: the others count as that typical task, as in pco run.
    expect(report.stats?.criticalPath).toEqual({ ids: ['a', 'b', 'c'], length: 9 });
    expect(report.stats?.totalWork).toBe(12);
    expect(report.stats?.lowerBound).toBe(9);
    expect(report.warnings).toEqual([{ taskId: 'w', message: '"after the API" names no issue' }]);
    expect(byId.a?.priority).toBe(9);
  });

  it('reports cycles with their paths and no plan figures', () => {
    const report = buildPlan([task('a', ['c']), task('b', ['a']), task('c', ['b']), task('d', ['c']), task('z')], 3);
    expect(report.ok).toBe(false);
    expect(report.cycles).toHaveLength(1);
    expect(new Set(report.cycles[0])).toEqual(new Set(['a', 'b', 'c']));
    expect(report.cycles[0]![0]).toBe(report.cycles[0]!.at(-1));
    expect(report.stats).toBeUndefined();
    const text = renderPlan(report, 'text', 3, plain);
    expect(text).toContain('Dependency cycles (1): nothing can run until they are broken');
    expect(text).not.toContain('Critical path');
    // Mermaid needs a valid graph: the text explains why instead.
    expect(renderPlan(report, 'mermaid', 3, plain)).toContain('Dependency cycles (1)');
  });

  it('reports duplicate ids as problems', () => {
    const report = buildPlan([task('a'), task('a')], 1);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.message)).toEqual(['duplicate task id "a" (defined 2 times)']);
  });

  it('renders an empty backlog', () => {
    const report = buildPlan([], 4);
    expect(report.ok).toBe(true);
    expect(renderPlan(report, 'text', 4, plain)).toContain('Plan: 0 tasks — 0 runnable, 0 skipped, 0 blocked');
  });
});
