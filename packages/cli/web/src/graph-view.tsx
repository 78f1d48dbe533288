/**
 * The dependency graph as SVG: nodes coloured by state (CSS, `data-state`), the critical path
 * outlined, edges styled by where the dependency came from. Laid out again only when the set of
 * nodes or edges changes (`graphVersion`); a state change only re-renders. Pan by dragging, zoom
 * with the wheel, double-click or "Fit" to see everything. A large graph's nodes are drawn at once
 * in the placeholder of provisional-layout.ts, then moved to ELK's layout when it arrives.
 *
 * Measured on the `<svg>` (the browser tests log them): `data-first-paint-ms` (tasks known →
 * every node drawn, placeholder or ELK: `data-first-layout`, `data-first-nodes`),
 * `data-painted-at` (the same moment, ms since navigation),
 * `data-layout-ms` (ELK, in its worker), `data-render-ms` (ELK's layout received → committed), `data-total-ms`
 * (tasks known → ELK's layout drawn), `data-frame-ms` (the last update: render → next frame).
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { layoutGraph } from './layout.js';
import { PROVISIONAL_FROM, provisionalLayout } from './provisional-layout.js';
import { truncate } from './format.js';
import type { EdgeRoute, GraphLayout, TaskView } from './types.js';
import { graphKey } from './store.js';

interface Props {
  readonly tasks: ReadonlyMap<string, TaskView>;
  readonly graphVersion: number;
  readonly criticalPath: readonly string[];
  readonly selected: string | undefined;
  readonly onSelect: (id: string | undefined) => void;
}

/** Below this zoom a node's 11px text is under 4px tall: it is hidden (`.far`), which keeps 1,000 nodes cheap to draw. */
const FAR_ZOOM = 0.35;

interface View {
  x: number;
  y: number;
  k: number;
}

