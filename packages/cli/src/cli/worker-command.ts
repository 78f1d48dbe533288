/**
 * `pco worker`: one more process on a backlog that `pco run` runs through Redis (config
 * `coordination`, docs/scale-out.md). It is the same run as `pco run` (the orchestrator over the
 * backlog, its journal, a worker host lending its agent slots to the organisation), and refuses to
 * start without the coordination section: two embedded runs of one backlog would each create
 * every agent run.
 */
import { Option, type Command } from 'commander';
import type { CliContext } from './context.js';
import { DEFAULT_FAIL_ON, FAIL_ON_STATES, parseFailOn } from './exit-code.js';
import { runCommand, type RunFlags } from './run-pipeline-command.js';
import type { OutputFlags } from './run-command.js';

/** Registers `pco worker` on `program`. */
export function registerWorkerCommand(program: Command, ctx: CliContext, setCode: (code: number) => void, secrets: Set<string>): void {
  program
    .command('worker')
    .description('Join a backlog another pco process runs, through the Redis of the coordination section: run its tasks with this process\'s agents too, take over those of a process that dies.')
    .addOption(new Option('-c, --config <file>', 'config file (default: $PCO_CONFIG, else ./pco.yaml, pco.yml, pco.json)'))
    .option('--name <name>', 'this process in pco status (default: <hostname>:<pid>)')
    .option('--json', 'one JSON log line per event on stdout (default when stdout is not a terminal)')
    .option('--verbose', 'more detail: agent status changes and starts (live view), debug-level events (JSON)')
    .addOption(new Option('--concurrency <n>', "the organisation's agent cap, 1-10 (overrides agent.maxConcurrentAgents; give every process the same)"))
    .option('--time-scale <factor>', 'real ms per API ms, > 0 and ≤ 1, for simulators and fakes whose clocks run faster, as pco run (give every process the same)')
    .addOption(
      new Option('--fail-on <states>', `task outcomes that make the worker exit 1, comma-separated: ${FAIL_ON_STATES.join(', ')}`)
        .argParser(parseFailOn)
        .default(DEFAULT_FAIL_ON, DEFAULT_FAIL_ON.join(',')),
    )
    .addHelpText(
      'after',
      `
The same run as pco run, with the same config (journal.path must differ between processes on one
machine: set PCO_JOURNAL__PATH). Every process adds the same queue job for each task attempt, so
each runs once, on whichever process has a free agent slot; the organisation's agent cap and
rate limits hold across all of them. Exits when the backlog is done, like pco run.
See docs/scale-out.md.`,
    )
    .action(async (flags: RunFlags & OutputFlags) => setCode(await runCommand(ctx, { ...flags, requireCoordination: true }, secrets)));
}
