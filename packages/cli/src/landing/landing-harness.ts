/**
 * The landing tests' harness (not exported from the package): a fake GitHub with a small backlog
 * and branch rules, a fake Codegen, both linked (a completed run opens its pull request, a
 * follow-up pushes to it), and `pco run`'s pipeline on a `pco.yaml` written by `fakesConfig`,
 * sped up the way `pco demo` runs it: `pco run` has no time-scale knob for the lander, so the
 * pieces are the ones `run-pipeline-command.ts` and `demo-command.ts` build (`createLander`,
 * `createCodegenExecutor`, `executeRun`, the FileJournal resumed when it exists), with the
 * fakes' time scale passed to each.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileJournal, journalExists, type FileJournalOptions, type RunSummary } from '@pco/core';
import type { GitHubLanderEvents } from '@pco/github-source';
import {
  linkFakes,
  startFakeCodegen,
  startFakeGitHub,
  type FakeBranchRules,
  type FakeCodegen,
  type FakeGitHub,
  type FakeIssueFixture,
  type FakeLink,
  type FakeLinkScript,
  type FakePullScript,
  type FakeRunCompletion,
  type FakeRunScript,
} from '@pco/testkit';
import { parseConfigText, secretValues, type PcoConfig } from '../config/index.js';
import type { CliContext } from '../cli/context.js';
import { fakesConfig } from '../cli/in-process-cli.js';
import { createLander, landingOptions } from '../cli/landing-pipeline.js';
import { createCodegenExecutor, createGitHubClientFor, createReporter, createTaskSource } from '../cli/pipeline.js';
import { CODEGEN_CREATE_RATE, executeRun } from '../cli/run-command.js';
import { journalFingerprint } from '../journal/index.js';

export const REPO = 'acme/web';
export const GH_TOKEN = 'ghp_landingTestToken0123456789abcdefgh';
export const CG_TOKEN = 'cg-landing-test-token-0123456789';

/** One scenario: the backlog, the branch rules, what the agents and their pull requests do. */
export interface Scenario {
  /** Issues of {@link REPO} (labelled `agent` here). */
  readonly issues: readonly Omit<FakeIssueFixture, 'labels'>[];
  /** @default { requiredChecks: ['ci'] } */
  readonly rules?: FakeBranchRules;
  /** `Repository.autoMergeAllowed`. @default true */
  readonly autoMergeAllowed?: boolean;
  /** The pull requests' script where {@link pulls} gives none. @default a `ci` check that passes in 60 s (API time) */
  readonly pullScript?: FakePullScript;
  /** What happens on the pull request of a task's first run. @default {@link pullScript} */
  readonly pulls?: (taskId: string) => FakeLinkScript | undefined;
  /** Agent runs (the first run of a task, and each follow-up). @default the fake's random 3–12 min */
  readonly runs?: (taskId: string, followUp: boolean) => FakeRunScript | undefined;
  /** Lines of the `landing:` section (indented by two), e.g. `dependentsStartWhen: merged`. */
  readonly landing?: readonly string[];
  /** Times faster than real time. @default 1000 */
  readonly speed?: number;
}

/** A JSON line of the run's output. */
export type Line = Readonly<Record<string, unknown>> & { readonly event?: string; readonly taskId?: string; readonly time?: string };

/** One `pco run`. */
export interface RunResult {
  readonly code: number;
  readonly summary: RunSummary | undefined;
  readonly lines: readonly Line[];
  readonly stderr: string;
  /** The lander's reactions (`reaction` events): follow-ups asked and ended, steps sent or refused. */
  readonly reactions: readonly GitHubLanderEvents['reaction'][];
}

/** A run segment that ended (the link saw it): the first run of a task, or a follow-up. */
export interface Segment {
  readonly runId: number;
  readonly taskId: string | undefined;
  readonly resumeCount: number;
  readonly prompt: string;
  readonly followUp: boolean;
}

