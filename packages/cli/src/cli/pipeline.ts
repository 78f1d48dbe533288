/**
 * From a validated config to the real parts: the GitHub client, the task source, the reporter,
 * the Codegen client and executor, and the Orchestrator options. `pco run`, `pco plan` and
 * `pco demo` all build their pipeline here, so the demo runs exactly what users run.
 */
import {
  createGitHubClient,
  GitHubIssuesSource,
  GitHubProjectSource,
  GitHubReporter,
  type GitHubClient,
  type GitHubClientOptions,
  type GitHubLogger,
  type GitHubReporterOptions,
} from '@pco/github-source';
import { CodegenClient, CodegenExecutor, RunWatcher, type BucketStore } from '@pco/codegen-client';
import { runBudgetStore } from '../journal/run-budget.js';
import type { PcoConfig } from '../config/index.js';
import type { TaskSource, TaskState as GitHubTaskState } from '@pco/contract';
import { CliUsageError } from './context.js';
import { scaledCodegenTiming } from './time-scale.js';

/** Knobs for tests and the demo (fakes, sped-up time). Real runs use none of them. */
export interface PipelineTuning {
  /** GitHub client overrides (e.g. `timeScale`, write spacing) for the fake. */
  readonly github?: Partial<GitHubClientOptions>;
  readonly logger?: GitHubLogger;
}

/** The GitHub client for `config.github`. */
export function createGitHubClientFor(config: PcoConfig, tuning: PipelineTuning = {}): GitHubClient {
  return createGitHubClient({
    token: config.github.token,
    baseUrl: config.github.baseUrl,
    userAgent: 'pco',
    ...(tuning.logger ? { logger: tuning.logger } : {}),
    ...tuning.github,
  });
}

/** Hosts whose issue URLs count as references: github.com, plus the Enterprise host when configured. */
function referenceHosts(baseUrl: string): string[] {
  const host = new URL(baseUrl).hostname;
  return host === 'api.github.com' || host === '127.0.0.1' || host === 'localhost' ? ['github.com'] : ['github.com', host];
}

/** Dependency and trust options shared by both sources. */
function resolutionOptions(config: PcoConfig) {
  const deps = config.source.dependencies;
  return {
    parseBodies: deps.prose,
    ...(deps.labels ? {} : { labelPatterns: [] }),
    nativeBlockedBy: deps.native,
    subIssues: deps.subIssues,
    ignoreExternalBlockers: deps.ignoreExternal,
    trustedAssociations: config.source.trust.associations,
    allowedAuthors: config.source.trust.allowAuthors,
    hosts: referenceHosts(config.github.baseUrl),
  };
}

function milestoneOf(value: string | number | undefined): number | '*' | 'none' | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (value === '*' || value === 'none') return value;
  return /^\d+$/.test(value) ? Number(value) : (value as '*');
}

/** The task source for `config.source`. */
export function createTaskSource(config: PcoConfig, client: GitHubClient): TaskSource {
  const { github } = config;
  if (config.source.type === 'project') {
    const project = github.project!;
    return new GitHubProjectSource({
      client,
      owner: project.owner,
      ownerType: project.ownerType,
      number: project.number,
      ...(config.source.statuses.length > 0 ? { statuses: config.source.statuses } : {}),
      ...(github.repos[0] ? { draftRepo: github.repos[0] } : {}),
      ...resolutionOptions(config),
    });
  }
  const milestone = milestoneOf(github.filters.milestone);
  return new GitHubIssuesSource({
    client,
    repos: github.repos,
    state: github.filters.state,
    labels: github.filters.labels,
    ...(github.filters.assignee !== undefined ? { assignee: github.filters.assignee } : {}),
    ...(milestone !== undefined ? { milestone } : {}),
    ...(github.filters.since !== undefined ? { since: github.filters.since } : {}),
    ...resolutionOptions(config),
  });
}

