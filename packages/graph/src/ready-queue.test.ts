import { describe, expect, it } from 'vitest';
import { catchError } from '@pco/testkit/helpers';
import { DependencyGraph, GraphError, ReadyQueue } from './index.js';

const drain = (queue: ReadyQueue): string[] => {
  const out: string[] = [];
  for (let id = queue.next(); id !== undefined; id = queue.next()) out.push(id);
  return out;
};

describe('ReadyQueue', () => {
  it('hands out the ready task with the longest remaining path first, ties in insertion order', () => {
    const queue = new ReadyQueue([
      { id: 'short' },
      { id: 'long', estimate: 1 },
      { id: 'after-long', dependencies: ['long'], estimate: 5 },
      { id: 'tie-a', estimate: 2 },
      { id: 'tie-b', estimate: 2 },
    ]);
    expect(queue.priority('long')).toBe(6);
    expect(drain(queue)).toEqual(['long', 'tie-a', 'tie-b', 'short']);
  });

  it('releases dependents the moment their last dependency is done (no waves)', () => {
    const queue = new ReadyQueue([
      { id: 'a' },
      { id: 'b', estimate: 10 },
      { id: 'c', dependencies: ['a'] },
      { id: 'd', dependencies: ['a', 'b'] },
    ]);
    expect(queue.next()).toBe('b');
    expect(queue.next()).toBe('a');
    expect(queue.next()).toBeUndefined();
    expect(queue.done('a')).toEqual(['c']);
    expect(queue.next()).toBe('c');
    expect(queue.state('d')).toBe('pending');
    expect(queue.done('b')).toEqual(['d']);
    expect(queue.counts).toEqual({ total: 4, pending: 0, ready: 1, running: 1, done: 2, failed: 0, skipped: 0 });
  });

  it('fail() skips every transitive dependent with the failed id and leaves independents alone', () => {
    const queue = new ReadyQueue([
      { id: 'a' },
      { id: 'b', dependencies: ['a'] },
      { id: 'c', dependencies: ['b'] },
      { id: 'd', dependencies: ['c', 'x'] },
      { id: 'x' },
      { id: 'y', dependencies: ['x'] },
    ]);
    expect(queue.next()).toBe('a');
    const skipped = queue.fail('a');
    expect(skipped).toEqual([
      { id: 'b', because: 'a' },
      { id: 'c', because: 'a' },
      { id: 'd', because: 'a' },
    ]);
    expect(queue.skippedBecause('d')).toBe('a');
    expect(drain(queue)).toEqual(['x']);
    expect(queue.done('x')).toEqual(['y']);
    expect(queue.state('d')).toBe('skipped');
  });

  it('skip() removes a task that has not started, naming the reason, and its dependents name it', () => {
    const queue = new ReadyQueue([{ id: 'a' }, { id: 'b', dependencies: ['a'] }, { id: 'c' }]);
    expect(queue.skip('a', 'untrusted')).toEqual([
      { id: 'a', because: 'untrusted' },
      { id: 'b', because: 'a' },
    ]);
    expect(drain(queue)).toEqual(['c']);
  });

  it('starts tasks with unknown dependencies, and their dependents, as skipped', () => {
    const queue = new DependencyGraph([
      { id: 'a', dependencies: ['ghost'] },
      { id: 'b', dependencies: ['a'] },
      { id: 'c' },
    ]).createQueue();
    expect(queue.initiallySkipped).toEqual([
      { id: 'a', because: 'ghost' },
      { id: 'b', because: 'a' },
    ]);
    expect(drain(queue)).toEqual(['c']);
  });

  it('refuses structurally invalid graphs with a GraphError', () => {
    expect(() => new ReadyQueue([{ id: 'a', dependencies: ['b'] }, { id: 'b', dependencies: ['a'] }])).toThrowError(GraphError);
    expect(() => new ReadyQueue([{ id: 'a' }, { id: 'a' }])).toThrowError(/duplicate task id "a"/);
  });

  it('requeue() puts a running task back, and the queue reports when it is finished', () => {
    const queue = new ReadyQueue([{ id: 'a' }]);
    expect(queue.next()).toBe('a');
    queue.requeue('a');
    expect(queue.state('a')).toBe('ready');
    expect(queue.isFinished()).toBe(false);
    expect(queue.next()).toBe('a');
    queue.done('a');
    expect(queue.isFinished()).toBe(true);
  });

  it('throws typed errors on misuse', () => {
    const queue = new ReadyQueue([{ id: 'a' }, { id: 'b', dependencies: ['a'] }]);
    expect(() => queue.done('a')).toThrowError(expect.objectContaining({ code: 'GRAPH_BAD_TRANSITION', message: 'cannot done() task "a": it is ready' }));
    expect(() => queue.done('nope')).toThrowError(expect.objectContaining({ code: 'GRAPH_UNKNOWN_TASK', message: 'unknown task "nope"' }));
    queue.next();
    queue.done('a');
    expect(() => queue.addDependency('a', 'b')).toThrowError(expect.objectContaining({ code: 'GRAPH_BAD_TRANSITION' }));
  });

  describe('dynamic updates', () => {
    it('adds tasks while running: ready at once, waiting on running ones, or skipped after a failure', () => {
      const queue = new ReadyQueue([{ id: 'a' }, { id: 'f' }]);
      queue.next();
      queue.next();
      queue.fail('f');
      const result = queue.add([
        { id: 'n1' },
        { id: 'n2', dependencies: ['a'] },
        { id: 'n3', dependencies: ['f'] },
        { id: 'n4', dependencies: ['n3'] },
        { id: 'n5', dependencies: ['n1'] },
      ]);
      expect(result).toEqual({
        ok: true,
        ready: ['n1'],
        skipped: [
          { id: 'n3', because: 'f' },
          { id: 'n4', because: 'f' },
        ],
      });
      expect(queue.done('a')).toEqual(['n2']);
    });

    it('treats dependencies on done tasks as satisfied', () => {
      const queue = new ReadyQueue([{ id: 'a' }]);
      queue.next();
      queue.done('a');
      expect(queue.add([{ id: 'b', dependencies: ['a'] }])).toEqual({ ok: true, ready: ['b'], skipped: [] });
    });

    it('rejects a batch atomically: cycle among new tasks, unknown reference, duplicate id', () => {
      const queue = new ReadyQueue([{ id: 'a' }]);
      const result = queue.add([
        { id: 'x', dependencies: ['y'] },
        { id: 'y', dependencies: ['x'] },
        { id: 'z', dependencies: ['nope'] },
        { id: 'a' },
      ]);
      expect(result.ok).toBe(false);
      expect(result.ok ? [] : result.issues.map((i) => i.message)).toEqual([
        'duplicate task id "a" (defined 2 times)',
        'task "z" depends on unknown task "nope"',
        'dependency cycle: x → y → x',
      ]);
      expect(queue.has('x')).toBe(false);
      expect(queue.size).toBe(1);
    });

    it('addDependency() refuses a change that would close a cycle, with the path, and changes nothing', () => {
      const queue = new ReadyQueue([
        { id: 'a' },
        { id: 'b', dependencies: ['a'] },
        { id: 'c', dependencies: ['b'] },
      ]);
      const result = queue.addDependency('a', 'c');
      expect(result).toEqual({
        ok: false,
        issues: [{ kind: 'cycle', path: ['a', 'c', 'b', 'a'], message: 'dependency cycle: a → c → b → a' }],
      });
      expect(queue.dependenciesOf('a')).toEqual([]);
      expect(queue.addDependency('a', 'a')).toMatchObject({ ok: false, issues: [{ kind: 'self-dependency' }] });
      expect(queue.addDependency('a', 'zz')).toMatchObject({ ok: false, issues: [{ kind: 'unknown-dependency' }] });
    });

    it('addDependency() on a ready task makes it wait, and raises the priorities of the new ancestors', () => {
      const queue = new ReadyQueue([{ id: 'a' }, { id: 'b' }, { id: 'c', estimate: 3 }]);
      expect(queue.addDependency('c', 'b')).toEqual({ ok: true, ready: [], skipped: [] });
      expect(queue.state('c')).toBe('pending');
      expect(queue.priority('b')).toBe(4);
      expect(queue.next()).toBe('b');
      expect(queue.done('b')).toEqual(['c']);
    });

    it('raises priorities of transitive ancestors when a long task is added below them', () => {
      const queue = new ReadyQueue([{ id: 'p' }, { id: 'q', dependencies: ['p'] }, { id: 'other', estimate: 5 }]);
      expect(queue.peek()).toBe('other');
      expect(queue.add([{ id: 'long', dependencies: ['q'], estimate: 10 }]).ok).toBe(true);
      expect(queue.priority('q')).toBe(11);
      expect(queue.priority('p')).toBe(12);
      expect(queue.peek()).toBe('p');
    });
  });
});

