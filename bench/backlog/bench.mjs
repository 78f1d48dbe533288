/**
 * The backlog benchmark's driver: for every size × shape × seed × runner, generate the backlog,
 * start both fakes in this process, start the runner as a child process talking HTTP to them,
 * and append one JSON line of figures to the results file (and print it).
 *
 * Knobs (environment):
 *   SIZES=50,200  SHAPES=layered,random  SEEDS=1,2,3  RUNNERS=pco,pco-cli,pco-board,pco-board-some,seed-design,tick
 *   TIME_SCALE=0.0005            real ms per API ms (default: 1/1000, but 1/2000 for 51–200 issues
 *                                to keep the default bench under 10 min; 1/4000 inflated the
 *                                latencies of 1,000 issues many times over, see README.md)
 *   CODEGEN_ERRORS=0.01 GITHUB_ERRORS=0.005   transient 5xx rates of the fakes
 *   OUT=bench/backlog/results/<timestamp>.jsonl
 *   RUN_TIMEOUT_S=…              a run that takes longer (real seconds) is killed and recorded
 *                                (default: 3 × LB on the time scale + 60 s, at least 180 s)
 *
 * Runners: `pco` (issues source, no estimates), `pco-cli` (`pco run` itself), `pco-board-some`
 * (the board, every third item with its Estimate), `pco-board` (the board as the source, every item
 * with its Estimate = its scripted duration), `seed-design`, `tick` (see their files).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateBacklog, PROJECT_NUMBER, REPO } from './generate.mjs';
import { CODEGEN_TOKEN, GITHUB_TOKEN, startFakes } from './fakes.mjs';
import { computeFigures } from './metrics.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const list = (name, fallback) => (process.env[name] ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
const sizes = list('SIZES', '50,200').map(Number);
const shapes = list('SHAPES', 'layered,random');
const seeds = list('SEEDS', '1,2,3').map(Number);
const runners = list('RUNNERS', 'pco,pco-cli,pco-board,pco-board-some,seed-design,tick');
const codegenErrorRate = Number(process.env.CODEGEN_ERRORS ?? 0.01);
const githubErrorRate = Number(process.env.GITHUB_ERRORS ?? 0.005);
const out = process.env.OUT ?? path.join(here, 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
mkdirSync(path.dirname(out), { recursive: true });

const FILES = { pco: 'runner-pco.mjs', 'pco-board': 'runner-pco.mjs', 'pco-board-some': 'runner-pco.mjs', 'pco-cli': 'runner-cli.mjs', 'seed-design': 'runner-seed-design.mjs', tick: 'runner-tick.mjs' };

function runChild(file, config, runTimeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(here, file)], {
      env: { ...process.env, BENCH_RUNNER: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), runTimeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      let report;
      try {
        report = JSON.parse(last);
      } catch {
        report = undefined;
      }
      resolve({ code, signal, report, stderr: stderr.slice(-2000) });
    });
  });
}

for (const n of sizes) {
  const timeScale = Number(process.env.TIME_SCALE ?? (n > 50 && n <= 200 ? 1 / 2000 : 1 / 1000));
  for (const shape of shapes) {
    for (const seed of seeds) {
      for (const runner of runners) {
        const estimates = runner === 'pco-board' ? 'all' : runner === 'pco-board-some' ? 'some' : 'none';
        const backlog = generateBacklog({ n, shape, seed, estimates });
        const env = await startFakes(backlog, { timeScale, seed, codegenErrorRate, githubErrorRate });
        const config = {
          github: { url: env.github.url, token: GITHUB_TOKEN, repo: REPO, projectNumber: PROJECT_NUMBER },
          codegen: { url: env.codegen.url, token: CODEGEN_TOKEN, orgId: 1, repoId: 1 },
          timeScale,
          concurrency: 10,
          estimates,
        };
        const started = Date.now();
        const timeoutS = Number(process.env.RUN_TIMEOUT_S ?? Math.max(180, (3 * backlog.bounds.lbMs * timeScale) / 1000 + 60));
        const child = await runChild(FILES[runner], config, timeoutS * 1000);
        const realS = (Date.now() - started) / 1000;
        const line = { runner, n, shape, seed, estimates, timeScale, realS: Number(realS.toFixed(1)) };
        if (!child.report) {
          Object.assign(line, { error: child.signal ? `killed (${child.signal}) after ${realS.toFixed(0)} s` : `exit ${child.code}`, stderr: child.stderr });
        } else {
          Object.assign(line, computeFigures(env, backlog, child.report), { runnerEvents: child.report.events ?? null });
        }
        await env.close();
        appendFileSync(out, `${JSON.stringify(line)}\n`);
        console.log(JSON.stringify(line));
      }
    }
  }
}
console.error(`results: ${out}`);
