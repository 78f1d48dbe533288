/**
 * Lays the graph out left to right with ELK's layered algorithm (elkjs), in a Web Worker so a
 * 1,000-task graph never blocks the page. Dependencies are on the left, the tasks that wait on
 * them on the right. Reference: https://eclipse.dev/elk/reference/algorithms/org-eclipse-elk-layered.html
 */
import ELK from 'elkjs/lib/elk-api.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { EdgeRoute, GraphLayout, NodeBox, TaskView } from './types.js';

export const NODE_WIDTH = 176;
export const NODE_HEIGHT = 38;

/** From this many tasks a graph is large: ELK gets the cheaper options below. */
export const LARGE_GRAPH = 300;

const COMMON_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.spacing.nodeNode': '14',
  'elk.layered.spacing.nodeNodeBetweenLayers': '56',
  'elk.spacing.componentComponent': '28',
  // One crossing-minimisation sweep (default 7): more sweeps took 4-5× longer on 1,000 tasks.
  'elk.layered.thoroughness': '1',
};

/** Small graphs: right-angled edges, nodes aligned along long edges (Brandes-Köpf, the default). */
const SMALL_OPTIONS: Record<string, string> = { ...COMMON_OPTIONS, 'elk.edgeRouting': 'ORTHOGONAL' };

/**
 * Large graphs: straight segments (POLYLINE) and SIMPLE node placement, measured the cheapest
 * pair that keeps ELK's layering and crossing minimisation (docs/web-view.md has the figures);
 * SIMPLE also packs the layers (a far shorter drawing than Brandes-Köpf's on a 1,000-task graph).
 */
const LARGE_OPTIONS: Record<string, string> = {
  ...COMMON_OPTIONS,
  'elk.edgeRouting': 'POLYLINE',
  'elk.layered.nodePlacement.strategy': 'SIMPLE',
};

/** ELK's options for a graph of `size` tasks. */
export function layoutOptions(size: number): Record<string, string> {
  return size >= LARGE_GRAPH ? LARGE_OPTIONS : SMALL_OPTIONS;
}

type WorkerLike = { postMessage(message: unknown): void; onmessage: ((event: { data: unknown }) => void) | null; terminate?(): void };
type Engine = InstanceType<typeof ELK>;

let engine: Promise<Engine> | undefined;

/**
 * One ELK for the page. On a live page, a real worker (the layout never blocks the page). A static
 * page (embedded data) cannot start one from a file: there the worker script, loaded as a plain
 * script, left elk's in-thread stand-in on `globalThis.PcoElkWorker`.
 */
function elk(): Promise<Engine> {
  engine ??= (async () => {
    const inThread = (globalThis as { PcoElkWorker?: Promise<new () => WorkerLike> }).PcoElkWorker;
    if (inThread) {
      const Stand = await inThread;
      return new ELK({ workerFactory: () => new Stand() } as ConstructorParameters<typeof ELK>[0]);
    }
    return new ELK({
      workerFactory: () => {
        const worker = new Worker(new URL('./elk-worker.ts', import.meta.url), { name: 'pco-layout' });
        // elk-api does not listen for a worker that fails to start: fail the layouts waiting on it.
        worker.addEventListener('error', (event) => {
          failed = new Error(`the layout worker failed: ${event.message || 'could not load it'}`);
          for (const reject of waiting) reject(failed);
          waiting.clear();
        });
        return worker as unknown as WorkerLike;
      },
    } as ConstructorParameters<typeof ELK>[0]);
  })();
  return engine;
}
let failed: Error | undefined;
const waiting = new Set<(error: Error) => void>();

/** Starts the worker and the engine early, so their start-up overlaps the first fetches. */
export function warmUpLayout(): void {
  // layoutGraph() reports a failure when it is asked for a layout.
  elk().catch(() => undefined);
}

/** Lays out the tasks and the edges between them (edges to ids not in `tasks` are left out). */
export async function layoutGraph(tasks: ReadonlyMap<string, TaskView>, key: string): Promise<GraphLayout> {
  const children: ElkNode[] = [];
  const edges: ElkExtendedEdge[] = [];
  const origins = new Map<string, string>();
  for (const task of tasks.values()) {
    children.push({ id: task.id, width: NODE_WIDTH, height: NODE_HEIGHT });
    for (const dependency of task.dependencies) {
      if (!tasks.has(dependency.id)) continue;
      const id = `${dependency.id}->${task.id}`;
      if (origins.has(id)) continue;
      origins.set(id, dependency.origin);
      edges.push({ id, sources: [dependency.id], targets: [task.id] });
    }
  }
  const started = performance.now();
  const graph: ElkNode = { id: 'root', layoutOptions: layoutOptions(children.length), children, edges };
  const layout = elk().then((engine) => {
    if (failed) throw failed;
    return new Promise<ElkNode>((resolve, reject) => {
      waiting.add(reject);
      engine.layout(graph).then(resolve, reject).finally(() => waiting.delete(reject));
    });
  });
  const result = await layout;
  const layoutMs = performance.now() - started;

  const nodes = new Map<string, NodeBox>();
  for (const child of result.children ?? []) {
    nodes.set(child.id, { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? NODE_WIDTH, height: child.height ?? NODE_HEIGHT });
  }
  const routes: EdgeRoute[] = [];
  for (const edge of (result.edges ?? []) as ElkExtendedEdge[]) {
    const [source] = edge.sources;
    const [target] = edge.targets;
    if (source === undefined || target === undefined) continue;
    const points: [number, number][] = [];
    for (const section of edge.sections ?? []) {
      points.push([section.startPoint.x, section.startPoint.y]);
      for (const bend of section.bendPoints ?? []) points.push([bend.x, bend.y]);
      points.push([section.endPoint.x, section.endPoint.y]);
    }
    routes.push({ id: edge.id, source, target, origin: origins.get(edge.id) ?? 'unknown', points });
  }
  return { key, kind: 'elk', nodes, edges: routes, width: result.width ?? 0, height: result.height ?? 0, layoutMs, readyAt: performance.now() };
}
