/**
 * The `pco` command line: commander 14 program, exit codes and error printing. `main()` never
 * throws: every failure becomes a message on stderr (secrets scrubbed) and an exit code.
 */
import { Command, CommanderError, Option } from 'commander';
import { findCredentialsRejected, PcoError, createRedactor } from '@pco/contract';
import { CliUsageError, colorsFor, EXIT, processContext, type CliContext } from './context.js';
import { demoCommand, type DemoFlags } from './demo-command.js';
import { initCommand, type InitFlags } from './init-command.js';
import { registerJournalCommands } from './journal-commands.js';
import { loadCliConfig } from './load.js';
import { planCommand } from './plan-command.js';
import { planHtmlCommand } from '../ui/plan-html-command.js';
import { registerUiCommand } from '../ui/ui-command.js';
import { PLAN_FORMATS, type PlanFormat } from './plan-render.js';
import { createGitHubClientFor, createTaskSource } from './pipeline.js';
import { runCommand, type RunFlags } from './run-pipeline-command.js';
import { registerWorkerCommand } from './worker-command.js';
import type { OutputFlags } from './run-command.js';
import { DEFAULT_FAIL_ON, FAIL_ON_STATES, parseFailOn } from './exit-code.js';
import { secretValues } from '../config/index.js';
import { pcoVersion } from './version.js';
import { quietClosedPipes } from './pipes.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    every task allowed to run is done (tasks held back by policy, i.e. an untrusted author
       or an open external blocker, and their dependents do not count); plan: the plan can run
  1    some tasks failed, need input, or were skipped because a dependency failed
       (run --fail-on <states> picks which outcomes count)
  2    usage or configuration error; a backlog with dependency cycles (plan and run)
  130  interrupted (SIGINT / SIGTERM)`;

/** Builds the program; `setCode` receives each action's exit code. */
export function createProgram(ctx: CliContext, setCode: (code: number) => void, secrets: Set<string>): Command {
  const c = colorsFor(ctx.stderr, ctx.env);
  const program = new Command('pco')
    .description('pco, the parallel coding-agent orchestrator: runs a GitHub backlog on up to 10 Codegen agents, dependencies first.')
    .version(pcoVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      outputError: (text, write) => write(c.red(text)),
    })
    .addHelpText(
      'after',
      `
Quick start:
  pco demo                       the whole pipeline against local fakes (no tokens, no network)
  pco init --repo owner/name     write a commented pco.yaml
  pco plan                       what would run, in which order
  pco run                        run it
${EXIT_CODES_HELP}

Docs: docs/cli.md, docs/configuration.md`,
    )
    .exitOverride();

  const configOption = () => new Option('-c, --config <file>', 'config file (default: $PCO_CONFIG, else ./pco.yaml, pco.yml, pco.json)');
  const concurrencyOption = () => new Option('--concurrency <n>', 'agents at once, 1-10 (overrides agent.maxConcurrentAgents)');
  const debugOption = () => new Option('--debug', 'print the effective configuration (secrets redacted) and stack traces');

  program
    .command('run')
    .description('Fetch the tasks, then run each on a Codegen agent as soon as its dependencies are done; write outcomes back to GitHub.')
    .addOption(configOption())
    .option('--dry-run', 'print the plan (same as pco plan) and run nothing')
    .option('--json', 'one JSON log line per event on stdout (default when stdout is not a terminal)')
    .option('--verbose', 'more detail: agent status changes and starts (live view), debug-level events (JSON)')
    .option('--ui [host:port]', 'serve a live web view of the run (default 127.0.0.1:4545; another host needs a token); prints "pco ui: URL"')
    .addOption(debugOption())
    .addOption(concurrencyOption())
    .addOption(
      new Option('--fail-on <states>', `task outcomes that make the run exit 1, comma-separated: ${FAIL_ON_STATES.join(', ')}`)
        .argParser(parseFailOn)
        .default(DEFAULT_FAIL_ON, DEFAULT_FAIL_ON.join(',')),
    )
    .option('--time-scale <factor>', 'real ms per API ms, > 0 and ≤ 1, for simulators and fakes whose clocks run faster: every wait of pco shrinks by it (default 1: real time)')
    .addHelpText(
      'after',
      `
