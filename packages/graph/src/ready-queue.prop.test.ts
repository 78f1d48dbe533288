import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { DependencyGraph, ReadyQueue, type GraphNode } from './index.js';

/** A random DAG: node k depends on a few of the nodes generated before it; ids shuffled so insertion order ≠ topological order. */
const dagArb = (maxNodes: number) =>
  fc
    .integer({ min: 1, max: maxNodes })
    .chain((n) =>
      fc.tuple(
        fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: n, maxLength: n }),
        fc.array(fc.integer({ min: 0, max: 8 }), { minLength: n, maxLength: n }),
        fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
      ),
    )
    .map(([depChoices, estimates, order]) => {
      const nodes: GraphNode[] = depChoices.map((choices, k) => ({
        id: `t${k}`,
        estimate: estimates[k]!,
        dependencies: k === 0 ? [] : [...new Set(choices.map((c) => `t${c % k}`))],
      }));
      return order.map((k) => nodes[k]!);
    });

function ancestorsOf(nodes: readonly GraphNode[]): Map<string, Set<string>> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const memo = new Map<string, Set<string>>();
  const visit = (id: string): Set<string> => {
    const known = memo.get(id);
    if (known) return known;
    const set = new Set<string>();
    for (const d of byId.get(id)!.dependencies ?? []) {
      set.add(d);
      for (const a of visit(d)) set.add(a);
    }
    memo.set(id, set);
    return set;
  };
  for (const n of nodes) visit(n.id);
  return memo;
}

describe('ReadyQueue properties', () => {
  test.prop([dagArb(300), fc.infiniteStream(fc.nat()), fc.integer({ min: 1, max: 10 })], { numRuns: 60 })(
    'random completion orders: dependencies first, each task once or skipped exactly when an ancestor failed',
    (nodes, choices, workers) => {
      const queue = new ReadyQueue(nodes);
      const deps = new Map(nodes.map((n) => [n.id, n.dependencies ?? []]));
      const state = new Map<string, string>();
      const handedOut = new Map<string, number>();
      const running: string[] = [];
      const it = choices[Symbol.iterator]();
      const pick = () => it.next().value as number;
      for (let guard = 0; guard < 10 * nodes.length + 10; guard++) {
        while (running.length < workers) {
          const id = queue.next();
          if (id === undefined) break;
          for (const d of deps.get(id)!) expect(state.get(d)).toBe('done');
          handedOut.set(id, (handedOut.get(id) ?? 0) + 1);
          running.push(id);
        }
        if (running.length === 0) break;
        const [id] = running.splice(pick() % running.length, 1) as [string];
        if (pick() % 5 === 0) {
          state.set(id, 'failed');
          for (const s of queue.fail(id)) state.set(s.id, 'skipped');
        } else {
          state.set(id, 'done');
          queue.done(id);
        }
      }
      expect(queue.isFinished()).toBe(true);
      const ancestors = ancestorsOf(nodes);
      for (const node of nodes) {
        const failedAncestor = [...ancestors.get(node.id)!].some((a) => state.get(a) === 'failed');
        expect(queue.state(node.id)).toBe(state.get(node.id));
        if (failedAncestor) {
          expect(state.get(node.id)).toBe('skipped');
          expect(handedOut.has(node.id)).toBe(false);
          expect(state.get(queue.skippedBecause(node.id)!)).toBe('failed');
        } else {
          expect(handedOut.get(node.id)).toBe(1);
        }
      }
    },
  );

  test.prop([dagArb(200), fc.integer({ min: 1, max: 10 })], { numRuns: 80 })(
    'the simulated makespan is at least the lower bound and at most work / N + critical path',
    (nodes, workers) => {
      const plan = new DependencyGraph(nodes).plan(workers);
      const epsilon = 1e-9;
      expect(plan.simulatedMakespan).toBeGreaterThanOrEqual(plan.lowerBound - epsilon);
      // Graham's bound for any list schedule.
      expect(plan.simulatedMakespan).toBeLessThanOrEqual(plan.totalWork / workers + plan.criticalPath.length + epsilon);
      expect(plan.order).toHaveLength(nodes.length);
    },
  );

  test.prop(
    [
      fc.integer({ min: 1, max: 14 }).chain((n) =>
        fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })), { maxLength: 3 * n }).map((edges) => ({ n, edges })),
      ),
    ],
    { numRuns: 300 },
  )('cycle detection agrees with a brute-force reachability check', ({ n, edges }) => {
    const deps: string[][] = Array.from({ length: n }, () => []);
    for (const [a, b] of edges) if (!deps[a]!.includes(`t${b}`)) deps[a]!.push(`t${b}`);
    const report = new DependencyGraph(deps.map((d, i) => ({ id: `t${i}`, dependencies: d }))).validate();
    // Transitive closure.
    const reach = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => deps[i]!.includes(`t${j}`)));
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (reach[i]![k] && reach[k]![j]) reach[i]![j] = true;
    const cyclic = [...Array(n).keys()].filter((i) => reach[i]![i]);
    // Components that hold a cycle, keyed by their smallest member.
    const components = new Set(cyclic.map((i) => Math.min(...cyclic.filter((j) => reach[i]![j] && reach[j]![i]))));
    expect(report.cycles.length).toBe(components.size);
    const seen = new Set<number>();
    for (const path of report.cycles) {
      expect(path[0]).toBe(path[path.length - 1]);
      for (let k = 0; k + 1 < path.length; k++) expect(deps[Number(path[k]!.slice(1))]).toContain(path[k + 1]);
      const first = Number(path[0]!.slice(1));
      seen.add(Math.min(...cyclic.filter((j) => reach[first]![j] && reach[j]![first])));
    }
    expect(seen).toEqual(components);
  });

  test.prop(
    [
      dagArb(40),
      fc.array(
        fc.oneof(
          fc.record({ kind: fc.constant('add' as const), deps: fc.array(fc.nat(), { maxLength: 3 }), estimate: fc.integer({ min: 0, max: 5 }) }),
          fc.record({ kind: fc.constant('edge' as const), from: fc.nat(), to: fc.nat() }),
          fc.record({ kind: fc.constant('run' as const), fail: fc.boolean() }),
        ),
        { maxLength: 60 },
      ),
    ],
    { numRuns: 150 },
  )('dynamic adds never admit a cycle, refusals name a real cycle, and priorities stay exact', (initial, ops) => {
    const queue = new ReadyQueue(initial);
    let fresh = 0;
    for (const op of ops) {
      const ids = queue.taskIds();
      if (op.kind === 'add') {
        const id = `n${fresh++}`;
        const result = queue.add([{ id, estimate: op.estimate, dependencies: op.deps.map((d) => ids[d % ids.length]!) }]);
        expect(result.ok).toBe(true);
      } else if (op.kind === 'edge') {
        const from = ids[op.from % ids.length]!;
        const to = ids[op.to % ids.length]!;
        const st = queue.state(from);
        if (st !== 'pending' && st !== 'ready') continue;
        const result = queue.addDependency(from, to);
        if (!result.ok) {
          const [issue] = result.issues;
          if (issue?.kind === 'cycle') {
            // The path starts with the new edge from → to and returns to `from` along existing edges.
            expect(issue.path[0]).toBe(from);
            expect(issue.path[1]).toBe(to);
            expect(issue.path[issue.path.length - 1]).toBe(from);
            for (let k = 1; k + 1 < issue.path.length; k++) expect(queue.dependenciesOf(issue.path[k]!)).toContain(issue.path[k + 1]);
          } else {
            expect(issue?.kind).toBe('self-dependency');
          }
        }
      } else {
        const id = queue.next();
        if (id !== undefined) {
          if (op.fail) queue.fail(id);
          else queue.done(id);
        }
      }
      // The queue's current graph is always acyclic.
      const now = queue.taskIds().map((id) => ({ id, dependencies: queue.dependenciesOf(id), estimate: queue.estimate(id) }));
      const report = new DependencyGraph(now).validate();
      expect(report.cycles).toEqual([]);
      // Priorities of unstarted tasks equal bottom levels computed from scratch.
      const fromScratch = new ReadyQueue(now);
      for (const id of queue.taskIds()) {
        const st = queue.state(id);
        if (st === 'pending' || st === 'ready') expect(queue.priority(id)).toBeCloseTo(unstartedLevel(queue, id), 9);
      }
      expect(fromScratch.size).toBe(queue.size);
    }
  });
});