describe('ReadyQueue.nextNode', () => {
  it('hands back the caller’s own node object, in the same order as next()', () => {
    interface Job {
      readonly id: string;
      readonly dependencies?: readonly string[];
      readonly estimate?: number;
      readonly run: () => string;
    }
    const a: Job = { id: 'a', run: () => 'ran a' };
    const b: Job = { id: 'b', dependencies: ['a'], estimate: 5, run: () => 'ran b' };
    const c: Job = { id: 'c', estimate: 2, run: () => 'ran c' };
    const queue = new ReadyQueue<Job>([a, b, c]);
    const first = queue.nextNode();
    expect(first).toBe(a);
    expect(first?.run()).toBe('ran a');
    expect(queue.nextNode()).toBe(c);
    queue.done('a');
    expect(queue.nextNode()).toBe(b);
    const d: Job = { id: 'd', run: () => 'ran d' };
    expect(queue.add([d]).ok).toBe(true);
    expect(queue.nextNode()).toBe(d);
    expect(queue.nextNode()).toBeUndefined();
  });
});

describe('ReadyQueue.doneNodes', () => {
  it('returns the released dependents as the caller’s node objects, like done() returns their ids', () => {
    interface Tagged {
      readonly id: string;
      readonly dependencies?: readonly string[];
      readonly tag: string;
    }
    const a: Tagged = { id: 'a', tag: 'A' };
    const b: Tagged = { id: 'b', dependencies: ['a'], tag: 'B' };
    const c: Tagged = { id: 'c', dependencies: ['a', 'x'], tag: 'C' }; // x is unknown: c starts skipped
    const d: Tagged = { id: 'd', dependencies: ['a'], tag: 'D' };
    const queue = new ReadyQueue<Tagged>([a, b, c, d]);
    const twin = new ReadyQueue([a, b, c, d]);
    expect(queue.nextNode()).toBe(a);
    twin.next();
    const released = queue.doneNodes('a');
    expect(released.map((n) => n.tag)).toEqual(['B', 'D']);
    expect(released[0]).toBe(b);
    expect(released.map((n) => n.id)).toEqual(twin.done('a'));
    expect(queue.nextNode()).toBe(b);
    expect(queue.doneNodes('b')).toEqual([]);
    expect(() => queue.doneNodes('a')).toThrow('cannot done() task "a": it is done');
  });
});

