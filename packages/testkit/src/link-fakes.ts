/**
 * `linkFakes({ codegen, github })`: the fake Codegen's runs work on the fake GitHub. A run that
 * completes with pull requests opens them in the fake GitHub (scripted CI and reviews per push,
 * from the prompt's marker or the `script` callback), and reports their real URL, number and head
 * branch in `github_pull_requests`. A follow-up on such a PR (a resumed run, or a new run whose
 * metadata names the PR) pushes a commit to it when it completes, so the script's outcome for the
 * next push applies. No timers, no randomness: PRs are opened and pushed on the first read of the
 * run after it ended, in the order the fake sees reads. The demo and the end-to-end tests use it.
 */
import type { FakeCodegen, FakeRunCompletion, FakeRunPullRequest } from './codegen/index.js';
import type { FakePullControl } from './github/index.js';
import { parseFakeLinkMarker, slugOf, titleOf, toPullScript, type FakeLinkScript } from './link-script.js';

export { parseFakeLinkMarker, type FakeLinkScript, type FakeLinkCheckConclusion, type FakeLinkReview } from './link-script.js';

/** The part of the fake GitHub the link drives: its pull-request control API (`fake.pulls`). */
export interface LinkableGitHub {
  readonly pulls: Pick<FakePullControl, 'open' | 'push' | 'get'>;
}

/** Options of {@link linkFakes}. */
export interface LinkFakesOptions {
  readonly codegen: FakeCodegen;
  readonly github: LinkableGitHub;
  /**
   * The PR script of a run that opens PRs; wins over the prompt's marker (see link-script.ts).
   * Return undefined to use the marker.
   */
  readonly script?: (run: FakeRunCompletion) => FakeLinkScript | undefined;
  /** Name of the check a `ci=` script runs. @default 'ci' */
  readonly checkName?: string;
  /**
   * Metadata key by which a new run names the PR it continues (what `CodegenExecutor` sets on a
   * follow-up that could not resume its run).
   * @default 'pco_follow_up_pr'
   */
  readonly followUpMetadataKey?: string;
  /**
   * Whether a follow-up's push merges the PR's base in (a rebase: conflicts and BEHIND clear).
   * @default a follow-up whose metadata reason is `conflict`, or whose prompt speaks of a conflict or a rebase
   */
  readonly mergesBase?: (run: FakeRunCompletion) => boolean;
  /**
   * Play Codegen's check-suite auto-fixer: before each fake Codegen request, a linked PR whose head
   * checks all completed with a failure gets a `GITHUB_CHECK_SUITE` run on it (once per head
   * commit), while the repository's check-suite settings allow (the failing checks' retry counts,
   * `check_retry_counts` over `check_retry_count`, minus the fixes already made on the PR;
   * `ignored_checks` left out). The run pushes to the PR when it ends, like any follow-up.
   * @default false
   */
  readonly autoFix?: boolean;
}

/** An auto-fix run the link started (see {@link LinkFakesOptions.autoFix}). */
export interface LinkedAutoFix {
  readonly runId: number;
  readonly url: string;
  /** The head commit whose checks failed. */
  readonly headSha: string;
  readonly checks: readonly string[];
}

/** A PR the link opened. */
export interface LinkedPull {
  readonly runId: number;
  readonly repo: string;
  readonly number: number;
  readonly url: string;
  readonly head: string;
  readonly title: string;
  readonly files: readonly string[];
}

/** A push a follow-up made. */
export interface LinkedPush {
  readonly runId: number;
  readonly repo: string;
  readonly number: number;
  readonly headSha: string;
  readonly mergeBase: boolean;
}

/** A running link. */
export interface FakeLink {
  /** PRs opened, in order. */
  readonly opened: readonly LinkedPull[];
  /** Follow-up pushes, in order. */
  readonly pushes: readonly LinkedPush[];
  /** Auto-fix runs started, in order (with `autoFix`). */
  readonly autoFixes: readonly LinkedAutoFix[];
  /** What went wrong inside the link (a bad marker, a push to a closed PR); the run then reports the fake's own PRs. */
  readonly errors: readonly Error[];
  /** The PR opened for `url`, if the link opened it. */
  pull(url: string): LinkedPull | undefined;
  /** Unhooks the fake Codegen (runs report the fake's own PRs again). */
  close(): void;
}

const FAILED = new Set(['failure', 'cancelled', 'timed_out', 'action_required']);

function defaultMergesBase(run: FakeRunCompletion): boolean {
  return run.metadata?.['pco_follow_up_reason'] === 'conflict' || /\b(conflict|conflicts|conflicting|rebase)\b/i.test(run.prompt);
}

