/**
 * The layout engine's script: elkjs's own worker, which answers elk-api's messages on
 * `self.onmessage`. Built as a classic script (`worker.format: 'iife'`). index.html names it in a
 * `<link rel="pco-layout-engine">` that a browser does not fetch; a static page (`pco plan
 * --html`, which cannot start a worker from a file) inlines it as a `<script>`. In a window it
 * loads elk only on a page that embeds its data (`#pco-data`) and leaves elk's in-thread stand-in
 * on `globalThis.PcoElkWorker` for layout.ts; a live page starts it as a real worker instead.
 */
interface ElkWorkerModule {
  readonly Worker?: unknown;
  readonly default?: unknown;
}

const inWindow = typeof document !== 'undefined';
if (!inWindow || document.getElementById('pco-data') !== null) {
  // Inlined by the bundler (one classic script); run at once, before any message is delivered.
  const ready = import('elkjs/lib/elk-worker.min.js').then((module: ElkWorkerModule) => module.Worker ?? module.default);
  if (inWindow) (globalThis as { PcoElkWorker?: Promise<unknown> }).PcoElkWorker = ready;
}
