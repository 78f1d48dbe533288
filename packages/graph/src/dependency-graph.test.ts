import { describe, expect, it } from 'vitest';
import { PcoError } from '@pco/contract';
import { catchError } from '@pco/testkit/helpers';
import { DependencyGraph, GraphError } from './index.js';

describe('DependencyGraph.validate', () => {
  it('accepts a valid graph', () => {
    const report = new DependencyGraph([{ id: 'a' }, { id: 'b', dependencies: ['a'] }]).validate();
    expect(report).toEqual({ ok: true, issues: [], cycles: [] });
  });

  it('reports a cycle as its path in dependency direction', () => {
    const graph = new DependencyGraph([
      { id: 'a', dependencies: ['b'] },
      { id: 'b', dependencies: ['c'] },
      { id: 'c', dependencies: ['a'] },
      { id: 'd' },
    ]);
    const report = graph.validate();
    expect(report.ok).toBe(false);
    expect(report.cycles).toEqual([['a', 'b', 'c', 'a']]);
    expect(report.issues.map((i) => i.message)).toEqual(['dependency cycle: a → b → c → a']);
  });

  it('reports at least one cycle per strongly connected component', () => {
    const graph = new DependencyGraph([
      { id: 'a', dependencies: ['b'] },
      { id: 'b', dependencies: ['a'] },
      { id: 'c', dependencies: ['d', 'a'] },
      { id: 'd', dependencies: ['e'] },
      { id: 'e', dependencies: ['c'] },
    ]);
    expect(graph.validate().cycles).toEqual([
      ['a', 'b', 'a'],
      ['c', 'd', 'e', 'c'],
    ]);
  });

  it('reports the shortest cycle through the first task of a component', () => {
    const graph = new DependencyGraph([
      { id: 'a', dependencies: ['b', 'c'] },
      { id: 'b', dependencies: ['c'] },
      { id: 'c', dependencies: ['a'] },
    ]);
    expect(graph.validate().cycles).toEqual([['a', 'c', 'a']]);
  });

  it('reports unknown dependencies, naming the task and the reference', () => {
    const report = new DependencyGraph([{ id: 'a', dependencies: ['x', 'y'] }]).validate();
    expect(report.issues).toEqual([
      { kind: 'unknown-dependency', task: 'a', ref: 'x', message: 'task "a" depends on unknown task "x"' },
      { kind: 'unknown-dependency', task: 'a', ref: 'y', message: 'task "a" depends on unknown task "y"' },
    ]);
  });

  it('reports duplicate ids with their count', () => {
    const report = new DependencyGraph([{ id: 'a' }, { id: 'a' }, { id: 'a' }, { id: 'b' }]).validate();
    expect(report.issues).toEqual([
      { kind: 'duplicate-id', task: 'a', count: 3, message: 'duplicate task id "a" (defined 3 times)' },
    ]);
  });

  it('reports a self-dependency once (not also as a cycle issue), and lists it among cycles', () => {
    const report = new DependencyGraph([{ id: 'a', dependencies: ['a'] }]).validate();
    expect(report.issues).toEqual([{ kind: 'self-dependency', task: 'a', message: 'task "a" depends on itself' }]);
    expect(report.cycles).toEqual([['a', 'a']]);
  });

  it('reports tasks that can never run because a dependency further up is missing', () => {
    const report = new DependencyGraph([
      { id: 'a', dependencies: ['ghost'] },
      { id: 'b', dependencies: ['a'] },
      { id: 'c', dependencies: ['b'] },
      { id: 'd' },
    ]).validate();
    expect(report.issues.map((i) => i.message)).toEqual([
      'task "a" depends on unknown task "ghost"',
      'task "b" can never run: it depends on "a", which waits for unknown task "ghost"',
      'task "c" can never run: it depends on "b", which waits for unknown task "ghost"',
    ]);
    expect(report.issues[1]).toMatchObject({ kind: 'unreachable', task: 'b', missing: 'ghost', via: 'a' });
  });

  it('reports invalid estimates', () => {
    const report = new DependencyGraph([
      { id: 'a', estimate: -1 },
      { id: 'b', estimate: Number.NaN },
      { id: 'c', estimate: '3' as unknown as number },
      { id: 'd', estimate: 0 },
    ]).validate();
    expect(report.issues.map((i) => i.message)).toEqual([
      'task "a" has an invalid estimate -1 (expected a finite number ≥ 0)',
      'task "b" has an invalid estimate NaN (expected a finite number ≥ 0)',
      'task "c" has an invalid estimate "3" (expected a finite number ≥ 0)',
    ]);
  });

  it('lists every kind of issue in one report, in a stable order', () => {
    const report = new DependencyGraph([
      { id: 'a', dependencies: ['b'] },
      { id: 'b', dependencies: ['a'] },
      { id: 'c', dependencies: ['c', 'zz'] },
      { id: 'c' },
      { id: 'e', estimate: -2 },
    ]).validate();
    expect(report.issues.map((i) => i.kind)).toEqual([
      'duplicate-id',
      'invalid-estimate',
      'self-dependency',
      'unknown-dependency',
      'cycle',
    ]);
  });

  it('never throws on bad data; assertValid throws a GraphError with the whole report', () => {
    const graph = new DependencyGraph([{ id: 'a', dependencies: ['b'] }, { id: 'b', dependencies: ['a'] }, { id: 'c', dependencies: ['x'] }]);
    expect(() => graph.validate()).not.toThrow();
    const error = catchError(() => graph.assertValid());
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toBeInstanceOf(PcoError);
    const graphError = error as GraphError;
    expect(graphError.code).toBe('GRAPH_INVALID');
    expect(graphError.issues).toHaveLength(2);
    expect(graphError.message).toBe(
      'invalid dependency graph (2 problems):\n- task "c" depends on unknown task "x"\n- dependency cycle: a → b → a',
    );
    expect(graphError.context).toEqual({ counts: { 'unknown-dependency': 1, cycle: 1 } });
  });

  it('handles a 100,000-task chain without deep recursion', () => {
    const n = 100_000;
    const nodes = Array.from({ length: n }, (_, i) => ({ id: `t${i}`, dependencies: i === 0 ? [] : [`t${i - 1}`] }));
    nodes[0] = { id: 't0', dependencies: [`t${n - 1}`] };
    const report = new DependencyGraph(nodes).validate();
    expect(report.cycles).toHaveLength(1);
    expect(report.cycles[0]).toHaveLength(n + 1);
  });
});