export interface LandingEnv {
  readonly github: FakeGitHub;
  readonly codegen: FakeCodegen;
  readonly link: FakeLink;
  /** Every run segment that ended, in order. */
  readonly segments: readonly Segment[];
  /** When (epoch ms, the fakes' clock) the link opened each pull request, by URL (the fake's own times are in seconds). */
  readonly openedAt: ReadonlyMap<string, number>;
  readonly dir: string;
  readonly timeScale: number;
  /** The `pco.yaml` (tokens as `${GH_TOKEN}` and `${CG_TOKEN}`). */
  readonly configText: string;
  /** `pco run` (resuming the journal when one exists). */
  run(): Promise<RunResult>;
  close(): Promise<void>;
}

const taskOf = (metadata: Readonly<Record<string, unknown>> | null | undefined): string | undefined =>
  typeof metadata?.pco_task_id === 'string' ? metadata.pco_task_id : undefined;

/** Starts the fakes and writes `pco.yaml`. */
export async function startLanding(s: Scenario): Promise<LandingEnv> {
  const speed = s.speed ?? 1000;
  const timeScale = 1 / speed;
  const [owner, name] = REPO.split('/') as [string, string];
  const github = await startFakeGitHub(
    {
      viewer: 'pco-bot',
      repos: [
        {
          owner,
          name,
          autoMergeAllowed: s.autoMergeAllowed ?? true,
          rules: s.rules ?? { requiredChecks: ['ci'] },
          pullScript: s.pullScript ?? { checks: [{ name: 'ci', results: ['success'] }] },
          issues: s.issues.map((issue) => ({ ...issue, labels: ['agent'] })),
        },
      ],
    },
    { token: GH_TOKEN, timeScale },
  );
  const codegen = await startFakeCodegen({
    tokens: [CG_TOKEN],
    orgId: 1,
    repos: [{ id: 1, fullName: REPO }],
    timeScale,
    seed: 11,
    script: (run) => {
      const taskId = taskOf(run.metadata);
      return taskId === undefined ? undefined : s.runs?.(taskId, run.resumeCount > 0 || run.metadata?.pco_follow_up_pr !== undefined);
    },
  });
  // The segments the link sees, recorded on the way in (the link owns the completion hook).
  const segments: Segment[] = [];
  const recorded: FakeCodegen = {
    ...codegen,
    setRunCompletion: (hook) =>
      codegen.setRunCompletion(
        hook &&
          ((run: FakeRunCompletion) => {
            const followUp = run.resumeCount > 0 || run.earlierPullRequests.length > 0 || run.metadata?.pco_follow_up_pr !== undefined;
            segments.push({ runId: run.id, taskId: taskOf(run.metadata), resumeCount: run.resumeCount, prompt: run.prompt, followUp });
            return hook(run);
          }),
      ),
  };
  const openedAt = new Map<string, number>();
  const link = linkFakes({
    codegen: recorded,
    github: {
      pulls: {
        open: (o) => {
          const opened = github.pulls.open(o);
          openedAt.set(opened.url, Date.now());
          return opened;
        },
        push: (...args) => github.pulls.push(...args),
        get: (...args) => github.pulls.get(...args),
      },
    },
    script: (run) => {
      const taskId = taskOf(run.metadata);
      return taskId === undefined ? undefined : s.pulls?.(taskId);
    },
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'pco-landing-'));
  const text = fakesConfig({
    githubUrl: github.url,
    codegenUrl: codegen.url,
    repos: [REPO],
    orgId: 1,
    githubToken: '${GH_TOKEN}',
    codegenToken: '${CG_TOKEN}',
    landing: true,
    more: [
      'agent:',
      '  maxConcurrentAgents: 4',
      '  retryAttempts: 1',
      '  retryDelaySeconds: 5',
      'landing:',
      '  pollSeconds: 5',
      ...(s.landing ?? []).map((line) => `  ${line}`),
      'journal:',
      `  path: ${path.join(dir, 'journal.jsonl')}`,
      `  resultsDir: ${dir}`,
    ],
  });
  return {
    github,
    codegen,
    link,
    segments,
    openedAt,
    dir,
    timeScale,
    configText: text,
    run: () => runLandingPipeline(text, dir, speed),
    close: async () => {
      link.close();
      await Promise.allSettled([github.close(), codegen.close()]);
    },
  };
}

