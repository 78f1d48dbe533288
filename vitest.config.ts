/**
 * Vitest >= 4 no longer reads vitest.workspace.ts: the projects are declared here with
 * `test.projects` (see docs/development.md). One project per package, named after its folder,
 * so `npx vitest run --project graph` runs one package's tests.
 *
 * Two groups (`sequence.groupOrder`), so the heavy tests never starve each other or the rest:
 *  - group 0, every package (and examples), two files at a time;
 *  - group 1, `core-heavy`, one file at a time, once group 0 is done: the tests that spawn
 *    processes (the `pco` binary, the crash suite's 21 SIGKILLed children) or drive the whole
 *    pipeline against both fakes in real time scaled down (fault storm, bad input, resume,
 *    detach window). Each gets the machine to itself.
 * `--project core` runs core's in-process tests; `--project core-heavy` the heavy ones;
 * `--project 'core*'` both.
 */
import { readdirSync } from 'node:fs';
import { configDefaults, defineConfig } from 'vitest/config';

const packages = readdirSync(new URL('./packages', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** Subprocess and whole-pipeline real-time tests of @pco/core: run alone, one file at a time. */
const CORE_HEAVY = ['packages/core/src/cli/cli.test.ts', 'packages/core/src/journal/fault/**/*.test.ts'];

/**
 * Files run at once in group 0. Vitest's default is one fewer than the cores (1 on CI's two),
 * which leaves a core idle while tests wait on sockets and timers.
 */
const PARALLEL = 2;

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the "@pco/source" export condition),
  // so tests never need a build first.
  resolve: { conditions: ['@pco/source'] },
  ssr: { resolve: { conditions: ['@pco/source'] } },
  test: {
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: {
          name,
          include: [`packages/${name}/src/**/*.test.ts`],
          exclude: name === 'core' ? [...configDefaults.exclude, ...CORE_HEAVY] : configDefaults.exclude,
          maxWorkers: PARALLEL,
          sequence: { groupOrder: 0 },
        },
      })),
      {
        extends: true as const,
        test: { name: 'examples', include: ['examples/**/*.test.ts'], maxWorkers: PARALLEL, sequence: { groupOrder: 0 } },
      },
      {
        extends: true as const,
        test: { name: 'core-heavy', include: CORE_HEAVY, maxWorkers: 1, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    passWithNoTests: false,
  },
});