describe('DependencyGraph.plan', () => {
  const diamond = () =>
    new DependencyGraph([
      { id: 'a', estimate: 2 },
      { id: 'b', dependencies: ['a'], estimate: 5 },
      { id: 'c', dependencies: ['a'], estimate: 1 },
      { id: 'd', dependencies: ['b', 'c'], estimate: 1 },
      { id: 'e' },
    ]);

  it('gives a topological order with ties in insertion order', () => {
    expect(diamond().plan(2).order).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('finds the critical path and its length', () => {
    expect(diamond().plan(2).criticalPath).toEqual({ ids: ['a', 'b', 'd'], length: 8 });
  });

  it('computes the lower bound max(critical path, work / N) and a simulated makespan', () => {
    const one = diamond().plan(1);
    expect(one.totalWork).toBe(10);
    expect(one.lowerBound).toBe(10);
    expect(one.simulatedMakespan).toBe(10);
    const two = diamond().plan(2);
    expect(two.lowerBound).toBe(8);
    expect(two.simulatedMakespan).toBe(8);
  });

  it('simulates the critical-path policy: the long chain starts first', () => {
    // One worker idle-free schedule: with priorities, x (chain of 3) starts before the short tasks.
    const graph = new DependencyGraph([
      { id: 's1' },
      { id: 's2' },
      { id: 'x', estimate: 1 },
      { id: 'y', dependencies: ['x'], estimate: 1 },
      { id: 'z', dependencies: ['y'], estimate: 1 },
    ]);
    expect(graph.plan(2).simulatedMakespan).toBe(3);
  });

  it('leaves out tasks that can never run', () => {
    const plan = new DependencyGraph([{ id: 'a' }, { id: 'b', dependencies: ['ghost'], estimate: 100 }]).plan(1);
    expect(plan.order).toEqual(['a']);
    expect(plan.totalWork).toBe(1);
  });

  it('throws a GraphError on a cyclic graph and on a bad worker count', () => {
    const cyclic = new DependencyGraph([{ id: 'a', dependencies: ['b'] }, { id: 'b', dependencies: ['a'] }]);
    expect(() => cyclic.plan(2)).toThrowError(/dependency cycle: a → b → a/);
    expect(() => diamond().plan(0)).toThrowError(GraphError);
  });
});

describe('exports', () => {
  const graph = () =>
    new DependencyGraph([
      { id: 'o/r#1', estimate: 3 },
      { id: 'o/r#2', dependencies: ['o/r#1'] },
      { id: 'o/r#3' },
    ]);

  it('renders Mermaid with the critical path highlighted', () => {
    expect(graph().toMermaid({ labels: { 'o/r#1': 'Say "hi"' } })).toBe(
      [
        'flowchart LR',
        '  t0["o/r#1: Say #quot;hi#quot;"]',
        '  t1["o/r#2"]',
        '  t2["o/r#3"]',
        '  t0 --> t1',
        '  classDef critical fill:#fde68a,stroke:#b45309,stroke-width:2px',
        '  class t0,t1 critical',
        '  linkStyle 0 stroke:#b45309,stroke-width:3px',
        '',
      ].join('\n'),
    );
  });

  it('renders DOT with the critical path highlighted and quotes escaped', () => {
    const dot = graph().toDot({ labels: new Map([['o/r#3', 'a "quoted" \\ title']]) });
    expect(dot).toContain('"o/r#1" -> "o/r#2" [color="#b45309", penwidth=3];');
    expect(dot).toContain('"o/r#3" [label="o/r#3: a \\"quoted\\" \\\\ title"];');
    expect(dot).toMatch(/^digraph pco \{\n/);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });

  it('can leave the highlight out', () => {
    expect(graph().toMermaid({ highlightCriticalPath: false })).not.toContain('critical');
  });
});
