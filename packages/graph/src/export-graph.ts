import { criticalPath } from './plan.js';
import type { ReadyQueue } from './ready-queue.js';

/** Options of the Mermaid and DOT exports. */
export interface GraphExportOptions {
  /**
   * Label per task id (e.g. the issue title); the id is shown when absent.
   * @default undefined
   */
  readonly labels?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /**
   * Highlight the critical path (nodes and edges).
   * @default true
   */
  readonly highlightCriticalPath?: boolean;
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly critical: boolean;
}

function collect(queue: ReadyQueue, options: GraphExportOptions | undefined) {
  const highlight = options?.highlightCriticalPath ?? true;
  const path = highlight ? criticalPath(queue).ids : [];
  const onPath = new Set(path);
  const pathEdges = new Set(path.slice(1).map((id, k) => `${path[k]}\u0000${id}`));
  const ids = queue.taskIds();
  const edges: Edge[] = [];
  // Edges point in the direction work flows: from a dependency to the task that waits for it.
  for (const id of ids) {
    for (const dep of queue.dependenciesOf(id)) {
      edges.push({ from: dep, to: id, critical: pathEdges.has(`${dep}\u0000${id}`) });
    }
  }
  const labels = options?.labels;
  const label = (id: string): string => {
    const custom = labels instanceof Map ? labels.get(id) : (labels as Record<string, string> | undefined)?.[id];
    return custom === undefined ? id : `${id}: ${custom}`;
  };
  return { ids, edges, onPath, label };
}

/** Mermaid flowchart. Node ids are generated (`t0`, `t1`, ...) since task ids may hold `#` or `/`. */
export function toMermaid(queue: ReadyQueue, options?: GraphExportOptions): string {
  const { ids, edges, onPath, label } = collect(queue, options);
  const key = new Map(ids.map((id, i) => [id, `t${i}`]));
  const lines = ['flowchart LR'];
  for (const id of ids) lines.push(`  ${key.get(id)}["${escapeMermaid(label(id))}"]`);
  const criticalLinks: number[] = [];
  edges.forEach((edge, k) => {
    lines.push(`  ${key.get(edge.from)} --> ${key.get(edge.to)}`);
    if (edge.critical) criticalLinks.push(k);
  });
  if (onPath.size > 0) {
    lines.push('  classDef critical fill:#fde68a,stroke:#b45309,stroke-width:2px');
    lines.push(`  class ${ids.filter((id) => onPath.has(id)).map((id) => key.get(id)).join(',')} critical`);
  }
  if (criticalLinks.length > 0) lines.push(`  linkStyle ${criticalLinks.join(',')} stroke:#b45309,stroke-width:3px`);
  return `${lines.join('\n')}\n`;
}

/** Graphviz DOT digraph. */
export function toDot(queue: ReadyQueue, options?: GraphExportOptions): string {
  const { ids, edges, onPath, label } = collect(queue, options);
  const lines = ['digraph pco {', '  rankdir=LR;', '  node [shape=box, style=rounded];'];
  for (const id of ids) {
    const attrs = [`label=${quoteDot(label(id))}`];
    if (onPath.has(id)) attrs.push('color="#b45309"', 'penwidth=2', 'style="rounded,filled"', 'fillcolor="#fde68a"');
    lines.push(`  ${quoteDot(id)} [${attrs.join(', ')}];`);
  }
  for (const edge of edges) {
    const attrs = edge.critical ? ' [color="#b45309", penwidth=3]' : '';
    lines.push(`  ${quoteDot(edge.from)} -> ${quoteDot(edge.to)}${attrs};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

// Mermaid labels inside "..." take HTML entity codes: https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters
function escapeMermaid(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/[\r\n]+/g, ' ');
}

// DOT quoted strings escape only the double quote (and a backslash is kept literal by escaping it).
function quoteDot(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\r\n]+/g, ' ')}"`;
}
