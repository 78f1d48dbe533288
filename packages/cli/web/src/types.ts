/**
 * The API's shapes (the server's `src/ui/api-types.ts` is the source of truth; type-only import,
 * so no validation code ships to the page) and the view's own.
 */
export type {
  ApiBudget,
  ApiDependency,
  ApiPullRequest,
  ApiSlot,
  ApiTaskRow,
  EmbeddedData,
  EventsResponse,
  LogEvent,
  StatusResponse,
  StreamBatch,
  TasksResponse,
} from '../../src/ui/api-types.js';
import type { ApiTaskRow, LogEvent, StatusResponse } from '../../src/ui/api-types.js';

/** A task as the page holds it: the API's row; `state` may be one this page does not know. */
export type TaskView = Omit<ApiTaskRow, 'state'> & { readonly state: string; readonly reactions?: unknown };

/** Everything the page shows, replaced or merged as data arrives. */
export interface ViewData {
  status?: StatusResponse;
  /** Local `Date.now()` when `status` arrived: the server's clock advances from `status.run.now` by the local delta. */
  statusAt: number;
  tasks: Map<string, TaskView>;
  criticalPath: readonly string[];
  events: LogEvent[];
  /** Bumped whenever the set of tasks or dependency edges may have changed. */
  graphVersion: number;
  /** `live` (server), `static` (embedded data), `error` (could not load). */
  mode: 'loading' | 'live' | 'static' | 'error';
  connection: 'open' | 'reconnecting' | 'closed';
  error?: string;
}

/** A laid-out node: top-left corner and size, in graph units. */
export interface NodeBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A laid-out edge from a dependency (`source`) to the task waiting on it (`target`). */
export interface EdgeRoute {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly origin: string;
  /** Polyline points: start, bends, end. */
  readonly points: readonly (readonly [number, number])[];
}

export interface GraphLayout {
  readonly key: string;
  /** `elk`: the layout engine's; `provisional`: the placeholder a large graph shows until ELK's arrives (provisional-layout.ts). */
  readonly kind: 'elk' | 'provisional';
  readonly nodes: ReadonlyMap<string, NodeBox>;
  readonly edges: readonly EdgeRoute[];
  readonly width: number;
  readonly height: number;
  /** Milliseconds the layout engine took (worker or in-thread). */
  readonly layoutMs: number;
  /** `performance.now()` when the layout was ready (drawing it is measured from here). */
  readonly readyAt: number;
}
