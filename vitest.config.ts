/**
 * Vitest >= 4 no longer reads vitest.workspace.ts: the projects are declared here with
 * `test.projects` (see docs/development.md). One project per package, named after its folder,
 * so `npx vitest run --project graph` runs one package's tests.
 */
import { readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const packages = readdirSync(new URL('./packages', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the "@pco/source" export condition),
  // so tests never need a build first.
  resolve: { conditions: ['@pco/source'] },
  ssr: { resolve: { conditions: ['@pco/source'] } },
  test: {
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: { name, include: [`packages/${name}/src/**/*.test.ts`] },
      })),
      {
        extends: true as const,
        test: { name: 'examples', include: ['examples/**/*.test.ts'] },
      },
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    passWithNoTests: false,
  },
});
