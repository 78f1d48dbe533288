/**
 * The test projects (vitest ≥ 4 reads them through `test.projects` in vitest.config.ts, which
 * imports this list). One project per package, named after its folder, so
 * `npx vitest run --project graph` runs one package's tests.
 *
 * Two groups (`sequence.groupOrder`), so the heavy tests never starve each other or the rest:
 *  - group 0, every package (and examples), two files at a time;
 *  - group 1, `cli-heavy`, one file at a time, once group 0 is done: the tests that spawn
 *    processes (the `pco` binary, the crash suite's 21 SIGKILLed children) or drive the whole
 *    pipeline against both fakes in real time scaled down (fault storm, bad input, resume,
 *    detach window). Each gets the machine to itself.
 * `--project cli` runs the CLI's in-process tests; `--project cli-heavy` the heavy ones;
 * `--project 'cli*'` both.
 */
import { readdirSync } from 'node:fs';
import { configDefaults, type TestProjectInlineConfiguration } from 'vitest/config';

const packages = readdirSync(new URL('./packages', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/**
 * Subprocess and whole-pipeline real-time tests of @pco/cli: run alone, one file at a time. The
 * web view's browser tests (ui-browser/) drive a chromium and the built page.
 */
const CLI_HEAVY = [
  'packages/cli/src/cli/cli.test.ts',
  // Scale-out: pco run and pco worker as processes on one Redis, one stopped and restarted.
  'packages/cli/src/cli/scale-out-processes.test.ts',
  'packages/cli/src/journal/fault/**/*.test.ts',
  'packages/cli/src/ui-browser/**/*.test.ts',
  // Landing end to end: pco run's pipeline against the linked fakes, several runs per file.
  'packages/cli/src/landing/**/*.test.ts',
  // The scale-out SIGKILL suite: three child processes on one Redis, killed 20 times.
  'packages/scale-out/src/**/*.heavy.test.ts',
];

/**
 * Files run at once in group 0. Vitest's default is one fewer than the cores (1 on CI's two),
 * which leaves a core idle while tests wait on sockets and timers.
 */
const PARALLEL = 2;

export const projects: TestProjectInlineConfiguration[] = [
  ...packages.map((name) => ({
    extends: true as const,
    test: {
      name,
      include: [`packages/${name}/src/**/*.test.ts`],
      exclude: [...configDefaults.exclude, ...CLI_HEAVY],
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
    test: { name: 'cli-heavy', include: CLI_HEAVY, maxWorkers: 1, fileParallelism: false, sequence: { groupOrder: 1 } },
  },
];
