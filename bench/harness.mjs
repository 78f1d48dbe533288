// Where the shared bench harness lives: $PCO_BENCH_HARNESS, else ../../shared/bench next to the
// repository (where CI and the sessions have it). Its dag.mjs supplies the runner plumbing.
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function harnessDir() {
  return process.env.PCO_BENCH_HARNESS ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/bench');
}

export async function harness() {
  return import(pathToFileURL(resolve(harnessDir(), 'dag.mjs')).href);
}

/**
 * What every pco runner starts with: the parsed arguments (`--dag FILE --n N`, plus
 * `--no-estimates`), the harness-parsed DAG, its checked task body, the report function and the
 * harness's critical-path priority (`bottomLevels(dag)`).
 */
export async function runnerSetup() {
  const { loadDag, parseRunnerArgs, taskBody, report, bottomLevels } = await harness();
  const args = parseRunnerArgs();
  const dag = loadDag(args.dag);
  return { args, dag, body: taskBody(dag), report, bottomLevels, estimates: !args['no-estimates'] };
}
