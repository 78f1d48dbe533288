/**
 * The `pco` runner: pco's library wired as the CLI wires it (packages/cli/src/cli/pipeline.ts and
 * demo-command.ts): `createGitHubClient` + `GitHubIssuesSource` (or `GitHubProjectSource` when the
 * board carries estimates) + `GitHubReporter`, `CodegenClient` + `CodegenExecutor`, and the
 * `Orchestrator` with the CLI's options, every duration scaled to the fakes' time scale as
 * `pco demo` scales them. @pco/cli exports none of its pipeline helpers, so the few lines of
 * `scaledRunTiming` and `scaledCodegenTiming` (packages/cli/src/cli/time-scale.ts) are repeated here
 * (keep them in step).
 */
import { createGitHubClient, GitHubIssuesSource, GitHubProjectSource, GitHubReporter } from '@pco/github-source';
import { CodegenClient, CodegenExecutor, DEFAULT_RATE_LIMITS, DEFAULT_WATCH_INTERVALS, RunWatcher } from '@pco/codegen-client';
import { Orchestrator } from '@pco/core';
import { finish, issueNumber, runnerConfig } from './runner-common.mjs';

const config = runnerConfig();
const ts = config.timeScale;
const [owner] = config.github.repo.split('/');

// pipeline.ts scaledCodegenTiming(timeScale): limits, retry backoff and poll intervals × timeScale.
const limits = {};
for (const [operation, limit] of Object.entries(DEFAULT_RATE_LIMITS)) limits[operation] = { limit: limit.limit, windowMs: limit.windowMs * ts };
const retry = { minDelayMs: 1_000 * ts, maxDelayMs: 30_000 * ts };
const watcherOptions = { minIntervalMs: DEFAULT_WATCH_INTERVALS.minIntervalMs * ts, maxIntervalMs: DEFAULT_WATCH_INTERVALS.maxIntervalMs * ts };

// What the client's throttling did about GitHub's rate limits, from its warnings
// (octokit.ts: "GitHub <primary|secondary> rate limit: retrying in …" / "giving up" / "exceeds").
const githubLimits = { primaryWaits: 0, secondaryWaits: 0, giveUps: 0 };
const logger = {
  debug() {},
  info() {},
  warn(message) {
    const m = /^GitHub (primary|secondary) rate limit: (retrying)?/.exec(String(message));
    if (m && m[2]) githubLimits[`${m[1]}Waits`]++;
    else if (m) githubLimits.giveUps++;
  },
  error() {},
};

// demo-command.ts: GitHub's retry waits and write spacing (1 s, 3 s for notifying writes) scaled.
const github = createGitHubClient({
  logger,
  token: config.github.token,
  baseUrl: config.github.url,
  userAgent: 'pco',
  timeScale: 1000 * ts,
  writeSpacingMs: 1000 * ts,
  notificationSpacingMs: 3000 * ts,
  throttleId: `pco-bench-${process.pid}`,
});
const resolution = { hosts: ['github.com'] };
const source =
  config.estimates === 'none'
    ? new GitHubIssuesSource({ client: github, repos: [config.github.repo], state: 'open', ...resolution })
    : new GitHubProjectSource({ client: github, owner, ownerType: 'organization', number: config.github.projectNumber, draftRepo: config.github.repo, ...resolution });
const reporter = new GitHubReporter({ client: github });
const client = new CodegenClient({
  token: config.codegen.token,
  orgId: config.codegen.orgId,
  baseUrl: config.codegen.url,
  headers: { 'user-agent': 'pco' },
  retry,
  limits: { limits },
});
// The executor would make this watcher itself; made here to count its poll ticks (its `tick`
// event says which reads each tick sent), the exact form of "≤ 1 Codegen read per poll tick".
const watcher = new RunWatcher(client, watcherOptions);
const executor = new CodegenExecutor({ client, watcher, repoId: config.codegen.repoId, stopRunOnCancel: true });

const createRate = DEFAULT_RATE_LIMITS.createRun;
const orchestrator = new Orchestrator({
  source,
  executor,
  reporters: [reporter],
  concurrency: config.concurrency,
  // The CLI's defaults (agent.retryAttempts 2, retryDelaySeconds 30, a task timeout of 3 h here:
  // longer than the longest run), scaled; the timeout keeps the demo's floor of real time.
  retry: { attempts: 3, baseDelayMs: 30_000 * ts },
  timeoutMs: Math.max(3 * 3_600_000 * ts, 30_000),
  abortGraceMs: 30_000 * ts,
  pool: { coolDownMs: 60_000 * ts },
  startRate: { limit: createRate.limit, windowMs: createRate.windowMs * ts },
});

const done = {};
const failed = {};
const events = { retries: 0, warnings: 0, githubLimits, ticks: 0, tickReads: 0, tickReadsByMode: { list: 0, get: 0, user: 0 }, maxReadsPerTick: 0, maxRunsPerTick: 0 };
watcher.on('tick', (t) => {
  // A `user` tick reads users/me (none when the client has it cached already); list/get count the others.
  const reads = t.list + t.get + (t.mode === 'user' ? 1 : 0);
  events.ticks++;
  events.tickReads += reads;
  events.tickReadsByMode[t.mode] += reads;
  events.maxReadsPerTick = Math.max(events.maxReadsPerTick, reads);
  events.maxRunsPerTick = Math.max(events.maxRunsPerTick, t.runs);
});
let loadedAt;
orchestrator.on('run:start', () => {
  loadedAt = Date.now();
});
orchestrator.on('task:done', (e) => {
  done[issueNumber(e.taskId)] = Date.now();
});
orchestrator.on('task:failed', (e) => {
  failed[issueNumber(e.taskId)] = Date.now();
});
orchestrator.on('task:retry', () => events.retries++);
reporter.on('warning', () => events.warnings++);

const summary = await orchestrator.run();
executor.close();
watcher.close();
finish({ runner: 'pco', done, failed, loadedAt, counts: summary.counts, events });
