/**
 * The `pco-cli` runner: pco through its command line, as a user runs it. It writes a pco.yaml for
 * the bench's fakes in a temporary folder (tokens as `${VAR}` references, their values only in the
 * child's environment; landing off: the fakes model no pull requests; the journal and results in
 * that folder; the CLI's defaults otherwise, with the agent settings runner-pco.mjs uses) and
 * spawns the built CLI (packages/cli/bin/pco.mjs → dist/cli.js):
 *
 *   pco run --config <tmp>/pco.yaml --json --time-scale <timeScale>
 *
 * Its JSON lines fill `done` / `failed` (issue number → the line's `time`), `loadedAt` (the
 * `run:start` line) and `counts` (the `results` line). CPU and peak RSS are the CLI process's own:
 * a one-line module preloaded with `--import` writes `process.cpuUsage()`, `resourceUsage().maxRSS`
 * and its `performance.timeOrigin` to a file when the CLI exits (Node reports no child rusage);
 * this wrapper's own figures go to `wrapper`. The same module ends the CLI if this wrapper dies.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { finish, issueNumber, runnerConfig } from './runner-common.mjs';

const config = runnerConfig();
const [owner] = config.github.repo.split('/');
const bin = fileURLToPath(new URL('../../packages/cli/bin/pco.mjs', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'pco-bench-cli-'));
const usageFile = path.join(dir, 'usage.json');

const board = config.estimates !== 'none';
const yaml = [
  'github:',
  '  token: ${BENCH_GITHUB_TOKEN}',
  `  baseUrl: ${config.github.url}`,
  `  repos: [${config.github.repo}]`,
  ...(board ? ['  project:', `    owner: ${owner}`, '    ownerType: organization', `    number: ${config.github.projectNumber}`, 'source:', '  type: project'] : []),
  'codegen:',
  '  token: ${BENCH_CODEGEN_TOKEN}',
  `  baseUrl: ${config.codegen.url}`,
  `  orgId: ${config.codegen.orgId}`,
  `  repoId: ${config.codegen.repoId}`,
  // As runner-pco.mjs: 2 retries 30 s apart, a task timeout longer than the longest run (3 h).
  'agent:',
  `  maxConcurrentAgents: ${config.concurrency}`,
  '  retryAttempts: 2',
  '  retryDelaySeconds: 30',
  '  taskTimeoutSeconds: 10800',
  'landing:',
  '  enabled: false',
  'journal:',
  `  path: ${path.join(dir, 'journal.jsonl')}`,
  `  resultsDir: ${dir}`,
  '',
].join('\n');
writeFileSync(path.join(dir, 'pco.yaml'), yaml);

const probe = [
  "import { writeFileSync } from 'node:fs';",
  "import { performance } from 'node:perf_hooks';",
  "process.on('exit', () => { const c = process.cpuUsage();",
  'writeFileSync(process.env.BENCH_CLI_USAGE, JSON.stringify({ processStart: performance.timeOrigin, cpuMs: (c.user + c.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 })); });',
  // bench.mjs kills a run that overstays with SIGKILL, which this wrapper cannot pass on: the CLI
  // leaves by itself once its parent is gone, rather than run on against closed fakes.
  'const parent = process.ppid; setInterval(() => { if (process.ppid !== parent) process.exit(1); }, 500).unref();',
].join(' ');

const env = { ...process.env, BENCH_GITHUB_TOKEN: config.github.token, BENCH_CODEGEN_TOKEN: config.codegen.token, BENCH_CLI_USAGE: usageFile };
delete env.BENCH_RUNNER;
const args = ['--import', `data:text/javascript,${encodeURIComponent(probe)}`, bin, 'run', '--config', path.join(dir, 'pco.yaml'), '--json', '--time-scale', String(config.timeScale)];
const child = spawn(process.execPath, args, { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

const done = {};
const failed = {};
const events = { retries: 0, warnings: 0, lines: 0, unparsed: 0 };
let loadedAt;
let counts;
let exitCode;
let stderr = '';
const at = (line) => {
  const t = Date.parse(line.time);
  return Number.isFinite(t) ? t : Date.now();
};
const onLine = (text) => {
  if (!text.startsWith('{')) return;
  let line;
  try {
    line = JSON.parse(text);
  } catch {
    events.unparsed++;
    return;
  }
  events.lines++;
  if (line.level === 'warn' || line.level === 40) events.warnings++;
  switch (line.event) {
    case 'run:start':
      loadedAt = at(line);
      break;
    case 'task:done':
      done[issueNumber(line.taskId)] = at(line);
      break;
    case 'task:failed':
      failed[issueNumber(line.taskId)] = at(line);
      break;
    case 'task:retry':
      events.retries++;
      break;
    case 'results':
      counts = line.counts;
      exitCode = line.exitCode;
      break;
  }
};

let buffered = '';
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk) => {
  buffered += chunk;
  const lines = buffered.split('\n');
  buffered = lines.pop();
  for (const line of lines) onLine(line);
});
child.stderr.setEncoding('utf8');
child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
const [code, signal] = await new Promise((resolve) => child.on('close', (...result) => resolve(result)));
if (buffered) onLine(buffered);

let usage;
try {
  usage = JSON.parse(readFileSync(usageFile, 'utf8'));
} catch {
  usage = undefined;
}
rmSync(dir, { recursive: true, force: true });
if (counts === undefined) {
  // No results line: the CLI did not get to the end. bench.mjs records the error with stderr.
  process.stderr.write(`pco exited ${signal ?? code} without a results line\n${stderr}`);
  process.exit(1);
}
const wrapperCpu = process.cpuUsage();
finish({
  runner: 'pco-cli',
  done,
  failed,
  loadedAt,
  counts,
  events: { ...events, exitCode, cliExit: code },
  wrapper: { processStart: performance.timeOrigin, cpuMs: (wrapperCpu.user + wrapperCpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 },
  // The CLI process's own figures (they replace finish()'s, which would measure this wrapper).
  ...(usage ?? { cpuNote: 'the CLI did not report its usage: cpuMs and maxRssMb are the wrapper\'s' }),
});