/** Bottom level counting only unstarted dependents (started/finished ones no longer wait). */
function unstartedLevel(queue: ReadyQueue, id: string): number {
  let below = 0;
  for (const s of queue.dependentsOf(id)) {
    const st = queue.state(s);
    if (st === 'pending' || st === 'ready') below = Math.max(below, unstartedLevel(queue, s));
  }
  return queue.estimate(id) + below;
}

describe('ReadyQueue.fromIndexed properties', () => {
  test.prop([dagArb(200), fc.infiniteStream(fc.nat()), fc.integer({ min: 1, max: 10 })], { numRuns: 60 })(
    'an indexed queue hands out exactly what the id-based queue hands out, under the same completions',
    (nodes, choices, workers) => {
      const position = new Map(nodes.map((n, i) => [n.id, i]));
      const byId = new ReadyQueue(nodes);
      const byIndex = ReadyQueue.fromIndexed({
        dependencies: nodes.map((n) => (n.dependencies ?? []).map((d) => position.get(d)!)),
        estimates: nodes.map((n) => n.estimate ?? 1),
      });
      const running: number[] = [];
      const it = choices[Symbol.iterator]();
      for (;;) {
        while (running.length < workers) {
          const id = byId.next();
          const index = byIndex.nextIndex();
          expect(index === -1 ? undefined : nodes[index]!.id).toBe(id);
          if (id === undefined) break;
          running.push(index);
        }
        if (running.length === 0) break;
        const [index] = running.splice((it.next().value as number) % running.length, 1) as [number];
        expect(byIndex.doneIndex(index)).toBe(byId.done(nodes[index]!.id).length);
      }
      expect(byId.isFinished() && byIndex.isFinished()).toBe(true);
    },
  );
});