On a terminal, a live view shows the overall progress with ETA and one line per running task.
Results go to results.json and results.csv in journal.resultsDir; the journal makes a rerun
resume where a crash or Ctrl-C left off without paying for the same agent run twice.
First Ctrl-C: stop dispatching, keep running agents alive for the next pco run. Second: exit now.
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: RunFlags & OutputFlags) => setCode(await runCommand(ctx, flags, secrets)));

  program
    .command('plan')
    .description('Fetch and validate the tasks and print the plan: dependencies, warnings, cycles, critical path, lower bound and simulated makespan.')
    .addOption(configOption())
    .addOption(new Option('-f, --format <format>', 'output format').choices(PLAN_FORMATS as string[]).default('text'))
    .option('--html <file>', 'also write the plan as one self-contained web page (the view of pco run --ui)')
    .addOption(concurrencyOption())
    .addOption(debugOption())
    .addHelpText(
      'after',
      `
Only the github section is needed (no Codegen credentials). Estimates come from the source
(labels such as estimate:3, or a board's Estimate / Size field); a task without one counts 1.
Exit code 2 when the plan has dependency cycles (each printed as a path).`,
    )
    .action(async (flags: { config?: string; format: PlanFormat; concurrency?: string; debug?: boolean; html?: string }) => {
      const { config } = await loadCliConfig(ctx, flags, 'plan');
      for (const secret of secretValues(config)) secrets.add(secret);
      const source = createTaskSource(config, createGitHubClientFor(config));
      if (flags.html !== undefined) setCode(await planHtmlCommand(ctx, config, source, { file: flags.html, format: flags.format, secrets }));
      else setCode(await planCommand(ctx, config, source, flags.format));
    });

  program
    .command('demo')
    .description('Run the whole pipeline against a fake GitHub and a fake Codegen started in-process (a 24-issue backlog, a couple of failures and a retry), sped up. No tokens, no network.')
    .option('--json', 'one JSON log line per event on stdout')
    .option('--verbose', 'also show agent status changes')
    .option('--out <dir>', 'folder for results.json, results.csv and the journal (default: a new temporary folder)')
    .option('--ui [host:port]', 'serve a live web view of the run (default 127.0.0.1:4545; port 0 picks one); prints "pco ui: URL"')
    .addOption(new Option('--concurrency <n>', 'agents at once, 1-10').default('10'))
    .addOption(new Option('--speed <factor>', 'how many times faster than real time the fake agents work').default('240'))
    .action(async (flags: DemoFlags) => setCode(await demoCommand(ctx, flags)));

  program
    .command('init')
    .description('Write a commented starter config.')
    .argument('[file]', 'where to write it', 'pco.yaml')
    .option('-r, --repo <owner/name...>', 'repositories to list under github.repos')
    .option('--force', 'overwrite an existing file')
    .action(async (file: string, flags: InitFlags) => setCode(await initCommand(ctx, file, flags)));

  registerJournalCommands(program, ctx, setCode);
  registerWorkerCommand(program, ctx, setCode, secrets);
  registerUiCommand(program, ctx, setCode);

  return program;
}

/** Runs `pco` with `argv` (as process.argv: node, script, args…); resolves with the exit code. */
export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  // `pco --help | head -1`: the reader leaving is no error (see pipes.ts).
  quietClosedPipes(ctx);
  const secrets = new Set<string>();
  // Tokens in the environment are scrubbed from anything printed, even before a config is read.
  for (const [name, value] of Object.entries(ctx.env)) {
    if (value && value.length >= 8 && /TOKEN|SECRET|PASSWORD|API_KEY/i.test(name)) secrets.add(value);
  }
  let code: number = EXIT.ok;
  const program = createProgram(ctx, (value) => (code = value), secrets);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    const redact = createRedactor(secrets);
    const c = colorsFor(ctx.stderr, ctx.env);
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    // Usage errors and the preflight's refusals are messages written for the user: printed as
    // they are, exit 2 (nothing ran, nothing was written).
    if (error instanceof CliUsageError || (error instanceof PcoError && error.code === 'PREFLIGHT_REFUSED')) {
      ctx.stderr.write(`${redact(error.message)}\n`);
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    const status = (error as { status?: unknown }).status;
    const refused = findCredentialsRejected(error);
    const auth = refused !== undefined || status === 401 || (error instanceof PcoError && /\b401\b|Bad credentials/i.test(message));
    // A journal written for another config, or held by another pco, is a usage problem: the
    // user picks another journal.path or waits; nothing ran.
    const journalRefused = error instanceof PcoError && (error.code === 'JOURNAL_CONFIG_MISMATCH' || error.code === 'JOURNAL_LOCKED');
    // Cycles, duplicate ids, self-dependencies: the backlog cannot run as written, as `pco plan`
    // says with the same exit code; nothing was started.
    const graphInvalid = error instanceof PcoError && error.code === 'GRAPH_INVALID';
    ctx.stderr.write(`${c.red('✖')} ${redact(message)}\n`);
    if (auth) ctx.stderr.write(`  ${redact(refused?.hint ?? 'Check github.token / codegen.token: the API refused the credentials.')}\n`);
    if (graphInvalid) ctx.stderr.write('  Nothing was started. Fix the dependencies above (`pco plan` shows the whole plan) and run again.\n');
    if (debug && error instanceof Error && error.stack) ctx.stderr.write(`${c.dim(redact(error.stack))}\n`);
    return auth || journalRefused || graphInvalid ? EXIT.usage : EXIT.tasksFailed;
  }
}
