/**
 * The one tsup config every package builds with (`tsup --config ../../tsup.config.ts`, run from
 * the package folder). tsup is unmaintained upstream: keeping every build option here means a
 * later switch of bundler is one file.
 *
 * Entries come from the package's own `exports`: every subpath's `@pco/source` file is built to
 * `dist/<subpath>.{js,cjs,d.ts,d.cts}` (`.` → `index`). A `src/cli.ts` is built as the bin.
 * A package whose exports have no `require` condition is ESM-only: no CommonJS build, and its
 * entries share chunks (`splitting`), so a bin and an index never ship the same code twice.
 *
 * No source maps: they were 55–70 % of every tarball, and the JavaScript shipped is not
 * minified, so a stack trace already points at readable code (the maps would point at `src/`,
 * which is not shipped).
 */
import { existsSync, readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

interface PackageJson {
  readonly exports?: Record<string, string | Record<string, unknown>>;
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as PackageJson;
const esmOnly = !JSON.stringify(pkg.exports ?? {}).includes('"require"');
const entry: Record<string, string> = {};
for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
  if (typeof target !== 'object') continue;
  const source = target['@pco/source'];
  if (typeof source !== 'string') continue;
  entry[subpath === '.' ? 'index' : subpath.replace(/^\.\//, '')] = source;
}
if (Object.keys(entry).length === 0) entry.index = 'src/index.ts';

export default defineConfig({
  entry: { ...entry, ...(existsSync('src/cli.ts') ? { cli: 'src/cli.ts' } : {}) },
  format: esmOnly ? ['esm'] : ['esm', 'cjs'],
  target: 'node20',
  platform: 'node',
  dts: { entry },
  sourcemap: false,
  clean: true,
  splitting: esmOnly,
  treeshake: true,
  shims: true,
  outDir: 'dist',
  // Workspace packages and third-party dependencies stay imports (tsup externalises
  // dependencies/peerDependencies by default).
});