/** Opens the run's journal (the crash suite's child opens one with a fault hook). */
export type OpenJournal = (options: FileJournalOptions) => Promise<FileJournal>;

/** `pco run`'s pipeline at `speed` on the config `text` (see the module comment). */
export async function runLandingPipeline(text: string, dir: string, speed: number, openJournal: OpenJournal = (o) => FileJournal.open(o)): Promise<RunResult> {
  const parsed = parseConfigText(text, { env: { GH_TOKEN, CG_TOKEN }, baseDir: dir });
  if (!parsed.ok) throw new Error(`config invalid: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  const config = parsed.config;
  const secrets = secretValues(config);
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: { write: (chunk: string) => ((stdout += chunk), true), isTTY: false },
    stderr: { write: (chunk: string) => ((stderr += chunk), true), isTTY: false },
    env: {},
    cwd: dir,
  };
  const client = createGitHubClientFor(config, {
    github: { timeScale: 1000 / speed, writeSpacingMs: 1000 / speed, notificationSpacingMs: 3000 / speed, throttleId: `pco-landing-test-${path.basename(dir)}` },
  });
  const source = createTaskSource(config, client);
  const reporter = createReporter(config, client);
  const lander = createLander(config, client, { timeScale: 1 / speed });
  const { executor, watcher } = createCodegenExecutor(config, { timeScale: 1 / speed });
  const reactions: GitHubLanderEvents['reaction'][] = [];
  lander?.on('reaction', (reaction) => reactions.push(reaction));
  const resume = await journalExists(config.journal.path);
  const journal = await openJournal({ path: config.journal.path, fingerprint: journalFingerprint(config), mode: 'resume', secrets });
  try {
    const report = await executeRun(
      ctx,
      config,
      {
        source,
        executor,
        reporters: [reporter],
        journal,
        resume,
        secrets,
        orchestrator: { ...scaledOrchestratorOptions(config, speed), ...landingOptions(config, lander) },
      },
      { json: true, verbose: true },
    );
    const lines = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Line);
    return { code: report.code, summary: report.summary, lines, stderr, reactions };
  } finally {
    lander?.close();
    executor.close();
    watcher.close();
    await journal.close().catch(() => undefined);
  }
}

/** The Orchestrator's timing at `speed`, as `pco demo` scales it. */
function scaledOrchestratorOptions(config: PcoConfig, speed: number) {
  return {
    // HTTP and a busy CPU do not speed up, so the timeout keeps a floor of real time.
    timeoutMs: Math.max((config.agent.taskTimeoutSeconds * 1000) / speed, 30_000),
    retry: { attempts: config.agent.retryAttempts + 1, baseDelayMs: (config.agent.retryDelaySeconds * 1000) / speed },
    abortGraceMs: 30_000 / speed,
    pool: { coolDownMs: 60_000 / speed },
    startRate: { ...CODEGEN_CREATE_RATE, windowMs: CODEGEN_CREATE_RATE.windowMs / speed },
  };
}

/** The run's lines of `event` (for `taskId`). */
export function linesOf(lines: readonly Line[], event: string, taskId?: string): Line[] {
  return lines.filter((line) => line.event === event && (taskId === undefined || line.taskId === taskId));
}

/** The first run the fake Codegen created for `taskId` (not a follow-up). */
export function firstRunOf(codegen: FakeCodegen, taskId: string) {
  return codegen.created.find((record) => taskOf(record.metadata) === taskId && record.metadata?.pco_follow_up_pr === undefined);
}

/** The pull request the link opened for `taskId`'s first run. */
export function pullOf(env: Pick<LandingEnv, 'codegen' | 'link'>, taskId: string) {
  const run = firstRunOf(env.codegen, taskId);
  return run === undefined ? undefined : env.link.opened.find((pull) => pull.runId === run.id);
}