/** Links a fake Codegen to a fake GitHub (see the module comment). */
export function linkFakes(options: LinkFakesOptions): FakeLink {
  const { codegen, github } = options;
  const checkName = options.checkName ?? 'ci';
  const followUpKey = options.followUpMetadataKey ?? 'pco_follow_up_pr';
  const mergesBase = options.mergesBase ?? defaultMergesBase;
  const opened: LinkedPull[] = [];
  const pushes: LinkedPush[] = [];
  const errors: Error[] = [];
  const byUrl = new Map<string, LinkedPull>();

  const report = (pull: LinkedPull): FakeRunPullRequest => ({ title: pull.title, url: pull.url, headBranchName: pull.head });

  /** A follow-up: push to each linked PR it continues. */
  const push = (run: FakeRunCompletion, targets: readonly LinkedPull[]): FakeRunPullRequest[] => {
    const mergeBase = mergesBase(run);
    for (const target of targets) {
      const headSha = github.pulls.push(target.repo, target.number, mergeBase ? { mergeBase: true } : {});
      pushes.push({ runId: run.id, repo: target.repo, number: target.number, headSha, mergeBase });
    }
    return targets.map(report);
  };

  /** A first run: open `prCount` PRs on its repository. */
  const open = (run: FakeRunCompletion, repo: string): FakeRunPullRequest[] => {
    const script = options.script?.(run) ?? parseFakeLinkMarker(run.prompt);
    const title = titleOf(run.prompt);
    const pulls: FakeRunPullRequest[] = [];
    for (let part = 1; part <= run.prCount; part++) {
      const suffix = run.prCount > 1 ? `-part-${part}` : '';
      const files = part === 1 && script?.files && script.files.length > 0 ? script.files : [`src/${slugOf(title)}${suffix}.ts`];
      const head = `codegen-bot/${slugOf(title)}-${run.id}${suffix}`;
      const pullTitle = run.prCount > 1 ? `${title} (part ${part})` : title;
      const created = github.pulls.open({
        repo,
        head,
        title: pullTitle,
        body: `Opened by Codegen agent run ${run.id}.`,
        files,
        ...(script ? { script: toPullScript(script, files, checkName) } : {}),
        ...(script?.base ? { base: script.base } : {}),
      });
      const pull: LinkedPull = { runId: run.id, repo, number: created.number, url: created.url, head, title: pullTitle, files };
      opened.push(pull);
      byUrl.set(pull.url, pull);
      pulls.push(report(pull));
    }
    return pulls;
  };

  const autoFixes: LinkedAutoFix[] = [];
  const fixedHeads = new Set<string>();
  /** Starts Codegen's auto-fix runs on linked PRs whose checks failed (see `autoFix`). */
  const startAutoFixes = (): void => {
    for (const pull of opened) {
      const repoId = codegen.repos.find((repo) => repo.fullName === pull.repo)?.id;
      const settings = repoId === undefined ? undefined : codegen.checkSuiteSettings(repoId);
      if (!settings) continue;
      const snapshot = github.pulls.get(pull.repo, pull.number);
      if (snapshot.state !== 'OPEN' || fixedHeads.has(snapshot.headSha) || snapshot.checks.some((check) => check.status !== 'completed')) continue;
      const failing = snapshot.checks.filter((check) => FAILED.has(check.conclusion ?? '') && !settings.ignored_checks.includes(check.name));
      if (failing.length === 0) continue;
      const allowed = Math.max(...failing.map((check) => settings.check_retry_counts[check.name] ?? settings.check_retry_count));
      if (autoFixes.filter((fix) => fix.url === pull.url).length >= allowed) continue;
      fixedHeads.add(snapshot.headSha);
      const checks = failing.map((check) => check.name);
      const runId = codegen.startRun({
        prompt: `Checks failed on ${pull.url}: ${checks.join(', ')}. Read the logs and push a fix to \`${pull.head}\`.`,
        sourceType: 'GITHUB_CHECK_SUITE',
        repoId: repoId as number,
        pullRequests: [report(pull)],
      });
      autoFixes.push({ runId, url: pull.url, headSha: snapshot.headSha, checks });
    }
  };
  if (options.autoFix) {
    codegen.setRequestHook(() => {
      try {
        startAutoFixes();
      } catch (error) {
        errors.push(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  codegen.setRunCompletion((run) => {
    if (run.status !== 'COMPLETE' || run.repo === null) return undefined;
    try {
      const earlier = run.earlierPullRequests.flatMap((pr) => byUrl.get(pr.url) ?? []);
      const named = run.metadata?.[followUpKey];
      const continued = earlier.length > 0 ? earlier : typeof named === 'string' && byUrl.has(named) ? [byUrl.get(named)!] : [];
      return continued.length > 0 ? push(run, continued) : open(run, run.repo);
    } catch (error) {
      errors.push(error instanceof Error ? error : new Error(String(error)));
      return undefined;
    }
  });

  return {
    opened,
    pushes,
    autoFixes,
    errors,
    pull: (url) => byUrl.get(url),
    close: () => {
      codegen.setRunCompletion(undefined);
      if (options.autoFix) codegen.setRequestHook(undefined);
    },
  };
}
