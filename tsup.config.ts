/**
 * The one tsup config every package builds with (`tsup --config ../../tsup.config.ts`, run from
 * the package folder). tsup is unmaintained upstream: keeping every build option here means a
 * later switch of bundler is one file.
 */
import { existsSync } from 'node:fs';
import { defineConfig } from 'tsup';

// Optional extra entries a package may have besides src/index.ts (the CLI lives in src/cli.ts).
const extraEntries = ['src/cli.ts'].filter((entry) => existsSync(entry));

export default defineConfig({
  entry: ['src/index.ts', ...extraEntries],
  format: ['esm', 'cjs'],
  target: 'node20',
  platform: 'node',
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  splitting: false,
  treeshake: true,
  shims: true,
  outDir: 'dist',
  // Workspace packages and third-party dependencies stay imports (tsup externalises
  // dependencies/peerDependencies by default).
});
