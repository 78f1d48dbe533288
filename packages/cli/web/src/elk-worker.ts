/**
 * The layout engine's worker: elkjs's own worker script, which answers elk-api's messages on
 * `self.onmessage` when it runs in a worker. Built as a classic script (`worker.format: 'iife'`),
 * so a page that cannot start a worker (a static file opened from disk) can load the same file
 * with a plain `<script>`: then it runs in the window and leaves elk's in-thread stand-in on
 * `globalThis.PcoElkWorker` for layout.ts.
 */
import * as elkWorker from 'elkjs/lib/elk-worker.min.js';

interface ElkWorkerModule {
  readonly Worker?: unknown;
  readonly default?: unknown;
}

if (typeof document !== 'undefined') {
  const module = elkWorker as ElkWorkerModule;
  (globalThis as { PcoElkWorker?: unknown }).PcoElkWorker = module.Worker ?? module.default;
}
