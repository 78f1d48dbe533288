/**
 * Root vitest config. The project list lives in vitest.workspace.ts (vitest ≥ 4 no longer reads
 * that file by itself, so it is imported here as `test.projects`); see docs/development.md.
 */
import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.js';

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the "@pco/source" export condition),
  // so tests never need a build first.
  resolve: { conditions: ['@pco/source'] },
  ssr: { resolve: { conditions: ['@pco/source'] } },
  test: {
    projects,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    passWithNoTests: false,
  },
});