/** The reporter's options for `config.automation`. */
export function reporterOptions(config: PcoConfig, client: GitHubClient): GitHubReporterOptions {
  const a = config.automation;
  const ps = a.projectStatus;
  const projectStatus: Partial<Record<GitHubTaskState, string | null>> = {};
  const map = (states: GitHubTaskState[], value: string | null | undefined) => {
    if (value === undefined) return;
    for (const state of states) projectStatus[state] = value;
  };
  map(['pending', 'ready'], ps.queued);
  map(['running', 'retrying'], ps.running);
  map(['done'], ps.done);
  map(['failed'], ps.failed);
  map(['skipped'], ps.skipped);
  map(['needs-input'], ps.needsInput);
  map(['interrupted'], ps.interrupted);
  const project = config.source.type === 'issues' && config.github.project ? { project: { owner: config.github.project.owner, number: config.github.project.number } } : {};
  return {
    client,
    statusLabels: a.statusLabels ? { prefix: a.statusLabelPrefix } : false,
    ...(a.postComments ? {} : { commentStates: [] }),
    projectStatus,
    ...project,
    autoMerge: a.autoMerge ? { method: a.mergeMethod, mode: 'auto' } : false,
    branches: a.branchPerTask ? { prefix: a.branchPrefix } : false,
  };
}

/** The reporter that writes outcomes back to GitHub. */
export function createReporter(config: PcoConfig, client: GitHubClient, logger?: GitHubLogger): GitHubReporter {
  return new GitHubReporter({ ...reporterOptions(config, client), ...(logger ? { logger } : {}) });
}

/** Codegen knobs: the durable budget for `pco run`, the time scale for tests and the demo. */
export interface CodegenTuning {
  /** The fake's time scale: rate-limit windows, backoff and poll intervals shrink with it (see {@link scaledCodegenTiming}). */
  readonly timeScale?: number;
  /**
   * Keep the rate-limit budget beside the journal (`<journal.path>.budget.json`, see
   * `runBudgetStore`), so a resumed run starts from the budget the server still counts instead
   * of sending into it (429s). `pco run` sets it; the demo, with a fresh fake each time, does not.
   * @default false
   */
  readonly persistBudget?: boolean;
  /**
   * Hears a budget file that cannot be read or written; the run then goes on with the budget in
   * memory (only a restart after it may meet 429s). Without it such a failure fails the request.
   */
  readonly onBudgetError?: (error: Error) => void;
  /**
   * Where the budget lives instead (the scale-out mode's `RedisBucketStore`: one budget for every
   * process using the organisation's token). Takes precedence over `persistBudget`.
   */
  readonly bucketStore?: BucketStore;
}

/** The Codegen client and executor for `config.codegen` (`orgId` and `token` must be set: see `runRequirementIssues`). */
export function createCodegenExecutor(config: PcoConfig, tuning: CodegenTuning = {}): { client: CodegenClient; executor: CodegenExecutor; watcher: RunWatcher } {
  const { codegen } = config;
  if (codegen.orgId === undefined || codegen.token === undefined) {
    throw new CliUsageError('codegen.orgId and codegen.token are required to run agents.');
  }
  const timing = tuning.timeScale === undefined ? undefined : scaledCodegenTiming(tuning.timeScale);
  const client = new CodegenClient({
    token: codegen.token,
    orgId: codegen.orgId,
    baseUrl: codegen.baseUrl,
    headers: { 'user-agent': 'pco' },
    ...(timing ? { retry: timing.retry } : {}),
    limits: {
      ...(timing ? { limits: timing.limits } : {}),
      ...(tuning.bucketStore ? { store: tuning.bucketStore } : {}),
      ...(tuning.persistBudget && !tuning.bucketStore
        ? {
            store: runBudgetStore(config.journal.path, {
              ...(tuning.timeScale !== undefined ? { timeScale: tuning.timeScale } : {}),
              ...(tuning.onBudgetError ? { onError: tuning.onBudgetError } : {}),
            }),
          }
        : {}),
    },
  });
  // One poller for every run of this client, whichever executor started it (a worker also runs
  // other backlogs' jobs through executors of their own): one read per tick in all. Close it
  // with the executor.
  const watcher = new RunWatcher(client, timing?.watcher ?? {});
  const executor = new CodegenExecutor({
    client,
    watcher,
    ...(codegen.repoId !== undefined ? { repoId: codegen.repoId } : {}),
    ...(codegen.model !== undefined ? { model: codegen.model } : {}),
    ...(codegen.agentType !== undefined ? { agentType: codegen.agentType } : {}),
    ...(codegen.promptTemplate !== undefined ? { promptTemplate: codegen.promptTemplate } : {}),
    stopRunOnCancel: codegen.stopRunOnCancel,
  });
  return { client, executor, watcher };
}
