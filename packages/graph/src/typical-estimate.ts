// What a task without an estimate counts as in a backlog where others have one.
import { isValidEstimate } from './graph-issues.js';

/**
 * The estimate a node without one counts as: the median of the valid estimates among `nodes`,
 * or 1 when none has one. Estimates come in the backlog's own unit (minutes, points), so where
 * only some tasks carry one, counting the others as 1 would rank them as next to nothing and the
 * longest-path order would start their chains last; a typical task of the same backlog is the
 * better guess. Nodes keep their own `estimate`: this is what the caller fills in.
 *
 * @example
 * const fill = typicalEstimate(tasks);
 * const queue = new ReadyQueue(tasks.map((t) => ({ ...t, estimate: t.estimate ?? fill })));
 */
export function typicalEstimate(nodes: Iterable<{ readonly estimate?: number | undefined }>): number {
  const known: number[] = [];
  for (const node of nodes) if (node.estimate !== undefined && isValidEstimate(node.estimate)) known.push(node.estimate);
  if (known.length === 0) return 1;
  known.sort((a, b) => a - b);
  const mid = known.length >> 1;
  return known.length % 2 === 1 ? known[mid]! : (known[mid - 1]! + known[mid]!) / 2;
}
