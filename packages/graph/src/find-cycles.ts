/**
 * Finds one cycle in every strongly connected component of a graph given as adjacency lists of
 * node indices (`edges[u]` = the nodes `u` depends on). Iterative Tarjan, so 100k-node chains do
 * not overflow the stack. Each cycle is a shortest cycle through the component's first node
 * (lowest index), returned as indices with the first repeated at the end: `[a, b, c, a]` reads
 * "a depends on b, b on c, c on a". Self-loops are returned as `[a, a]`.
 */
export function findCycles(edges: readonly (readonly number[])[]): number[][] {
  const n = edges.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const cycles: number[][] = [];
  let counter = 0;

  // Explicit DFS frames: node and position in its edge list.
  const frameNode: number[] = [];
  const frameEdge: number[] = [];

  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    frameNode.push(root);
    frameEdge.push(0);
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;

    while (frameNode.length > 0) {
      const top = frameNode.length - 1;
      const u = frameNode[top]!;
      const out = edges[u]!;
      const e = frameEdge[top]!;
      if (e < out.length) {
        frameEdge[top] = e + 1;
        const v = out[e]!;
        if (index[v] === -1) {
          index[v] = low[v] = counter++;
          stack.push(v);
          onStack[v] = 1;
          frameNode.push(v);
          frameEdge.push(0);
        } else if (onStack[v]) {
          if (index[v]! < low[u]!) low[u] = index[v]!;
        }
        continue;
      }
      // u is finished.
      frameNode.pop();
      frameEdge.pop();
      if (frameNode.length > 0) {
        const parent = frameNode[frameNode.length - 1]!;
        if (low[u]! < low[parent]!) low[parent] = low[u]!;
      }
      if (low[u] === index[u]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== u);
        if (component.length > 1) {
          cycles.push(shortestCycleThrough(edges, component));
        } else if (edges[u]!.includes(u)) {
          cycles.push([u, u]);
        }
      }
    }
  }
  // Report in a stable order: by the first node of each cycle.
  cycles.sort((a, b) => a[0]! - b[0]!);
  return cycles;
}

function shortestCycleThrough(edges: readonly (readonly number[])[], component: readonly number[]): number[] {
  const members = new Set(component);
  let start = component[0]!;
  for (const c of component) if (c < start) start = c;
  // BFS from start inside the component until an edge leads back to start.
  const parent = new Map<number, number>();
  const queue: number[] = [start];
  parent.set(start, -1);
  for (let head = 0; head < queue.length; head++) {
    const u = queue[head]!;
    for (const v of edges[u]!) {
      if (!members.has(v)) continue;
      if (v === start) {
        const path: number[] = [];
        for (let x = u; x !== -1; x = parent.get(x)!) path.push(x);
        path.reverse();
        path.push(start);
        return path;
      }
      if (!parent.has(v)) {
        parent.set(v, u);
        queue.push(v);
      }
    }
  }
  // Unreachable for a real strongly connected component.
  throw new Error('internal: component without a cycle');
}