function pathOf(edge: EdgeRoute): string {
  return edge.points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`).join('');
}

export function GraphView({ tasks, graphVersion, criticalPath, selected, onSelect }: Props): JSX.Element {
  const [elkLayout, setElkLayout] = useState<GraphLayout | undefined>(undefined);
  const [layoutError, setLayoutError] = useState<string | undefined>(undefined);
  const svg = useRef<SVGSVGElement>(null);
  const scene = useRef<SVGGElement>(null);
  const view = useRef<View>({ x: 0, y: 0, k: 1 });
  const requestedAt = useRef(0);
  const fitted = useRef<GraphLayout | undefined>(undefined);
  const layouts = useRef(0);
  const firstPaint = useRef<string | undefined>(undefined);
  const renderStarted = performance.now();

  // The graph's shape; it changes with graphVersion only (a state change keeps it).
  const key = useMemo(() => {
    requestedAt.current = performance.now();
    return graphKey(tasks);
  }, [graphVersion]);
  // A large graph is drawn in this render already, in the placeholder, until ELK's layout arrives.
  const provisional = useMemo(() => (tasks.size >= PROVISIONAL_FROM ? provisionalLayout(tasks, key) : undefined), [key]);
  // ELK's layout of an earlier shape stays on screen, edges and all, until the new one arrives.
  const layout = elkLayout ?? provisional;

  // Lay out again only when the graph's shape changed, never on a state change.
  useEffect(() => {
    if (tasks.size === 0) return;
    let cancelled = false;
    layoutGraph(tasks, key)
      .then((result) => {
        if (!cancelled) setElkLayout(result);
      })
      .catch((error: unknown) => {
        if (!cancelled) setLayoutError(error instanceof Error ? error.message : String(error));
      });
    return () => {
      cancelled = true;
    };
    // `tasks` changes on every state change; the layout depends on its shape only
  }, [key]);

  const apply = () => {
    const { x, y, k } = view.current;
    scene.current?.setAttribute('transform', `translate(${x.toFixed(1)} ${y.toFixed(1)}) scale(${k.toFixed(4)})`);
    const element = svg.current;
    if (element && element.classList.contains('far') !== k < FAR_ZOOM) element.classList.toggle('far', k < FAR_ZOOM);
  };
  // Until the user pans or zooms, the graph is kept fitted to its box (panel opened, window resized).
  const touched = useRef(false);
  const fit = () => {
    const element = svg.current;
    if (!element || !layout) return;
    // Measuring forces a layout: without text it is cheap (apply() shows the text again if near).
    element.classList.add('far');
    const { width, height } = element.getBoundingClientRect();
    const margin = 16;
    const k = Math.min(2, Math.max(0.05, Math.min((width - 2 * margin) / Math.max(layout.width, 1), (height - 2 * margin) / Math.max(layout.height, 1))));
    view.current = { k, x: (width - layout.width * k) / 2, y: (height - layout.height * k) / 2 };
    apply();
  };

  // Measure (see the module comment) and keep the graph fitted until the user pans or zooms.
  useLayoutEffect(() => {
    if (!layout || !svg.current) return;
    if (fitted.current !== layout) {
      // The placeholder → ELK step keeps a view the user chose; a new graph is fitted.
      if (!touched.current || fitted.current?.key !== layout.key) fit();
      fitted.current = layout;
    }
    const element = svg.current;
    const committed = performance.now();
    const requested = requestedAt.current;
    const first = firstPaint.current !== layout.key;
    firstPaint.current = layout.key;
    if (layout.kind === 'elk') layouts.current += 1;
    const count = layouts.current;
    requestAnimationFrame(() => {
      const drawn = performance.now();
      element.dataset.layout = layout.kind;
      element.dataset.nodes = String(layout.nodes.size);
      if (first) {
        element.dataset.firstPaintMs = (drawn - requested).toFixed(0);
        element.dataset.paintedAt = drawn.toFixed(0);
        element.dataset.firstLayout = layout.kind;
        element.dataset.firstNodes = String(layout.nodes.size);
      }
      if (layout.kind !== 'elk') return;
      element.dataset.layoutMs = layout.layoutMs.toFixed(0);
      element.dataset.renderMs = (committed - layout.readyAt).toFixed(0);
      element.dataset.totalMs = (drawn - requested).toFixed(0);
      element.dataset.elkAt = drawn.toFixed(0);
      element.dataset.edges = String(layout.edges.length);
      element.dataset.layouts = String(count);
      element.dataset.ready = 'true';
    });
    // once per new layout
  }, [layout]);

  // Every update: from this render to the next frame (a recolour of 1,000 nodes stays cheap).
  useLayoutEffect(() => {
    const element = svg.current;
    if (!element) return;
    requestAnimationFrame(() => {
      element.dataset.frameMs = (performance.now() - renderStarted).toFixed(0);
    });
  });

  // Pan and zoom touch one attribute, never the vnode tree (1,000 nodes stay cheap).
  useEffect(() => {
    const element = svg.current;
    if (!element) return;
    let drag: { x: number; y: number; vx: number; vy: number } | undefined;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = element.getBoundingClientRect();
      const px = event.clientX - rect.left;
      const py = event.clientY - rect.top;
      const { x, y, k } = view.current;
      const next = Math.min(4, Math.max(0.03, k * Math.exp(-event.deltaY * 0.0015)));
      touched.current = true;
      view.current = { k: next, x: px - ((px - x) * next) / k, y: py - ((py - y) * next) / k };
      apply();
    };
    const onDown = (event: PointerEvent) => {
      if (event.button !== 0 || (event.target as Element).closest('.node')) return;
      drag = { x: event.clientX, y: event.clientY, vx: view.current.x, vy: view.current.y };
      element.setPointerCapture(event.pointerId);
      element.classList.add('dragging');
    };
    const onMove = (event: PointerEvent) => {
      if (!drag) return;
      view.current = { ...view.current, x: drag.vx + event.clientX - drag.x, y: drag.vy + event.clientY - drag.y };
      touched.current = true;
      apply();
    };
    const onUp = () => {
      drag = undefined;
      element.classList.remove('dragging');
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    element.addEventListener('pointerdown', onDown);
    element.addEventListener('pointermove', onMove);
    element.addEventListener('pointerup', onUp);
    element.addEventListener('pointercancel', onUp);
    return () => {
      element.removeEventListener('wheel', onWheel);
      element.removeEventListener('pointerdown', onDown);
      element.removeEventListener('pointermove', onMove);
      element.removeEventListener('pointerup', onUp);
      element.removeEventListener('pointercancel', onUp);
    };
  }, []);

  const fitRef = useRef(fit);
  fitRef.current = fit;
  useEffect(() => {
    const element = svg.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (!touched.current) fitRef.current();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const criticalEdges = useMemo(() => {
    const pairs = new Set<string>();
    for (let i = 1; i < criticalPath.length; i += 1) pairs.add(`${criticalPath[i - 1]}->${criticalPath[i]}`);
    return pairs;
  }, [criticalPath]);

  // Edges change only with the layout or the critical path: the same vnodes are reused (Preact
  // skips diffing them) on every other render.
  const edges = useMemo(
    () =>
      layout?.edges.map((edge) => {
        const d = pathOf(edge);
        const critical = criticalEdges.has(edge.id);
        return (
          <g key={edge.id} class={`edge o-${edge.origin}${critical ? ' critical' : ''}`} data-edge={edge.id}>
            <path d={d} class="line" marker-end={critical ? 'url(#arrow-critical)' : 'url(#arrow)'} />
            {edge.origin === 'sub-issue' ? <path d={d} class="gap" /> : null}
          </g>
        );
      }),
    [layout, criticalEdges],
  );

  const nodes = layout
    ? [...layout.nodes].map(([id, box]) => {
        const task = tasks.get(id);
        if (!task) return null;
        const classes = `node${task.critical ? ' critical' : ''}${selected === id ? ' selected' : ''}`;
        return (
          <g
            key={id}
            class={classes}
            data-id={id}
            data-state={task.state}
            transform={`translate(${box.x} ${box.y})`}
            onClick={(event) => {
              event.stopPropagation();
              onSelect(id);
            }}
          >
            <title>{`${id} · ${task.state}${task.critical ? ' · critical path' : ''}\n${task.title}`}</title>
            <rect width={box.width} height={box.height} rx="6" />
            <text x="8" y="15" class="id">
              {truncate(id, 24)}
            </text>
            <text x="8" y="30" class="title">
              {truncate(task.title, 27)}
            </text>
            {task.attempts > 1 ? (
              <text x={box.width - 6} y="15" class="attempts">
                ×{task.attempts}
              </text>
            ) : null}
          </g>
        );
      })
    : null;

  return (
    <div class="graph">
      <div class="graph-tools">
        <button
          type="button"
          onClick={() => {
            touched.current = false;
            fit();
          }}
          title="Fit the whole graph in view"
        >
          Fit
        </button>
        {!layout && tasks.size > 0 && !layoutError ? <span class="muted">laying out {tasks.size} tasks…</span> : null}
        {layout?.kind === 'provisional' && !layoutError ? (
          <span class="muted" data-provisional>
            {layout.nodes.size} tasks in columns by dependency depth; laying out the edges…
          </span>
        ) : null}
        {layoutError ? <span class="error">layout failed: {layoutError}</span> : null}
        {tasks.size === 0 ? <span class="muted">no tasks yet</span> : null}
      </div>
      <svg ref={svg} class="graph-svg" role="img" aria-label="dependency graph" onDblClick={() => {
          touched.current = false;
          fit();
        }}
        onClick={() => onSelect(undefined)}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0 0L10 5L0 10z" class="arrow" />
          </marker>
          <marker id="arrow-critical" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
            <path d="M0 0L10 5L0 10z" class="arrow critical" />
          </marker>
        </defs>
        <g ref={scene}>
          <g class="edges">{edges}</g>
          <g class="nodes">{nodes}</g>
        </g>
      </svg>
    </div>
  );
}
