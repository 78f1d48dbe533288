/**
 * Build of the web view (`pco run --ui`, `pco demo --ui`, `pco plan --html`): Preact + elkjs,
 * bundled into `packages/cli/dist/web/` (index.html and hashed assets), which the CLI's server
 * serves and the package's tarball ships (`files: dist`). Run after tsup, whose `clean` empties
 * dist/ (`npm run build -w @pco/cli`).
 *
 * What the server's Content-Security-Policy (`script-src 'self'; style-src 'self'`) needs: no
 * inline script or style in index.html, no `data:` assets (`assetsInlineLimit: 0`), one script
 * and one stylesheet, relative URLs (`base: './'`) so the page works under any path. The layout
 * worker is its own classic script (`worker.format: 'iife'`), so the same file also runs as a
 * plain `<script>` in a page that cannot start workers (a static file opened from disk).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * Names the layout worker's script in index.html as `<link rel="pco-layout-engine" href=…>` (see
 * src/elk-worker.ts). A browser fetches nothing for a `rel` it does not know, so a live page
 * never loads the 1.5 MB engine in its own thread (its worker does); `pco plan --html`
 * (src/ui/static-page.ts) inlines it there as a classic `<script>`, for a page that cannot start
 * a worker from a file.
 */
function layoutScriptInHtml(): Plugin {
  return {
    name: 'pco-layout-script-in-html',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        const worker = Object.keys(context.bundle ?? {}).find((file) => /(^|\/)elk-worker-[^/]*\.js$/.test(file));
        if (!worker) throw new Error('the layout worker is missing from the bundle');
        return html.replace('<script type="module"', `<link rel="pco-layout-engine" href="./${worker}">\n    <script type="module"`);
      },
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  plugins: [layoutScriptInHtml()],
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: false,
    sourcemap: false,
    target: 'es2022',
    // elk's layout engine (compiled from Java) is one 1.6 MB file by design.
    chunkSizeWarningLimit: 2000,
    // The worker's build is timed inside the main build's transform: a note, not a problem.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  worker: { format: 'iife' },
});
