// The scheduling bench's harness lives in bench/harness/ (adapted from the project's shared bench
// harness; see bench/README.md). Its dag.mjs supplies the runner plumbing every pco runner uses.
import { loadDag, parseRunnerArgs, taskBody, report, bottomLevels } from './harness/dag.mjs';

export { loadDag, parseRunnerArgs, taskBody, report, bottomLevels };

/**
 * What every pco runner starts with: the parsed arguments (`--dag FILE --n N`, plus flags such as
 * `--no-estimates` and `--virtual`), the harness-parsed DAG, its checked task body, the report
 * function and the harness's critical-path priority (`bottomLevels(dag)`).
 *
 * `sleep`: what a task body sleeps on; the harness's real timers unless given (a virtual-clock
 * runner passes its manual clock's).
 */
export function runnerSetup({ sleep } = {}) {
  const args = parseRunnerArgs();
  const dag = loadDag(args.dag);
  return {
    args,
    dag,
    body: taskBody(dag, sleep ? { sleep } : {}),
    report,
    bottomLevels,
    estimates: !args['no-estimates'],
  };
}