describe('ReadyQueue.fromIndexed', () => {
  it('schedules tasks given by index, names them String(i), and hands out indices', () => {
    // 0 → 2, 1 (long) → 2, 3 alone
    const queue = ReadyQueue.fromIndexed({ dependencies: [[], [], [0, 1, 0], []], estimates: [1, 5, 1, 3] });
    expect(queue.size).toBe(4);
    expect(queue.nextIndex()).toBe(1);
    expect(queue.nextIndex()).toBe(3);
    expect(queue.nextIndex()).toBe(0);
    expect(queue.nextIndex()).toBe(-1);
    expect(queue.doneIndex(0)).toBe(0);
    expect(queue.doneIndex(1)).toBe(1);
    expect(queue.state('2')).toBe('ready');
    expect(queue.dependenciesOf('2')).toEqual(['0', '1']);
    expect(queue.nextNode()).toEqual({ id: '2', dependencies: ['0', '1'], estimate: 1 });
    expect(queue.state('4')).toBeUndefined();
    expect(queue.state('01')).toBeUndefined();
  });

  it('uses the given ids in every id-based answer, failures and later adds included', () => {
    const queue = ReadyQueue.fromIndexed({ ids: ['a', 'b', 'c'], dependencies: [[], [0], [1]] });
    expect(queue.indexOf('b')).toBe(1);
    expect(queue.idOf(2)).toBe('c');
    expect(queue.nextIndex()).toBe(0);
    expect(queue.fail('a')).toEqual([
      { id: 'b', because: 'a' },
      { id: 'c', because: 'a' },
    ]);
    expect(queue.add([{ id: 'd', dependencies: ['c'] }, { id: 'e' }])).toEqual({ ok: true, ready: ['e'], skipped: [{ id: 'd', because: 'a' }] });
    expect(queue.taskIds()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(queue.nextIndex()).toBe(4);
  });

  it('materialises String(i) ids when tasks are added to a queue built without ids', () => {
    const queue = ReadyQueue.fromIndexed({ dependencies: [[], [0]] });
    expect(queue.add([{ id: '1' }]).ok).toBe(false);
    expect(queue.add([{ id: 'x', dependencies: ['1'] }]).ok).toBe(true);
    expect(queue.indexOf('x')).toBe(2);
    expect(queue.taskIds()).toEqual(['0', '1', 'x']);
  });

  it('refuses bad input with the same issues as the constructor', () => {
    const invalid = (tasks: Parameters<typeof ReadyQueue.fromIndexed>[0]) => {
      const error = catchError(() => ReadyQueue.fromIndexed(tasks)) as GraphError;
      return { code: error.code, issues: error.issues.map((i) => i.message) };
    };
    expect(invalid({ dependencies: [[1], [0]] })).toEqual({ code: 'GRAPH_INVALID', issues: ['dependency cycle: 0 → 1 → 0'] });
    expect(invalid({ ids: ['a', 'b'], dependencies: [[1], [1, 7]], estimates: [1, -1] })).toEqual({
      code: 'GRAPH_INVALID',
      issues: [
        'task "b" has an invalid estimate -1 (expected a finite number ≥ 0)',
        'task "b" depends on itself',
        'task "b" depends on unknown task "7"',
      ],
    });
    expect(invalid({ ids: ['a', 'a'], dependencies: [[], []], estimates: [-1, -1] }).issues).toEqual([
      'duplicate task id "a" (defined 2 times)',
      'task "a" has an invalid estimate -1 (expected a finite number ≥ 0)',
    ]);
    expect(invalid({ dependencies: [[7, 7, 1.5]] }).issues).toEqual(['task "0" depends on unknown task "7"', 'task "0" depends on unknown task "1.5"']);
    // A task listing itself twice: one issue, as validate() and the node constructor say.
    expect(invalid({ dependencies: [[0, 0]] }).issues).toEqual(['task "0" depends on itself']);
    const selfTwice = [{ id: 'a', dependencies: ['a', 'a'] }];
    expect(() => new ReadyQueue(selfTwice)).toThrowError(expect.objectContaining({ issues: [expect.objectContaining({ message: 'task "a" depends on itself' })] }));
    expect(new DependencyGraph(selfTwice).validate().issues.map((i) => i.message)).toEqual(['task "a" depends on itself']);
    // eslint-disable-next-line no-sparse-arrays
    expect(invalid({ dependencies: [[], , []] as unknown as number[][] })).toEqual({ code: 'GRAPH_BAD_ARGUMENT', issues: [] });
    expect(invalid({ dependencies: [[], []], estimates: [1] })).toEqual({ code: 'GRAPH_BAD_ARGUMENT', issues: [] });
    const queue = ReadyQueue.fromIndexed({ dependencies: [[]] });
    expect(() => queue.doneIndex(0)).toThrowError(expect.objectContaining({ code: 'GRAPH_BAD_TRANSITION', message: 'cannot done() task "0": it is ready' }));
    expect(() => queue.doneIndex(1)).toThrowError(expect.objectContaining({ code: 'GRAPH_UNKNOWN_TASK', message: 'no task at index 1 (the queue has 1)' }));
  });
});

describe('ReadyQueue.take', () => {
  it('takes one particular ready task out of priority order, and the others keep their order', () => {
    const q = new ReadyQueue([
      { id: 'long', estimate: 5 },
      { id: 'mid', estimate: 3 },
      { id: 'short', estimate: 1 },
      { id: 'after', dependencies: ['short'] },
    ]);
    expect(q.take('short').id).toBe('short');
    expect(q.state('short')).toBe('running');
    expect([q.next(), q.next(), q.next()]).toEqual(['long', 'mid', undefined]);
    expect(q.done('short')).toEqual(['after']);
  });

  it('refuses a task that is not ready with a typed error', () => {
    const q = new ReadyQueue([{ id: 'a' }, { id: 'b', dependencies: ['a'] }]);
    expect(catchError(() => q.take('b'))).toMatchObject({ code: 'GRAPH_BAD_TRANSITION' });
    q.take('a');
    expect(catchError(() => q.take('a'))).toMatchObject({ code: 'GRAPH_BAD_TRANSITION' });
  });
});
